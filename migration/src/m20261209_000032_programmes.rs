//! Programmes (专项 / 行动 / 工程 / 计划) of a region: what they serve (target groups, occupations
//! or prefixes, training modes), who answers for them (departments, GOVERNMENT organizations) and
//! their yearly quotas per indicator. Cohorts gain a training mode and purpose; cohorts, training
//! orders, training plans and claim lines may name the programme they belong to (one each).

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Programmes {
    Table,
    Id,
    RegionId,
    Code,
    Name,
    Kind,
    StartsOn,
    EndsOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgrammeTargetGroups {
    Table,
    ProgrammeId,
    TargetGroupId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgrammeDepartments {
    Table,
    ProgrammeId,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgrammeOccupations {
    Table,
    ProgrammeId,
    Prefix,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgrammeModes {
    Table,
    ProgrammeId,
    Mode,
}

#[derive(DeriveIden)]
enum ProgrammeQuotas {
    Table,
    ProgrammeId,
    Year,
    Indicator,
    Target,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TargetGroups {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    ProgrammeId,
    Mode,
    Purpose,
}

#[derive(DeriveIden)]
enum TrainingOrders {
    Table,
    ProgrammeId,
}

#[derive(DeriveIden)]
enum TrainingPlans {
    Table,
    ProgrammeId,
}

#[derive(DeriveIden)]
enum ClaimLines {
    Table,
    ProgrammeId,
}

/// A join table of a programme and one more key column, both its primary key.
fn pair(
    table: impl IntoIden + Copy + 'static,
    programme: impl IntoIden + Copy + 'static,
    other: ColumnDef,
    other_name: impl IntoIden + Copy + 'static,
    name: &str,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(integer(programme))
        .col(other)
        .primary_key(Index::create().col(programme).col(other_name))
        .foreign_key(&mut fk(
            &format!("fk_{name}_programme"),
            (table, programme),
            (Programmes::Table, Programmes::Id),
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

/// The tables whose rows name a programme: each table, its column, and its name for indexes.
fn naming() -> [(DynIden, DynIden, &'static str); 4] {
    [
        (
            Cohorts::Table.into_iden(),
            Cohorts::ProgrammeId.into_iden(),
            "cohorts",
        ),
        (
            TrainingOrders::Table.into_iden(),
            TrainingOrders::ProgrammeId.into_iden(),
            "training_orders",
        ),
        (
            TrainingPlans::Table.into_iden(),
            TrainingPlans::ProgrammeId.into_iden(),
            "training_plans",
        ),
        (
            ClaimLines::Table.into_iden(),
            ClaimLines::ProgrammeId.into_iden(),
            "claim_lines",
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Programmes::Table)
                    .col(pk_auto(Programmes::Id))
                    .col(integer(Programmes::RegionId))
                    .col(string_len(Programmes::Code, 40))
                    .col(string_len(Programmes::Name, 100))
                    .col(string_len(Programmes::Kind, 12))
                    .col(date(Programmes::StartsOn))
                    .col(date(Programmes::EndsOn))
                    .col(timestamp_with_time_zone(Programmes::CreatedAt))
                    .col(timestamp_with_time_zone(Programmes::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_programmes_region",
                        (Programmes::Table, Programmes::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_programmes_region_code")
                    .table(Programmes::Table)
                    .col(Programmes::RegionId)
                    .col(Programmes::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // `programmes` lists by first day.
        manager
            .create_index(
                Index::create()
                    .name("idx_programmes_starts_on")
                    .table(Programmes::Table)
                    .col(Programmes::StartsOn)
                    .col(Programmes::Id)
                    .to_owned(),
            )
            .await?;
        let mut groups = pair(
            ProgrammeTargetGroups::Table,
            ProgrammeTargetGroups::ProgrammeId,
            integer(ProgrammeTargetGroups::TargetGroupId),
            ProgrammeTargetGroups::TargetGroupId,
            "programme_target_groups",
        );
        groups.foreign_key(&mut fk(
            "fk_programme_target_groups_group",
            (
                ProgrammeTargetGroups::Table,
                ProgrammeTargetGroups::TargetGroupId,
            ),
            (TargetGroups::Table, TargetGroups::Id),
            ForeignKeyAction::Restrict,
        ));
        manager.create_table(groups).await?;
        let mut departments = pair(
            ProgrammeDepartments::Table,
            ProgrammeDepartments::ProgrammeId,
            integer(ProgrammeDepartments::OrganizationId),
            ProgrammeDepartments::OrganizationId,
            "programme_departments",
        );
        departments.foreign_key(&mut fk(
            "fk_programme_departments_organization",
            (
                ProgrammeDepartments::Table,
                ProgrammeDepartments::OrganizationId,
            ),
            (Organizations::Table, Organizations::Id),
            ForeignKeyAction::Restrict,
        ));
        manager.create_table(departments).await?;
        // A department reads the programmes it answers for.
        manager
            .create_index(
                Index::create()
                    .name("idx_programme_departments_organization")
                    .table(ProgrammeDepartments::Table)
                    .col(ProgrammeDepartments::OrganizationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(pair(
                ProgrammeOccupations::Table,
                ProgrammeOccupations::ProgrammeId,
                string_len(ProgrammeOccupations::Prefix, 20),
                ProgrammeOccupations::Prefix,
                "programme_occupations",
            ))
            .await?;
        manager
            .create_table(pair(
                ProgrammeModes::Table,
                ProgrammeModes::ProgrammeId,
                string_len(ProgrammeModes::Mode, 12),
                ProgrammeModes::Mode,
                "programme_modes",
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgrammeQuotas::Table)
                    .col(integer(ProgrammeQuotas::ProgrammeId))
                    .col(small_integer(ProgrammeQuotas::Year))
                    .col(string_len(ProgrammeQuotas::Indicator, 40))
                    .col(big_integer(ProgrammeQuotas::Target))
                    .primary_key(
                        Index::create()
                            .col(ProgrammeQuotas::ProgrammeId)
                            .col(ProgrammeQuotas::Year)
                            .col(ProgrammeQuotas::Indicator),
                    )
                    .foreign_key(&mut fk(
                        "fk_programme_quotas_programme",
                        (ProgrammeQuotas::Table, ProgrammeQuotas::ProgrammeId),
                        (Programmes::Table, Programmes::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // The rows that name a programme: one column each, indexed for the programme's page and
        // its figures; a foreign key on PostgreSQL (SQLite cannot add one to a table; there the
        // domain checks the programme exists, and a programme is never deleted).
        for mut column in [
            integer_null(Cohorts::ProgrammeId),
            string_len_null(Cohorts::Mode, 12),
            string_len_null(Cohorts::Purpose, 12),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cohorts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let naming = naming();
        for (table, column, name) in naming {
            if name != "cohorts" {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .add_column(integer_null(column.clone()))
                            .to_owned(),
                    )
                    .await?;
            }
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_{name}_programme"))
                        .table(table.clone())
                        .col(column.clone())
                        .to_owned(),
                )
                .await?;
            if manager.get_database_backend() == DatabaseBackend::Postgres {
                manager
                    .create_foreign_key(fk(
                        &format!("fk_{name}_programme"),
                        (table, column),
                        (Programmes::Table, Programmes::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let naming = naming();
        for (table, column, name) in naming {
            if manager.get_database_backend() == DatabaseBackend::Postgres {
                manager
                    .drop_foreign_key(
                        ForeignKey::drop()
                            .name(format!("fk_{name}_programme"))
                            .table(table.clone())
                            .to_owned(),
                    )
                    .await?;
            }
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{name}_programme"))
                        .table(table.clone())
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        for column in [Cohorts::Mode, Cohorts::Purpose] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cohorts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            ProgrammeQuotas::Table.into_iden(),
            ProgrammeModes::Table.into_iden(),
            ProgrammeOccupations::Table.into_iden(),
            ProgrammeDepartments::Table.into_iden(),
            ProgrammeTargetGroups::Table.into_iden(),
            Programmes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
