//! A regional vocational-training alliance (区域职业培训联盟): one leading industry in one region.

use sea_orm::entity::prelude::*;

/// An alliance row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "alliances")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable public code, lower-case with hyphens (`zj-eyewear`).
    #[sea_orm(unique)]
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// The code of the leading industry it serves (an `industries` row: `EYEWEAR`,
    /// `SHIPBUILDING`).
    pub industry: String,
    /// The region it belongs to.
    pub region_id: i32,
    /// The day it was founded.
    pub founded_on: Date,
    /// What it does, in a sentence or two.
    pub description: String,
}

/// Relations of an alliance.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The region it belongs to.
    #[sea_orm(
        belongs_to = "super::region::Entity",
        from = "Column::RegionId",
        to = "super::region::Column::Id"
    )]
    Region,
    /// Its memberships.
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::region::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Region.def()
    }
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
