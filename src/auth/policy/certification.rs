//! Skill evaluation: assessment bodies and their candidates.

use super::*;

/// Evaluating skills: the organization the viewer acts for (the domain checks it is a filed body).
pub fn may_assess(viewer: &Viewer) -> AppResult<i32> {
    match &viewer.actor {
        Actor::Enterprise { staff, .. }
        | Actor::AssessmentBody(staff)
        | Actor::TrainingInstitution(staff)
        | Actor::College(staff) => Ok(staff.organization),
        Actor::Public => Err(AppError::Unauthenticated(
            "evaluating skills needs a token".to_owned(),
        )),
        other => Err(AppError::Forbidden(format!(
            "the {} role does not evaluate skills",
            other.role().as_str()
        ))),
    }
}

/// Registering candidates: the organization acted for, a session's body or a learner's training
/// provider (which of the two, [`may_register_candidate`] decides on the row).
pub fn may_register_candidates(viewer: &Viewer) -> AppResult<i32> {
    may_assess(viewer)
}

/// Whether a viewer sees a session's candidates: the body's users, the regulator of the
/// session's region.
pub fn candidates_visible(
    viewer: &Viewer,
    session_region_id: i32,
    body_organization_id: i32,
) -> bool {
    match viewer.role() {
        Role::Regulator => viewer.region_id() == Some(session_region_id),
        Role::Public | Role::Learner => false,
        _ => viewer.organization_id() == Some(body_organization_id),
    }
}

/// Managing a session: the acting body (`acting_body_id`, the viewer's filed body) runs only its
/// own sessions.
pub fn may_manage_session(acting_body_id: i32, session_body_id: i32) -> AppResult<()> {
    if acting_body_id == session_body_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the session belongs to another assessment body".to_owned(),
        ))
    }
}

/// Evaluating at all: only a filed body (`filed` is whether the acting organization filed one).
pub fn may_act_as_body(filed: bool) -> AppResult<()> {
    if filed {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the organization is not a filed assessment body".to_owned(),
        ))
    }
}

/// Evaluating needs an ACTIVE body: a suspended or revoked one may not evaluate.
pub fn may_evaluate(body: &entity::assessment_body::Model) -> AppResult<()> {
    if body.status == entity::BodyStatus::Active {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "the assessment body is {:?}; it may not evaluate",
            body.status
        )))
    }
}

/// Registering a learner as a session's candidate: the session's body (`org_id` is its
/// organization), or the learner's training provider (`trains_learner`, read by the domain).
pub fn may_register_candidate(
    org_id: i32,
    body_organization_id: i32,
    trains_learner: bool,
) -> AppResult<()> {
    if org_id == body_organization_id || trains_learner {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "candidates are registered by the session's body or the learner's training provider"
                .to_owned(),
        ))
    }
}

/// Revoking a certificate: its body's users, or the regulator of the body's region.
pub fn may_revoke_certificate(
    viewer: &Viewer,
    body_organization_id: i32,
    body_region_id: i32,
) -> AppResult<()> {
    if may_assess(viewer).ok() == Some(body_organization_id) {
        return Ok(());
    }
    may_supervise(viewer, body_region_id).map_err(|e| match e {
        AppError::Unauthenticated(_) => e,
        _ => AppError::Forbidden(
            "a certificate is revoked by its body or its region's regulator".to_owned(),
        ),
    })
}

/// Seeing a session's candidates: [`candidates_visible`] (`visible`, decided on the session and its
/// body), refused with a reason.
pub fn may_see_candidates(visible: bool) -> AppResult<()> {
    if visible {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the candidates are the body's and the regulator's to see".to_owned(),
        ))
    }
}

/// Recording an honour conferred on a person: the regulator of the person's region.
pub fn may_record_honour(viewer: &Viewer, learner_region_id: i32) -> AppResult<()> {
    may_supervise(viewer, learner_region_id).map_err(|e| match e {
        AppError::Unauthenticated(_) => e,
        _ => AppError::Forbidden(
            "an honour is recorded by the regulator of the person's region".to_owned(),
        ),
    })
}
