//! An industry in a cluster.

use sea_orm::entity::prelude::*;

/// A cluster membership row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "industry_cluster_members")]
pub struct Model {
    /// The cluster.
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: i32,
    /// The industry.
    #[sea_orm(primary_key, auto_increment = false)]
    pub industry_id: i32,
}

/// Relations of a cluster membership.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
