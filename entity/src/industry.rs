//! An industry (产业): what an alliance serves, as data a release need not change.

use sea_orm::entity::prelude::*;

/// An industry row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "industries")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable public code, upper-case with underscores (`EYEWEAR`, `SHIPBUILDING`).
    #[sea_orm(unique)]
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name (empty where none is known).
    pub name_en: String,
    /// The GB/T 4754-2017 section (门类) it falls in, one letter A to T (C: manufacturing).
    pub section: String,
    /// The region whose regulator added it; none for the national list.
    pub region_id: Option<i32>,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// Relations of an industry.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
