//! Skill evaluation: assessment bodies and their candidates.

use super::*;

/// Evaluating skills: the organization the viewer acts for (the domain checks it is a filed body).
pub fn assess(viewer: &Viewer) -> AppResult<i32> {
    let org = match viewer.role() {
        Role::Enterprise | Role::AssessmentBody | Role::TrainingInstitution | Role::College => {
            viewer.organization_id()
        }
        Role::Public => {
            return Err(AppError::Unauthenticated(
                "evaluating skills needs a token".to_owned(),
            ));
        }
        _ => None,
    };
    org.ok_or_else(|| {
        AppError::Forbidden(format!(
            "the {} role does not evaluate skills",
            viewer.role().as_str()
        ))
    })
}

/// Registering candidates: an assessment body, or a learner's training provider.
pub fn assess_or_train(viewer: &Viewer) -> AppResult<i32> {
    assess(viewer)
}

/// Whether a viewer sees a session's candidates: the body's users, the regulator of the
/// session's region.
pub fn see_candidates(viewer: &Viewer, session_region_id: i32, body_organization_id: i32) -> bool {
    match viewer.role() {
        Role::Regulator => viewer.region_id() == Some(session_region_id),
        Role::Public | Role::Learner => false,
        _ => viewer.organization_id() == Some(body_organization_id),
    }
}
