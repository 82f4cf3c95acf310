//! A catalogue item may name the work type (工种) of its occupation it subsidises (the catalogue
//! lists 焊工（电焊工）), and an item of the SPECIAL_ABILITY category the special ability
//! (专项职业能力), both from the reference lists. An item is unique per region, year, occupation,
//! level, category, work type and special ability; the unique index reads a missing one as 0 (an
//! expression index, on both databases), since a unique index over a NULL column would let two
//! items without one coexist.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CatalogueItems {
    Table,
    WorkTypeId,
    SpecialAbilityId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres =
            manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        for (column, table) in [
            ("work_type_id", "work_types"),
            ("special_ability_id", "special_abilities"),
        ] {
            // PostgreSQL checks the reference; SQLite adds none, as for the demand's (migration
            // 36): a column under a reference cannot be dropped there, and the server checks
            // what it names.
            let reference = if postgres {
                format!(
                    " CONSTRAINT fk_catalogue_items_{table} REFERENCES {table} (id) ON DELETE RESTRICT"
                )
            } else {
                String::new()
            };
            db.execute_unprepared(&format!(
                "ALTER TABLE catalogue_items ADD COLUMN {column} integer NULL{reference}"
            ))
            .await?;
        }
        // A new name: another pooled SQLite connection that read the schema before the drop
        // would refuse to create an index of the old name ("already exists").
        db.execute_unprepared("DROP INDEX IF EXISTS uq_catalogue_items")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_catalogue_items_named ON catalogue_items \
             (region_id, year, occupation_code, level, category, \
             COALESCE(work_type_id, 0), COALESCE(special_ability_id, 0))",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS uq_catalogue_items_named")
            .await?;
        for column in [CatalogueItems::WorkTypeId, CatalogueItems::SpecialAbilityId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CatalogueItems::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_catalogue_items ON catalogue_items \
             (region_id, year, occupation_code, level, category)",
        )
        .await?;
        Ok(())
    }
}
