//! A named group of the occupational classification above the occupations: a 大类 (`6`), a
//! 中类 (`6-18`) or a 小类 (`6-18-02`).

use sea_orm::entity::prelude::*;

/// A group row (reference data, loaded by migration).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "occupation_groups")]
pub struct Model {
    /// The code: `6`, `6-18` or `6-18-02`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// The Chinese name (`6-18` is 机械制造基础加工人员, `6-18-02` 机械热加工人员).
    pub name: String,
    /// MAJOR (大类), MIDDLE (中类) or MINOR (小类).
    pub level: crate::OccupationGroupLevel,
    /// The group above it; none for a major group.
    pub parent_code: Option<String>,
}

/// Related through codes; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
