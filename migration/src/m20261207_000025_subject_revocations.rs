//! Revocation by subject: every token of a subject issued at or before a moment is refused,
//! including tokens never seen yet (a leaked token cannot wait for its first use).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SubjectRevocations {
    Table,
    Subject,
    RevokedBefore,
    RevokedBy,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SubjectRevocations::Table)
                    .col(string_len(SubjectRevocations::Subject, 200).primary_key())
                    .col(timestamp_with_time_zone(SubjectRevocations::RevokedBefore))
                    .col(string_len(SubjectRevocations::RevokedBy, 200))
                    .col(string_len(SubjectRevocations::Reason, 2000))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SubjectRevocations::Table).to_owned())
            .await
    }
}
