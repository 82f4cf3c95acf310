//! The national occupational classification (职业分类大典, 2022 edition).

use std::collections::HashMap;

use entity::occupation;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
    sea_query::{Expr, ExprTrait, LikeExpr},
};

use crate::domain::{
    SearchText,
    kernel::codes::{OccupationCode, OccupationPrefix},
    read::page::{self, CursorValue, KeyKind, Ordering, Page, PageRequest, SortKey},
};
use crate::error::AppResult;

/// Which occupations to list; an empty filter lists all 1,639.
#[derive(Debug, Clone, Default)]
pub struct OccupationFilter {
    /// Only this group and everything in it (`6-18` is 机械制造加工人员).
    pub code_prefix: Option<OccupationPrefix>,
    /// Only this major group (1–8).
    pub major: Option<i16>,
    /// Only occupations marked (or not marked) digital.
    pub digital: Option<bool>,
    /// Only occupations marked (or not marked) green.
    pub green: Option<bool>,
    /// Only names containing this text.
    pub name_contains: Option<SearchText>,
}

fn ordering() -> Ordering<occupation::Entity> {
    Ordering {
        name: "occupations:code:asc".to_owned(),
        keys: vec![SortKey::column(
            occupation::Column::Code,
            false,
            KeyKind::Text,
            |m: &occupation::Model| CursorValue::Text(m.code.clone()),
        )],
    }
}

fn select(filter: &OccupationFilter) -> Select<occupation::Entity> {
    let mut cond = Condition::all();
    if let Some(prefix) = &filter.code_prefix {
        cond = cond
            .add(Expr::col(occupation::Column::Code).like(LikeExpr::new(prefix.like_pattern())));
    }
    if let Some(major) = filter.major {
        cond = cond.add(occupation::Column::Major.eq(major));
    }
    if let Some(digital) = filter.digital {
        cond = cond.add(occupation::Column::Digital.eq(digital));
    }
    if let Some(green) = filter.green {
        cond = cond.add(occupation::Column::Green.eq(green));
    }
    if let Some(needle) = &filter.name_contains {
        cond = cond.add(needle.matches(Expr::col(occupation::Column::Name)));
    }
    occupation::Entity::find().filter(cond)
}

/// One page of occupations, by code.
pub async fn list(
    db: &DatabaseConnection,
    filter: &OccupationFilter,
    request: &PageRequest,
) -> AppResult<Page<occupation::Model>> {
    page::fetch_page(db, select(filter), &ordering(), request).await
}

/// How many occupations match.
pub async fn count(db: &DatabaseConnection, filter: &OccupationFilter) -> AppResult<u64> {
    page::count(db, select(filter)).await
}

/// Occupations by code, in one statement.
pub async fn by_codes(
    db: &DatabaseConnection,
    codes: &[String],
) -> AppResult<HashMap<String, occupation::Model>> {
    Ok(occupation::Entity::find()
        .filter(occupation::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect())
}

/// The whole classification, by code (reference data: read once and held in memory).
pub async fn all(db: &DatabaseConnection) -> AppResult<HashMap<String, occupation::Model>> {
    Ok(occupation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect())
}

/// One occupation by code.
pub async fn by_code(
    db: &DatabaseConnection,
    code: &OccupationCode,
) -> AppResult<Option<occupation::Model>> {
    Ok(occupation::Entity::find_by_id(code.as_str().to_owned())
        .one(db)
        .await?)
}
