//! A target a region's regulator set for an indicator, for a year or a period of years.

use sea_orm::entity::prelude::*;

use crate::Indicator;

/// A target row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_targets")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The region.
    pub region_id: i32,
    /// The indicator.
    pub indicator: Indicator,
    /// The first year of the period (the year itself for a yearly target).
    pub from_year: i16,
    /// The last year of the period.
    pub to_year: i16,
    /// The target: a count, or basis points for a rate.
    pub target: i64,
    /// When it was set.
    pub set_at: DateTimeUtc,
}

/// Relations of a target.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
