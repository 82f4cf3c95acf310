//! An occupation of the national occupational classification (职业分类大典, 2022 edition).

use sea_orm::entity::prelude::*;

/// An occupation row, keyed by its code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "occupations")]
pub struct Model {
    /// The code `大类-中类-小类-细类`, 1-2-2-2 digits (`6-18-02-04`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// The major group (大类), 1–8.
    pub major: i16,
    /// Marked S (digital occupation) in the 2022 edition.
    pub digital: bool,
    /// Marked L (green occupation) in the 2022 edition.
    pub green: bool,
    /// The edition's one-sentence definition (empty for the few without a text).
    pub definition: String,
    /// Its numbered main tasks as printed (`1.设定焊接参数 2.…`); empty when none.
    pub tasks: String,
}

/// Occupations have no outgoing relations yet.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
