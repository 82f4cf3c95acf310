//! A target group (重点群体) of training and employment policy, as data a region extends.

use sea_orm::entity::prelude::*;

/// A target group row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "target_groups")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable public code, upper-case with underscores (`VETERAN`, `LEFT_BEHIND_WOMEN`).
    #[sea_orm(unique)]
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name (empty where none is known).
    pub name_en: String,
    /// Membership is sensitive personal information (disability, poverty): figures by this group
    /// follow the disclosure rule like every figure about people, and a membership is shown in
    /// the full view only, like every membership.
    pub sensitive: bool,
    /// The region whose regulator added it; none for the national list.
    pub region_id: Option<i32>,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// Relations of a target group.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
