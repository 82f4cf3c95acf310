//! Registering candidates for a session.

use super::*;

pub(super) fn conflict(message: &str) -> AppError {
    AppError::Conflict(message.to_owned())
}

/// Whether `provider_id` trains or registered the learner.
pub(super) async fn provider_of_learner(
    db: &DatabaseConnection,
    rules: &policy::AccessRules,
    provider_id: i32,
    learner_id: i32,
) -> AppResult<bool> {
    let Some(found) = learner::Entity::find_by_id(learner_id).one(db).await? else {
        return Ok(false);
    };
    let facts = gate::facts(db, &[(found.id, found.region_id)])
        .await?
        .remove(&found.id)
        .unwrap_or_default();
    Ok(policy::provider_in_relation(
        &facts,
        provider_id,
        rules,
        chrono::Utc::now(),
    ))
}

/// Whether the learner works for `enterprise_id`: enrolled in one of its cohorts under a labour
/// contract.
pub(super) async fn employee_of(
    db: &DatabaseConnection,
    enterprise_id: i32,
    learner_id: i32,
) -> AppResult<bool> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::LearnerId.eq(learner_id))
        .filter(enrollment::Column::ContractStart.is_not_null())
        .filter(enrollment::Column::Status.ne(EnrollmentStatus::Withdrawn))
        .filter(
            enrollment::Column::CohortId.in_subquery(
                Query::select()
                    .column(cohort::Column::Id)
                    .from(cohort::Entity)
                    .and_where(Expr::col(cohort::Column::EnterpriseId).eq(enterprise_id))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?
        .is_some())
}

/// Takes a place of a SCHEDULED session with one free (`columns`: its id, places taken, places
/// and status), or says it is full: the first statement of a registration, so two registrations
/// never take the last place both.
pub(super) async fn reserve_place<E: EntityTrait>(
    txn: &impl ConnectionTrait,
    session_id: i32,
    [id, registered, capacity, status]: [E::Column; 4],
) -> AppResult<()> {
    let reserved = E::update_many()
        .col_expr(registered, Expr::col(registered).add(1))
        .filter(id.eq(session_id))
        .filter(Expr::col(registered).lt(Expr::col(capacity)))
        .filter(status.eq(SessionStatus::Scheduled))
        .exec(txn)
        .await?;
    if reserved.rows_affected != 1 {
        return Err(conflict("the session is full"));
    }
    Ok(())
}

/// Whether the caller may register `learner_id` with `body` for a session in `standing` (its
/// status and registration deadline): the body or the learner's training provider; an ACTIVE
/// body; an employer body's own employee; a SCHEDULED session before its deadline.
pub(super) async fn may_register(
    db: &DatabaseConnection,
    caller: &Caller,
    body: &assessment_body::Model,
    learner_id: i32,
    standing: (SessionStatus, NaiveDate),
) -> AppResult<()> {
    learner::Entity::find_by_id(learner_id)
        .one(db)
        .await?
        .filter(|l| l.erased_at.is_none())
        .ok_or_else(|| AppError::validation("input.learner", "no learner has this ID"))?;
    let org_id = policy::may_register_candidates(&caller.viewer)?;
    let trains_learner = org_id != body.organization_id
        && provider_of_learner(db, &caller.access, org_id, learner_id).await?;
    policy::may_register_candidate(org_id, body.organization_id, trains_learner)?;
    ensure_active(body)?;
    if body.body_type == BodyType::Employer
        && !employee_of(db, body.organization_id, learner_id).await?
    {
        return Err(AppError::validation(
            "input.learner",
            "an employer body evaluates its own employees only",
        ));
    }
    if standing.0 != SessionStatus::Scheduled {
        return Err(conflict("the session takes no registrations"));
    }
    if Utc::now().date_naive() > standing.1 {
        return Err(conflict("the registration deadline has passed"));
    }
    Ok(())
}

/// Registers a learner for a session: by the session's body, or by the learner's training
/// provider. Refused with nothing written when the session is full, past its deadline or not
/// SCHEDULED, when the learner is registered already or holds a valid certificate for the
/// occupation at that level or higher; an EMPLOYER body registers only its own employees, with
/// its attestation.
pub async fn register_candidate(
    db: &DatabaseConnection,
    caller: &Caller,
    session_id: i32,
    learner_id: i32,
    attestation: Option<String>,
) -> AppResult<candidate::Model> {
    let session = assessment_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("assessment session"))?;
    let body = assessment_body::Entity::find_by_id(session.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a session without its body"))?;
    may_register(
        db,
        caller,
        &body,
        learner_id,
        (session.status, session.registration_deadline),
    )
    .await?;
    if body.body_type == BodyType::Employer
        && attestation.as_deref().is_none_or(|a| a.trim().is_empty())
    {
        return Err(AppError::validation(
            "input.attestation",
            "an employer body attests that the learner is its employee",
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    // First statement: reserve a place, or learn there is none.
    reserve_place::<assessment_session::Entity>(
        &txn,
        session_id,
        [
            assessment_session::Column::Id,
            assessment_session::Column::Registered,
            assessment_session::Column::Capacity,
            assessment_session::Column::Status,
        ],
    )
    .await?;
    if candidate::Entity::find()
        .filter(candidate::Column::SessionId.eq(session_id))
        .filter(candidate::Column::LearnerId.eq(learner_id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(conflict(
            "the learner is registered for this session already",
        ));
    }
    if certificate::Entity::find()
        .filter(certificate::Column::LearnerId.eq(learner_id))
        .filter(certificate::Column::OccupationCode.eq(session.occupation_code.clone()))
        .filter(certificate::Column::Level.gte(session.level))
        .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(conflict(
            "the learner already holds a valid certificate for this occupation at this level or higher",
        ));
    }
    let inserted = candidate::Entity::insert(candidate::ActiveModel {
        session_id: Set(session_id),
        learner_id: Set(learner_id),
        attestation: Set(attestation
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty())),
        theory_score: Set(None),
        practical_score: Set(None),
        registered_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await;
    let saved = inserted.map_err(|e| {
        crate::domain::conflict_on_duplicate(
            e,
            "the learner is registered for this session already",
        )
    })?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "registerCandidate",
            target_type: "Candidate",
            target_id: NodeKey::Candidate(saved.id).to_id().0,
            region_id: Some(session.region_id),
            changes: Some(json!({ "session": NodeKey::AssessmentSession(session_id).to_id().0, "learner": NodeKey::Learner(learner_id).to_id().0, "attested": saved.attestation.is_some() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
