//! A follow-up (跟踪服务) of a learner who completed training, in month 1 to 6 after completion.

use sea_orm::entity::prelude::*;

use crate::WageBand;

/// A follow-up row; one per completion (enrolment) and month.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follow_ups")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The completed enrolment followed up.
    pub enrollment_id: i32,
    /// The learner.
    pub learner_id: i32,
    /// The month after completion, 1 to 6.
    pub month: i16,
    /// The day the learner was contacted.
    pub contacted_on: Date,
    /// Whether the learner is employed.
    pub employed: bool,
    /// The employer, when it is an organization in the graph.
    pub employer_id: Option<i32>,
    /// The employer's name, when it is not.
    pub employer_name: Option<String>,
    /// Whether the job is in the occupation trained for.
    pub occupation_match: bool,
    /// The monthly wage band.
    pub wage_band: Option<WageBand>,
    /// Whether the job is full-time (none where the record does not say).
    pub full_time: Option<bool>,
    /// A note.
    pub note: String,
    /// The organization that recorded it (the provider or the bureau).
    pub recorded_by_id: Option<i32>,
    /// When it was recorded.
    pub created_at: DateTimeUtc,
    /// What the completer was doing (EMPLOYED, SELF_EMPLOYED, BUSINESS_STARTED, FURTHER_STUDY,
    /// NOT_WORKING); `employed` is whether it is work of any kind.
    pub outcome: crate::FollowUpOutcome,
    /// The jobs a business the completer started created (BUSINESS_STARTED only).
    pub jobs_created: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
