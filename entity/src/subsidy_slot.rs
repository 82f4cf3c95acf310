//! A subsidy slot: held by each ENROLLED or COMPLETED enrolment in a subsidised cohort that is
//! not cancelled, unique per learner, occupation and level, so the database itself refuses a
//! second subsidised training of the same occupation and level anywhere.

use sea_orm::entity::prelude::*;

use crate::SkillLevel;

/// A slot row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subsidy_slots")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The learner.
    pub learner_id: i32,
    /// The occupation trained for.
    pub occupation_code: String,
    /// The level trained for.
    pub level: SkillLevel,
    /// The enrolment that holds it.
    pub enrollment_id: i32,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
