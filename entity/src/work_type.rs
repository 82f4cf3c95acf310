//! A work type (工种): a trade under an occupation (电焊工 under 焊工 6-18-02-04).

use sea_orm::entity::prelude::*;

/// A work type row (reference data a region's regulator extends).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_types")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Its code (`ELECTRIC_WELDER`), unique.
    pub code: String,
    /// Its Chinese name, unique under its occupation.
    pub name: String,
    /// The occupation it belongs to.
    pub occupation_code: String,
    /// The region that added it; none for the national list.
    pub region_id: Option<i32>,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
