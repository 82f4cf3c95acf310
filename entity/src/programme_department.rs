//! A department (a GOVERNMENT organization) responsible for a programme.

use sea_orm::entity::prelude::*;

/// A row of `programme_departments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_departments")]
pub struct Model {
    /// The programme.
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: i32,
    /// The department.
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i32,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
