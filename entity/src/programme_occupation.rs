//! An occupation, or a prefix of codes, a programme trains for.

use sea_orm::entity::prelude::*;

/// A row of `programme_occupations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_occupations")]
pub struct Model {
    /// The programme.
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: i32,
    /// An occupation code or a prefix of one (`6-18`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub prefix: String,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
