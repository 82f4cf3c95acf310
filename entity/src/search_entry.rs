//! One object's entry in the search index: its display text and the terms cut from it.

use sea_orm::entity::prelude::*;

use crate::{SearchKind, SkillLevel};

/// A search entry (written by the server in the transaction that writes its object).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_entries")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// What kind of object it describes.
    pub kind: SearchKind,
    /// The object's integer id, for the kinds that have one.
    pub object_id: Option<i32>,
    /// The object's key: its id in decimal, or an occupation's code; unique with `kind`.
    pub object_key: String,
    /// The text shown as the hit's title.
    pub title: String,
    /// The text searched beside the title.
    pub body: String,
    /// The title's distinct terms, joined by spaces.
    pub title_terms: String,
    /// The body's distinct terms, joined by spaces.
    pub body_terms: String,
    /// The ways a query names the title exactly, joined by spaces: the title folded, and for a
    /// Chinese title its pinyin in full and by initials (`焊工 hangong hg`).
    pub title_key: String,
    /// The city of the object, when it has one.
    pub region_id: Option<i32>,
    /// The county of the object, when known.
    pub county_id: Option<i32>,
    /// The occupation it is about, when one.
    pub occupation_code: Option<String>,
    /// The level it asks or trains for, when one.
    pub level: Option<SkillLevel>,
    /// How recent it is: ties of score are broken newest first.
    pub ranked_at: DateTimeUtc,
    /// The version of the term rules that wrote it.
    pub version: i16,
}

/// Related through keys; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
