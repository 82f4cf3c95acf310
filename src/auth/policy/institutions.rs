//! Institution evaluations (credit stars): who evaluates and who sees what.

use super::*;

/// Which institution evaluations a viewer may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvaluationScope {
    /// Every evaluation.
    All,
    /// Those of this region's institutions.
    Region(i32),
    /// This institution's own.
    Institution(i32),
}

/// The institution evaluations a viewer may list, proposed ones included: a regulator its
/// region's, a training institution its own, the system administrator all.
pub fn evaluation_scope(viewer: &Viewer) -> AppResult<EvaluationScope> {
    match (viewer.role(), viewer.region_id(), viewer.organization_id()) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "institution evaluations need a token".to_owned(),
        )),
        (Role::SystemAdmin, ..) => Ok(EvaluationScope::All),
        (Role::Regulator, Some(region), _) => Ok(EvaluationScope::Region(region)),
        (Role::TrainingInstitution, _, Some(org)) => Ok(EvaluationScope::Institution(org)),
        _ => Err(AppError::Forbidden(
            "institution evaluations are for the regulator and the institution evaluated"
                .to_owned(),
        )),
    }
}

/// Whether a viewer sees the whole of an evaluation of `institution_id` in `region_id`: its
/// status whatever it is, and the counts of learners its results rest on.
pub fn evaluation_visible_in_full(viewer: &Viewer, institution_id: i32, region_id: i32) -> bool {
    match evaluation_scope(viewer) {
        Ok(EvaluationScope::All) => true,
        Ok(EvaluationScope::Region(r)) => r == region_id,
        Ok(EvaluationScope::Institution(i)) => i == institution_id,
        Err(_) => false,
    }
}

/// Whether a viewer sees an evaluation's results score (and so its total): in full, or when it
/// rests on `enough_people` (the disclosure rule's minimum of ended enrolments), below which it
/// could tell one person's outcome.
pub fn evaluation_results_visible(
    viewer: &Viewer,
    institution_id: i32,
    region_id: i32,
    enough_people: bool,
) -> bool {
    enough_people || evaluation_visible_in_full(viewer, institution_id, region_id)
}

/// Whether a viewer sees an evaluation at all: a CONFIRMED one is public (its scores, stars and
/// standing are the bureau's published rating), any other only in full.
pub fn evaluation_visible(
    viewer: &Viewer,
    institution_id: i32,
    region_id: i32,
    confirmed: bool,
) -> bool {
    confirmed || evaluation_visible_in_full(viewer, institution_id, region_id)
}

/// Evaluating a training institution of `region_id` and confirming its standing: the region's
/// regulator.
pub fn may_evaluate_institution(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    may_supervise(viewer, region_id)
}
