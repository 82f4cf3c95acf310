//! A learner's own application to a cohort, made with their token; the provider may then enrol
//! them.

use sea_orm::entity::prelude::*;

/// An application row; one per cohort and learner.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cohort_applications")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The cohort applied to.
    pub cohort_id: i32,
    /// The learner.
    pub learner_id: i32,
    /// When.
    pub applied_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
