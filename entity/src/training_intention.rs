//! A training intention (培训意向, 点单): what a person wants to learn, and where and when.

use sea_orm::entity::prelude::*;

use crate::{IntentionStatus, SkillLevel};

/// An intention row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "training_intentions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The learner.
    pub learner_id: i32,
    /// A full occupation code, or a group's prefix.
    pub occupation_prefix: String,
    /// The level wanted.
    pub level: SkillLevel,
    /// Preferred schedules, comma-separated, most preferred first.
    pub schedules: String,
    /// Where the learner lives.
    pub region_id: i32,
    /// The learner's latitude.
    pub latitude: Option<f64>,
    /// The learner's longitude.
    pub longitude: Option<f64>,
    /// How far the learner will travel, km.
    pub max_distance_km: Option<f64>,
    /// The earliest day to start.
    pub earliest_start: Date,
    /// OPEN → MATCHED / DISPATCHED / WITHDRAWN / EXPIRED.
    pub status: IntentionStatus,
    /// The order it was dispatched in.
    pub order_id: Option<i32>,
    /// The organization that submitted it for the learner.
    pub submitted_by_id: Option<i32>,
    /// When it was submitted.
    pub created_at: DateTimeUtc,
    /// The day after which an open intention expires.
    pub expires_on: Date,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
