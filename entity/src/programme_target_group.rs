//! A target group a programme serves.

use sea_orm::entity::prelude::*;

/// A row of `programme_target_groups`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_target_groups")]
pub struct Model {
    /// The programme.
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: i32,
    /// The target group.
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_group_id: i32,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
