//! Organizations as they are: the attributes the bureau records and the seeds count by —
//! ownership, 规上, 专精特新, 链主 and its chain, a college's type, an enterprise's training
//! centre.

use chrono::Utc;
use entity::{CollegeType, OrganizationKind, Ownership, organization};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::auth::{Caller, policy};
use crate::domain::kernel::{audit, ids::NodeKey};
use crate::error::{AppError, AppResult};

/// A change to an organization's attributes: `None` leaves one as it is; for the nullable ones
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct AttributesChange {
    /// Ownership.
    pub ownership: Option<Option<Ownership>>,
    /// Above the designated size (enterprises).
    pub above_scale: Option<bool>,
    /// 专精特新 (enterprises).
    pub specialized: Option<bool>,
    /// A chain master (enterprises).
    pub chain_master: Option<bool>,
    /// The chain master whose chain it belongs to (enterprises).
    pub chain_of: Option<Option<i32>>,
    /// A college's type (colleges).
    pub college_type: Option<Option<CollegeType>>,
    /// A registered training centre (enterprises).
    pub training_centre: Option<bool>,
}

/// Records an organization's attributes, by the regulator of its region (the system
/// administrator anywhere). An enterprise's attribute on another kind, a college type on
/// anything but a college, or a chain whose master is not a chain-master enterprise is refused
/// naming the field, and nothing is written. Audited.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    organization_id: i32,
    change: AttributesChange,
) -> AppResult<organization::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = organization::Entity::find_by_id(organization_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    policy::may_record_attributes(&caller.viewer, found.region_id)?;
    check(&txn, &found, &change).await?;
    let mut active: organization::ActiveModel = found.clone().into();
    if let Some(v) = change.ownership {
        active.ownership = Set(v);
    }
    if let Some(v) = change.above_scale {
        active.above_scale = Set(v);
    }
    if let Some(v) = change.specialized {
        active.specialized = Set(v);
    }
    if let Some(v) = change.chain_master {
        active.chain_master = Set(v);
    }
    if let Some(v) = change.chain_of {
        active.chain_master_id = Set(v);
    }
    if let Some(v) = change.college_type {
        active.college_type = Set(v);
    }
    if let Some(v) = change.training_centre {
        active.training_centre = Set(v);
    }
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setOrganizationAttributes",
            target_type: "Organization",
            target_id: NodeKey::Organization(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(serde_json::json!({
                "ownership": saved.ownership.map(|o| format!("{o:?}")),
                "aboveScale": saved.above_scale,
                "specialized": saved.specialized,
                "chainMaster": saved.chain_master,
                "chainOf": saved.chain_master_id.map(|id| NodeKey::Organization(id).to_id().0),
                "collegeType": saved.college_type.map(|c| format!("{c:?}")),
                "trainingCentre": saved.training_centre,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Each attribute on the kind it belongs to, and a chain whose master is another enterprise
/// recorded as a chain master.
async fn check(
    txn: &sea_orm::DatabaseTransaction,
    found: &organization::Model,
    change: &AttributesChange,
) -> AppResult<()> {
    let enterprise = found.kind == OrganizationKind::Enterprise;
    for (field, given) in [
        ("input.aboveScale", change.above_scale.is_some()),
        ("input.specialized", change.specialized.is_some()),
        ("input.chainMaster", change.chain_master.is_some()),
        ("input.chainOf", change.chain_of.is_some()),
        ("input.trainingCentre", change.training_centre.is_some()),
    ] {
        if given && !enterprise {
            return Err(AppError::validation(field, "an enterprise's attribute"));
        }
    }
    if change.college_type.is_some() && found.kind != OrganizationKind::College {
        return Err(AppError::validation(
            "input.collegeType",
            "a college's attribute",
        ));
    }
    if let Some(Some(master)) = change.chain_of {
        let master_row = organization::Entity::find_by_id(master)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::validation("input.chainOf", "no organization has this ID"))?;
        if master == found.id
            || !master_row.chain_master
            || master_row.kind != OrganizationKind::Enterprise
        {
            return Err(AppError::validation(
                "input.chainOf",
                "another enterprise recorded as a chain master (链主)",
            ));
        }
    }
    Ok(())
}
