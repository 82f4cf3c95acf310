//! A training institution's standing: its credit stars and its place in the subsidised
//! catalogue.

use chrono::Utc;
use entity::{InstitutionStatus, OrganizationKind, open_resource, organization};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use serde_json::json;

use crate::{
    auth::{Caller, policy},
    domain::kernel::{audit, ids::NodeKey},
    error::{AppError, AppResult},
};

/// Rates a training institution (1–5 stars), by the regulator of its region; its published items
/// carry the new rating from the same transaction on.
pub async fn rate_institution(
    db: &DatabaseConnection,
    caller: &Caller,
    institution_id: i32,
    stars: i16,
) -> AppResult<organization::Model> {
    if !(1..=5).contains(&stars) {
        return Err(AppError::validation("input.stars", "1 to 5"));
    }
    let txn = crate::domain::begin_write(db).await?;
    let found = institution(&txn, institution_id).await?;
    policy::may_supervise(&caller.viewer, found.region_id)?;
    let before = found.credit_stars;
    let mut active: organization::ActiveModel = found.into();
    active.credit_stars = Set(Some(stars));
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    stars_reach_the_items(&txn, saved.id, stars).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "rateInstitution",
            target_type: "Organization",
            target_id: NodeKey::Organization(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "creditStars": { "from": before, "to": stars } })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// A provider's published items carry its credit stars (for ordering by them): written in the
/// transaction that rates it.
pub(crate) async fn stars_reach_the_items(
    txn: &sea_orm::DatabaseTransaction,
    provider_id: i32,
    stars: i16,
) -> AppResult<()> {
    open_resource::Entity::update_many()
        .col_expr(open_resource::Column::ProviderStars, Expr::value(stars))
        .filter(open_resource::Column::ProviderId.eq(provider_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// A training institution by id: `NOT_FOUND`, or a validation error on `input.institution` when
/// the organization is of another kind.
pub(crate) async fn institution(
    conn: &impl sea_orm::ConnectionTrait,
    id: i32,
) -> AppResult<organization::Model> {
    let found = organization::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    if found.kind != OrganizationKind::TrainingInstitution {
        return Err(AppError::validation(
            "input.institution",
            "not a training institution",
        ));
    }
    Ok(found)
}

/// Admits, suspends or exits a training institution, with a reason, by the regulator of its region.
pub async fn set_institution_status(
    db: &DatabaseConnection,
    caller: &Caller,
    institution_id: i32,
    status: InstitutionStatus,
    reason: crate::domain::kernel::input::Reason,
) -> AppResult<organization::Model> {
    let txn = crate::domain::begin_write(db).await?;
    let found = institution(&txn, institution_id).await?;
    policy::may_supervise(&caller.viewer, found.region_id)?;
    let before = found.catalogue_status;
    let mut active: organization::ActiveModel = found.into();
    active.catalogue_status = Set(Some(status));
    active.status_reason = Set(Some(reason.as_str().to_owned()));
    active.updated_at = Set(Utc::now());
    let saved = active.update(&txn).await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setInstitutionStatus",
            target_type: "Organization",
            target_id: NodeKey::Organization(saved.id).to_id().0,
            region_id: Some(saved.region_id),
            changes: Some(json!({ "status": { "from": before.map(|s| format!("{s:?}")), "to": format!("{status:?}") }, "reason": reason.as_str() })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
