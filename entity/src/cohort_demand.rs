//! Which demands a cohort answers.

use sea_orm::entity::prelude::*;

/// A (cohort, demand) pair.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cohort_demands")]
pub struct Model {
    /// The cohort.
    #[sea_orm(primary_key, auto_increment = false)]
    pub cohort_id: i32,
    /// The demand.
    #[sea_orm(primary_key, auto_increment = false)]
    pub demand_id: i32,
}

/// The pair's relations are its two ids.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
