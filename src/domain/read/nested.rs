//! Lists under a parent (an alliance's members, an enterprise's demands), paged in SQL for many
//! parents at once.
//!
//! A nested connection asks for `first + 1` rows of *each* parent, never every child: one
//! statement answers a whole level of a query. On PostgreSQL it is a `LATERAL` join over the
//! parent keys, so each parent is one short range of a `(parent, order)` index and the cost does
//! not grow with the table; on SQLite (no `LATERAL`) it is `ROW_NUMBER() OVER (PARTITION BY
//! parent …)` over the children of the requested parents, which reads every child of those
//! parents. (A correlated `IN (SELECT … LIMIT n)` per parent is flat in principle, but SQLite's
//! planner, without statistics, drives it from the status index and scans the table.) Rows are ordered by one unique integer key, ascending, and
//! carry the same cursors ([`Cursor`] with one `Int` key, the list's name as ordering) and follow
//! the same paging rules as top-level lists ([`crate::domain::read::page::fetch_page`]).

use std::{collections::HashMap, hash::Hash};

use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, TryGetable, Value,
    sea_query::{
        Alias, Expr, ExprTrait, Func, Order, OverStatement, PostgresQueryBuilder, SelectStatement,
        SimpleExpr, SqliteQueryBuilder, WindowStatement,
    },
};
use serde::Serialize;

use crate::domain::read::page::{Direction, Page, PageRequest, int_bound};
use crate::error::AppResult;

/// The key of a parent: an integer id or a text code.
pub trait ParentKey:
    Clone + Eq + Hash + Send + Sync + Serialize + TryGetable + Into<Value> + 'static
{
    /// The SQL type the key is read back as from the JSON list of parents (PostgreSQL).
    const SQL_TYPE: &'static str;
}

impl ParentKey for i32 {
    const SQL_TYPE: &'static str = "integer";
}

impl ParentKey for String {
    const SQL_TYPE: &'static str = "text";
}

/// The definition of one nested list.
pub struct NestedList<T> {
    /// The list's name, carried in its cursors (`organization.demands`).
    pub name: &'static str,
    /// The rows of the list for any parent: `FROM`, joins, filters and the selected columns; no
    /// `ORDER BY` or `LIMIT`.
    pub select: SelectStatement,
    /// The parent key of a row (`demands.enterprise_id`).
    pub parent: SimpleExpr,
    /// The list order: a unique integer key, ascending (`demands.id`). An index on
    /// `(parent, order)` makes each parent's page one short range.
    pub order: SimpleExpr,
    /// Reads one row of `select`.
    pub parse: fn(&QueryResult) -> Result<T, DbErr>,
    /// The row's order key, as `order` computes it.
    pub key: fn(&T) -> i64,
}

const PARENT: &str = "sg_parent";
const RANK: &str = "sg_rank";

