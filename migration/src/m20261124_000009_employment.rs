//! The employment service (就业服务): job recommendations (荐岗), the follow-up of completers (跟踪服务),
//! and the hires counted against each demand's headcount.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Recommendations {
    Table,
    Id,
    LearnerId,
    DemandId,
    RecommendedById,
    RecommenderRole,
    Note,
    Outcome,
    DeclineReason,
    DeclinedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FollowUps {
    Table,
    Id,
    EnrollmentId,
    LearnerId,
    Month,
    ContactedOn,
    Employed,
    EmployerId,
    EmployerName,
    OccupationMatch,
    WageBand,
    Note,
    RecordedById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Demands {
    Table,
    Id,
    Hired,
}

#[derive(DeriveIden)]
enum Enrollments {
    Table,
    Id,
    Status,
    EndedAt,
}

#[derive(DeriveIden)]
enum Learners {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Places filled through HIRED recommendations; the demand is FILLED when it reaches the
        // headcount.
        manager
            .alter_table(
                Table::alter()
                    .table(Demands::Table)
                    .add_column(integer(Demands::Hired).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Recommendations::Table)
                    .col(pk_auto(Recommendations::Id))
                    .col(integer(Recommendations::LearnerId))
                    .col(integer(Recommendations::DemandId))
                    .col(integer_null(Recommendations::RecommendedById))
                    .col(string_len(Recommendations::RecommenderRole, 24))
                    .col(string(Recommendations::Note))
                    .col(string_len(Recommendations::Outcome, 12))
                    .col(string_null(Recommendations::DeclineReason))
                    .col(string_len_null(Recommendations::DeclinedBy, 12))
                    .col(timestamp_with_time_zone(Recommendations::CreatedAt))
                    .col(timestamp_with_time_zone(Recommendations::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_recommendations_learner",
                        (Recommendations::Table, Recommendations::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_recommendations_demand",
                        (Recommendations::Table, Recommendations::DemandId),
                        (Demands::Table, Demands::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_recommendations_recommender",
                        (Recommendations::Table, Recommendations::RecommendedById),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FollowUps::Table)
                    .col(pk_auto(FollowUps::Id))
                    .col(integer(FollowUps::EnrollmentId))
                    .col(integer(FollowUps::LearnerId))
                    .col(small_integer(FollowUps::Month))
                    .col(date(FollowUps::ContactedOn))
                    .col(boolean(FollowUps::Employed))
                    .col(integer_null(FollowUps::EmployerId))
                    .col(string_null(FollowUps::EmployerName))
                    .col(boolean(FollowUps::OccupationMatch))
                    .col(string_len_null(FollowUps::WageBand, 24))
                    .col(string(FollowUps::Note))
                    .col(integer_null(FollowUps::RecordedById))
                    .col(timestamp_with_time_zone(FollowUps::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_follow_ups_enrollment",
                        (FollowUps::Table, FollowUps::EnrollmentId),
                        (Enrollments::Table, Enrollments::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_follow_ups_learner",
                        (FollowUps::Table, FollowUps::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_follow_ups_employer",
                        (FollowUps::Table, FollowUps::EmployerId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_follow_ups_recorder",
                        (FollowUps::Table, FollowUps::RecordedById),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The same learner and demand once only; one follow-up per completion and month; the
        // completers of a period (placement rates and the follow-ups due) by status and end.
        let indexes: [(&str, DynIden, Vec<DynIden>, bool); 5] = [
            (
                "uq_recommendations_learner_demand",
                Recommendations::Table.into_iden(),
                vec![
                    Recommendations::LearnerId.into_iden(),
                    Recommendations::DemandId.into_iden(),
                ],
                true,
            ),
            (
                "idx_recommendations_demand",
                Recommendations::Table.into_iden(),
                vec![Recommendations::DemandId.into_iden()],
                false,
            ),
            (
                "uq_follow_ups_enrollment_month",
                FollowUps::Table.into_iden(),
                vec![
                    FollowUps::EnrollmentId.into_iden(),
                    FollowUps::Month.into_iden(),
                ],
                true,
            ),
            (
                "idx_follow_ups_learner",
                FollowUps::Table.into_iden(),
                vec![FollowUps::LearnerId.into_iden()],
                false,
            ),
            (
                "idx_enrollments_status_ended",
                Enrollments::Table.into_iden(),
                vec![
                    Enrollments::Status.into_iden(),
                    Enrollments::EndedAt.into_iden(),
                ],
                false,
            ),
        ];
        for (name, table, cols, unique) in indexes {
            let mut index = Index::create();
            index.name(name).table(table);
            for c in cols {
                index.col(c);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_enrollments_status_ended")
                    .table(Enrollments::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(FollowUps::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Recommendations::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Demands::Table)
                    .drop_column(Demands::Hired)
                    .to_owned(),
            )
            .await
    }
}
