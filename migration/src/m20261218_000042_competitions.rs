//! Every route to a level (issue 38).
//!
//! - A certificate no longer needs an exam session: one reached by direct recognition (直接认定) or
//!   by a competition result has no session and no candidacy, so `session_id` and `candidate_id`
//!   become nullable. It records where the level was reached instead (`region_id`, `county_id`:
//!   the session's venue, the competition's region, the proposing body's region), so the bureau's
//!   figures count every route by place; existing rows take their session's.
//! - A session is held as an exam or at the workplace (车间+考场, `route`).
//! - Competitions (职业技能竞赛, 比武) with their occupations, alliances, promotion rules and
//!   entrants; direct recognitions proposed by an employer body and decided by the regulator;
//!   appointments (评聘) of 特级技师 and 首席技师 by enterprises, with their term.
//!
//! SQLite cannot drop a NOT NULL, so there the certificates table is rebuilt (nothing refers to
//! it) in the migration's one transaction; PostgreSQL alters it in place.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Competitions {
    Table,
    Id,
    Name,
    Level,
    RegionId,
    OrganizerId,
    BodyId,
    StartsOn,
    EndsOn,
    Venue,
    Status,
    CreatedAt,
    ResultsPublishedAt,
}

#[derive(DeriveIden)]
enum CompetitionOccupations {
    Table,
    CompetitionId,
    OccupationCode,
}

#[derive(DeriveIden)]
enum CompetitionAlliances {
    Table,
    CompetitionId,
    AllianceId,
}

#[derive(DeriveIden)]
enum CompetitionRules {
    Table,
    CompetitionId,
    UpToRank,
    GrantLevel,
}

#[derive(DeriveIden)]
enum CompetitionEntrants {
    Table,
    Id,
    CompetitionId,
    LearnerId,
    OccupationCode,
    EnteredById,
    SelfEntered,
    EnteredAt,
    Rank,
    Award,
    CertificateId,
}

#[derive(DeriveIden)]
enum DirectRecognitions {
    Table,
    Id,
    BodyId,
    LearnerId,
    OccupationCode,
    Level,
    Justification,
    Status,
    DecisionReason,
    RegionId,
    ProposedAt,
    DecidedAt,
    CertificateId,
}

#[derive(DeriveIden)]
enum Appointments {
    Table,
    Id,
    LearnerId,
    EnterpriseId,
    OccupationCode,
    Title,
    StartsOn,
    EndsOn,
    RegionId,
    AppointedAt,
}

#[derive(DeriveIden)]
enum AssessmentSessions {
    Table,
    Route,
}

#[derive(DeriveIden)]
enum Organizations {
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
enum AssessmentBodies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
}

/// The certificates table as SQLite rebuilds it: as before, with the session and candidacy
/// nullable and the place the level was reached.
const SQLITE_CERTIFICATES: &str = r#"CREATE TABLE "certificates_next" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "number" varchar(22) NOT NULL UNIQUE,
    "learner_id" integer NOT NULL,
    "occupation_code" varchar(10) NOT NULL,
    "level" smallint NOT NULL,
    "body_id" integer NOT NULL,
    "session_id" integer NULL,
    "candidate_id" integer NULL UNIQUE,
    "issued_on" date_text NOT NULL,
    "status" varchar(12) NOT NULL,
    "revoked_reason" varchar NULL,
    "revoked_at" timestamp_with_timezone_text NULL,
    "route" varchar(12) NOT NULL DEFAULT 'EXAM',
    "region_id" integer NOT NULL,
    "county_id" integer NULL,
    CONSTRAINT "fk_certificates_learner" FOREIGN KEY ("learner_id") REFERENCES "learners" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_certificates_body" FOREIGN KEY ("body_id") REFERENCES "assessment_bodies" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_certificates_session" FOREIGN KEY ("session_id") REFERENCES "assessment_sessions" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_certificates_candidate" FOREIGN KEY ("candidate_id") REFERENCES "candidates" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_certificates_region" FOREIGN KEY ("region_id") REFERENCES "regions" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_certificates_county" FOREIGN KEY ("county_id") REFERENCES "regions" ("id") ON DELETE RESTRICT
)"#;

