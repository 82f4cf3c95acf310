//! A provider's quarterly training plan (培训计划).

use sea_orm::entity::prelude::*;

use crate::SubsidyType;

/// One plan: a provider, a quarter, an occupation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "training_plans")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The region it trains in.
    pub region_id: i32,
    /// The year.
    pub year: i16,
    /// The quarter, 1 to 4.
    pub quarter: i16,
    /// The occupation.
    pub occupation_code: String,
    /// The provider.
    pub provider_id: i32,
    /// Classes planned.
    pub planned_classes: i32,
    /// People planned.
    pub planned_headcount: i32,
    /// The subsidy it draws on.
    pub subsidy_type: SubsidyType,
    /// When it was published.
    pub created_at: DateTimeUtc,
    /// The programme it belongs to, if any.
    pub programme_id: Option<i32>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
