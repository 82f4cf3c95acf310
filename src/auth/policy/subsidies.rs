//! Subsidy claims: who claims, decides, sees and supervises.

use super::*;

/// Claiming a subsidy for a cohort of `provider_id`: that provider's users (a college, a
/// training institution or an enterprise that trains).
pub fn may_claim_subsidy(viewer: &Viewer, provider_id: i32) -> AppResult<()> {
    if viewer.role() == Role::Public {
        return Err(AppError::Unauthenticated(
            "claiming a subsidy needs a token".to_owned(),
        ));
    }
    if acts_for_provider(viewer, provider_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a subsidy is claimed by the cohort's provider".to_owned(),
        ))
    }
}

/// Deciding and paying claim lines of `region_id`: its regulator.
pub fn may_decide_claims(viewer: &Viewer, region_id: i32) -> AppResult<()> {
    match viewer.role() {
        Role::Public => Err(AppError::Unauthenticated(
            "deciding a claim needs a token".to_owned(),
        )),
        Role::Regulator if viewer.region_id() == Some(region_id) => Ok(()),
        _ => Err(AppError::Forbidden(
            "a claim is decided by the regulator of the cohort's region".to_owned(),
        )),
    }
}

/// Which subsidy claims a viewer may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimScope {
    /// Every claim.
    All,
    /// The claims paid by this region's bureau.
    Region(i32),
    /// This provider's own.
    Provider(i32),
}

/// The claims a viewer may list: a regulator its region's, a provider its own, the system
/// administrator all.
pub fn claim_scope(viewer: &Viewer) -> AppResult<ClaimScope> {
    match (viewer.role(), viewer.region_id(), provider_of(viewer)) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "subsidy claims need a token".to_owned(),
        )),
        (Role::SystemAdmin, ..) => Ok(ClaimScope::All),
        (Role::Regulator, Some(region), _) => Ok(ClaimScope::Region(region)),
        (_, _, Some(org)) => Ok(ClaimScope::Provider(org)),
        _ => Err(AppError::Forbidden(
            "subsidy claims are for the providers claiming and the regulators paying".to_owned(),
        )),
    }
}

/// Whether a viewer sees a claim of `provider_id` paid by `region_id`.
pub fn claim_visible(viewer: &Viewer, provider_id: i32, region_id: i32) -> bool {
    match claim_scope(viewer) {
        Ok(ClaimScope::All) => true,
        Ok(ClaimScope::Region(r)) => r == region_id,
        Ok(ClaimScope::Provider(p)) => p == provider_id,
        Err(_) => false,
    }
}

/// Supervising the subsidy claims of a region: its regulator, or the system administrator for
/// the region named. Returns the region.
pub fn may_supervise_claims(viewer: &Viewer, region_id: Option<i32>) -> AppResult<i32> {
    match (viewer.role(), viewer.region_id(), region_id) {
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "supervising claims needs a token".to_owned(),
        )),
        (Role::Regulator, Some(own), None) => Ok(own),
        (Role::Regulator, Some(own), Some(asked)) if own == asked => Ok(own),
        (Role::SystemAdmin, _, Some(asked)) => Ok(asked),
        (Role::SystemAdmin, _, None) => Err(AppError::validation(
            "region",
            "name the region to supervise",
        )),
        _ => Err(AppError::Forbidden(
            "claims are supervised by the regulator of their region".to_owned(),
        )),
    }
}
