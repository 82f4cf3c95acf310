//! Training that really happened ("no record, no subsidy"): a cohort's class days, each
//! learner's real-name attendance on them, and online hours imported from an online-course
//! platform. One attendance per class day and enrolment, one class day per cohort and date, one
//! online record per enrolment, platform and date (unique indexes). Attendance carries the
//! learner and the date too, for the supervisor's question "who attended two places on one day".

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClassDays {
    Table,
    Id,
    CohortId,
    Day,
    Hours,
    Topic,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attendances {
    Table,
    Id,
    ClassDayId,
    EnrollmentId,
    LearnerId,
    Day,
    SignedInAt,
    Source,
    RecordedAt,
}

#[derive(DeriveIden)]
enum OnlineHours {
    Table,
    Id,
    EnrollmentId,
    LearnerId,
    Platform,
    Day,
    Minutes,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Cohorts {
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
            .create_table(
                Table::create()
                    .table(ClassDays::Table)
                    .col(pk_auto(ClassDays::Id))
                    .col(integer(ClassDays::CohortId))
                    .col(date(ClassDays::Day))
                    .col(small_integer(ClassDays::Hours))
                    .col(string_len(ClassDays::Topic, 200))
                    .col(timestamp_with_time_zone(ClassDays::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_class_days_cohort",
                        (ClassDays::Table, ClassDays::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attendances::Table)
                    .col(pk_auto(Attendances::Id))
                    .col(integer(Attendances::ClassDayId))
                    .col(integer(Attendances::EnrollmentId))
                    .col(integer(Attendances::LearnerId))
                    .col(date(Attendances::Day))
                    .col(timestamp_with_time_zone_null(Attendances::SignedInAt))
                    .col(string_len(Attendances::Source, 12))
                    .col(timestamp_with_time_zone(Attendances::RecordedAt))
                    .foreign_key(&mut fk(
                        "fk_attendances_class_day",
                        (Attendances::Table, Attendances::ClassDayId),
                        (ClassDays::Table, ClassDays::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_attendances_enrollment",
                        (Attendances::Table, Attendances::EnrollmentId),
                        (Enrollments::Table, Enrollments::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_attendances_learner",
                        (Attendances::Table, Attendances::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OnlineHours::Table)
                    .col(pk_auto(OnlineHours::Id))
                    .col(integer(OnlineHours::EnrollmentId))
                    .col(integer(OnlineHours::LearnerId))
                    .col(string_len(OnlineHours::Platform, 100))
                    .col(date(OnlineHours::Day))
                    .col(integer(OnlineHours::Minutes))
                    .col(timestamp_with_time_zone(OnlineHours::ImportedAt))
                    .foreign_key(&mut fk(
                        "fk_online_hours_enrollment",
                        (OnlineHours::Table, OnlineHours::EnrollmentId),
                        (Enrollments::Table, Enrollments::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_online_hours_learner",
                        (OnlineHours::Table, OnlineHours::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            "CREATE UNIQUE INDEX uq_class_days_cohort_day ON class_days (cohort_id, day)",
            "CREATE UNIQUE INDEX uq_attendances_day_enrollment ON attendances (class_day_id, enrollment_id)",
            "CREATE INDEX idx_attendances_enrollment ON attendances (enrollment_id)",
            "CREATE INDEX idx_attendances_learner_day ON attendances (learner_id, day)",
            "CREATE UNIQUE INDEX uq_online_hours ON online_hours (enrollment_id, platform, day)",
            "CREATE INDEX idx_online_hours_learner ON online_hours (learner_id, id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OnlineHours::Table.into_iden(),
            Attendances::Table.into_iden(),
            ClassDays::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
