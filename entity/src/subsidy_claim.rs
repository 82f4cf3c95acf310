//! A provider's subsidy claim for a finished cohort (补贴申领).

use sea_orm::entity::prelude::*;

use crate::ClaimStatus;

/// A claim row; one per cohort.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subsidy_claims")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The cohort claimed for.
    pub cohort_id: i32,
    /// The provider claiming.
    pub provider_id: i32,
    /// The region whose bureau pays (the cohort's alliance's).
    pub region_id: i32,
    /// PENDING, DECIDED or SETTLED.
    pub status: ClaimStatus,
    /// The sum of its lines, fen.
    pub claimed_fen: i64,
    /// When it was submitted.
    pub created_at: DateTimeUtc,
    /// When a line last changed.
    pub updated_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
