//! Regions (地区): every province, city and county of the statistical division codes, loaded by a
//! migration as reference data, in a tree (`parent`, `level`). A region filter anywhere means the
//! region and everything under it ([`within`]).

use std::collections::HashMap;

use entity::{RegionLevel, region};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use crate::domain::kernel::codes::RegionCode;
use crate::error::{AppError, AppResult};

/// Which regions to list; the fields narrow together.
#[derive(Debug, Clone, Default)]
pub struct RegionFilter {
    /// Only these levels.
    pub levels: Vec<RegionLevel>,
    /// Only the regions directly under this one.
    pub parent: Option<RegionCode>,
    /// Only these codes.
    pub codes: Vec<RegionCode>,
    /// Only regions in service (true): an organization or alliance is registered in them; or
    /// only regions not in service (false).
    pub in_service: Option<bool>,
}

/// The regions `filter` names, by code. The whole tree is 3,348 rows; a portal narrows it by
/// level, parent or service.
pub async fn list(db: &DatabaseConnection, filter: &RegionFilter) -> AppResult<Vec<region::Model>> {
    let mut cond = Condition::all();
    if !filter.levels.is_empty() {
        cond = cond.add(region::Column::Level.is_in(filter.levels.clone()));
    }
    if let Some(parent) = &filter.parent {
        cond = cond.add(
            region::Column::ParentId.in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(parent.as_str()))
                    .to_owned(),
            ),
        );
    }
    if !filter.codes.is_empty() {
        cond = cond
            .add(region::Column::Code.is_in(filter.codes.iter().map(|c| c.as_str().to_owned())));
    }
    if let Some(wanted) = filter.in_service {
        cond = cond.add(region::Column::InService.eq(wanted));
    }
    Ok(region::Entity::find()
        .filter(cond)
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?)
}

/// Marks `region_id` in service (an organization or alliance is registered in it), in the
/// transaction of the write that registers it.
pub async fn put_in_service<C: ConnectionTrait>(db: &C, region_id: i32) -> AppResult<()> {
    region::Entity::update_many()
        .col_expr(region::Column::InService, Expr::value(true))
        .filter(region::Column::Id.eq(region_id))
        .filter(region::Column::InService.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// The ids of the regions `codes` name and of every region under them (a province's cities and
/// their counties, a city's counties), as a subquery: `region_id IN (within(…))` is what a region
/// filter means. Each step is an index lookup (the unique code, then `idx_regions_parent`).
pub fn within(codes: &[RegionCode]) -> SelectStatement {
    let named = || {
        Query::select()
            .column(region::Column::Id)
            .from(region::Entity)
            .and_where(
                Expr::col(region::Column::Code).is_in(codes.iter().map(|c| c.as_str().to_owned())),
            )
            .to_owned()
    };
    let children = Query::select()
        .column(region::Column::Id)
        .from(region::Entity)
        .and_where(Expr::col(region::Column::ParentId).in_subquery(named()))
        .to_owned();
    Query::select()
        .column(region::Column::Id)
        .from(region::Entity)
        .cond_where(
            Condition::any()
                .add(
                    Expr::col(region::Column::Code)
                        .is_in(codes.iter().map(|c| c.as_str().to_owned())),
                )
                .add(Expr::col(region::Column::ParentId).in_subquery(named()))
                .add(Expr::col(region::Column::ParentId).in_subquery(children)),
        )
        .to_owned()
}

/// The children of each of `ids`, by code.
pub async fn children_of(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, Vec<region::Model>>> {
    let mut map: HashMap<i32, Vec<region::Model>> = HashMap::new();
    for r in region::Entity::find()
        .filter(region::Column::ParentId.is_in(ids.iter().copied()))
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?
    {
        if let Some(parent) = r.parent_id {
            map.entry(parent).or_default().push(r);
        }
    }
    Ok(map)
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

/// The region a new row names by `code`: it must exist, be current (a retired region's rows stay,
/// new ones go to its successor) and be a city — rows belong to a city, which its regulator
/// supervises. A refusal names `field`.
pub async fn for_new_rows<C: ConnectionTrait>(
    db: &C,
    field: &str,
    code: &RegionCode,
) -> AppResult<region::Model> {
    let found = region::Entity::find()
        .filter(region::Column::Code.eq(code.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation(field, "no region has this code"))?;
    check_for_new_rows(field, &found)?;
    Ok(found)
}

/// Why `region` takes no new rows, if it does not.
pub fn check_for_new_rows(field: &str, region: &region::Model) -> AppResult<()> {
    match why_no_new_rows(region) {
        Some(why) => Err(AppError::validation(field, why)),
        None => Ok(()),
    }
}

/// The reason `region` takes no new rows (retired, or not a city), if there is one: for callers
/// that name the field themselves (a spreadsheet's row and column).
pub fn why_no_new_rows(region: &region::Model) -> Option<String> {
    if region.retired_at.is_some() {
        return Some(format!(
            "{} is retired; use the region that took over",
            region.code
        ));
    }
    if region.level != RegionLevel::City {
        return Some(format!(
            "{} is not a city; rows belong to a city (地级市)",
            region.code
        ));
    }
    None
}
