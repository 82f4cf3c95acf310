//! A special-ability session (专项职业能力考核): a body assesses one special ability on one day.

use sea_orm::entity::prelude::*;

use crate::SessionStatus;

/// A special-ability session row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "special_ability_sessions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The body.
    pub body_id: i32,
    /// The special ability assessed.
    pub special_ability_id: i32,
    /// The assessment day.
    pub exam_date: Date,
    /// The last day to register.
    pub registration_deadline: Date,
    /// The venue's city.
    pub region_id: i32,
    /// The venue's county, when known.
    pub county_id: Option<i32>,
    /// The venue's address.
    pub address: String,
    /// Places.
    pub capacity: i32,
    /// Places taken.
    pub registered: i32,
    /// SCHEDULED → RESULTS_PUBLISHED.
    pub status: SessionStatus,
    /// When it was scheduled.
    pub created_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
