//! A region (地区): a prefecture-level city identified by its GB/T 2260 code.

use sea_orm::entity::prelude::*;

/// A region row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// GB/T 2260 administrative division code, six digits (Zhenjiang `321100`).
    #[sea_orm(unique)]
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
}

/// Relations of a region.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The alliances founded in this region.
    #[sea_orm(has_many = "super::alliance::Entity")]
    Alliance,
}

impl Related<super::alliance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Alliance.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
