//! Online study time of an enrolment, imported from an online-course platform (线上学时).

use sea_orm::entity::prelude::*;

/// An online-hours row; one per enrolment, platform and date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "online_hours")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The enrolment.
    pub enrollment_id: i32,
    /// The learner (the enrolment's).
    pub learner_id: i32,
    /// The platform that reported it.
    pub platform: String,
    /// The date studied.
    pub day: Date,
    /// Minutes studied.
    pub minutes: i32,
    /// When it was imported.
    pub imported_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
