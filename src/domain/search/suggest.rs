//! Autocomplete: the titles of the index that begin with what a person has typed, in Chinese, in
//! pinyin or by pinyin initials.
//!
//! Every distinct title is a label spelt three ways (folded, pinyin, initials), each spelling
//! under a B-tree index in byte order on both databases. A prefix reads at most a few dozen
//! labels from each index it applies to (a Chinese prefix: the folded title; letters: all three),
//! ranks them (exact spellings first, then names before pinyin before initials, shorter first),
//! and keeps those that some visible entry still carries: two statements for the candidates and
//! one for their visibility, whatever the size of the index.

use std::collections::{BTreeSet, HashSet};

use entity::{SearchKind, search_entry, search_label};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Query as SqlQuery},
};

use super::tokens;
use crate::error::{AppError, AppResult};

/// The most suggestions one call gives.
pub const MAX_SUGGESTIONS: u64 = 20;

/// How many labels are read from each spelling's index before ranking.
const CANDIDATES: u64 = 40;

/// Which spelling of a title the prefix began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Spelling {
    /// The title itself.
    Name,
    /// Its pinyin in full.
    Pinyin,
    /// Its pinyin initials.
    Initials,
}

/// One suggestion: a title, and which of its spellings the prefix began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The title as shown.
    pub label: String,
    /// How the prefix matched it.
    pub matched: Spelling,
}

/// Reads a typed prefix for `field`: folded as titles are, 1 to 30 characters.
pub fn prefix(field: &str, input: &str) -> AppResult<String> {
    let key = tokens::key(input);
    let len = key.chars().count();
    if len == 0 {
        return Err(AppError::validation(
            field,
            "give a letter, a digit or a Chinese character",
        ));
    }
    if len > 30 {
        return Err(AppError::validation(field, "at most 30 characters"));
    }
    Ok(key)
}

/// Up to `limit` titles that begin with `prefix` (from [`prefix`]) and that some entry of
/// `kinds` (every kind when empty) visible to the public carries.
pub async fn suggest<C: ConnectionTrait>(
    db: &C,
    prefix: &str,
    kinds: &[SearchKind],
    limit: u64,
) -> AppResult<Vec<Suggestion>> {
    let limit = Ord::min(limit, MAX_SUGGESTIONS);
    if limit == 0 {
        return Ok(Vec::new());
    }
    let mut spellings = vec![(Spelling::Name, search_label::Column::Key)];
    if prefix.is_ascii() {
        spellings.push((Spelling::Pinyin, search_label::Column::Pinyin));
        spellings.push((Spelling::Initials, search_label::Column::Initials));
    }
    let end = format!("{prefix}{}", char::MAX);
    // (exact, spelling, length, key, label)
    let mut ranked: Vec<(bool, Spelling, usize, String, String)> = Vec::new();
    for (spelling, column) in spellings {
        let rows = search_label::Entity::find()
            .filter(column.gte(prefix))
            .filter(column.lt(end.as_str()))
            .order_by_asc(column)
            .limit(CANDIDATES)
            .all(db)
            .await?;
        for row in rows {
            let spelt = match spelling {
                Spelling::Name => &row.key,
                Spelling::Pinyin => &row.pinyin,
                Spelling::Initials => &row.initials,
            };
            ranked.push((
                spelt != prefix,
                spelling,
                row.label.chars().count(),
                row.key.clone(),
                row.label,
            ));
        }
    }
    ranked.sort();
    let mut seen = HashSet::new();
    ranked.retain(|r| seen.insert(r.4.clone()));
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let candidates: BTreeSet<String> = ranked.iter().map(|r| r.4.clone()).collect();
    let mut carried = Condition::all()
        .add(
            Expr::col((search_entry::Entity, search_entry::Column::Title))
                .equals((search_label::Entity, search_label::Column::Label)),
        )
        .add(super::visible());
    if !kinds.is_empty() {
        carried = carried.add(search_entry::Column::Kind.is_in(kinds.iter().copied()));
    }
    let visible: HashSet<String> = search_label::Entity::find()
        .select_only()
        .column(search_label::Column::Label)
        .filter(search_label::Column::Label.is_in(candidates))
        .filter(Expr::exists(
            SqlQuery::select()
                .expr(Expr::val(1))
                .from(search_entry::Entity)
                .cond_where(carried)
                .to_owned(),
        ))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(ranked
        .into_iter()
        .filter(|r| visible.contains(&r.4))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|(_, matched, _, _, label)| Suggestion { label, matched })
        .collect())
}
