//! A region's subsidy standard for a year: the uplift for scarce occupations and the yearly
//! amount per new-type apprentice.

use sea_orm::entity::prelude::*;

/// A standard row; one per region and year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subsidy_standards")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The region whose bureau sets it.
    pub region_id: i32,
    /// The year.
    pub year: i16,
    /// Percent added to a scarce occupation's catalogue amount.
    pub scarce_uplift_percent: i16,
    /// Fen per new-type apprentice per year of training.
    pub apprenticeship_fen_per_year: i64,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
