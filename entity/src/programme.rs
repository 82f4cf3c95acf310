//! A programme (专项 / 行动 / 工程 / 计划) of a region.

use sea_orm::entity::prelude::*;

use crate::ProgrammeKind;

/// A programme row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programmes")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The region that runs it (a province, city or county).
    pub region_id: i32,
    /// Its code, unique in the region (`zj-2026-key-groups`).
    pub code: String,
    /// Its name as the region writes it.
    pub name: String,
    /// What kind of programme.
    pub kind: ProgrammeKind,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// When it was added.
    pub created_at: DateTimeUtc,
    /// When it last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of a programme.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
