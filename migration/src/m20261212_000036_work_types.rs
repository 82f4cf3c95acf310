//! Work types (工种, the trades under an occupation: 电焊工 under 焊工) and special abilities
//! (专项职业能力, assessed abilities not tied to a level: 螃蟹养殖, 数字新媒体制作) as reference
//! lists that a region's regulator extends; a demand may name one of each.
//!
//! Neither list has a complete national source (the classification prints no 工种), so both start
//! empty and grow by region: a row of `region_id` null is national (the system administrator's).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WorkTypes {
    Table,
    Id,
    Code,
    Name,
    OccupationCode,
    RegionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SpecialAbilities {
    Table,
    Id,
    Code,
    Name,
    OccupationCode,
    RegionId,
    CreatedAt,
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
enum Demands {
    Table,
    WorkTypeId,
    SpecialAbilityId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WorkTypes::Table)
                    .col(pk_auto(WorkTypes::Id))
                    .col(string_len_uniq(WorkTypes::Code, 40))
                    .col(string_len(WorkTypes::Name, 60))
                    .col(string_len(WorkTypes::OccupationCode, 10))
                    .col(integer_null(WorkTypes::RegionId))
                    .col(timestamp_with_time_zone(WorkTypes::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_work_types_occupation",
                        (WorkTypes::Table, WorkTypes::OccupationCode),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_work_types_region",
                        (WorkTypes::Table, WorkTypes::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_work_types_occupation_name")
                    .table(WorkTypes::Table)
                    .col(WorkTypes::OccupationCode)
                    .col(WorkTypes::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SpecialAbilities::Table)
                    .col(pk_auto(SpecialAbilities::Id))
                    .col(string_len_uniq(SpecialAbilities::Code, 40))
                    .col(string_len(SpecialAbilities::Name, 60))
                    .col(string_len_null(SpecialAbilities::OccupationCode, 10))
                    .col(integer_null(SpecialAbilities::RegionId))
                    .col(timestamp_with_time_zone(SpecialAbilities::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_special_abilities_occupation",
                        (SpecialAbilities::Table, SpecialAbilities::OccupationCode),
                        (Occupations::Table, Occupations::Code),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_special_abilities_region",
                        (SpecialAbilities::Table, SpecialAbilities::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for column in [Demands::WorkTypeId, Demands::SpecialAbilityId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Demands::Table)
                        .add_column(integer_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Demands::WorkTypeId, Demands::SpecialAbilityId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Demands::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            WorkTypes::Table.into_iden(),
            SpecialAbilities::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
