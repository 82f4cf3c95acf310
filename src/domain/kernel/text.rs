//! Free-text search input.

use entity::SearchKind;
use sea_orm::{
    DbBackend,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};

use crate::{
    domain::search::{self, Query},
    error::{AppError, AppResult},
};

/// A list's text filter: trimmed, 1 to 100 characters, matched through the search index
/// ([`crate::domain::search`]): Chinese by characters and words, pinyin, letters and digits by
/// the start of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(Option<Query>);

impl SearchText {
    /// Validates a needle for `field`.
    pub fn parse(field: &str, input: &str) -> AppResult<Self> {
        let needle = input.trim();
        let len = needle.chars().count();
        if len == 0 {
            return Err(AppError::validation(field, "must not be empty"));
        }
        if len > 100 {
            return Err(AppError::validation(field, "at most 100 characters"));
        }
        Ok(Self(Query::parse(needle)))
    }

    /// The parsed query; `None` when the text holds no letter, digit or Chinese character (it
    /// then matches nothing).
    pub fn query(&self) -> Option<&Query> {
        self.0.as_ref()
    }

    /// `key IN (the keys of the objects of kind whose entries match)`; `key` is the list's id
    /// column (an occupation's code).
    pub fn matches(
        &self,
        backend: DbBackend,
        kind: SearchKind,
        key: impl Into<SimpleExpr>,
    ) -> SimpleExpr {
        match &self.0 {
            Some(query) => key
                .into()
                .in_subquery(search::matching(backend, kind, query)),
            None => Expr::val(false),
        }
    }
}
