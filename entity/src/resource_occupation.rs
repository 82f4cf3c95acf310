//! The occupations and levels an open resource trains for.

use sea_orm::entity::prelude::*;

use crate::SkillLevel;

/// A (resource, occupation, level) triple.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "resource_occupations")]
pub struct Model {
    /// The resource.
    #[sea_orm(primary_key, auto_increment = false)]
    pub resource_id: i32,
    /// The occupation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation_code: String,
    /// The level.
    #[sea_orm(primary_key, auto_increment = false)]
    pub level: SkillLevel,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
