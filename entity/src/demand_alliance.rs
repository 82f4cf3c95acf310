//! Which alliances a demand is posted to.

use sea_orm::entity::prelude::*;

/// A (demand, alliance) pair.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "demand_alliances")]
pub struct Model {
    /// The demand.
    #[sea_orm(primary_key, auto_increment = false)]
    pub demand_id: i32,
    /// The alliance.
    #[sea_orm(primary_key, auto_increment = false)]
    pub alliance_id: i32,
}

/// Relations of the pair.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The demand.
    #[sea_orm(
        belongs_to = "super::demand::Entity",
        from = "Column::DemandId",
        to = "super::demand::Column::Id"
    )]
    Demand,
    /// The alliance.
    #[sea_orm(
        belongs_to = "super::alliance::Entity",
        from = "Column::AllianceId",
        to = "super::alliance::Column::Id"
    )]
    Alliance,
}

impl Related<super::demand::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Demand.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
