//! Job demand: who posts it and who sees it.

use super::*;

/// Posting demand: the enterprise the viewer acts for.
pub fn may_post_demand(viewer: &Viewer) -> AppResult<i32> {
    require(viewer, Permission::PostDemand, "post demand")?;
    viewer
        .organization_id()
        .ok_or_else(|| AppError::Forbidden("the token names no enterprise".to_owned()))
}

/// Changing a demand of `enterprise_id`: its own users only.
pub fn may_manage_demand(viewer: &Viewer, enterprise_id: i32) -> AppResult<()> {
    if may_post_demand(viewer)? == enterprise_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a demand is changed only by its own enterprise".to_owned(),
        ))
    }
}

/// Which demands besides OPEN ones a viewer sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemandScope {
    /// Every demand (system administrators).
    All,
    /// OPEN demands, and also these.
    OpenAnd {
        /// The demands of this enterprise (its own users).
        enterprise: Option<i32>,
        /// The demands posted to these alliances (their administrators).
        alliances: BTreeSet<i32>,
        /// The demands of this region (its regulator).
        region: Option<i32>,
    },
}

/// The demands a viewer sees.
pub fn demand_scope(viewer: &Viewer) -> DemandScope {
    match viewer.role() {
        Role::SystemAdmin => DemandScope::All,
        role => DemandScope::OpenAnd {
            enterprise: viewer
                .organization_id()
                .filter(|_| role == Role::Enterprise),
            alliances: if role == Role::AllianceAdmin {
                viewer.alliance_ids().clone()
            } else {
                BTreeSet::new()
            },
            region: viewer.region_id().filter(|_| role == Role::Regulator),
        },
    }
}

/// Whether a viewer sees one demand, by the rule of [`demand_scope`].
pub fn demand_visible(
    viewer: &Viewer,
    open: bool,
    enterprise_id: i32,
    region_id: i32,
    alliance_ids: &[i32],
) -> bool {
    open || match demand_scope(viewer) {
        DemandScope::All => true,
        DemandScope::OpenAnd {
            enterprise,
            alliances,
            region,
        } => {
            enterprise == Some(enterprise_id)
                || alliance_ids.iter().any(|a| alliances.contains(a))
                || region == Some(region_id)
        }
    }
}
