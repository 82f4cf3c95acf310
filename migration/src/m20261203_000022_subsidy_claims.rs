//! Subsidy standards and claims. Catalogue items carry their amount in integer fen
//! (`subsidy_fen`, from the yuan they held) and the evidence a claim needs beyond the attendance
//! record (`evidence`: a CERTIFICATE for the certificate categories, COMPLETION for special
//! abilities, or EMPLOYMENT at month 3). A region's standard for a year sets the uplift for
//! scarce occupations and the yearly amount per new-type apprentice. A provider claims for a
//! finished cohort, one line per learner; the regulator approves or rejects each line and marks
//! approved lines paid. One claim per cohort, one line per enrolment, and one APPROVED or PAID
//! line per person, occupation and level anywhere (partial unique indexes).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CatalogueItems {
    Table,
    SubsidyFen,
    Evidence,
}

#[derive(DeriveIden)]
enum SubsidyStandards {
    Table,
    Id,
    RegionId,
    Year,
    ScarceUpliftPercent,
    ApprenticeshipFenPerYear,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SubsidyClaims {
    Table,
    Id,
    CohortId,
    ProviderId,
    RegionId,
    Status,
    ClaimedFen,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ClaimLines {
    Table,
    Id,
    ClaimId,
    EnrollmentId,
    LearnerId,
    OccupationCode,
    Level,
    Evidence,
    AmountFen,
    Status,
    Reason,
    PaymentReference,
    DecidedAt,
    PaidAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Enrollments {
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
            .alter_table(
                Table::alter()
                    .table(CatalogueItems::Table)
                    .add_column(big_integer(CatalogueItems::SubsidyFen).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CatalogueItems::Table)
                    .add_column(string_len(CatalogueItems::Evidence, 12).default("CERTIFICATE"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE catalogue_items SET subsidy_fen = subsidy_amount * 100")
            .await?;
        db.execute_unprepared(
            "UPDATE catalogue_items SET evidence = 'COMPLETION' WHERE category = 'SPECIAL_ABILITY'",
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(SubsidyStandards::Table)
                    .col(pk_auto(SubsidyStandards::Id))
                    .col(integer(SubsidyStandards::RegionId))
                    .col(small_integer(SubsidyStandards::Year))
                    .col(small_integer(SubsidyStandards::ScarceUpliftPercent))
                    .col(big_integer(SubsidyStandards::ApprenticeshipFenPerYear))
                    .col(timestamp_with_time_zone(SubsidyStandards::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_subsidy_standards_region",
                        (SubsidyStandards::Table, SubsidyStandards::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SubsidyClaims::Table)
                    .col(pk_auto(SubsidyClaims::Id))
                    .col(integer(SubsidyClaims::CohortId))
                    .col(integer(SubsidyClaims::ProviderId))
                    .col(integer(SubsidyClaims::RegionId))
                    .col(string_len(SubsidyClaims::Status, 12))
                    .col(big_integer(SubsidyClaims::ClaimedFen))
                    .col(timestamp_with_time_zone(SubsidyClaims::CreatedAt))
                    .col(timestamp_with_time_zone(SubsidyClaims::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_subsidy_claims_cohort",
                        (SubsidyClaims::Table, SubsidyClaims::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_subsidy_claims_provider",
                        (SubsidyClaims::Table, SubsidyClaims::ProviderId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_subsidy_claims_region",
                        (SubsidyClaims::Table, SubsidyClaims::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ClaimLines::Table)
                    .col(pk_auto(ClaimLines::Id))
                    .col(integer(ClaimLines::ClaimId))
                    .col(integer(ClaimLines::EnrollmentId))
                    .col(integer(ClaimLines::LearnerId))
                    .col(string_len(ClaimLines::OccupationCode, 16))
                    .col(small_integer(ClaimLines::Level))
                    .col(string_len(ClaimLines::Evidence, 12))
                    .col(big_integer(ClaimLines::AmountFen))
                    .col(string_len(ClaimLines::Status, 12))
                    .col(string_len_null(ClaimLines::Reason, 500))
                    .col(string_len_null(ClaimLines::PaymentReference, 100))
                    .col(timestamp_with_time_zone_null(ClaimLines::DecidedAt))
                    .col(timestamp_with_time_zone_null(ClaimLines::PaidAt))
                    .foreign_key(&mut fk(
                        "fk_claim_lines_claim",
                        (ClaimLines::Table, ClaimLines::ClaimId),
                        (SubsidyClaims::Table, SubsidyClaims::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_claim_lines_enrollment",
                        (ClaimLines::Table, ClaimLines::EnrollmentId),
                        (Enrollments::Table, Enrollments::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_claim_lines_learner",
                        (ClaimLines::Table, ClaimLines::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for sql in [
            "CREATE UNIQUE INDEX uq_subsidy_standards ON subsidy_standards (region_id, year)",
            "CREATE UNIQUE INDEX uq_subsidy_claims_cohort ON subsidy_claims (cohort_id)",
            "CREATE INDEX idx_subsidy_claims_region ON subsidy_claims (region_id, id)",
            "CREATE INDEX idx_subsidy_claims_provider ON subsidy_claims (provider_id, id)",
            "CREATE UNIQUE INDEX uq_claim_lines_enrollment ON claim_lines (enrollment_id)",
            "CREATE INDEX idx_claim_lines_claim ON claim_lines (claim_id, id)",
            "CREATE INDEX idx_claim_lines_learner ON claim_lines (learner_id)",
            "CREATE UNIQUE INDEX uq_claim_lines_granted ON claim_lines (learner_id, occupation_code, level) \
             WHERE status IN ('APPROVED', 'PAID')",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ClaimLines::Table.into_iden(),
            SubsidyClaims::Table.into_iden(),
            SubsidyStandards::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [CatalogueItems::Evidence, CatalogueItems::SubsidyFen] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CatalogueItems::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
