//! Connecting to the database and bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

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
        })
        .map_sqlx_postgres_opts(move |o| o.options([("statement_timeout", statement_ms.as_str())]));
    options
}

/// Opens a pool. SQLite gets WAL journaling and a busy timeout, so readers never block the writer
/// and concurrent writers wait instead of failing; PostgreSQL statements time out; waiting for a
/// connection is bounded. Foreign keys are enforced on both backends.
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    timeouts: DbTimeouts,
) -> Result<DatabaseConnection, DbErr> {
    Database::connect(options(url, max_connections, timeouts)).await
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
    Database::connect(options).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
