//! `Query`: one search across demands, open resources, organizations, occupations, work types,
//! special abilities and alliances.

use std::sync::Arc;

use async_graphql::{Context, Object};

use crate::domain::search::suggest;
use crate::graphql::{
    context::api,
    types::{Completion, SearchFilter, SearchKind, SearchResults, search_input},
};

/// Search across the graph.
#[derive(Default)]
pub struct SearchQuery;

/// Search across the graph.
#[Object]
impl SearchQuery {
    /// Finds what a person types: Chinese by characters and words (焊, 焊工, 电焊 for 焊工), pinyin
    /// in full or by initials (hangong, hg), letters and digits by the start of a word. Every
    /// term must match; hits are ranked by `score`, then newest first. A viewer finds what the
    /// lists show the public: open demands, current open resources, organizations, the
    /// classification, work types, special abilities and alliances. Nothing is read until
    /// `hits` or `facets` is selected.
    async fn search(
        &self,
        #[graphql(desc = "What to look for, 1 to 100 characters.")] text: String,
        #[graphql(desc = "Only these kinds; every kind when left out.")] kinds: Option<
            Vec<SearchKind>,
        >,
        #[graphql(desc = "Narrows the hits.")] filter: Option<SearchFilter>,
    ) -> async_graphql::Result<SearchResults> {
        let (query, filter) = search_input(&text, kinds, filter)?;
        Ok(SearchResults {
            query: Arc::new(query),
            filter,
        })
    }

    /// Autocomplete: titles that begin with what was typed, in Chinese (焊 → 焊工), in pinyin
    /// (hang → 焊工) or by initials (hg → 焊工), for titles some visible object still carries.
    /// Exact spellings first, then names before pinyin before initials, shorter first.
    async fn suggest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What was typed so far, 1 to 30 characters.")] prefix: String,
        #[graphql(desc = "Only titles of these kinds; every kind when left out.")] kinds: Option<
            Vec<SearchKind>,
        >,
        #[graphql(desc = "At most this many suggestions, 0 to 20 (10 when left out).")]
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Completion>> {
        let key = suggest::prefix("prefix", &prefix)?;
        let first = first.unwrap_or(10);
        if !(0..=20).contains(&first) {
            return Err(crate::error::AppError::validation("first", "0 to 20").into());
        }
        let kinds: Vec<entity::SearchKind> = kinds
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let api = api(ctx)?;
        let found = suggest::suggest(
            &*api.db.turn().await?,
            &key,
            &kinds,
            u64::try_from(first).unwrap_or(0),
        )
        .await?;
        Ok(found.into_iter().map(Completion::from).collect())
    }
}
