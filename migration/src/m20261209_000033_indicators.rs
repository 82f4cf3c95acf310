//! The bureau's figures: targets a region's regulator sets per indicator, for a year or for a
//! period of years (a three-year action); and a follow-up's outcome as the cities count it
//! (employed, self-employed, a business started with the jobs it created, further study, not
//! working). Old follow-ups read EMPLOYED when they recorded employment, NOT_WORKING otherwise.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorTargets {
    Table,
    Id,
    RegionId,
    Indicator,
    FromYear,
    ToYear,
    Target,
    SetAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FollowUps {
    Table,
    Employed,
    Outcome,
    JobsCreated,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IndicatorTargets::Table)
                    .col(pk_auto(IndicatorTargets::Id))
                    .col(integer(IndicatorTargets::RegionId))
                    .col(string_len(IndicatorTargets::Indicator, 40))
                    .col(small_integer(IndicatorTargets::FromYear))
                    .col(small_integer(IndicatorTargets::ToYear))
                    .col(big_integer(IndicatorTargets::Target))
                    .col(timestamp_with_time_zone(IndicatorTargets::SetAt))
                    .foreign_key(&mut fk(
                        "fk_indicator_targets_region",
                        (IndicatorTargets::Table, IndicatorTargets::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_indicator_targets")
                    .table(IndicatorTargets::Table)
                    .col(IndicatorTargets::RegionId)
                    .col(IndicatorTargets::Indicator)
                    .col(IndicatorTargets::FromYear)
                    .col(IndicatorTargets::ToYear)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for mut column in [
            string_len(FollowUps::Outcome, 20)
                .default("NOT_WORKING")
                .to_owned(),
            integer_null(FollowUps::JobsCreated),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(FollowUps::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .exec_stmt(
                Query::update()
                    .table(FollowUps::Table)
                    .value(FollowUps::Outcome, "EMPLOYED")
                    .and_where(Expr::col(FollowUps::Employed).eq(true))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [FollowUps::Outcome, FollowUps::JobsCreated] {
            manager
                .alter_table(
                    Table::alter()
                        .table(FollowUps::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(IndicatorTargets::Table).to_owned())
            .await?;
        Ok(())
    }
}
