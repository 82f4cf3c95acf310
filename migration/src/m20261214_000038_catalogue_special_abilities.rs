//! A catalogue item of the SPECIAL_ABILITY category may name the special ability (专项职业能力)
//! it subsidises, from the reference list. An item is unique per region, year, occupation,
//! level, category and special ability; the unique index reads a missing special ability as 0
//! (an expression index, on both databases), since a unique index over a NULL column would let
//! two items without one coexist.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CatalogueItems {
    Table,
    SpecialAbilityId,
}

#[derive(DeriveIden)]
enum SpecialAbilities {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Sqlite {
            // SQLite adds a column with a reference only through ALTER TABLE ... ADD COLUMN with
            // the clause inline.
            db.execute_unprepared(
                "ALTER TABLE catalogue_items ADD COLUMN special_ability_id integer NULL \
                 REFERENCES special_abilities (id) ON DELETE RESTRICT",
            )
            .await?;
        } else {
            manager
                .alter_table(
                    Table::alter()
                        .table(CatalogueItems::Table)
                        .add_column(integer_null(CatalogueItems::SpecialAbilityId))
                        .add_foreign_key(
                            TableForeignKey::new()
                                .name("fk_catalogue_items_special_ability")
                                .from_tbl(CatalogueItems::Table)
                                .from_col(CatalogueItems::SpecialAbilityId)
                                .to_tbl(SpecialAbilities::Table)
                                .to_col(SpecialAbilities::Id)
                                .on_delete(ForeignKeyAction::Restrict),
                        )
                        .to_owned(),
                )
                .await?;
        }
        db.execute_unprepared("DROP INDEX IF EXISTS uq_catalogue_items")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_catalogue_items ON catalogue_items \
             (region_id, year, occupation_code, level, category, COALESCE(special_ability_id, 0))",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS uq_catalogue_items")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CatalogueItems::Table)
                    .drop_column(CatalogueItems::SpecialAbilityId)
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_catalogue_items ON catalogue_items \
             (region_id, year, occupation_code, level, category)",
        )
        .await?;
        Ok(())
    }
}
