//! A promotion rule of a competition (以赛代评): the ranks up to `up_to_rank` in each occupation
//! reach a level.

use sea_orm::entity::prelude::*;

use crate::SkillLevel;

/// A promotion rule.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_rules")]
pub struct Model {
    /// The competition.
    #[sea_orm(primary_key, auto_increment = false)]
    pub competition_id: i32,
    /// The lowest rank it covers (1: the first place only).
    #[sea_orm(primary_key, auto_increment = false)]
    pub up_to_rank: i16,
    /// The level it grants; none for the next level above the one the entrant holds.
    pub grant_level: Option<SkillLevel>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
