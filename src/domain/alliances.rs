//! Alliances (区域职业培训联盟).

use std::collections::HashMap;

use entity::{Industry, alliance, membership, region};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Query},
};
use sea_orm::{FromQueryResult, QueryTrait};

use super::nested::NestedList;
use super::{
    codes::{AllianceCode, RegionCode},
    page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::error::AppResult;

/// Which alliances to list. Every field narrows; an empty filter means every alliance of every
/// region, which is what queries across alliances rest on.
#[derive(Debug, Clone, Default)]
pub struct AllianceFilter {
    /// Only alliances of this region.
    pub region: Option<RegionCode>,
    /// Only alliances of this industry.
    pub industry: Option<Industry>,
}

/// What alliances are ordered by; ties are broken by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AllianceOrderField {
    /// The public code.
    #[default]
    Code,
    /// The Chinese name, by code point.
    Name,
    /// The founding date.
    FoundedOn,
}

fn ordering(field: AllianceOrderField, descending: bool) -> Ordering<alliance::Entity> {
    let (name, key) = match field {
        AllianceOrderField::Code => (
            "code",
            SortKey::column(
                alliance::Column::Code,
                descending,
                KeyKind::Text,
                |m: &alliance::Model| CursorValue::Text(m.code.clone()),
            ),
        ),
        AllianceOrderField::Name => (
            "name",
            SortKey::column(
                alliance::Column::Name,
                descending,
                KeyKind::Text,
                |m: &alliance::Model| CursorValue::Text(m.name.clone()),
            ),
        ),
        AllianceOrderField::FoundedOn => (
            "founded",
            SortKey::column(
                alliance::Column::FoundedOn,
                descending,
                KeyKind::Date,
                |m: &alliance::Model| CursorValue::Date(m.founded_on),
            ),
        ),
    };
    Ordering {
        name: format!(
            "alliances:{name}:{}",
            if descending { "desc" } else { "asc" }
        ),
        keys: vec![
            key,
            SortKey::column(
                alliance::Column::Id,
                descending,
                KeyKind::Int,
                |m: &alliance::Model| CursorValue::Int(i64::from(m.id)),
            ),
        ],
    }
}

fn select(filter: &AllianceFilter) -> sea_orm::Select<alliance::Entity> {
    let mut cond = Condition::all();
    if let Some(region) = &filter.region {
        cond = cond.add(
            alliance::Column::RegionId.in_subquery(
                Query::select()
                    .column(region::Column::Id)
                    .from(region::Entity)
                    .and_where(Expr::col(region::Column::Code).eq(region.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(industry) = filter.industry {
        cond = cond.add(alliance::Column::Industry.eq(industry));
    }
    alliance::Entity::find().filter(cond)
}

/// One page of alliances.
pub async fn list(
    db: &DatabaseConnection,
    filter: &AllianceFilter,
    order: AllianceOrderField,
    descending: bool,
    request: &PageRequest,
) -> AppResult<Page<alliance::Model>> {
    page::fetch_page(db, select(filter), &ordering(order, descending), request).await
}

/// How many alliances match.
pub async fn count(db: &DatabaseConnection, filter: &AllianceFilter) -> AppResult<u64> {
    page::count(db, select(filter)).await
}

/// One alliance by code.
pub async fn by_code(
    db: &DatabaseConnection,
    code: &AllianceCode,
) -> AppResult<Option<alliance::Model>> {
    Ok(alliance::Entity::find()
        .filter(alliance::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
}

/// Alliances by id, in one statement.
pub async fn by_ids(
    db: &DatabaseConnection,
    ids: &[i32],
) -> AppResult<HashMap<i32, alliance::Model>> {
    Ok(alliance::Entity::find()
        .filter(alliance::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// The alliances of a region, in the order they were registered: the nested list of
/// `Region.alliances`.
pub fn of_region() -> NestedList<alliance::Model> {
    NestedList {
        name: "region.alliances",
        select: alliance::Entity::find().into_query(),
        parent: Expr::col((alliance::Entity, alliance::Column::RegionId)),
        order: Expr::col((alliance::Entity, alliance::Column::Id)),
        parse: |row| alliance::Model::from_query_result(row, ""),
        key: |a| i64::from(a.id),
    }
}

/// The alliances each organization currently belongs to, in one statement.
pub async fn by_organization_ids(
    db: &DatabaseConnection,
    organization_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<alliance::Model>>> {
    let rows = alliance::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .filter(membership::Column::LeftOn.is_null())
        .select_also(membership::Entity)
        .order_by_asc(alliance::Column::Id)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<alliance::Model>> = HashMap::new();
    for (alliance, membership) in rows {
        if let Some(m) = membership {
            map.entry(m.organization_id).or_default().push(alliance);
        }
    }
    Ok(map)
}
