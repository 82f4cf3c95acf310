//! An occupation a competition is held in (竞赛工种).

use sea_orm::entity::prelude::*;

/// A competition's occupation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_occupations")]
pub struct Model {
    /// The competition.
    #[sea_orm(primary_key, auto_increment = false)]
    pub competition_id: i32,
    /// The occupation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub occupation_code: String,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
