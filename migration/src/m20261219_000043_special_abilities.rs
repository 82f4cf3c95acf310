//! Special-ability certificates (专项职业能力, issue 38): an ability on a region's list (螃蟹养殖,
//! 数字新媒体制作) assessed by a filed body, not tied to a skill level.
//!
//! - A body's scope names the special abilities it may assess (`special_ability_scopes`), filed
//!   by the regulator with the body.
//! - It schedules sessions for one ability (`special_ability_sessions`), registers candidates
//!   (`special_ability_candidates`) and publishes who passed; each pass is a certificate
//!   (`special_ability_certificates`) numbered by the body's own counter, with the level digit 0.
//! - A person holds one valid certificate an ability (a partial unique index).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SpecialAbilityScopes {
    Table,
    BodyId,
    SpecialAbilityId,
}

#[derive(DeriveIden)]
enum SpecialAbilitySessions {
    Table,
    Id,
    BodyId,
    SpecialAbilityId,
    ExamDate,
    RegistrationDeadline,
    RegionId,
    CountyId,
    Address,
    Capacity,
    Registered,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SpecialAbilityCandidates {
    Table,
    Id,
    SessionId,
    LearnerId,
    Passed,
    RegisteredAt,
}

#[derive(DeriveIden)]
enum SpecialAbilityCertificates {
    Table,
    Id,
    Number,
    LearnerId,
    SpecialAbilityId,
    BodyId,
    SessionId,
    CandidateId,
    IssuedOn,
    Status,
    RevokedReason,
    RevokedAt,
    RegionId,
    CountyId,
}

#[derive(DeriveIden)]
enum AssessmentBodies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SpecialAbilities {
    Table,
    Id,
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
                    .table(SpecialAbilityScopes::Table)
                    .col(integer(SpecialAbilityScopes::BodyId))
                    .col(integer(SpecialAbilityScopes::SpecialAbilityId))
                    .primary_key(
                        Index::create()
                            .col(SpecialAbilityScopes::BodyId)
                            .col(SpecialAbilityScopes::SpecialAbilityId),
                    )
                    .foreign_key(&mut fk(
                        "fk_special_ability_scopes_body",
                        (SpecialAbilityScopes::Table, SpecialAbilityScopes::BodyId),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_scopes_ability",
                        (
                            SpecialAbilityScopes::Table,
                            SpecialAbilityScopes::SpecialAbilityId,
                        ),
                        (SpecialAbilities::Table, SpecialAbilities::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SpecialAbilitySessions::Table)
                    .col(pk_auto(SpecialAbilitySessions::Id))
                    .col(integer(SpecialAbilitySessions::BodyId))
                    .col(integer(SpecialAbilitySessions::SpecialAbilityId))
                    .col(date(SpecialAbilitySessions::ExamDate))
                    .col(date(SpecialAbilitySessions::RegistrationDeadline))
                    .col(integer(SpecialAbilitySessions::RegionId))
                    .col(integer_null(SpecialAbilitySessions::CountyId))
                    .col(string_len(SpecialAbilitySessions::Address, 200))
                    .col(integer(SpecialAbilitySessions::Capacity))
                    .col(integer(SpecialAbilitySessions::Registered))
                    .col(string_len(SpecialAbilitySessions::Status, 20))
                    .col(timestamp_with_time_zone(SpecialAbilitySessions::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_special_ability_sessions_body",
                        (
                            SpecialAbilitySessions::Table,
                            SpecialAbilitySessions::BodyId,
                        ),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_sessions_ability",
                        (
                            SpecialAbilitySessions::Table,
                            SpecialAbilitySessions::SpecialAbilityId,
                        ),
                        (SpecialAbilities::Table, SpecialAbilities::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_sessions_region",
                        (
                            SpecialAbilitySessions::Table,
                            SpecialAbilitySessions::RegionId,
                        ),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_sessions_county",
                        (
                            SpecialAbilitySessions::Table,
                            SpecialAbilitySessions::CountyId,
                        ),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SpecialAbilityCandidates::Table)
                    .col(pk_auto(SpecialAbilityCandidates::Id))
                    .col(integer(SpecialAbilityCandidates::SessionId))
                    .col(integer(SpecialAbilityCandidates::LearnerId))
                    .col(boolean_null(SpecialAbilityCandidates::Passed))
                    .col(timestamp_with_time_zone(
                        SpecialAbilityCandidates::RegisteredAt,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_candidates_session",
                        (
                            SpecialAbilityCandidates::Table,
                            SpecialAbilityCandidates::SessionId,
                        ),
                        (SpecialAbilitySessions::Table, SpecialAbilitySessions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_candidates_learner",
                        (
                            SpecialAbilityCandidates::Table,
                            SpecialAbilityCandidates::LearnerId,
                        ),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SpecialAbilityCertificates::Table)
                    .col(pk_auto(SpecialAbilityCertificates::Id))
                    .col(string_len_uniq(SpecialAbilityCertificates::Number, 22))
                    .col(integer(SpecialAbilityCertificates::LearnerId))
                    .col(integer(SpecialAbilityCertificates::SpecialAbilityId))
                    .col(integer(SpecialAbilityCertificates::BodyId))
                    .col(integer(SpecialAbilityCertificates::SessionId))
                    .col(integer_uniq(SpecialAbilityCertificates::CandidateId))
                    .col(date(SpecialAbilityCertificates::IssuedOn))
                    .col(string_len(SpecialAbilityCertificates::Status, 10))
                    .col(string_len_null(
                        SpecialAbilityCertificates::RevokedReason,
                        500,
                    ))
                    .col(timestamp_with_time_zone_null(
                        SpecialAbilityCertificates::RevokedAt,
                    ))
                    .col(integer(SpecialAbilityCertificates::RegionId))
                    .col(integer_null(SpecialAbilityCertificates::CountyId))
                    .foreign_key(&mut fk(
                        "fk_special_ability_certificates_learner",
                        (
                            SpecialAbilityCertificates::Table,
                            SpecialAbilityCertificates::LearnerId,
                        ),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_certificates_ability",
                        (
                            SpecialAbilityCertificates::Table,
                            SpecialAbilityCertificates::SpecialAbilityId,
                        ),
                        (SpecialAbilities::Table, SpecialAbilities::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_certificates_body",
                        (
                            SpecialAbilityCertificates::Table,
                            SpecialAbilityCertificates::BodyId,
                        ),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_certificates_session",
                        (
                            SpecialAbilityCertificates::Table,
                            SpecialAbilityCertificates::SessionId,
                        ),
                        (SpecialAbilitySessions::Table, SpecialAbilitySessions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_certificates_candidate",
                        (
                            SpecialAbilityCertificates::Table,
                            SpecialAbilityCertificates::CandidateId,
                        ),
                        (
                            SpecialAbilityCandidates::Table,
                            SpecialAbilityCandidates::Id,
                        ),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_certificates_region",
                        (
                            SpecialAbilityCertificates::Table,
                            SpecialAbilityCertificates::RegionId,
                        ),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_ability_certificates_county",
                        (
                            SpecialAbilityCertificates::Table,
                            SpecialAbilityCertificates::CountyId,
                        ),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            "CREATE INDEX idx_special_ability_scopes_ability ON special_ability_scopes (special_ability_id)",
            "CREATE INDEX idx_special_ability_sessions_exam ON special_ability_sessions (exam_date, id)",
            "CREATE INDEX idx_special_ability_sessions_region_exam ON special_ability_sessions (region_id, exam_date, id)",
            "CREATE INDEX idx_special_ability_sessions_body ON special_ability_sessions (body_id)",
            // One registration a person in a session.
            "CREATE UNIQUE INDEX uq_special_ability_candidates_learner ON special_ability_candidates (session_id, learner_id)",
            "CREATE INDEX idx_special_ability_candidates_learner ON special_ability_candidates (learner_id)",
            "CREATE INDEX idx_special_ability_certificates_learner ON special_ability_certificates (learner_id)",
            "CREATE INDEX idx_special_ability_certificates_region_issued ON special_ability_certificates (region_id, issued_on)",
            // One valid certificate a person and ability.
            "CREATE UNIQUE INDEX uq_special_ability_certificates_valid ON special_ability_certificates \
             (learner_id, special_ability_id) WHERE status = 'VALID'",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SpecialAbilityCertificates::Table.into_iden(),
            SpecialAbilityCandidates::Table.into_iden(),
            SpecialAbilitySessions::Table.into_iden(),
            SpecialAbilityScopes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
