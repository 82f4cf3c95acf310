//! Job and apprenticeship demand posted by enterprises, and the alliances each is posted to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Demands {
    Table,
    Id,
    EnterpriseId,
    OccupationCode,
    Level,
    Kind,
    Headcount,
    WageMin,
    WageMax,
    RegionId,
    Address,
    Latitude,
    Longitude,
    Description,
    ValidUntil,
    Status,
    CloseReason,
    PostedAt,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum DemandAlliances {
    Table,
    DemandId,
    AllianceId,
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
enum Alliances {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Demands::Table)
                    .col(pk_auto(Demands::Id))
                    .col(integer(Demands::EnterpriseId))
                    .col(string_len(Demands::OccupationCode, 10))
                    .col(small_integer(Demands::Level))
                    .col(string_len(Demands::Kind, 16))
                    .col(integer(Demands::Headcount))
                    .col(integer(Demands::WageMin))
                    .col(integer(Demands::WageMax))
                    .col(integer(Demands::RegionId))
                    .col(string(Demands::Address))
                    .col(double_null(Demands::Latitude))
                    .col(double_null(Demands::Longitude))
                    .col(text(Demands::Description))
                    .col(date(Demands::ValidUntil))
                    .col(string_len(Demands::Status, 12))
                    .col(string_null(Demands::CloseReason))
                    .col(timestamp_with_time_zone_null(Demands::PostedAt))
                    .col(timestamp_with_time_zone(Demands::CreatedAt))
                    .col(timestamp_with_time_zone(Demands::UpdatedAt))
                    .col(integer(Demands::Version))
                    .check(Expr::col(Demands::WageMin).lte(Expr::col(Demands::WageMax)))
                    .check(Expr::col(Demands::Headcount).between(1, 10_000))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_demands_enterprise")
                            .from(Demands::Table, Demands::EnterpriseId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_demands_occupation")
                            .from(Demands::Table, Demands::OccupationCode)
                            .to(Occupations::Table, Occupations::Code)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_demands_region")
                            .from(Demands::Table, Demands::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_demands_status_posted",
                vec![Demands::Status, Demands::PostedAt],
            ),
            ("idx_demands_enterprise", vec![Demands::EnterpriseId]),
            (
                "idx_demands_occupation",
                vec![Demands::OccupationCode, Demands::Level],
            ),
            ("idx_demands_region", vec![Demands::RegionId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Demands::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(DemandAlliances::Table)
                    .col(integer(DemandAlliances::DemandId))
                    .col(integer(DemandAlliances::AllianceId))
                    .primary_key(
                        Index::create()
                            .col(DemandAlliances::DemandId)
                            .col(DemandAlliances::AllianceId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_demand_alliances_demand")
                            .from(DemandAlliances::Table, DemandAlliances::DemandId)
                            .to(Demands::Table, Demands::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_demand_alliances_alliance")
                            .from(DemandAlliances::Table, DemandAlliances::AllianceId)
                            .to(Alliances::Table, Alliances::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_demand_alliances_alliance")
                    .table(DemandAlliances::Table)
                    .col(DemandAlliances::AllianceId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DemandAlliances::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Demands::Table).to_owned())
            .await
    }
}
