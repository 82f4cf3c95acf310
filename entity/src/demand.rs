//! Job or apprenticeship demand (岗位需求) posted by an enterprise to one or more of its alliances.

use sea_orm::entity::prelude::*;

use crate::{DemandKind, DemandStatus, SkillLevel};

/// A demand row.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "demands")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The enterprise that posts it.
    pub enterprise_id: i32,
    /// The occupation wanted.
    pub occupation_code: String,
    /// The skill level required.
    pub level: SkillLevel,
    /// JOB or APPRENTICESHIP.
    pub kind: DemandKind,
    /// How many people, 1 to 10,000.
    pub headcount: i32,
    /// Lowest monthly wage offered, CNY.
    pub wage_min: i32,
    /// Highest monthly wage offered, CNY.
    pub wage_max: i32,
    /// The region of the workplace.
    pub region_id: i32,
    /// The county-level region under its city where it is, when known (given, or read from the
    /// address where that is certain).
    pub county_id: Option<i32>,
    /// The workplace's address.
    pub address: String,
    /// The workplace's latitude (WGS 84), where known.
    pub latitude: Option<f64>,
    /// The workplace's longitude (WGS 84), where known.
    pub longitude: Option<f64>,
    /// What the work is.
    pub description: String,
    /// The last day it is valid.
    pub valid_until: Date,
    /// DRAFT → OPEN → FILLED or CLOSED.
    pub status: DemandStatus,
    /// Why it was closed.
    pub close_reason: Option<String>,
    /// When it was opened.
    pub posted_at: Option<DateTimeUtc>,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
    /// Places filled by HIRED recommendations; the demand is FILLED when this reaches the headcount.
    pub hired: i32,
    /// Incremented by every change, for optimistic concurrency.
    pub version: i32,
    /// The work type (工种) of the occupation it names, if any.
    pub work_type_id: Option<i32>,
    /// The special ability (专项职业能力) it asks for, if any.
    pub special_ability_id: Option<i32>,
}

/// Relations of a demand.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The alliances it is posted to.
    #[sea_orm(has_many = "super::demand_alliance::Entity")]
    DemandAlliance,
}

impl Related<super::demand_alliance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DemandAlliance.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
