//! Connecting to the database and bringing its schema up to date.

use std::{
    cell::RefCell,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

mod share;

pub use share::{Gated, PoolGate, RequestShare, Turn, sharing, sharing_stream};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, Statement, Value, metric};

/// How long the database may keep a request waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbTimeouts {
    /// Waiting for a pooled connection (or a new one); past it the request is
    /// `SERVICE_UNAVAILABLE` rather than queued without end.
    pub acquire: Duration,
    /// One statement on PostgreSQL (`statement_timeout`).
    pub statement: Duration,
    /// Waiting for SQLite's write lock (the busy timeout).
    pub sqlite_busy: Duration,
}

impl Default for DbTimeouts {
    fn default() -> Self {
        Self {
            acquire: Duration::from_secs(1),
            statement: Duration::from_secs(10),
            sqlite_busy: Duration::from_secs(5),
        }
    }
}

/// Opens a pool for the command line and the tests: the default timeouts, but a patient wait for
/// a connection (a command has nobody to shed load for).
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    let timeouts = DbTimeouts {
        acquire: Duration::from_secs(30),
        ..DbTimeouts::default()
    };
    connect_with(url, max_connections, timeouts).await
}

fn options(url: &str, max_connections: u32, timeouts: DbTimeouts) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    let statement_ms = timeouts.statement.as_millis().to_string();
    options
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(timeouts.acquire)
        .connect_timeout(timeouts.acquire)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(timeouts.sqlite_busy)
                .foreign_keys(true)
                // Freed space is zeroed: an erased learner's ciphertexts (or a row sealed anew)
                // leave nothing behind in the file's free pages.
                .pragma("secure_delete", "ON")
        })
        // No JIT: the API's statements are short, and compiling one costs 30–40 ms whenever
        // the planner's estimate passes `jit_above_cost` (a search's correlated subqueries do),
        // more than most of them take to run.
        .map_sqlx_postgres_opts(move |o| {
            o.options([("statement_timeout", statement_ms.as_str()), ("jit", "off")])
        });
    options
}

/// Opens a pool. SQLite gets WAL journaling and a busy timeout, so readers never block the writer
/// and concurrent writers wait instead of failing; PostgreSQL statements time out; waiting for a
/// connection is bounded. Foreign keys are enforced on both backends. SQLite zeroes what it
/// frees (`secure_delete`), so deleted or overwritten personal data does not linger in the file.
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    timeouts: DbTimeouts,
) -> Result<DatabaseConnection, DbErr> {
    let mut db = Database::connect(options(url, max_connections, timeouts)).await?;
    observe(&mut db, |_| {});
    Ok(db)
}

/// A pool that connects on first use (a server that starts while its database is down answers
/// `SERVICE_UNAVAILABLE` until the database is back, instead of not starting).
pub async fn connect_lazy(
    url: &str,
    max_connections: u32,
    timeouts: DbTimeouts,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = options(url, max_connections, timeouts);
    options.connect_lazy(true).min_connections(0);
    let mut db = Database::connect(options).await?;
    observe(&mut db, |_| {});
    Ok(db)
}

/// The pool as of now: connections open, of them idle, and the most it opens (`None` for a
/// backend without a sqlx pool).
pub fn pool_state(db: &DatabaseConnection) -> Option<(u32, usize, u32)> {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            Some((
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ))
        }
        sea_orm::DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            Some((
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ))
        }
        _ => None,
    }
}

/// Applies every pending migration, then indexes for search whatever the index lacks (rows
/// older than it, or written under older term rules).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    let indexed = crate::domain::search::index::catch_up(db)
        .await
        .map_err(|e| DbErr::Custom(format!("indexing for search: {e}")))?;
    if indexed > 0 {
        tracing::info!(indexed, "indexed rows for search");
    }
    Ok(())
}

/// One statement that changed rows: its table, and the equality conditions of its `WHERE` when
/// they alone narrow it (`"table"."column" = value`, joined by `AND` only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The table written.
    pub table: String,
    /// `column = value` conditions that every changed row meets; empty when any row may have
    /// changed (an `UPDATE` or `DELETE` without such a condition, an upsert).
    pub only: Vec<(String, String)>,
    /// Rows were added and none changed (a plain `INSERT`).
    pub added_only: bool,
}

