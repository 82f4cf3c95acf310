//! Applications to join an alliance: an organization asks with a note, the alliance's
//! administrator or the regulator of its region admits or rejects it with a reason. At most one
//! application of an organization to an alliance is pending at a time (a partial unique index).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MembershipApplications {
    Table,
    Id,
    AllianceId,
    OrganizationId,
    Note,
    Status,
    Reason,
    DecidedAt,
    DecidedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Alliances {
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
        manager
            .create_table(
                Table::create()
                    .table(MembershipApplications::Table)
                    .col(pk_auto(MembershipApplications::Id))
                    .col(integer(MembershipApplications::AllianceId))
                    .col(integer(MembershipApplications::OrganizationId))
                    .col(string_len(MembershipApplications::Note, 2000))
                    .col(string_len(MembershipApplications::Status, 12))
                    .col(string_len_null(MembershipApplications::Reason, 2000))
                    .col(timestamp_with_time_zone_null(
                        MembershipApplications::DecidedAt,
                    ))
                    .col(string_len_null(MembershipApplications::DecidedBy, 200))
                    .col(timestamp_with_time_zone(MembershipApplications::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_membership_applications_alliance",
                        (
                            MembershipApplications::Table,
                            MembershipApplications::AllianceId,
                        ),
                        (Alliances::Table, Alliances::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_membership_applications_organization",
                        (
                            MembershipApplications::Table,
                            MembershipApplications::OrganizationId,
                        ),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_membership_applications_pending \
             ON membership_applications (alliance_id, organization_id) WHERE status = 'PENDING'",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_membership_applications_alliance_status \
             ON membership_applications (alliance_id, status, id)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_membership_applications_organization \
             ON membership_applications (organization_id, id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(MembershipApplications::Table)
                    .to_owned(),
            )
            .await
    }
}
