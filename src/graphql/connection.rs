//! Relay connections: one generic type for every paged list.
//!
//! Built from a domain [`Page`]; `totalCount` is computed only when a client asks for it.

use std::{borrow::Cow, sync::Arc};

use async_graphql::{Context, Object, OutputType, TypeName};
use futures_util::future::BoxFuture;

use crate::{
    domain::read::page::{Cursor, Page, PageRequest, page_in_memory},
    error::{AppError, AppResult},
};

/// Pagination state of a connection (its cursors encoded only when asked for).
#[derive(Debug, Clone)]
pub struct PageInfo {
    has_previous_page: bool,
    has_next_page: bool,
    start_cursor: Option<Cursor>,
    end_cursor: Option<Cursor>,
}

/// Pagination state of a connection.
#[Object]
impl PageInfo {
    /// Rows exist before the first edge (paging backwards can continue).
    async fn has_previous_page(&self) -> bool {
        self.has_previous_page
    }

    /// Rows exist after the last edge (paging forwards can continue).
    async fn has_next_page(&self) -> bool {
        self.has_next_page
    }

    /// The cursor of the first edge, for `before`.
    async fn start_cursor(&self) -> Option<String> {
        self.start_cursor.as_ref().map(Cursor::encode)
    }

    /// The cursor of the last edge, for `after`.
    async fn end_cursor(&self) -> Option<String> {
        self.end_cursor.as_ref().map(Cursor::encode)
    }
}

/// How the total is known: already counted, or counted on demand.
#[derive(Clone)]
pub enum TotalCount {
    /// Known without another statement (lists paged in memory).
    Known(u64),
    /// One `COUNT` statement, run only if the client selects `totalCount`.
    Deferred(Arc<dyn Fn() -> BoxFuture<'static, AppResult<u64>> + Send + Sync>),
    /// Counted through the request's context (a loader that counts a whole level at once), only
    /// if the client selects `totalCount`.
    Source(Arc<dyn CountSource>),
}

/// A count read through the request's context.
pub trait CountSource: Send + Sync {
    /// Counts.
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> BoxFuture<'a, async_graphql::Result<u64>>;
}

impl TotalCount {
    /// Defers a count.
    pub fn deferred<F>(f: F) -> Self
    where
        F: Fn() -> BoxFuture<'static, AppResult<u64>> + Send + Sync + 'static,
    {
        Self::Deferred(Arc::new(f))
    }
}

/// An edge: a node and its cursor (encoded only if a client asks for it).
pub struct Edge<N> {
    cursor: Cursor,
    node: N,
}

/// An edge of a connection: one node and the cursor that points at it.
#[Object(name_type)]
impl<N: OutputType> Edge<N> {
    /// An opaque position, for `after` or `before`.
    async fn cursor(&self) -> String {
        self.cursor.encode()
    }

    /// The node at this position.
    async fn node(&self) -> &N {
        &self.node
    }
}

impl<N: OutputType> TypeName for Edge<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Edge", N::type_name()).into()
    }
}

/// A Relay connection: one page of a list.
pub struct Connection<N> {
    edges: Vec<Edge<N>>,
    page_info: PageInfo,
    total: TotalCount,
}

impl<N> Connection<N> {
    /// Builds a connection from a page, mapping each row to its GraphQL type.
    pub fn from_page<T>(page: Page<T>, total: TotalCount, f: impl Fn(T) -> N) -> Self {
        let edges: Vec<Edge<N>> = page
            .items
            .into_iter()
            .map(|(cursor, row)| Edge {
                cursor,
                node: f(row),
            })
            .collect();
        Self::from_edges(edges, page.has_previous, page.has_next, total)
    }

    fn from_edges(
        edges: Vec<Edge<N>>,
        has_previous: bool,
        has_next: bool,
        total: TotalCount,
    ) -> Self {
        let page_info = PageInfo {
            has_previous_page: has_previous,
            has_next_page: has_next,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Self {
            edges,
            page_info,
            total,
        }
    }
}

/// A page of a list, as a Relay connection (`first`/`after` forwards, `last`/`before` backwards,
/// at most 100 per page).
#[Object(name_type)]
impl<N: OutputType> Connection<N> {
    /// The edges of this page, each with its cursor.
    async fn edges(&self) -> &[Edge<N>] {
        &self.edges
    }

    /// The nodes of this page, without cursors.
    async fn nodes(&self) -> Vec<&N> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many items the whole list has, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let n = match &self.total {
            TotalCount::Known(n) => *n,
            TotalCount::Deferred(count) => count().await?,
            TotalCount::Source(source) => source.count(ctx).await?,
        };
        Ok(i64::try_from(n).map_err(AppError::internal)?)
    }
}

impl<N: OutputType> TypeName for Connection<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", N::type_name()).into()
    }
}

/// A connection over rows a DataLoader loaded whole for one parent, paged in memory by `key` (a
/// unique, ascending integer); `list` names the list in its cursors.
pub fn in_memory<T: Clone, N>(
    list: &str,
    rows: &[T],
    key: impl Fn(&T) -> i64,
    request: &PageRequest,
    f: impl Fn(T) -> N,
) -> AppResult<Connection<N>> {
    let page = page_in_memory(list, rows, key, request)?;
    Ok(Connection::from_page(
        page,
        TotalCount::Known(rows.len() as u64),
        f,
    ))
}
