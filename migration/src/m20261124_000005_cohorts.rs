//! Cohorts (学徒班, 订单班, 冠名班, 项目班), the demand they answer, and enrolments.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
    Kind,
    Name,
    EnterpriseId,
    ProviderId,
    AllianceId,
    OccupationCode,
    TargetLevel,
    Capacity,
    Enrolled,
    StartOn,
    EndOn,
    Subsidized,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CohortDemands {
    Table,
    CohortId,
    DemandId,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    CohortId,
    LearnerId,
    Status,
    ContractStart,
    ContractEnd,
    EnrolledAt,
    EndedAt,
    EndReason,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Alliances {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Occupations {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum Demands {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Learners {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Cohorts::Table)
                    .col(pk_auto(Cohorts::Id))
                    .col(string_len(Cohorts::Kind, 24))
                    .col(string(Cohorts::Name))
                    .col(integer_null(Cohorts::EnterpriseId))
                    .col(integer(Cohorts::ProviderId))
                    .col(integer(Cohorts::AllianceId))
                    .col(string_len(Cohorts::OccupationCode, 10))
                    .col(small_integer(Cohorts::TargetLevel))
                    .col(integer(Cohorts::Capacity))
                    // Seats taken: reserved by a conditional UPDATE, so two enrolments can never
                    // both take the last seat.
                    .col(integer(Cohorts::Enrolled).default(0))
                    .col(date(Cohorts::StartOn))
                    .col(date(Cohorts::EndOn))
                    .col(boolean(Cohorts::Subsidized))
                    .col(string_len(Cohorts::Status, 12))
                    .col(timestamp_with_time_zone(Cohorts::CreatedAt))
                    .col(timestamp_with_time_zone(Cohorts::UpdatedAt))
                    .check(
                        Expr::col(Cohorts::Enrolled)
                            .between(Expr::val(0), Expr::col(Cohorts::Capacity)),
                    )
                    .foreign_key(&mut fk(
                        "fk_cohorts_enterprise",
                        (Cohorts::Table, Cohorts::EnterpriseId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_cohorts_provider",
                        (Cohorts::Table, Cohorts::ProviderId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_cohorts_alliance",
                        (Cohorts::Table, Cohorts::AllianceId),
                        (Alliances::Table, Alliances::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_cohorts_occupation",
                        (Cohorts::Table, Cohorts::OccupationCode),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_cohorts_alliance", Cohorts::AllianceId),
            ("idx_cohorts_provider", Cohorts::ProviderId),
            ("idx_cohorts_enterprise", Cohorts::EnterpriseId),
            ("idx_cohorts_occupation", Cohorts::OccupationCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Cohorts::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(CohortDemands::Table)
                    .col(integer(CohortDemands::CohortId))
                    .col(integer(CohortDemands::DemandId))
                    .primary_key(
                        Index::create()
                            .col(CohortDemands::CohortId)
                            .col(CohortDemands::DemandId),
                    )
                    .foreign_key(&mut fk(
                        "fk_cohort_demands_cohort",
                        (CohortDemands::Table, CohortDemands::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_cohort_demands_demand",
                        (CohortDemands::Table, CohortDemands::DemandId),
                        (Demands::Table, Demands::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cohort_demands_demand")
                    .table(CohortDemands::Table)
                    .col(CohortDemands::DemandId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Enrollments::Table)
                    .col(pk_auto(Enrollments::Id))
                    .col(integer(Enrollments::CohortId))
                    .col(integer(Enrollments::LearnerId))
                    .col(string_len(Enrollments::Status, 12))
                    .col(date_null(Enrollments::ContractStart))
                    .col(date_null(Enrollments::ContractEnd))
                    .col(timestamp_with_time_zone(Enrollments::EnrolledAt))
                    .col(timestamp_with_time_zone_null(Enrollments::EndedAt))
                    .col(string_null(Enrollments::EndReason))
                    .foreign_key(&mut fk(
                        "fk_enrollments_cohort",
                        (Enrollments::Table, Enrollments::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_enrollments_learner",
                        (Enrollments::Table, Enrollments::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_enrollments_cohort_learner")
                    .table(Enrollments::Table)
                    .col(Enrollments::CohortId)
                    .col(Enrollments::LearnerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_enrollments_learner")
                    .table(Enrollments::Table)
                    .col(Enrollments::LearnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Enrollments::Table.into_iden(),
            CohortDemands::Table.into_iden(),
            Cohorts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
