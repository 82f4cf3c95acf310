//! The check value of each key the data was written with: a start with another key (a lost keys
//! file regenerated, a wrong one configured) is refused before it writes anything it could not
//! read back, instead of every ID number answering INTERNAL later.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum KeyChecks {
    Table,
    Purpose,
    CheckValue,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KeyChecks::Table)
                    .col(
                        ColumnDef::new(KeyChecks::Purpose)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(KeyChecks::CheckValue)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(KeyChecks::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(KeyChecks::Table).to_owned())
            .await
    }
}
