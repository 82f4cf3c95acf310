//! Training intentions (点单) and the orders the bureau dispatches (派单).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainingIntentions {
    Table,
    Id,
    LearnerId,
    OccupationPrefix,
    Level,
    Schedules,
    RegionId,
    Latitude,
    Longitude,
    MaxDistanceKm,
    EarliestStart,
    Status,
    OrderId,
    SubmittedById,
    CreatedAt,
    ExpiresOn,
}

#[derive(DeriveIden)]
enum TrainingOrders {
    Table,
    Id,
    RegionId,
    OccupationCode,
    Level,
    Schedule,
    Seats,
    Deadline,
    ProviderId,
    Status,
    DeclineReason,
    CohortId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Learners {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrainingOrders::Table)
                    .col(pk_auto(TrainingOrders::Id))
                    .col(integer(TrainingOrders::RegionId))
                    .col(string_len(TrainingOrders::OccupationCode, 10))
                    .col(small_integer(TrainingOrders::Level))
                    .col(string_len(TrainingOrders::Schedule, 12))
                    .col(integer(TrainingOrders::Seats))
                    .col(date(TrainingOrders::Deadline))
                    .col(integer(TrainingOrders::ProviderId))
                    .col(string_len(TrainingOrders::Status, 12))
                    .col(string_null(TrainingOrders::DeclineReason))
                    .col(integer_null(TrainingOrders::CohortId))
                    .col(timestamp_with_time_zone(TrainingOrders::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_orders_region",
                        (TrainingOrders::Table, TrainingOrders::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_orders_provider",
                        (TrainingOrders::Table, TrainingOrders::ProviderId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_orders_occupation",
                        (TrainingOrders::Table, TrainingOrders::OccupationCode),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingIntentions::Table)
                    .col(pk_auto(TrainingIntentions::Id))
                    .col(integer(TrainingIntentions::LearnerId))
                    // A full occupation code, or the prefix of a group when the learner is unsure.
                    .col(string_len(TrainingIntentions::OccupationPrefix, 10))
                    .col(small_integer(TrainingIntentions::Level))
                    // Preferred schedules, comma-separated, most preferred first.
                    .col(string_len(TrainingIntentions::Schedules, 64))
                    .col(integer(TrainingIntentions::RegionId))
                    .col(double_null(TrainingIntentions::Latitude))
                    .col(double_null(TrainingIntentions::Longitude))
                    .col(double_null(TrainingIntentions::MaxDistanceKm))
                    .col(date(TrainingIntentions::EarliestStart))
                    .col(string_len(TrainingIntentions::Status, 12))
                    .col(integer_null(TrainingIntentions::OrderId))
                    .col(integer_null(TrainingIntentions::SubmittedById))
                    .col(timestamp_with_time_zone(TrainingIntentions::CreatedAt))
                    .col(date(TrainingIntentions::ExpiresOn))
                    .foreign_key(&mut fk(
                        "fk_intentions_learner",
                        (TrainingIntentions::Table, TrainingIntentions::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_intentions_region",
                        (TrainingIntentions::Table, TrainingIntentions::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_intentions_order",
                        (TrainingIntentions::Table, TrainingIntentions::OrderId),
                        (TrainingOrders::Table, TrainingOrders::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_intentions_learner",
                vec![TrainingIntentions::LearnerId],
            ),
            (
                "idx_intentions_status_region",
                vec![TrainingIntentions::Status, TrainingIntentions::RegionId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(TrainingIntentions::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainingIntentions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TrainingOrders::Table).to_owned())
            .await
    }
}
