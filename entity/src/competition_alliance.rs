//! An alliance a competition is held by or for.

use sea_orm::entity::prelude::*;

/// A competition's alliance.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_alliances")]
pub struct Model {
    /// The competition.
    #[sea_orm(primary_key, auto_increment = false)]
    pub competition_id: i32,
    /// The alliance.
    #[sea_orm(primary_key, auto_increment = false)]
    pub alliance_id: i32,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