tokio::task_local! {
    static WRITTEN: RefCell<Vec<Written>>;
    static COUNTED: Arc<AtomicU64>;
}

/// Runs `work`, and returns with its output how many statements it ran: on its task, and in
/// the batched loads it started ([`carry`]; a batch that also holds other requests' keys is
/// counted to the request that started it).
pub async fn counting_statements<F: Future>(work: F) -> (F::Output, u64) {
    let counter = Arc::new(AtomicU64::new(0));
    let output = COUNTED.scope(counter.clone(), work).await;
    (output, counter.load(Ordering::Relaxed))
}

/// `work`, counting its statements to the request whose task spawns it (for the loaders'
/// spawner). The batch also runs on a batch turn of that request's pool share ([`share`]).
pub fn carry<F: Future>(work: F) -> impl Future<Output = F::Output> {
    let counter = COUNTED.try_with(Arc::clone).ok();
    share::batch_of_this_request(async move {
        match counter {
            Some(counter) => COUNTED.scope(counter, work).await,
            None => work.await,
        }
    })
}

/// Runs `work`, and returns with its output every statement that wrote while it ran, on this
/// task (what the public cache must forget after a mutation). Statements of spawned tasks are
/// not seen: writes run in the resolver's own task.
pub async fn recording_writes<F: Future>(work: F) -> (F::Output, Vec<Written>) {
    WRITTEN
        .scope(RefCell::new(Vec::new()), async move {
            let output = work.await;
            let written = WRITTEN.with(|w| std::mem::take(&mut *w.borrow_mut()));
            (output, written)
        })
        .await
}

