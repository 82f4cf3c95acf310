//! An honour (荣誉) conferred on a person: 江苏工匠, 大连工匠, 技能大师 and the like.

use sea_orm::entity::prelude::*;

use crate::HonourLevel;

/// An honour row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "honours")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The person honoured.
    pub learner_id: i32,
    /// Their employer when honoured, if recorded.
    pub employer_id: Option<i32>,
    /// The title (江苏工匠).
    pub title: String,
    /// Who confers it: NATIONAL, PROVINCIAL, CITY, INDUSTRY or ENTERPRISE.
    pub level: HonourLevel,
    /// The year it was conferred.
    pub year: i16,
    /// The award that came with it, in fen, if any.
    pub award_fen: Option<i64>,
    /// The region whose regulator recorded it.
    pub region_id: i32,
    /// When it was recorded.
    pub recorded_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
