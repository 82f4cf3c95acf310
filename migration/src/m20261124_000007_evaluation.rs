//! Skill evaluation: assessment bodies and their scope, sessions, candidates, certificates.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AssessmentBodies {
    Table,
    Id,
    OrganizationId,
    BodyType,
    BodyCode,
    SiteSerial,
    Status,
    StatusReason,
    SerialYear,
    LastSerial,
    FiledAt,
}

#[derive(DeriveIden)]
enum AssessmentScopes {
    Table,
    BodyId,
    OccupationCode,
    MaxLevel,
}

#[derive(DeriveIden)]
enum AssessmentSessions {
    Table,
    Id,
    BodyId,
    OccupationCode,
    Level,
    ExamDate,
    RegistrationDeadline,
    RegionId,
    Address,
    Latitude,
    Longitude,
    Capacity,
    Registered,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Candidates {
    Table,
    Id,
    SessionId,
    LearnerId,
    Attestation,
    TheoryScore,
    PracticalScore,
    RegisteredAt,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    Number,
    LearnerId,
    OccupationCode,
    Level,
    BodyId,
    SessionId,
    CandidateId,
    IssuedOn,
    Status,
    RevokedReason,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Occupations {
    Table,
    Code,
}

#[derive(DeriveIden)]
enum Regions {
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
                    .table(AssessmentBodies::Table)
                    .col(pk_auto(AssessmentBodies::Id))
                    .col(integer_uniq(AssessmentBodies::OrganizationId))
                    .col(string_len(AssessmentBodies::BodyType, 12))
                    .col(string_len(AssessmentBodies::BodyCode, 4))
                    .col(string_len(AssessmentBodies::SiteSerial, 6))
                    .col(string_len(AssessmentBodies::Status, 12))
                    .col(string_null(AssessmentBodies::StatusReason))
                    // The certificate serial counter of the current year: publishing results
                    // reserves its serials with one conditional UPDATE of this row.
                    .col(small_integer(AssessmentBodies::SerialYear))
                    .col(integer(AssessmentBodies::LastSerial))
                    .col(timestamp_with_time_zone(AssessmentBodies::FiledAt))
                    .foreign_key(&mut fk(
                        "fk_assessment_bodies_org",
                        (AssessmentBodies::Table, AssessmentBodies::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentScopes::Table)
                    .col(integer(AssessmentScopes::BodyId))
                    .col(string_len(AssessmentScopes::OccupationCode, 10))
                    .col(small_integer(AssessmentScopes::MaxLevel))
                    .primary_key(
                        Index::create()
                            .col(AssessmentScopes::BodyId)
                            .col(AssessmentScopes::OccupationCode),
                    )
                    .foreign_key(&mut fk(
                        "fk_assessment_scopes_body",
                        (AssessmentScopes::Table, AssessmentScopes::BodyId),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_assessment_scopes_occupation",
                        (AssessmentScopes::Table, AssessmentScopes::OccupationCode),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentSessions::Table)
                    .col(pk_auto(AssessmentSessions::Id))
                    .col(integer(AssessmentSessions::BodyId))
                    .col(string_len(AssessmentSessions::OccupationCode, 10))
                    .col(small_integer(AssessmentSessions::Level))
                    .col(date(AssessmentSessions::ExamDate))
                    .col(date(AssessmentSessions::RegistrationDeadline))
                    .col(integer(AssessmentSessions::RegionId))
                    .col(string(AssessmentSessions::Address))
                    .col(double_null(AssessmentSessions::Latitude))
                    .col(double_null(AssessmentSessions::Longitude))
                    .col(integer(AssessmentSessions::Capacity))
                    .col(integer(AssessmentSessions::Registered).default(0))
                    .col(string_len(AssessmentSessions::Status, 20))
                    .col(timestamp_with_time_zone(AssessmentSessions::CreatedAt))
                    .check(
                        Expr::col(AssessmentSessions::Registered)
                            .between(Expr::val(0), Expr::col(AssessmentSessions::Capacity)),
                    )
                    .foreign_key(&mut fk(
                        "fk_sessions_body",
                        (AssessmentSessions::Table, AssessmentSessions::BodyId),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_sessions_occupation",
                        (
                            AssessmentSessions::Table,
                            AssessmentSessions::OccupationCode,
                        ),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_sessions_region",
                        (AssessmentSessions::Table, AssessmentSessions::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_status_date")
                    .table(AssessmentSessions::Table)
                    .col(AssessmentSessions::Status)
                    .col(AssessmentSessions::ExamDate)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Candidates::Table)
                    .col(pk_auto(Candidates::Id))
                    .col(integer(Candidates::SessionId))
                    .col(integer(Candidates::LearnerId))
                    .col(string_null(Candidates::Attestation))
                    .col(small_integer_null(Candidates::TheoryScore))
                    .col(small_integer_null(Candidates::PracticalScore))
                    .col(timestamp_with_time_zone(Candidates::RegisteredAt))
                    .foreign_key(&mut fk(
                        "fk_candidates_session",
                        (Candidates::Table, Candidates::SessionId),
                        (AssessmentSessions::Table, AssessmentSessions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_candidates_learner",
                        (Candidates::Table, Candidates::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_candidates_session_learner")
                    .table(Candidates::Table)
                    .col(Candidates::SessionId)
                    .col(Candidates::LearnerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Certificates::Table)
                    .col(pk_auto(Certificates::Id))
                    .col(string_len_uniq(Certificates::Number, 22))
                    .col(integer(Certificates::LearnerId))
                    .col(string_len(Certificates::OccupationCode, 10))
                    .col(small_integer(Certificates::Level))
                    .col(integer(Certificates::BodyId))
                    .col(integer(Certificates::SessionId))
                    .col(integer_uniq(Certificates::CandidateId))
                    .col(date(Certificates::IssuedOn))
                    .col(string_len(Certificates::Status, 12))
                    .col(string_null(Certificates::RevokedReason))
                    .col(timestamp_with_time_zone_null(Certificates::RevokedAt))
                    .foreign_key(&mut fk(
                        "fk_certificates_learner",
                        (Certificates::Table, Certificates::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_certificates_body",
                        (Certificates::Table, Certificates::BodyId),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_certificates_session",
                        (Certificates::Table, Certificates::SessionId),
                        (AssessmentSessions::Table, AssessmentSessions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_certificates_candidate",
                        (Certificates::Table, Certificates::CandidateId),
                        (Candidates::Table, Candidates::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_learner")
                    .table(Certificates::Table)
                    .col(Certificates::LearnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Certificates::Table.into_iden(),
            Candidates::Table.into_iden(),
            AssessmentSessions::Table.into_iden(),
            AssessmentScopes::Table.into_iden(),
            AssessmentBodies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
