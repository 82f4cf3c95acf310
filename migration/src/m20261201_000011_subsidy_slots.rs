//! One subsidised training per person, occupation and level, decided by the database: each
//! ENROLLED or COMPLETED enrolment in a subsidised cohort that is not cancelled holds a slot, and
//! the slots are unique per learner, occupation and level across every provider and city.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SubsidySlots {
    Table,
    Id,
    LearnerId,
    OccupationCode,
    Level,
    EnrollmentId,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    LearnerId,
    CohortId,
    Status,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
    OccupationCode,
    TargetLevel,
    Subsidized,
    Status,
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
                    .table(SubsidySlots::Table)
                    .col(pk_auto(SubsidySlots::Id))
                    .col(integer(SubsidySlots::LearnerId))
                    .col(string_len(SubsidySlots::OccupationCode, 16))
                    .col(small_integer(SubsidySlots::Level))
                    .col(integer_uniq(SubsidySlots::EnrollmentId))
                    .foreign_key(&mut fk(
                        "fk_subsidy_slots_learner",
                        (SubsidySlots::Table, SubsidySlots::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_subsidy_slots_enrollment",
                        (SubsidySlots::Table, SubsidySlots::EnrollmentId),
                        (Enrollments::Table, Enrollments::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_subsidy_slots_learner_occupation_level")
                    .table(SubsidySlots::Table)
                    .col(SubsidySlots::LearnerId)
                    .col(SubsidySlots::OccupationCode)
                    .col(SubsidySlots::Level)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The slots of what is already enrolled or completed, the earliest enrolment first.
        let copy = Query::insert()
            .into_table(SubsidySlots::Table)
            .columns([
                SubsidySlots::LearnerId,
                SubsidySlots::OccupationCode,
                SubsidySlots::Level,
                SubsidySlots::EnrollmentId,
            ])
            .select_from(
                Query::select()
                    .column((Enrollments::Table, Enrollments::LearnerId))
                    .column((Cohorts::Table, Cohorts::OccupationCode))
                    .column((Cohorts::Table, Cohorts::TargetLevel))
                    .column((Enrollments::Table, Enrollments::Id))
                    .from(Enrollments::Table)
                    .inner_join(
                        Cohorts::Table,
                        Expr::col((Cohorts::Table, Cohorts::Id))
                            .equals((Enrollments::Table, Enrollments::CohortId)),
                    )
                    .and_where(Expr::col((Cohorts::Table, Cohorts::Subsidized)).eq(true))
                    .and_where(Expr::col((Cohorts::Table, Cohorts::Status)).ne("CANCELLED"))
                    .and_where(
                        Expr::col((Enrollments::Table, Enrollments::Status))
                            .is_in(["ENROLLED", "COMPLETED"]),
                    )
                    .order_by((Enrollments::Table, Enrollments::Id), Order::Asc)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .to_owned();
        manager.exec_stmt(copy).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SubsidySlots::Table).to_owned())
            .await
    }
}
