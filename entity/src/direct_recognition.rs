//! A direct recognition (职业技能等级直接认定): an employer body proposes a level for one of its
//! employees with its justification; the regulator of the body's region decides.

use sea_orm::entity::prelude::*;

use crate::{RecognitionStatus, SkillLevel};

/// A direct recognition row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "direct_recognitions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The proposing employer body.
    pub body_id: i32,
    /// The employee.
    pub learner_id: i32,
    /// The occupation.
    pub occupation_code: String,
    /// The level proposed.
    pub level: SkillLevel,
    /// Why: the work, the results, the years.
    pub justification: String,
    /// PROPOSED → APPROVED or REJECTED.
    pub status: RecognitionStatus,
    /// The regulator's reason, when rejected (or a note when approved).
    pub decision_reason: Option<String>,
    /// The body's region, whose regulator decides.
    pub region_id: i32,
    /// When it was proposed.
    pub proposed_at: DateTimeUtc,
    /// When it was decided.
    pub decided_at: Option<DateTimeUtc>,
    /// The certificate issued on approval.
    pub certificate_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
