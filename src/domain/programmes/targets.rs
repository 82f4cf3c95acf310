//! The targets a region's regulator sets for its indicators (`indicators` reports against them).

use chrono::Utc;
use entity::Indicator;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use super::is_rate;
use crate::auth::{Caller, policy};
use crate::domain::kernel::{audit, ids::NodeKey};
use crate::error::{AppError, AppResult};

/// Sets a target of the caller's region for `indicator`, for the years `from_year` to `to_year`
/// (one year, or a period of at most ten): its REGULATOR. Setting it again replaces it. Audited.
pub async fn set_target(
    db: &DatabaseConnection,
    caller: &Caller,
    indicator: Indicator,
    (from_year, to_year): (i32, i32),
    target: i64,
) -> AppResult<entity::indicator_target::Model> {
    use entity::indicator_target;
    let region_id = policy::may_set_targets(&caller.viewer)?;
    let from = i16::try_from(from_year)
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| AppError::validation("input.fromYear", "2000 to 2100"))?;
    let to = i16::try_from(to_year)
        .ok()
        .filter(|y| (from..=from + 9).contains(y))
        .ok_or_else(|| {
            AppError::validation("input.toYear", "the first year or up to nine years after")
        })?;
    if target < 0 || (is_rate(indicator) && target > 10_000) {
        return Err(AppError::validation(
            "input.target",
            "a count of 0 or more, or a rate in basis points from 0 to 10000",
        ));
    }
    let txn = crate::domain::begin_write(db).await?;
    indicator_target::Entity::insert(indicator_target::ActiveModel {
        region_id: Set(region_id),
        indicator: Set(indicator),
        from_year: Set(from),
        to_year: Set(to),
        target: Set(target),
        set_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            indicator_target::Column::RegionId,
            indicator_target::Column::Indicator,
            indicator_target::Column::FromYear,
            indicator_target::Column::ToYear,
        ])
        .update_columns([
            indicator_target::Column::Target,
            indicator_target::Column::SetAt,
        ])
        .to_owned(),
    )
    .exec(&txn)
    .await?;
    let saved = indicator_target::Entity::find()
        .filter(indicator_target::Column::RegionId.eq(region_id))
        .filter(indicator_target::Column::Indicator.eq(indicator))
        .filter(indicator_target::Column::FromYear.eq(from))
        .filter(indicator_target::Column::ToYear.eq(to))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a target set without its row"))?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "setIndicatorTarget",
            target_type: "Region",
            target_id: NodeKey::Region(region_id).to_id().0,
            region_id: Some(region_id),
            changes: Some(json!({
                "indicator": format!("{indicator:?}"), "fromYear": from, "toYear": to, "target": target,
            })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
