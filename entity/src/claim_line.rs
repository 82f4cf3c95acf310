//! One learner's line of a subsidy claim.

use sea_orm::entity::prelude::*;

use crate::{ClaimEvidence, ClaimLineStatus, SkillLevel};

/// A line row; one per enrolment. At most one APPROVED or PAID line per learner, occupation and
/// level.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "claim_lines")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The claim.
    pub claim_id: i32,
    /// The completed enrolment.
    pub enrollment_id: i32,
    /// The learner.
    pub learner_id: i32,
    /// The occupation trained.
    pub occupation_code: String,
    /// The level trained.
    pub level: SkillLevel,
    /// The evidence it rests on.
    pub evidence: ClaimEvidence,
    /// The amount, fen.
    pub amount_fen: i64,
    /// PENDING, APPROVED, REJECTED or PAID.
    pub status: ClaimLineStatus,
    /// The regulator's reason.
    pub reason: Option<String>,
    /// The payment's reference, once paid.
    pub payment_reference: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTimeUtc>,
    /// When it was paid.
    pub paid_at: Option<DateTimeUtc>,
    /// The programme it belongs to, if any.
    pub programme_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
