//! An assessment session (评价批次): a body evaluates one occupation at one level on one day.

use sea_orm::entity::prelude::*;

use crate::{SessionStatus, SkillLevel};

/// A session row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_sessions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The body.
    pub body_id: i32,
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// The exam day.
    pub exam_date: Date,
    /// The last day to register.
    pub registration_deadline: Date,
    /// The venue's region.
    pub region_id: i32,
    /// The county-level region under its city where it is, when known (given, or read from the
    /// address where that is certain).
    pub county_id: Option<i32>,
    /// The venue's address.
    pub address: String,
    /// The venue's latitude.
    pub latitude: Option<f64>,
    /// The venue's longitude.
    pub longitude: Option<f64>,
    /// Places.
    pub capacity: i32,
    /// Places taken.
    pub registered: i32,
    /// SCHEDULED → HELD → RESULTS_PUBLISHED, or CANCELLED.
    pub status: SessionStatus,
    /// When it was scheduled.
    pub created_at: DateTimeUtc,
    /// How it evaluates: EXAM, or WORKPLACE (车间+考场: an employer body assessing its own
    /// employees at work); the certificates it issues carry it as their route.
    pub route: crate::CertificateRoute,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
