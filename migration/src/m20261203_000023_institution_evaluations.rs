//! Institution evaluations (机构评估) and the employment hours of a follow-up.
//!
//! The regulator scores a training institution on the three inspected dimensions of the
//! documented evaluation ("qualifications and credit, teachers, training facilities"); the
//! fourth, training results, is computed from the graph's completions, certificates and
//! placements and kept with the counts it came from. The credit stars and the standing
//! proposed follow from the four; the regulator confirms (or overrides, with a reason) the
//! standing. One PROPOSED evaluation per institution at a time (a partial unique index).
//!
//! A follow-up records whether the job is full-time (`full_time`, null where the record does not
//! say), so supervision can flag a subsidy claimed for training while employed full-time
//! elsewhere.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InstitutionEvaluations {
    Table,
    Id,
    InstitutionId,
    RegionId,
    QualificationScore,
    TeachersScore,
    FacilitiesScore,
    ResultsScore,
    EndedEnrollments,
    Completed,
    Certified,
    Placed,
    TotalScore,
    Stars,
    ProposedStanding,
    Status,
    Standing,
    Note,
    Reason,
    EvaluatedBy,
    CreatedAt,
    ConfirmedBy,
    ConfirmedAt,
}

#[derive(DeriveIden)]
enum FollowUps {
    Table,
    FullTime,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstitutionEvaluations::Table)
                    .col(pk_auto(InstitutionEvaluations::Id))
                    .col(integer(InstitutionEvaluations::InstitutionId))
                    .col(integer(InstitutionEvaluations::RegionId))
                    .col(small_integer(InstitutionEvaluations::QualificationScore))
                    .col(small_integer(InstitutionEvaluations::TeachersScore))
                    .col(small_integer(InstitutionEvaluations::FacilitiesScore))
                    .col(small_integer_null(InstitutionEvaluations::ResultsScore))
                    .col(integer(InstitutionEvaluations::EndedEnrollments))
                    .col(integer(InstitutionEvaluations::Completed))
                    .col(integer(InstitutionEvaluations::Certified))
                    .col(integer(InstitutionEvaluations::Placed))
                    .col(small_integer(InstitutionEvaluations::TotalScore))
                    .col(small_integer(InstitutionEvaluations::Stars))
                    .col(string_len(InstitutionEvaluations::ProposedStanding, 12))
                    .col(string_len(InstitutionEvaluations::Status, 12))
                    .col(string_len_null(InstitutionEvaluations::Standing, 12))
                    .col(string_len(InstitutionEvaluations::Note, 500))
                    .col(string_len_null(InstitutionEvaluations::Reason, 500))
                    .col(string_len(InstitutionEvaluations::EvaluatedBy, 200))
                    .col(timestamp_with_time_zone(InstitutionEvaluations::CreatedAt))
                    .col(string_len_null(InstitutionEvaluations::ConfirmedBy, 200))
                    .col(timestamp_with_time_zone_null(
                        InstitutionEvaluations::ConfirmedAt,
                    ))
                    .foreign_key(&mut fk(
                        "fk_institution_evaluations_institution",
                        (
                            InstitutionEvaluations::Table,
                            InstitutionEvaluations::InstitutionId,
                        ),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_institution_evaluations_region",
                        (
                            InstitutionEvaluations::Table,
                            InstitutionEvaluations::RegionId,
                        ),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FollowUps::Table)
                    .add_column(boolean_null(FollowUps::FullTime))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            "CREATE INDEX idx_institution_evaluations_institution ON institution_evaluations (institution_id, id)",
            "CREATE INDEX idx_institution_evaluations_region ON institution_evaluations (region_id, id)",
            "CREATE UNIQUE INDEX uq_institution_evaluations_proposed ON institution_evaluations (institution_id) \
             WHERE status = 'PROPOSED'",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FollowUps::Table)
                    .drop_column(FollowUps::FullTime)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(InstitutionEvaluations::Table)
                    .to_owned(),
            )
            .await
    }
}
