//! Job demand: who posts it and who sees it.

use super::*;

/// Posting demand: the enterprise the viewer acts for.
pub fn post_demand(viewer: &Viewer) -> AppResult<i32> {
    require(viewer, Permission::PostDemand, "post demand")?;
    viewer
        .organization_id()
        .ok_or_else(|| AppError::Forbidden("the token names no enterprise".to_owned()))
}

/// Changing a demand of `enterprise_id`: its own users only.
pub fn manage_demand(viewer: &Viewer, enterprise_id: i32) -> AppResult<()> {
    if post_demand(viewer)? == enterprise_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "a demand is changed only by its own enterprise".to_owned(),
        ))
    }
}

/// Which demands besides OPEN ones a viewer sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemandVisibility {
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
pub fn demand_visibility(viewer: &Viewer) -> DemandVisibility {
    match viewer.role() {
        Role::SystemAdmin => DemandVisibility::All,
        role => DemandVisibility::OpenAnd {
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

/// Whether a viewer sees one demand, by the rule of [`demand_visibility`].
pub fn see_demand(
    viewer: &Viewer,
    open: bool,
    enterprise_id: i32,
    region_id: i32,
    alliance_ids: &[i32],
) -> bool {
    open || match demand_visibility(viewer) {
        DemandVisibility::All => true,
        DemandVisibility::OpenAnd {
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
