//! The check value of a key the data was written with (`personal_data`: the personal-data key).

use sea_orm::entity::prelude::*;

/// A key check row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "key_checks")]
pub struct Model {
    /// What the key is for.
    #[sea_orm(primary_key, auto_increment = false)]
    pub purpose: String,
    /// A keyed digest of a fixed label: equal for the same key, and says nothing about it.
    pub check_value: String,
    /// When it was first recorded.
    pub recorded_at: DateTimeUtc,
}

/// A key check has no relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