async fn certificates_up(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let statements: Vec<&str> = if manager.get_database_backend() == DatabaseBackend::Postgres {
        vec![
            "ALTER TABLE certificates ALTER COLUMN session_id DROP NOT NULL",
            "ALTER TABLE certificates ALTER COLUMN candidate_id DROP NOT NULL",
            "ALTER TABLE certificates ADD COLUMN region_id integer NULL",
            "ALTER TABLE certificates ADD COLUMN county_id integer NULL",
            "UPDATE certificates SET region_id = s.region_id, county_id = s.county_id \
             FROM assessment_sessions s WHERE s.id = certificates.session_id",
            "ALTER TABLE certificates ALTER COLUMN region_id SET NOT NULL",
            "ALTER TABLE certificates ADD CONSTRAINT fk_certificates_region \
             FOREIGN KEY (region_id) REFERENCES regions (id) ON DELETE RESTRICT",
            "ALTER TABLE certificates ADD CONSTRAINT fk_certificates_county \
             FOREIGN KEY (county_id) REFERENCES regions (id) ON DELETE RESTRICT",
            "CREATE INDEX idx_certificates_region_issued ON certificates (region_id, issued_on)",
        ]
    } else {
        vec![
            SQLITE_CERTIFICATES,
            "INSERT INTO certificates_next (id, number, learner_id, occupation_code, level, body_id, \
             session_id, candidate_id, issued_on, status, revoked_reason, revoked_at, route, \
             region_id, county_id) \
             SELECT c.id, c.number, c.learner_id, c.occupation_code, c.level, c.body_id, \
             c.session_id, c.candidate_id, c.issued_on, c.status, c.revoked_reason, c.revoked_at, \
             c.route, s.region_id, s.county_id \
             FROM certificates c JOIN assessment_sessions s ON s.id = c.session_id",
            "DROP TABLE certificates",
            "ALTER TABLE certificates_next RENAME TO certificates",
            "CREATE INDEX idx_certificates_learner ON certificates (learner_id)",
            "CREATE INDEX idx_certificates_region_issued ON certificates (region_id, issued_on)",
        ]
    };
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on every backend: SQLite's rebuild of the certificates table must run on
    /// one connection (another connection of the pool would still see the dropped table), and
    /// all of it or nothing lands.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        certificates_up(manager).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AssessmentSessions::Table)
                    .add_column(
                        ColumnDef::new(AssessmentSessions::Route)
                            .string_len(12)
                            .not_null()
                            .default("EXAM"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Competitions::Table)
                    .col(pk_auto(Competitions::Id))
                    .col(string_len(Competitions::Name, 80))
                    .col(string_len(Competitions::Level, 16))
                    .col(integer(Competitions::RegionId))
                    .col(integer_null(Competitions::OrganizerId))
                    .col(integer_null(Competitions::BodyId))
                    .col(date(Competitions::StartsOn))
                    .col(date(Competitions::EndsOn))
                    .col(string_len(Competitions::Venue, 200))
                    .col(string_len(Competitions::Status, 20))
                    .col(timestamp_with_time_zone(Competitions::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        Competitions::ResultsPublishedAt,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competitions_region",
                        (Competitions::Table, Competitions::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competitions_organizer",
                        (Competitions::Table, Competitions::OrganizerId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competitions_body",
                        (Competitions::Table, Competitions::BodyId),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionOccupations::Table)
                    .col(integer(CompetitionOccupations::CompetitionId))
                    .col(string_len(CompetitionOccupations::OccupationCode, 10))
                    .primary_key(
                        Index::create()
                            .col(CompetitionOccupations::CompetitionId)
                            .col(CompetitionOccupations::OccupationCode),
                    )
                    .foreign_key(&mut fk(
                        "fk_competition_occupations_competition",
                        (
                            CompetitionOccupations::Table,
                            CompetitionOccupations::CompetitionId,
                        ),
                        (Competitions::Table, Competitions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competition_occupations_occupation",
                        (
                            CompetitionOccupations::Table,
                            CompetitionOccupations::OccupationCode,
                        ),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionAlliances::Table)
                    .col(integer(CompetitionAlliances::CompetitionId))
                    .col(integer(CompetitionAlliances::AllianceId))
                    .primary_key(
                        Index::create()
                            .col(CompetitionAlliances::CompetitionId)
                            .col(CompetitionAlliances::AllianceId),
                    )
                    .foreign_key(&mut fk(
                        "fk_competition_alliances_competition",
                        (
                            CompetitionAlliances::Table,
                            CompetitionAlliances::CompetitionId,
                        ),
                        (Competitions::Table, Competitions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competition_alliances_alliance",
                        (
                            CompetitionAlliances::Table,
                            CompetitionAlliances::AllianceId,
                        ),
                        (Alliances::Table, Alliances::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionRules::Table)
                    .col(integer(CompetitionRules::CompetitionId))
                    .col(small_integer(CompetitionRules::UpToRank))
                    .col(small_integer_null(CompetitionRules::GrantLevel))
                    .primary_key(
                        Index::create()
                            .col(CompetitionRules::CompetitionId)
                            .col(CompetitionRules::UpToRank),
                    )
                    .foreign_key(&mut fk(
                        "fk_competition_rules_competition",
                        (CompetitionRules::Table, CompetitionRules::CompetitionId),
                        (Competitions::Table, Competitions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompetitionEntrants::Table)
                    .col(pk_auto(CompetitionEntrants::Id))
                    .col(integer(CompetitionEntrants::CompetitionId))
                    .col(integer(CompetitionEntrants::LearnerId))
                    .col(string_len(CompetitionEntrants::OccupationCode, 10))
                    .col(integer_null(CompetitionEntrants::EnteredById))
                    .col(boolean(CompetitionEntrants::SelfEntered))
                    .col(timestamp_with_time_zone(CompetitionEntrants::EnteredAt))
                    .col(small_integer_null(CompetitionEntrants::Rank))
                    .col(string_len_null(CompetitionEntrants::Award, 12))
                    .col(integer_null(CompetitionEntrants::CertificateId))
                    .foreign_key(&mut fk(
                        "fk_competition_entrants_competition",
                        (
                            CompetitionEntrants::Table,
                            CompetitionEntrants::CompetitionId,
                        ),
                        (Competitions::Table, Competitions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competition_entrants_learner",
                        (CompetitionEntrants::Table, CompetitionEntrants::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competition_entrants_entered_by",
                        (CompetitionEntrants::Table, CompetitionEntrants::EnteredById),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_competition_entrants_certificate",
                        (
                            CompetitionEntrants::Table,
                            CompetitionEntrants::CertificateId,
                        ),
                        (Certificates::Table, Certificates::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DirectRecognitions::Table)
                    .col(pk_auto(DirectRecognitions::Id))
                    .col(integer(DirectRecognitions::BodyId))
                    .col(integer(DirectRecognitions::LearnerId))
                    .col(string_len(DirectRecognitions::OccupationCode, 10))
                    .col(small_integer(DirectRecognitions::Level))
                    .col(string_len(DirectRecognitions::Justification, 2000))
                    .col(string_len(DirectRecognitions::Status, 12))
                    .col(string_len_null(DirectRecognitions::DecisionReason, 500))
                    .col(integer(DirectRecognitions::RegionId))
                    .col(timestamp_with_time_zone(DirectRecognitions::ProposedAt))
                    .col(timestamp_with_time_zone_null(DirectRecognitions::DecidedAt))
                    .col(integer_null(DirectRecognitions::CertificateId))
                    .foreign_key(&mut fk(
                        "fk_direct_recognitions_body",
                        (DirectRecognitions::Table, DirectRecognitions::BodyId),
                        (AssessmentBodies::Table, AssessmentBodies::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_direct_recognitions_learner",
                        (DirectRecognitions::Table, DirectRecognitions::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_direct_recognitions_region",
                        (DirectRecognitions::Table, DirectRecognitions::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_direct_recognitions_certificate",
                        (DirectRecognitions::Table, DirectRecognitions::CertificateId),
                        (Certificates::Table, Certificates::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Appointments::Table)
                    .col(pk_auto(Appointments::Id))
                    .col(integer(Appointments::LearnerId))
                    .col(integer(Appointments::EnterpriseId))
                    .col(string_len(Appointments::OccupationCode, 10))
                    .col(small_integer(Appointments::Title))
                    .col(date(Appointments::StartsOn))
                    .col(date(Appointments::EndsOn))
                    .col(integer(Appointments::RegionId))
                    .col(timestamp_with_time_zone(Appointments::AppointedAt))
                    .foreign_key(&mut fk(
                        "fk_appointments_learner",
                        (Appointments::Table, Appointments::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_appointments_enterprise",
                        (Appointments::Table, Appointments::EnterpriseId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_appointments_region",
                        (Appointments::Table, Appointments::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // One term of a title starts once a day for a person at an enterprise.
            "CREATE UNIQUE INDEX uq_appointments_term ON appointments \
             (learner_id, enterprise_id, occupation_code, title, starts_on)",
            "CREATE INDEX idx_appointments_learner ON appointments (learner_id)",
            // The public list, latest first day first, and a region's.
            "CREATE INDEX idx_competitions_starts ON competitions (starts_on, id)",
            "CREATE INDEX idx_competitions_region_starts ON competitions (region_id, starts_on, id)",
            "CREATE INDEX idx_competitions_organizer ON competitions (organizer_id)",
            "CREATE INDEX idx_competition_alliances_alliance ON competition_alliances (alliance_id)",
            // One entry a person in a competition.
            "CREATE UNIQUE INDEX uq_competition_entrants_learner ON competition_entrants (competition_id, learner_id)",
            "CREATE INDEX idx_competition_entrants_learner ON competition_entrants (learner_id)",
            "CREATE INDEX idx_direct_recognitions_region ON direct_recognitions (region_id, id)",
            "CREATE INDEX idx_direct_recognitions_body ON direct_recognitions (body_id, id)",
            "CREATE INDEX idx_direct_recognitions_learner ON direct_recognitions (learner_id)",
            // One open proposal a person, occupation and level.
            "CREATE UNIQUE INDEX uq_direct_recognitions_proposed ON direct_recognitions \
             (learner_id, occupation_code, level) WHERE status = 'PROPOSED'",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Appointments::Table.into_iden(),
            DirectRecognitions::Table.into_iden(),
            CompetitionEntrants::Table.into_iden(),
            CompetitionRules::Table.into_iden(),
            CompetitionAlliances::Table.into_iden(),
            CompetitionOccupations::Table.into_iden(),
            Competitions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AssessmentSessions::Table)
                    .drop_column(AssessmentSessions::Route)
                    .to_owned(),
            )
            .await?;
        // Certificates without a session cannot go back; the columns stay.
        Ok(())
    }
}
