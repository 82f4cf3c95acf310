//! A day a cohort is taught (上课日), scheduled by its provider.

use sea_orm::entity::prelude::*;

/// A class day row; one per cohort and date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "class_days")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The cohort.
    pub cohort_id: i32,
    /// The date.
    pub day: Date,
    /// Teaching hours that day.
    pub hours: i16,
    /// What is taught.
    pub topic: String,
    /// When it was scheduled.
    pub created_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
