//! The domain: validated values and the services that read and write the graph.
//!
//! All SQL lives here, written with SeaORM/SeaQuery so SQLite and PostgreSQL share one code path.
//! Nothing in this module knows GraphQL: resolvers call these functions with validated inputs.

pub mod alliances;
pub mod audit;
pub mod catalogue;
pub mod codes;
pub mod cohorts;
pub mod demands;
pub mod disclosure;
pub mod employment;
pub mod evaluation;
pub mod geo;
pub mod ids;
pub mod import;
pub mod learners;
pub mod memberships;
pub mod occupations;
pub mod orders;
pub mod organizations;
pub mod page;
pub mod personal;
pub mod regions;
pub mod resources;
mod text;

pub use text::SearchText;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

/// The rows of `E` whose `parent` column is one of `ids`, ordered by `order` and grouped by the
/// parent `key` reads: what a DataLoader of a one-to-many relation answers, in one statement.
pub async fn children_of<E: EntityTrait>(
    db: &DatabaseConnection,
    parent: E::Column,
    ids: &[i32],
    order: E::Column,
    key: fn(&E::Model) -> i32,
) -> AppResult<HashMap<i32, Vec<E::Model>>> {
    let mut map: HashMap<i32, Vec<E::Model>> = HashMap::new();
    for row in E::find()
        .filter(parent.is_in(ids.iter().copied()))
        .order_by_asc(order)
        .all(db)
        .await?
    {
        map.entry(key(&row)).or_default().push(row);
    }
    Ok(map)
}
