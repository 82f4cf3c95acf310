//! A programme's quota for one indicator in one year.

use sea_orm::entity::prelude::*;

use crate::Indicator;

/// A quota row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_quotas")]
pub struct Model {
    /// The programme.
    #[sea_orm(primary_key, auto_increment = false)]
    pub programme_id: i32,
    /// The year.
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i16,
    /// The indicator.
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator: Indicator,
    /// The quota: a count, or basis points for a rate.
    pub target: i64,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
