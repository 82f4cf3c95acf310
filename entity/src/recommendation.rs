//! A job recommendation (荐岗): a demand recommended to a certified or trained learner.

use sea_orm::entity::prelude::*;

use crate::RecommendationOutcome;

/// A recommendation row; one per learner and demand.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recommendations")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The learner.
    pub learner_id: i32,
    /// The demand recommended.
    pub demand_id: i32,
    /// The organization that recommended it (a provider or the bureau); none for an alliance
    /// administrator acting for no organization.
    pub recommended_by_id: Option<i32>,
    /// The role of whoever recommended it.
    pub recommender_role: String,
    /// A note for the learner.
    pub note: String,
    /// SENT → VIEWED → APPLIED → INTERVIEWED → HIRED, or DECLINED.
    pub outcome: RecommendationOutcome,
    /// Why it was declined.
    pub decline_reason: Option<String>,
    /// Who declined it: `LEARNER` or `EMPLOYER`.
    pub declined_by: Option<String>,
    /// When it was sent.
    pub created_at: DateTimeUtc,
    /// When its outcome last changed.
    pub updated_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
