//! A person entered in a competition, with their result.

use sea_orm::entity::prelude::*;

use crate::CompetitionAward;

/// An entrant row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_entrants")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The competition.
    pub competition_id: i32,
    /// The person.
    pub learner_id: i32,
    /// The occupation they compete in.
    pub occupation_code: String,
    /// The organization that entered them, when known (a regulator's token may name none).
    pub entered_by_id: Option<i32>,
    /// Whether they entered themselves.
    pub self_entered: bool,
    /// When they were entered.
    pub entered_at: DateTimeUtc,
    /// Their rank in their occupation, once results are published.
    pub rank: Option<i16>,
    /// Their award, if any.
    pub award: Option<CompetitionAward>,
    /// The certificate the competition's rules granted them.
    pub certificate_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
