//! A distinct title of the search index, for autocomplete.

use sea_orm::entity::prelude::*;

/// A label: a title as shown, and the three texts a prefix is matched against.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_labels")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The title as shown, unique.
    pub label: String,
    /// The title folded (lowercase, full-width as ASCII, no separators).
    pub key: String,
    /// The title's pinyin without tones or spaces (`hangong`), letters and digits as they are.
    pub pinyin: String,
    /// The title's pinyin initials (`hg`), letters and digits as they are.
    pub initials: String,
}

/// Related through titles; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
