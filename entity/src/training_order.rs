//! A training order (派单): bundled intentions the bureau dispatches to a provider.

use sea_orm::entity::prelude::*;

use crate::{OrderStatus, Schedule, SkillLevel};

/// An order row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_orders")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The region whose bureau dispatched it.
    pub region_id: i32,
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// The schedule.
    pub schedule: Schedule,
    /// Seats.
    pub seats: i32,
    /// The last day to accept or decline.
    pub deadline: Date,
    /// The provider it goes to.
    pub provider_id: i32,
    /// DISPATCHED → ACCEPTED / DECLINED / EXPIRED.
    pub status: OrderStatus,
    /// Why it was declined.
    pub decline_reason: Option<String>,
    /// The cohort opened when it was accepted.
    pub cohort_id: Option<i32>,
    /// When it was dispatched.
    pub created_at: DateTimeUtc,
    /// The programme it belongs to, if any.
    pub programme_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
