//! A location index on every table listed by distance from a point (demands, open resources,
//! assessment sessions): a page nearest a point reads the rows of a few small rings around it
//! (`domain::page::fetch_page_nearest`), and each ring is a box this index searches. PostgreSQL
//! gets a GiST index on `point(longitude, latitude)` (the core `point_ops`, no extension), which
//! finds the rows in a box whatever the size of the table; SQLite a B-tree on
//! `(status, latitude, longitude)` (every such list filters by status, and SQLite, without
//! statistics, prefers the index that serves the most of a `WHERE`), which narrows a box to its
//! band of latitude.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, table).
const TABLES: &[(&str, &str)] = &[
    ("idx_demands_location", "demands"),
    ("idx_open_resources_location", "open_resources"),
    ("idx_sessions_location", "assessment_sessions"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table) in TABLES {
            let sql = match manager.get_database_backend() {
                DatabaseBackend::Postgres => format!(
                    "CREATE INDEX {name} ON {table} USING gist (point(longitude, latitude))"
                ),
                _ => format!(
                    "CREATE INDEX {name} ON {table} (status, latitude, longitude) \
                     WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
                ),
            };
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in TABLES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
