//! Training that happened: a cohort records the days it really started and finished, and the
//! enterprise it names confirms it (and each apprentice's labour contract) with its own token.
//!
//! A subsidy line is priced from these real dates, never from the planned `start_on` and
//! `end_on`. Cohorts from before this migration that are RUNNING or FINISHED take their planned
//! dates as the real ones (the best that is known of them); their confirmations stay empty, so
//! supervision shows them as unconfirmed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    StartedOn,
    FinishedOn,
    EmployerConfirmedAt,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    ContractConfirmedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds one column per ALTER TABLE.
        for column in [
            date_null(Cohorts::StartedOn),
            date_null(Cohorts::FinishedOn),
            timestamp_with_time_zone_null(Cohorts::EmployerConfirmedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cohorts::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollments::Table)
                    .add_column(timestamp_with_time_zone_null(
                        Enrollments::ContractConfirmedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            "UPDATE cohorts SET started_on = start_on WHERE status IN ('RUNNING', 'FINISHED')",
            "UPDATE cohorts SET finished_on = end_on WHERE status = 'FINISHED'",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Enrollments::Table)
                    .drop_column(Enrollments::ContractConfirmedAt)
                    .to_owned(),
            )
            .await?;
        for column in [
            Cohorts::EmployerConfirmedAt,
            Cohorts::FinishedOn,
            Cohorts::StartedOn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cohorts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
