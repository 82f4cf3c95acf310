//! A certificate records how its level was reached (EXAM, WORKPLACE, DIRECT, COMPETITION); every
//! certificate issued so far came from an exam session. An assessment body holds the key that
//! turns its running count of certificates into the serials it prints (empty for bodies filed
//! before: the server draws one when such a body first issues again).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Route,
}

#[derive(DeriveIden)]
enum AssessmentBodies {
    Table,
    SerialKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Certificates::Table)
                    .add_column(
                        ColumnDef::new(Certificates::Route)
                            .string_len(12)
                            .not_null()
                            .default("EXAM"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AssessmentBodies::Table)
                    .add_column(
                        ColumnDef::new(AssessmentBodies::SerialKey)
                            .string_len(64)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AssessmentBodies::Table)
                    .drop_column(AssessmentBodies::SerialKey)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Certificates::Table)
                    .drop_column(Certificates::Route)
                    .to_owned(),
            )
            .await
    }
}
