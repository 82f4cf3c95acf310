//! A learner registered for a special-ability session, with the result once published.

use sea_orm::entity::prelude::*;

/// A candidate row; one per learner and session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "special_ability_candidates")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The session.
    pub session_id: i32,
    /// The learner.
    pub learner_id: i32,
    /// Whether they passed; none until the results are published.
    pub passed: Option<bool>,
    /// When they were registered.
    pub registered_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
