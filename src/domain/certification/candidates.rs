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
    learner::Entity::find_by_id(learner_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("input.learner", "no learner has this ID"))?;
    let org_id = policy::may_register_candidates(&caller.viewer)?;
    let trains_learner = org_id != body.organization_id
        && provider_of_learner(db, &caller.access, org_id, learner_id).await?;
    policy::may_register_candidate(org_id, body.organization_id, trains_learner)?;
    ensure_active(&body)?;
    if body.body_type == BodyType::Employer {
        if !employee_of(db, body.organization_id, learner_id).await? {
            return Err(AppError::validation(
                "input.learner",
                "an employer body evaluates its own employees only",
            ));
        }
        if attestation.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(AppError::validation(
                "input.attestation",
                "an employer body attests that the learner is its employee",
            ));
        }
    }
    if session.status != SessionStatus::Scheduled {
        return Err(conflict("the session takes no registrations"));
    }
    if Utc::now().date_naive() > session.registration_deadline {
        return Err(conflict("the registration deadline has passed"));
    }
    let txn = crate::domain::begin_write(db).await?;
    // First statement: reserve a place, or learn there is none.
    let reserved = assessment_session::Entity::update_many()
        .col_expr(
            assessment_session::Column::Registered,
            Expr::col(assessment_session::Column::Registered).add(1),
        )
        .filter(assessment_session::Column::Id.eq(session_id))
        .filter(
            Expr::col(assessment_session::Column::Registered)
                .lt(Expr::col(assessment_session::Column::Capacity)),
        )
        .filter(assessment_session::Column::Status.eq(SessionStatus::Scheduled))
        .exec(&txn)
        .await?;
    if reserved.rows_affected != 1 {
        return Err(conflict("the session is full"));
    }
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
