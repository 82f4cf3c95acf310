//! A special ability an assessment body may assess (its scope beside the occupations).

use sea_orm::entity::prelude::*;

/// One special ability of a body's scope.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "special_ability_scopes")]
pub struct Model {
    /// The body.
    #[sea_orm(primary_key, auto_increment = false)]
    pub body_id: i32,
    /// The special ability.
    #[sea_orm(primary_key, auto_increment = false)]
    pub special_ability_id: i32,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
