//! A learner's real-name attendance on a class day (实名签到).

use sea_orm::entity::prelude::*;

use crate::AttendanceSource;

/// An attendance row; one per class day and enrolment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendances")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The class day.
    pub class_day_id: i32,
    /// The enrolment attending.
    pub enrollment_id: i32,
    /// The learner (the enrolment's), for questions across cohorts.
    pub learner_id: i32,
    /// The class day's date (denormalised likewise).
    pub day: Date,
    /// When the learner signed in, where the record says.
    pub signed_in_at: Option<DateTimeUtc>,
    /// RECORDED through the API or IMPORTED from an export.
    pub source: AttendanceSource,
    /// When it was written.
    pub recorded_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
