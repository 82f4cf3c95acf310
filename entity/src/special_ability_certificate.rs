//! A special-ability certificate (专项职业能力证书): an ability assessed, not a level.

use sea_orm::entity::prelude::*;

use crate::CertificateStatus;

/// A special-ability certificate row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "special_ability_certificates")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The 22-character number, level digit 0.
    #[sea_orm(unique)]
    pub number: String,
    /// The holder.
    pub learner_id: i32,
    /// The special ability.
    pub special_ability_id: i32,
    /// The issuing body.
    pub body_id: i32,
    /// The session it was earned in.
    pub session_id: i32,
    /// The candidacy it was earned by.
    #[sea_orm(unique)]
    pub candidate_id: i32,
    /// The day of issue.
    pub issued_on: Date,
    /// VALID or REVOKED.
    pub status: CertificateStatus,
    /// Why it was revoked.
    pub revoked_reason: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<DateTimeUtc>,
    /// Where it was assessed: the session's city.
    pub region_id: i32,
    /// The session's county, when known.
    pub county_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
