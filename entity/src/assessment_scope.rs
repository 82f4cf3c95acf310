//! What an assessment body may evaluate: an occupation up to a level.

use sea_orm::entity::prelude::*;

use crate::SkillLevel;

/// One occupation of a body's scope.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_scopes")]
pub struct Model {
    /// The body.
    #[sea_orm(primary_key, auto_increment = false)]
    pub body_id: i32,
    /// The occupation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation_code: String,
    /// The highest level it may evaluate.
    pub max_level: SkillLevel,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