/// Installs the pool's statement observer: statements are counted for
/// [`counting_statements`], writes recorded for [`recording_writes`], then
/// `also` sees every statement (the tests count them). Setting another metric callback on the
/// pool would replace this one: use this instead.
pub fn observe(
    db: &mut DatabaseConnection,
    also: impl Fn(&metric::Info<'_>) + Send + Sync + 'static,
) {
    db.set_metric_callback(move |info| {
        let _ = COUNTED.try_with(|counted| counted.fetch_add(1, Ordering::Relaxed));
        if !info.failed {
            // Outside a recording scope (every read, every request that is no mutation) this is
            // one thread-local lookup.
            let _ = WRITTEN.try_with(|written| {
                if let Some(w) = written_by(info.statement) {
                    written.borrow_mut().push(w);
                }
            });
        }
        also(info);
    });
}

/// What `statement` writes, when it writes: `INSERT INTO`, `UPDATE` or `DELETE FROM` a table, as
/// sea-query writes them (quoted names, `$n` or `?` parameters).
pub fn written_by(statement: &Statement) -> Option<Written> {
    let sql = statement.sql.trim_start();
    let head = |prefix: &str| {
        sql.get(..prefix.len())
            .filter(|h| h.eq_ignore_ascii_case(prefix))
            .map(|_| &sql[prefix.len()..])
    };
    let (rest, insert) = if let Some(rest) = head("INSERT INTO ") {
        (rest, true)
    } else if let Some(rest) = head("UPDATE ") {
        (rest, false)
    } else if let Some(rest) = head("DELETE FROM ") {
        (rest, false)
    } else {
        return None;
    };
    let rest = rest.trim_start();
    let table: String = match rest.chars().next()? {
        q @ ('"' | '`') => rest[1..].split(q).next()?.to_owned(),
        _ => rest
            .split(|c: char| c.is_whitespace() || c == '(')
            .next()?
            .to_owned(),
    };
    if table.is_empty() {
        return None;
    }
    let upper = sql.to_ascii_uppercase();
    if insert {
        let upsert = upper.contains(" ON CONFLICT") || upper.contains(" ON DUPLICATE");
        return Some(Written {
            table,
            only: Vec::new(),
            added_only: !upsert,
        });
    }
    let mut only = Vec::new();
    if let Some(at) = upper.find(" WHERE ") {
        let clause = &sql[at + 7..];
        let clause_upper = &upper[at + 7..];
        let clause_end = clause_upper.find(" RETURNING ").unwrap_or(clause.len());
        let (clause, clause_upper) = (&clause[..clause_end], &clause_upper[..clause_end]);
        let narrows = [" OR ", "NOT ", "SELECT"]
            .iter()
            .all(|word| !clause_upper.contains(word));
        if narrows {
            let column_prefix = format!("\"{table}\".\"");
            for (offset, _) in clause.match_indices(&column_prefix) {
                let after = &clause[offset + column_prefix.len()..];
                let Some((column, tail)) = after.split_once('"') else {
                    continue;
                };
                let Some(placeholder) = tail.strip_prefix(" = ") else {
                    continue;
                };
                let position = at + 7 + offset + column_prefix.len() + column.len() + 4;
                if let Some(value) = parameter(statement, placeholder, position) {
                    only.push((column.to_owned(), value));
                }
            }
        }
    }
    Some(Written {
        table,
        only,
        added_only: false,
    })
}

/// The value of the parameter at the start of `placeholder` (`$n`, or `?`, the `?`s before
/// `position` in the statement counted), as text; `None` for a literal or a value of another kind.
fn parameter(statement: &Statement, placeholder: &str, position: usize) -> Option<String> {
    let values = &statement.values.as_ref()?.0;
    let index = if let Some(digits) = placeholder.strip_prefix('$') {
        let n: usize = digits
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?;
        n.checked_sub(1)?
    } else if placeholder.starts_with('?') {
        statement.sql.get(..position)?.matches('?').count()
    } else {
        return None;
    };
    match values.get(index)? {
        Value::TinyInt(Some(v)) => Some(v.to_string()),
        Value::SmallInt(Some(v)) => Some(v.to_string()),
        Value::Int(Some(v)) => Some(v.to_string()),
        Value::BigInt(Some(v)) => Some(v.to_string()),
        Value::String(Some(v)) => Some(v.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{DbBackend, Statement};

    use super::*;

    fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(backend, sql, values)
    }

    #[test]
    fn writes_are_read_off_their_statements() {
        let pg = statement(
            DbBackend::Postgres,
            r#"UPDATE "demands" SET "status" = $1, "version" = $2 WHERE "demands"."id" = $3 AND "demands"."version" = $4 RETURNING "id""#,
            vec!["OPEN".into(), 2.into(), 17.into(), 1.into()],
        );
        let w = written_by(&pg).expect("a write");
        assert_eq!(w.table, "demands");
        assert_eq!(
            w.only,
            vec![
                ("id".to_owned(), "17".to_owned()),
                ("version".to_owned(), "1".to_owned())
            ]
        );
        assert!(!w.added_only);
        let sqlite = statement(
            DbBackend::Sqlite,
            r#"UPDATE "occupations" SET "name" = ? WHERE "occupations"."code" = ?"#,
            vec!["x".into(), "4-14-03-03".into()],
        );
        assert_eq!(
            written_by(&sqlite).expect("a write").only,
            vec![("code".to_owned(), "4-14-03-03".to_owned())]
        );
        // Any row may have changed: no condition, an OR, a sub-select.
        for sql in [
            r#"UPDATE "demands" SET "status" = $1"#,
            r#"UPDATE "demands" SET "status" = $1 WHERE "demands"."id" = $2 OR "demands"."id" = $3"#,
            r#"DELETE FROM "demand_alliances" WHERE "demand_alliances"."demand_id" IN (SELECT 1)"#,
            r#"DELETE FROM "demands" WHERE NOT ("demands"."id" = $1)"#,
        ] {
            let w = written_by(&statement(
                DbBackend::Postgres,
                sql,
                vec![1.into(), 2.into(), 3.into()],
            ))
            .expect("a write");
            assert!(w.only.is_empty(), "{sql}");
        }
        let insert = statement(
            DbBackend::Postgres,
            r#"INSERT INTO "demands" ("title") VALUES ($1) RETURNING "id""#,
            vec!["x".into()],
        );
        assert!(written_by(&insert).expect("a write").added_only);
        let upsert = statement(
            DbBackend::Postgres,
            r#"INSERT INTO "demands" ("title") VALUES ($1) ON CONFLICT ("id") DO UPDATE SET "title" = $2"#,
            vec!["x".into(), "y".into()],
        );
        assert!(!written_by(&upsert).expect("a write").added_only);
        let read = statement(DbBackend::Postgres, r#"SELECT * FROM "demands""#, vec![]);
        assert_eq!(written_by(&read), None);
    }
}
