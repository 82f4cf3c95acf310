//! An appointment (评聘) of a special technician (特级技师) or a chief technician (首席技师) by an
//! enterprise, for a term.

use sea_orm::entity::prelude::*;

use crate::SkillLevel;

/// An appointment row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appointments")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The person appointed.
    pub learner_id: i32,
    /// The appointing enterprise, their employer.
    pub enterprise_id: i32,
    /// The occupation.
    pub occupation_code: String,
    /// SPECIAL_TECHNICIAN or CHIEF_TECHNICIAN.
    pub title: SkillLevel,
    /// The first day of the term.
    pub starts_on: Date,
    /// The last day of the term.
    pub ends_on: Date,
    /// The enterprise's region.
    pub region_id: i32,
    /// When it was recorded.
    pub appointed_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
