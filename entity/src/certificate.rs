//! A skill-level certificate (职业技能等级证书).

use sea_orm::entity::prelude::*;

use crate::{CertificateRoute, CertificateStatus, SkillLevel};

/// A certificate row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The 22-character national number.
    #[sea_orm(unique)]
    pub number: String,
    /// The holder.
    pub learner_id: i32,
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// The issuing body.
    pub body_id: i32,
    /// The exam or workplace session it was earned in; none for a direct recognition or a
    /// competition.
    pub session_id: Option<i32>,
    /// The candidacy it was earned by, with its session.
    #[sea_orm(unique)]
    pub candidate_id: Option<i32>,
    /// The day of issue.
    pub issued_on: Date,
    /// VALID or REVOKED.
    pub status: CertificateStatus,
    /// How the level was reached.
    pub route: CertificateRoute,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<DateTimeUtc>,
    /// Where the level was reached: the session's venue, the competition's region, the
    /// recognising body's region (the bureau's figures count it there).
    pub region_id: i32,
    /// The county of that place, when known.
    pub county_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
