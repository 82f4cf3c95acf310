//! An item of a region's subsidised-training catalogue (补贴目录).

use sea_orm::entity::prelude::*;

use crate::{CatalogueCategory, CatalogueItemStatus, ClaimEvidence, SkillLevel};

/// A catalogue item: occupation × level × category × year in one region.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_items")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The region whose bureau keeps it.
    pub region_id: i32,
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// The category.
    pub category: CatalogueCategory,
    /// Subsidy per person, whole CNY (kept beside `subsidy_fen` for older clients).
    pub subsidy_amount: i32,
    /// Subsidy per person, fen: what claims are computed from.
    pub subsidy_fen: i64,
    /// What a claim line needs beyond the completion's attendance record.
    pub evidence: ClaimEvidence,
    /// A scarce occupation (紧缺职业), subsidised more.
    pub scarce: bool,
    /// The catalogue year.
    pub year: i16,
    /// LISTED, UNDER_REVIEW or REMOVED.
    pub status: CatalogueItemStatus,
    /// Why its status last changed.
    pub reason: Option<String>,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
    /// The work type (工种) of its occupation it subsidises, when it names one.
    pub work_type_id: Option<i32>,
    /// The special ability (专项职业能力) a SPECIAL_ABILITY item subsidises, when it names one.
    pub special_ability_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
