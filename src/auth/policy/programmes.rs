//! Programmes and the bureau's figures: who keeps a programme.

use super::*;

/// Keeping programmes (adding, changing, moving cohorts in and out): the REGULATOR, for its own
/// region, whose id is returned. A programme is the bureau's own plan: no other role, the
/// system administrator included, writes one.
pub fn may_keep_programmes(viewer: &Viewer) -> AppResult<i32> {
    match (viewer.role(), viewer.region_id()) {
        (Role::Regulator, Some(region)) => Ok(region),
        (Role::Public, _) => Err(AppError::Unauthenticated(
            "keeping programmes needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "programmes are kept by the regulator of their region".to_owned(),
        )),
    }
}

/// Changing a programme of `region_id`, or moving a cohort into or out of it: the REGULATOR of
/// that region.
pub fn may_change_programme(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    if may_keep_programmes(viewer)? == region_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this programme is another region's: its regulator keeps it and its cohorts".to_owned(),
        ))
    }
}

/// How exactly a caller sees the figures of a region (`region` and the region above it), or of
/// one of its programmes (`departments`: those answering for it): the REGULATOR of the region,
/// or of the city above a county, exactly; a DEPARTMENT exactly for a programme it answers for;
/// everyone else under the disclosure rule ([`Precision::Protected`]), another region's
/// regulator included.
pub fn figures_view(
    viewer: &Viewer,
    (region, parent): (i32, Option<i32>),
    departments: Option<&[i32]>,
) -> Precision {
    match (viewer.role(), viewer.region_id(), viewer.organization_id()) {
        (Role::Regulator, Some(own), _) if own == region || Some(own) == parent => Precision::Exact,
        (Role::Department, _, Some(org)) if departments.is_some_and(|d| d.contains(&org)) => {
            Precision::Exact
        }
        _ => Precision::Protected,
    }
}

/// Setting the targets of a region's indicators: its REGULATOR, for its own region.
pub fn may_set_targets(viewer: &Viewer) -> AppResult<i32> {
    may_keep_programmes(viewer)
}
