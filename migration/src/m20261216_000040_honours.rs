//! Honours (荣誉): a title such as 江苏工匠, 大连工匠 or 技能大师 conferred on a person in a year, at
//! a level, with its award, linked to their employer; recorded by the regulator of the region.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Honours {
    Table,
    Id,
    LearnerId,
    EmployerId,
    Title,
    Level,
    Year,
    AwardFen,
    RegionId,
    RecordedAt,
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
                    .table(Honours::Table)
                    .col(pk_auto(Honours::Id))
                    .col(integer(Honours::LearnerId))
                    .col(integer_null(Honours::EmployerId))
                    .col(string_len(Honours::Title, 50))
                    .col(string_len(Honours::Level, 12))
                    .col(small_integer(Honours::Year))
                    .col(big_integer_null(Honours::AwardFen))
                    .col(integer(Honours::RegionId))
                    .col(timestamp_with_time_zone(Honours::RecordedAt))
                    .foreign_key(&mut fk(
                        "fk_honours_learner",
                        (Honours::Table, Honours::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_honours_employer",
                        (Honours::Table, Honours::EmployerId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_honours_region",
                        (Honours::Table, Honours::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One title a year per person.
        manager
            .create_index(
                Index::create()
                    .name("uq_honours_learner_title_year")
                    .table(Honours::Table)
                    .col(Honours::LearnerId)
                    .col(Honours::Title)
                    .col(Honours::Year)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_honours_region_year")
                    .table(Honours::Table)
                    .col(Honours::RegionId)
                    .col(Honours::Year)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Honours::Table).to_owned())
            .await
    }
}
