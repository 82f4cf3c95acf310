//! Reading special-ability sessions, candidates and certificates; revoking a certificate.

use entity::{
    special_ability, special_ability_candidate, special_ability_certificate,
    special_ability_session,
};

use super::*;

/// Which special-ability sessions to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct SpecialSessionFilter {
    /// With a venue in this region.
    pub region: Option<RegionCode>,
    /// Of this special ability, by code.
    pub special_ability: Option<String>,
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
    /// With a free place.
    pub open_seats_only: bool,
    /// In these statuses (SCHEDULED when empty).
    pub statuses: Vec<SessionStatus>,
}

fn select_special_sessions(
    filter: &SpecialSessionFilter,
) -> Select<special_ability_session::Entity> {
    let statuses = if filter.statuses.is_empty() {
        vec![SessionStatus::Scheduled]
    } else {
        filter.statuses.clone()
    };
    let mut select = special_ability_session::Entity::find()
        .filter(special_ability_session::Column::Status.is_in(statuses));
    if let Some(region) = &filter.region {
        select = select.filter(crate::domain::network::regions::located_in(
            std::slice::from_ref(region),
            (
                special_ability_session::Entity,
                special_ability_session::Column::RegionId,
            ),
            (
                special_ability_session::Entity,
                special_ability_session::Column::CountyId,
            ),
        ));
    }
    if let Some(code) = &filter.special_ability {
        select = select.filter(
            special_ability_session::Column::SpecialAbilityId.in_subquery(
                Query::select()
                    .column(special_ability::Column::Id)
                    .from(special_ability::Entity)
                    .and_where(Expr::col(special_ability::Column::Code).eq(code.trim()))
                    .to_owned(),
            ),
        );
    }
    if let Some(from) = filter.from {
        select = select.filter(special_ability_session::Column::ExamDate.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(special_ability_session::Column::ExamDate.lte(to));
    }
    if filter.open_seats_only {
        select = select.filter(
            Expr::col(special_ability_session::Column::Registered)
                .lt(Expr::col(special_ability_session::Column::Capacity)),
        );
    }
    select
}

/// Soonest first.
fn special_session_ordering() -> Ordering<special_ability_session::Entity> {
    Ordering {
        name: "special_sessions:date:asc".to_owned(),
        keys: vec![
            SortKey::column(
                special_ability_session::Column::ExamDate,
                false,
                KeyKind::Date,
                |m: &special_ability_session::Model| CursorValue::Date(m.exam_date),
            ),
            SortKey::column(
                special_ability_session::Column::Id,
                false,
                KeyKind::Int,
                |m: &special_ability_session::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

/// One page of special-ability sessions (public), soonest first.
pub async fn list_special_sessions(
    db: &DatabaseConnection,
    filter: &SpecialSessionFilter,
    request: &PageRequest,
) -> AppResult<Page<special_ability_session::Model>> {
    page::fetch_page(
        db,
        select_special_sessions(filter),
        &special_session_ordering(),
        request,
    )
    .await
}

/// How many special-ability sessions match.
pub async fn count_special_sessions(
    db: &DatabaseConnection,
    filter: &SpecialSessionFilter,
) -> AppResult<u64> {
    page::count(db, select_special_sessions(filter)).await
}

/// Special-ability sessions by id (public rows).
pub async fn special_sessions_by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, special_ability_session::Model>> {
    Ok(special_ability_session::Entity::find()
        .filter(special_ability_session::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The candidates of each special-ability session: callers check
/// [`super::may_see_candidates`] and show each person through the gate.
pub async fn special_candidates_by_session(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<special_ability_candidate::Model>>> {
    crate::domain::children_of::<special_ability_candidate::Entity>(
        db,
        special_ability_candidate::Column::SessionId,
        ids,
        special_ability_candidate::Column::Id,
        |c| c.session_id,
    )
    .await
}

/// The special-ability certificates of each learner, oldest first: callers show them with the
/// full learner only.
pub async fn special_certificates_by_learner(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<special_ability_certificate::Model>>> {
    crate::domain::children_of::<special_ability_certificate::Entity>(
        db,
        special_ability_certificate::Column::LearnerId,
        ids,
        special_ability_certificate::Column::Id,
        |c| c.learner_id,
    )
    .await
}

/// The certificate each candidacy earned, by candidate id.
pub async fn special_certificates_by_candidate(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, special_ability_certificate::Model>> {
    Ok(special_ability_certificate::Entity::find()
        .filter(special_ability_certificate::Column::CandidateId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.candidate_id, c))
        .collect())
}

/// Revokes a VALID special-ability certificate, with a reason: by its issuing body or the
/// regulator of the body's region.
pub async fn revoke_special_certificate(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    reason: crate::domain::kernel::input::Reason,
) -> AppResult<special_ability_certificate::Model> {
    let found = special_ability_certificate::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("certificate"))?;
    let body = assessment_body::Entity::find_by_id(found.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a certificate without its body"))?;
    let org = organization::Entity::find_by_id(body.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a body without its organization"))?;
    policy::may_revoke_certificate(&caller.viewer, body.organization_id, org.region_id)?;
    let txn = crate::domain::begin_write(db).await?;
    // First statement: revoked once, whoever revokes at the same time.
    let revoked = special_ability_certificate::Entity::update_many()
        .col_expr(
            special_ability_certificate::Column::Status,
            Expr::value(CertificateStatus::Revoked),
        )
        .col_expr(
            special_ability_certificate::Column::RevokedReason,
            Expr::value(reason.as_str().to_owned()),
        )
        .col_expr(
            special_ability_certificate::Column::RevokedAt,
            Expr::value(Utc::now()),
        )
        .filter(special_ability_certificate::Column::Id.eq(id))
        .filter(special_ability_certificate::Column::Status.eq(CertificateStatus::Valid))
        .exec(&txn)
        .await?;
    if revoked.rows_affected != 1 {
        return Err(AppError::validation(
            "status",
            "the certificate is revoked already",
        ));
    }
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "revokeCertificate",
            target_type: "SpecialAbilityCertificate",
            target_id: NodeKey::SpecialAbilityCertificate(id).to_id().0,
            region_id: Some(org.region_id),
            changes: Some(json!({ "number": found.number, "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    special_ability_certificate::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the certificate vanished"))
}

/// One special-ability candidate by id, unscoped: callers check
/// [`super::may_see_candidates`].
pub async fn special_candidate_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<special_ability_candidate::Model>> {
    Ok(special_ability_candidate::Entity::find_by_id(id)
        .one(db)
        .await?)
}

/// One special-ability certificate by id, unscoped: callers show it with the full learner only.
pub async fn special_certificate_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<special_ability_certificate::Model>> {
    Ok(special_ability_certificate::Entity::find_by_id(id)
        .one(db)
        .await?)
}
