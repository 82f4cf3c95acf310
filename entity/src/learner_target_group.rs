//! A learner's membership of a target group, with the date and the basis of it.

use sea_orm::entity::prelude::*;

/// A membership row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learner_target_groups")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The learner.
    pub learner_id: i32,
    /// The group.
    pub target_group_id: i32,
    /// Since when the learner belongs to it.
    pub since: Date,
    /// On what basis (a certificate, a register, the learner's declaration), as recorded.
    pub basis: String,
    /// The organization that recorded it; none for the learner's declaration at registration
    /// and for the bureau without a bureau organization.
    pub recorded_by_id: Option<i32>,
    /// When it was recorded.
    pub created_at: DateTimeUtc,
}

/// Relations of a membership.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
