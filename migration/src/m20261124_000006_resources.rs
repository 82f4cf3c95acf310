//! Open training-resource lists, credit stars and catalogue status of training institutions, the
//! subsidised-training catalogue, and quarterly training plans.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    CreditStars,
    CatalogueStatus,
    StatusReason,
}

#[derive(DeriveIden)]
enum OpenResources {
    Table,
    Id,
    ProviderId,
    ListVersion,
    Kind,
    Title,
    Schedule,
    Seats,
    SeatsTaken,
    Fee,
    FundingMode,
    SubsidyEligible,
    RegionId,
    Address,
    Latitude,
    Longitude,
    StartOn,
    EndOn,
    Contact,
    Status,
    ProviderStars,
    PublishedAt,
}

#[derive(DeriveIden)]
enum ResourceOccupations {
    Table,
    ResourceId,
    OccupationCode,
    Level,
}

#[derive(DeriveIden)]
enum CatalogueItems {
    Table,
    Id,
    RegionId,
    OccupationCode,
    Level,
    Category,
    SubsidyAmount,
    Scarce,
    Year,
    Status,
    Reason,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TrainingPlans {
    Table,
    Id,
    RegionId,
    Year,
    Quarter,
    OccupationCode,
    ProviderId,
    PlannedClasses,
    PlannedHeadcount,
    SubsidyType,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Regions {
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
        // One column per statement: SQLite adds one column at a time.
        for column in [
            small_integer_null(Organizations::CreditStars),
            string_len_null(Organizations::CatalogueStatus, 12),
            string_null(Organizations::StatusReason),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OpenResources::Table)
                    .col(pk_auto(OpenResources::Id))
                    .col(integer(OpenResources::ProviderId))
                    .col(integer(OpenResources::ListVersion))
                    .col(string_len(OpenResources::Kind, 16))
                    .col(string(OpenResources::Title))
                    .col(string_len(OpenResources::Schedule, 12))
                    .col(integer(OpenResources::Seats))
                    .col(integer(OpenResources::SeatsTaken))
                    .col(integer(OpenResources::Fee))
                    .col(string_len(OpenResources::FundingMode, 24))
                    .col(boolean(OpenResources::SubsidyEligible))
                    .col(integer(OpenResources::RegionId))
                    .col(string(OpenResources::Address))
                    .col(double_null(OpenResources::Latitude))
                    .col(double_null(OpenResources::Longitude))
                    .col(date(OpenResources::StartOn))
                    .col(date_null(OpenResources::EndOn))
                    .col(string(OpenResources::Contact))
                    .col(string_len(OpenResources::Status, 12))
                    // The provider's credit stars, copied so lists can order by them with a cursor;
                    // rating an institution updates its resources in the same transaction.
                    .col(small_integer(OpenResources::ProviderStars))
                    .col(timestamp_with_time_zone(OpenResources::PublishedAt))
                    .check(
                        Expr::col(OpenResources::SeatsTaken)
                            .between(Expr::val(0), Expr::col(OpenResources::Seats)),
                    )
                    .foreign_key(&mut fk(
                        "fk_open_resources_provider",
                        (OpenResources::Table, OpenResources::ProviderId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_open_resources_region",
                        (OpenResources::Table, OpenResources::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_open_resources_provider_version",
                vec![OpenResources::ProviderId, OpenResources::ListVersion],
            ),
            (
                "idx_open_resources_status_start",
                vec![OpenResources::Status, OpenResources::StartOn],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(OpenResources::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ResourceOccupations::Table)
                    .col(integer(ResourceOccupations::ResourceId))
                    .col(string_len(ResourceOccupations::OccupationCode, 10))
                    .col(small_integer(ResourceOccupations::Level))
                    .primary_key(
                        Index::create()
                            .col(ResourceOccupations::ResourceId)
                            .col(ResourceOccupations::OccupationCode)
                            .col(ResourceOccupations::Level),
                    )
                    .foreign_key(&mut fk(
                        "fk_resource_occupations_resource",
                        (ResourceOccupations::Table, ResourceOccupations::ResourceId),
                        (OpenResources::Table, OpenResources::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_resource_occupations_occupation",
                        (
                            ResourceOccupations::Table,
                            ResourceOccupations::OccupationCode,
                        ),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_resource_occupations_code")
                    .table(ResourceOccupations::Table)
                    .col(ResourceOccupations::OccupationCode)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CatalogueItems::Table)
                    .col(pk_auto(CatalogueItems::Id))
                    .col(integer(CatalogueItems::RegionId))
                    .col(string_len(CatalogueItems::OccupationCode, 10))
                    .col(small_integer(CatalogueItems::Level))
                    .col(string_len(CatalogueItems::Category, 32))
                    .col(integer(CatalogueItems::SubsidyAmount))
                    .col(boolean(CatalogueItems::Scarce))
                    .col(small_integer(CatalogueItems::Year))
                    .col(string_len(CatalogueItems::Status, 16))
                    .col(string_null(CatalogueItems::Reason))
                    .col(timestamp_with_time_zone(CatalogueItems::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_catalogue_items_region",
                        (CatalogueItems::Table, CatalogueItems::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_catalogue_items_occupation",
                        (CatalogueItems::Table, CatalogueItems::OccupationCode),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_catalogue_items")
                    .table(CatalogueItems::Table)
                    .col(CatalogueItems::RegionId)
                    .col(CatalogueItems::Year)
                    .col(CatalogueItems::OccupationCode)
                    .col(CatalogueItems::Level)
                    .col(CatalogueItems::Category)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TrainingPlans::Table)
                    .col(pk_auto(TrainingPlans::Id))
                    .col(integer(TrainingPlans::RegionId))
                    .col(small_integer(TrainingPlans::Year))
                    .col(small_integer(TrainingPlans::Quarter))
                    .col(string_len(TrainingPlans::OccupationCode, 10))
                    .col(integer(TrainingPlans::ProviderId))
                    .col(integer(TrainingPlans::PlannedClasses))
                    .col(integer(TrainingPlans::PlannedHeadcount))
                    .col(string_len(TrainingPlans::SubsidyType, 32))
                    .col(timestamp_with_time_zone(TrainingPlans::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_training_plans_region",
                        (TrainingPlans::Table, TrainingPlans::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_training_plans_provider",
                        (TrainingPlans::Table, TrainingPlans::ProviderId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_training_plans_occupation",
                        (TrainingPlans::Table, TrainingPlans::OccupationCode),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_training_plans")
                    .table(TrainingPlans::Table)
                    .col(TrainingPlans::ProviderId)
                    .col(TrainingPlans::Year)
                    .col(TrainingPlans::Quarter)
                    .col(TrainingPlans::OccupationCode)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TrainingPlans::Table.into_iden(),
            CatalogueItems::Table.into_iden(),
            ResourceOccupations::Table.into_iden(),
            OpenResources::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Organizations::StatusReason,
            Organizations::CatalogueStatus,
            Organizations::CreditStars,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
