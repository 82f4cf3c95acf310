//! A learner's enrolment (参训) in a cohort.

use sea_orm::entity::prelude::*;

use crate::EnrollmentStatus;

/// An enrolment row; one per learner and cohort.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrollments")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The cohort.
    pub cohort_id: i32,
    /// The learner.
    pub learner_id: i32,
    /// ENROLLED → COMPLETED or WITHDRAWN.
    pub status: EnrollmentStatus,
    /// For apprentices: the labour contract's first day.
    pub contract_start: Option<Date>,
    /// For apprentices: the labour contract's last day.
    pub contract_end: Option<Date>,
    /// When the cohort's enterprise confirmed the labour contract with its own token (none
    /// while pending, and without a contract).
    pub contract_confirmed_at: Option<DateTimeUtc>,
    /// When the learner was enrolled.
    pub enrolled_at: DateTimeUtc,
    /// When the enrolment completed or was withdrawn.
    pub ended_at: Option<DateTimeUtc>,
    /// Why it was withdrawn.
    pub end_reason: Option<String>,
}

/// Enrolments are related through their ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
