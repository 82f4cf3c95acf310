//! The domain: validated values and the services that read and write the graph.
//!
//! All SQL lives here, written with SeaORM/SeaQuery so SQLite and PostgreSQL share one code path.
//! Nothing in this module knows GraphQL: resolvers call these functions with validated inputs.

pub mod certification;
pub mod demands;
pub mod employment;
pub mod identity;
pub mod institutions;
pub mod kernel;
pub mod network;
pub mod occupations;
pub mod orders;
pub mod people;
pub mod programmes;
pub mod read;
pub mod reports;
pub mod search;
pub mod subsidies;
pub mod training;

pub use kernel::text::SearchText;

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QueryOrder, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::error::{AppError, AppResult};

/// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`: the transaction takes the
/// write lock up front and waits its turn (the busy timeout) instead of failing with `database is
/// locked` when a read inside it would later have to become a write while another writer holds
/// the lock. On PostgreSQL it is an ordinary transaction; its decisive statements are conditional
/// updates and inserts guarded by unique indexes.
pub async fn begin_write(db: &DatabaseConnection) -> AppResult<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?)
}

/// Locks one row for the rest of the transaction by a no-op `UPDATE` of its key: on PostgreSQL
/// a row lock that concurrent writers of the same row wait for, on SQLite (already holding the
/// write lock of [`begin_write`]) nothing more. Use it as the first statement of a
/// check-then-write on a parent's children (a count limit, the next version number).
pub async fn lock_row<E: EntityTrait>(
    txn: &DatabaseTransaction,
    key: E::Column,
    id: i32,
) -> AppResult<bool> {
    use sea_orm::sea_query::Expr;
    let locked = E::update_many()
        .col_expr(key, Expr::col(key))
        .filter(key.eq(id))
        .exec(txn)
        .await?;
    Ok(locked.rows_affected == 1)
}

/// Runs the decisive statement of a write: a conditional `UPDATE` (`WHERE status = …`) that must
/// change exactly one row; none means another writer got there first, `CONFLICT` with `message`.
pub async fn decisive<E: EntityTrait>(
    txn: &DatabaseTransaction,
    update: sea_orm::UpdateMany<E>,
    message: &str,
) -> AppResult<()> {
    if update.exec(txn).await?.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(message.to_owned()))
    }
}

/// Turns a unique-index violation into `CONFLICT` with `message` (naming what was duplicated);
/// any other error passes through.
pub fn conflict_on_duplicate(err: DbErr, message: &str) -> AppError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        AppError::Conflict(message.to_owned())
    } else {
        err.into()
    }
}

/// The rows of `E` whose `parent` column is one of `ids`, ordered by `order` and grouped by the
/// parent `key` reads: what a DataLoader of a one-to-many relation answers, in one statement.
pub async fn children_of<E: EntityTrait>(
    db: &DatabaseConnection,
    parent: E::Column,
    ids: &[i32],
    order: E::Column,
    key: fn(&E::Model) -> i32,
) -> AppResult<HashMap<i32, Vec<E::Model>>> {
    let mut map: HashMap<i32, Vec<E::Model>> = HashMap::new();
    for row in E::find()
        .filter(parent.is_in(ids.iter().copied()))
        .order_by_asc(order)
        .all(db)
        .await?
    {
        map.entry(key(&row)).or_default().push(row);
    }
    Ok(map)
}
