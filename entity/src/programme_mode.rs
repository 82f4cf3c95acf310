//! A training mode a programme trains in.

use sea_orm::entity::prelude::*;

/// A row of `programme_modes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_modes")]
pub struct Model {
    /// The programme.
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: i32,
    /// The mode.
    #[sea_orm(primary_key, auto_increment = false)]
    pub mode: crate::TrainingMode,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
