//! A special ability (专项职业能力): an assessed ability not tied to a skill level (螃蟹养殖,
//! 数字新媒体制作), on a region's list.

use sea_orm::entity::prelude::*;

/// A special ability row (reference data a region's regulator extends).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "special_abilities")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Its code (`HA_CRAB_FARMING`), unique.
    pub code: String,
    /// Its Chinese name.
    pub name: String,
    /// The occupation it relates to, if any.
    pub occupation_code: Option<String>,
    /// The region that added it; none for the national list.
    pub region_id: Option<i32>,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