impl<T> NestedList<T> {
    /// One page of each parent in `parents`, with one statement (none for no parents). A parent
    /// without rows gets an empty page.
    pub async fn pages<K: ParentKey, C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[K],
        request: &PageRequest,
    ) -> AppResult<HashMap<K, Page<T>>> {
        let after = int_bound(self.name, "after", &request.after)?;
        let before = int_bound(self.name, "before", &request.before)?;
        let mut pages: HashMap<K, Page<T>> = HashMap::new();
        if parents.is_empty() {
            return Ok(pages);
        }
        let backward = request.direction == Direction::Backward;
        let order = if backward { Order::Desc } else { Order::Asc };
        let take = request.limit.saturating_add(1);
        let mut inner = self.select.clone();
        if let Some(a) = after {
            inner.and_where(self.order.clone().gt(a));
        }
        if let Some(b) = before {
            inner.and_where(self.order.clone().lt(b));
        }
        let backend = db.get_database_backend();
        let statement = match backend {
            DbBackend::Postgres => {
                inner
                    .and_where(self.parent.clone().eq(Expr::cust("\"sg_p\".\"key\"")))
                    .order_by_expr(self.order.clone(), order)
                    .limit(take);
                let (sql, mut values) = inner.build(PostgresQueryBuilder);
                values.0.push(json_list(parents).into());
                let sql = format!(
                    "SELECT \"sg_p\".\"key\" AS \"{PARENT}\", \"sg_c\".* FROM \
                     (SELECT CAST(\"value\" AS {ty}) AS \"key\" FROM json_array_elements_text(CAST(${n} AS json))) AS \"sg_p\" \
                     CROSS JOIN LATERAL ({sql}) AS \"sg_c\"",
                    ty = K::SQL_TYPE,
                    n = values.0.len(),
                );
                Statement::from_sql_and_values(backend, sql, values)
            }
            _ => {
                inner
                    .expr_as(self.parent.clone(), Alias::new(PARENT))
                    .expr_window_as(
                        Func::cust("ROW_NUMBER"),
                        {
                            let mut window = WindowStatement::new();
                            window
                                .add_partition_by(self.parent.clone())
                                .order_by_expr(self.order.clone(), order.clone());
                            window
                        },
                        Alias::new(RANK),
                    )
                    .and_where(
                        self.parent
                            .clone()
                            .is_in(parents.iter().cloned().map(Into::<Value>::into)),
                    );
                let (sql, values) = build(&inner, backend);
                let sql = format!("SELECT * FROM ({sql}) AS \"sg_c\" WHERE \"{RANK}\" <= {take}");
                Statement::from_sql_and_values(backend, sql, values)
            }
        };
        let rows = db.query_all_raw(statement).await?;
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let mut grouped: HashMap<K, Vec<T>> = HashMap::new();
        for row in rows {
            let parent: K = row.try_get("", PARENT)?;
            grouped.entry(parent).or_default().push((self.parse)(&row)?);
        }
        for (parent, mut rows) in grouped {
            // At most `limit + 1` rows of the parent, nearest the cursor first in SQL; here in
            // list order, keeping the `limit` nearest.
            rows.sort_by_key(|r| (self.key)(r));
            let more = rows.len() > limit;
            if backward {
                rows.drain(..rows.len().saturating_sub(limit));
            } else {
                rows.truncate(limit);
            }
            let page = Page::keyed(self.name, rows, self.key, request, more);
            pages.insert(parent, page);
        }
        for parent in parents {
            pages
                .entry(parent.clone())
                .or_insert_with(|| Page::of(vec![], request, false));
        }
        Ok(pages)
    }

    /// How many rows each parent has, with one grouped count.
    pub async fn counts<K: ParentKey, C: ConnectionTrait>(
        &self,
        db: &C,
        parents: &[K],
    ) -> AppResult<HashMap<K, u64>> {
        let mut counts: HashMap<K, u64> = parents.iter().map(|p| (p.clone(), 0)).collect();
        if parents.is_empty() {
            return Ok(counts);
        }
        let mut select = self.select.clone();
        select
            .clear_selects()
            .expr_as(self.parent.clone(), Alias::new(PARENT))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("sg_count"))
            .and_where(
                self.parent
                    .clone()
                    .is_in(parents.iter().cloned().map(Into::<Value>::into)),
            )
            .add_group_by([self.parent.clone()]);
        let backend = db.get_database_backend();
        let (sql, values) = build(&select, backend);
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        for row in rows {
            let parent: K = row.try_get("", PARENT)?;
            let n: i64 = row.try_get("", "sg_count")?;
            counts.insert(parent, u64::try_from(n).unwrap_or(0));
        }
        Ok(counts)
    }
}

fn json_list<K: Serialize>(parents: &[K]) -> String {
    // A list of integers or strings always serialises.
    serde_json::to_string(parents).unwrap_or_else(|_| "[]".to_owned())
}

fn build(select: &SelectStatement, backend: DbBackend) -> (String, sea_orm::sea_query::Values) {
    match backend {
        DbBackend::Postgres => select.build(PostgresQueryBuilder),
        _ => select.build(SqliteQueryBuilder),
    }
}
