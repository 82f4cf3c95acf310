//! A learner registered for an assessment session, with the scores once recorded.

use sea_orm::entity::prelude::*;

/// A candidate row; one per learner and session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "candidates")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The session.
    pub session_id: i32,
    /// The learner.
    pub learner_id: i32,
    /// An employer body's attestation that the learner is its employee.
    pub attestation: Option<String>,
    /// Theory score, 0–100.
    pub theory_score: Option<i16>,
    /// Practical score, 0–100.
    pub practical_score: Option<i16>,
    /// When the learner registered.
    pub registered_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
