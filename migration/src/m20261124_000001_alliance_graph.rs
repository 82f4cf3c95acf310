//! Regions, alliances, organizations, memberships and occupations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::sortable;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    Code,
    Name,
    NameEn,
}

#[derive(DeriveIden)]
enum Alliances {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    Industry,
    RegionId,
    FoundedOn,
    Description,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Name,
    NameEn,
    Kind,
    CreditCode,
    RegionId,
    Address,
    Website,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    AllianceId,
    OrganizationId,
    Role,
    JoinedOn,
    LeftOn,
}

#[derive(DeriveIden)]
enum Occupations {
    Table,
    Code,
    Name,
    Major,
    Digital,
    Green,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(pk_auto(Regions::Id))
                    .col(string_len_uniq(Regions::Code, 6))
                    .col(string(Regions::Name))
                    .col(string(Regions::NameEn))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alliances::Table)
                    .col(pk_auto(Alliances::Id))
                    .col(sortable(manager, string_len_uniq(Alliances::Code, 64)))
                    .col(sortable(manager, string(Alliances::Name)))
                    .col(string(Alliances::NameEn))
                    .col(string_len(Alliances::Industry, 40))
                    .col(integer(Alliances::RegionId))
                    .col(date(Alliances::FoundedOn))
                    .col(text(Alliances::Description))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_alliances_region")
                            .from(Alliances::Table, Alliances::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_alliances_region")
                    .table(Alliances::Table)
                    .col(Alliances::RegionId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(pk_auto(Organizations::Id))
                    .col(sortable(manager, string(Organizations::Name)))
                    .col(string_null(Organizations::NameEn))
                    .col(string_len(Organizations::Kind, 24))
                    .col(string_len_uniq(Organizations::CreditCode, 18))
                    .col(integer(Organizations::RegionId))
                    .col(string_null(Organizations::Address))
                    .col(string_null(Organizations::Website))
                    .col(text_null(Organizations::Description))
                    .col(timestamp_with_time_zone(Organizations::CreatedAt))
                    .col(timestamp_with_time_zone(Organizations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organizations_region")
                            .from(Organizations::Table, Organizations::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_organizations_name", Organizations::Name),
            ("idx_organizations_kind", Organizations::Kind),
            ("idx_organizations_region", Organizations::RegionId),
            ("idx_organizations_created_at", Organizations::CreatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Organizations::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(pk_auto(Memberships::Id))
                    .col(integer(Memberships::AllianceId))
                    .col(integer(Memberships::OrganizationId))
                    .col(string_len(Memberships::Role, 12))
                    .col(date(Memberships::JoinedOn))
                    .col(date_null(Memberships::LeftOn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_memberships_alliance")
                            .from(Memberships::Table, Memberships::AllianceId)
                            .to(Alliances::Table, Alliances::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_memberships_organization")
                            .from(Memberships::Table, Memberships::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_memberships_alliance_organization")
                    .table(Memberships::Table)
                    .col(Memberships::AllianceId)
                    .col(Memberships::OrganizationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_memberships_organization")
                    .table(Memberships::Table)
                    .col(Memberships::OrganizationId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Occupations::Table)
                    .col(sortable(
                        manager,
                        string_len(Occupations::Code, 10).primary_key().to_owned(),
                    ))
                    .col(string(Occupations::Name))
                    .col(small_integer(Occupations::Major))
                    .col(boolean(Occupations::Digital))
                    .col(boolean(Occupations::Green))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Memberships::Table.into_iden(),
            Organizations::Table.into_iden(),
            Alliances::Table.into_iden(),
            Regions::Table.into_iden(),
            Occupations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
