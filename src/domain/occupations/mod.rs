//! The national occupational classification (职业分类大典, 2022 edition).

use std::collections::HashMap;

use entity::{occupation, occupation_group};
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
    /// Only this group and everything in it (`6-18` is 机械制造基础加工人员).
    pub code_prefix: Option<OccupationPrefix>,
    /// Only this major group (1–8).
    pub major: Option<i16>,
    /// Only occupations marked (or not marked) digital.
    pub digital: Option<bool>,
    /// Only occupations marked (or not marked) green.
    pub green: Option<bool>,
    /// Only occupations whose name, groups, definition or tasks match this text.
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

fn select(filter: &OccupationFilter, backend: sea_orm::DbBackend) -> Select<occupation::Entity> {
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
        cond = cond.add(needle.matches(
            backend,
            entity::SearchKind::Occupation,
            Expr::col((occupation::Entity, occupation::Column::Code)),
        ));
    }
    occupation::Entity::find().filter(cond)
}

/// One page of occupations, by code.
pub async fn list(
    db: &DatabaseConnection,
    filter: &OccupationFilter,
    request: &PageRequest,
) -> AppResult<Page<occupation::Model>> {
    page::fetch_page(
        db,
        select(filter, db.get_database_backend()),
        &ordering(),
        request,
    )
    .await
}

/// How many occupations match.
pub async fn count(db: &DatabaseConnection, filter: &OccupationFilter) -> AppResult<u64> {
    page::count(db, select(filter, db.get_database_backend())).await
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

/// Every named group of the classification (8 大类, 79 中类, 450 小类), by code (reference data:
/// read once and held in memory).
pub async fn groups_all(
    db: &DatabaseConnection,
) -> AppResult<HashMap<String, occupation_group::Model>> {
    Ok(occupation_group::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.code.clone(), g))
        .collect())
}

/// The codes of the groups above an occupation or a group, nearest first: `6-18-02-04` →
/// `6-18-02`, `6-18`, `6`.
pub fn ancestors(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.rfind('-') {
        rest = &rest[..i];
        out.push(rest);
    }
    out
}

/// The numbered main tasks of an occupation as printed (`1.设定焊接参数 2.安装和加固构件 …`), one
/// string each without its number; text before the first number (there is none in the edition)
/// is a task of its own.
pub fn tasks_of(printed: &str) -> Vec<String> {
    let mut tasks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut expected = 1u32;
    let chars: Vec<char> = printed.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // A number that starts a task: the next one expected, at the start or after a space,
        // followed by a full stop.
        let starts = i == 0 || chars[i - 1].is_whitespace();
        let number = expected.to_string();
        let digits: Vec<char> = number.chars().collect();
        if starts
            && chars[i..].starts_with(&digits)
            && matches!(chars.get(i + digits.len()), Some('.' | '．' | '、'))
        {
            let done = current.trim();
            if !done.is_empty() {
                tasks.push(done.to_owned());
            }
            current.clear();
            expected += 1;
            i += digits.len() + 1;
            continue;
        }
        current.push(chars[i]);
        i += 1;
    }
    let done = current.trim();
    if !done.is_empty() {
        tasks.push(done.to_owned());
    }
    tasks
}

#[cfg(test)]
mod tests {
    use super::{ancestors, tasks_of};

    #[test]
    fn tasks_are_split_at_their_numbers_only() {
        assert_eq!(
            tasks_of("1.设定焊接参数 2.安装和加固构件 3.维护保养设备。"),
            ["设定焊接参数", "安装和加固构件", "维护保养设备。"]
        );
        // A number inside a task (3.5 吨, 第2.1条) is part of it.
        assert_eq!(
            tasks_of("1.操作3.5吨叉车 2.按第2.1条检查"),
            ["操作3.5吨叉车", "按第2.1条检查"]
        );
        assert_eq!(tasks_of("1.甲 2.乙 10.丙"), ["甲", "乙 10.丙"]);
        assert!(tasks_of("").is_empty());
    }

    #[test]
    fn ancestors_are_nearest_first() {
        assert_eq!(ancestors("6-18-02-04"), ["6-18-02", "6-18", "6"]);
        assert!(ancestors("6").is_empty());
    }
}

pub mod trades;
