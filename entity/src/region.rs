//! A region (地区): a province, city or county of the statistical division codes, in a tree.

use sea_orm::entity::prelude::*;

/// A region row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// GB/T 2260 administrative division code, six digits (Zhenjiang `321100`).
    #[sea_orm(unique)]
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name (empty where none is known).
    pub name_en: String,
    /// Province, city or county.
    pub level: crate::RegionLevel,
    /// The region above (a county's city, a city's province); none for a province.
    pub parent_id: Option<i32>,
    /// When it was retired (its code no longer used for new rows); none while current.
    pub retired_at: Option<DateTimeUtc>,
    /// The region that took over from a retired one.
    pub successor_id: Option<i32>,
    /// An organization or an alliance is registered in it.
    pub in_service: bool,
}

/// Relations of a region.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The alliances founded in this region.
    #[sea_orm(has_many = "super::alliance::Entity")]
    Alliance,
}

impl Related<super::alliance::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Alliance.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
