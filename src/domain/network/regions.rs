//! Regions (地区).

use std::collections::HashMap;

use entity::region;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::kernel::codes::RegionCode;
use crate::error::AppResult;

/// Every region, by code. There are few (a province has about a dozen cities), so no paging.
pub async fn all(db: &DatabaseConnection) -> AppResult<Vec<region::Model>> {
    Ok(region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?)
}

/// Every region, by id (the in-memory reference table).
pub async fn by_id_all(db: &DatabaseConnection) -> AppResult<HashMap<i32, region::Model>> {
    Ok(region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect())
}

/// One region by its code.
pub async fn by_code(
    db: &DatabaseConnection,
    code: &RegionCode,
) -> AppResult<Option<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
}
