//! A city's named cluster of industries (产业集群: Huai'an's "7+3", "353").

use sea_orm::entity::prelude::*;

/// A cluster row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "industry_clusters")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable public code, lower-case with hyphens (`ha-7-plus-3`).
    #[sea_orm(unique)]
    pub code: String,
    /// Its name as the city writes it (`"7+3"产业集群`).
    pub name: String,
    /// The city it is named by.
    pub region_id: i32,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// Relations of a cluster.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
