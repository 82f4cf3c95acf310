//! Training intentions and orders: who sees them.

use super::*;

/// Whose training intentions a viewer may submit: the learner's own, a provider's learners, the
/// regulator's region.
pub fn intention_scope(viewer: &Viewer, rules: &AccessRules) -> AppResult<LearnerScope> {
    match viewer.role() {
        Role::Learner | Role::Regulator => learner_scope(viewer, rules),
        _ if provider_of(viewer).is_some() => learner_scope(viewer, rules),
        Role::Public => Err(AppError::Unauthenticated(
            "submitting an intention needs a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(format!(
            "the {} role does not submit intentions",
            viewer.role().as_str()
        ))),
    }
}

/// Which training orders a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderScope {
    /// All of them (system administrators).
    All,
    /// Those a region's bureau dispatched.
    Region(i32),
    /// Those dispatched to a provider.
    Provider(i32),
}

/// Reading training orders: the bureau's and the providers'.
pub fn order_scope(viewer: &Viewer) -> AppResult<OrderScope> {
    match (viewer.role(), viewer.region_id(), provider_of(viewer)) {
        (Role::SystemAdmin, ..) => Ok(OrderScope::All),
        (Role::Regulator, Some(region), _) => Ok(OrderScope::Region(region)),
        (_, _, Some(org)) => Ok(OrderScope::Provider(org)),
        (Role::Public, ..) => Err(AppError::Unauthenticated(
            "training orders need a token".to_owned(),
        )),
        _ => Err(AppError::Forbidden(
            "training orders are the bureau's and the providers'".to_owned(),
        )),
    }
}

/// Whether a viewer sees one training order, by the rule of [`order_scope`].
pub fn order_visible(viewer: &Viewer, region_id: i32, provider_id: i32) -> bool {
    match order_scope(viewer) {
        Ok(OrderScope::All) => true,
        Ok(OrderScope::Region(r)) => r == region_id,
        Ok(OrderScope::Provider(p)) => p == provider_id,
        Err(_) => false,
    }
}

/// Submitting an intention for a learner: the learner, or someone who sees them in full
/// (`full`, the learner's view the domain read through [`learner_view`]).
pub fn may_submit_intention_for(full: bool) -> AppResult<()> {
    if full {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "an intention is submitted by the learner or for a learner in your scope".to_owned(),
        ))
    }
}

/// Withdrawing an intention or following its suggestions: whoever sees its learner in full.
pub fn may_reach_intention(full: bool) -> AppResult<()> {
    if full {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this intention is outside your scope".to_owned(),
        ))
    }
}

/// Taking (accepting or declining) a dispatched order: the provider it was dispatched to.
pub fn may_take_order(provider_id: i32, order: &entity::training_order::Model) -> AppResult<()> {
    if order.provider_id == provider_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the order was dispatched to another provider".to_owned(),
        ))
    }
}
