//! Learners (personal data protected) and the append-only audit trail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Learners {
    Table,
    Id,
    Name,
    NationalIdCipher,
    NationalIdHash,
    NationalIdMasked,
    Phone,
    BirthYear,
    RegionId,
    TargetGroup,
    RegisteredById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    Actor,
    Role,
    OrganizationId,
    RegionId,
    Action,
    TargetType,
    TargetId,
    Changes,
    RequestId,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Learners::Table)
                    .col(pk_auto(Learners::Id))
                    .col(string(Learners::Name))
                    // nonce ‖ AES-256-GCM ciphertext, base64: the ID number itself is never stored.
                    .col(text(Learners::NationalIdCipher))
                    // HMAC-SHA256 under a server key, hex: finds duplicates without decrypting.
                    .col(string_len_uniq(Learners::NationalIdHash, 64))
                    .col(string_len(Learners::NationalIdMasked, 18))
                    .col(string_len(Learners::Phone, 11))
                    .col(small_integer(Learners::BirthYear))
                    .col(integer(Learners::RegionId))
                    .col(string_len(Learners::TargetGroup, 24))
                    .col(integer_null(Learners::RegisteredById))
                    .col(timestamp_with_time_zone(Learners::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_learners_region")
                            .from(Learners::Table, Learners::RegionId)
                            .to(Regions::Table, Regions::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_learners_registered_by")
                            .from(Learners::Table, Learners::RegisteredById)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_learners_region", Learners::RegionId),
            ("idx_learners_registered_by", Learners::RegisteredById),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Learners::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    .col(string(AuditEvents::Actor))
                    .col(string_len(AuditEvents::Role, 24))
                    // No foreign keys: the trail outlives what it names.
                    .col(integer_null(AuditEvents::OrganizationId))
                    .col(integer_null(AuditEvents::RegionId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(string_len(AuditEvents::TargetType, 32))
                    .col(string(AuditEvents::TargetId))
                    .col(text_null(AuditEvents::Changes))
                    .col(string_null(AuditEvents::RequestId))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_audit_events_occurred_at", AuditEvents::OccurredAt),
            ("idx_audit_events_region", AuditEvents::RegionId),
            ("idx_audit_events_action", AuditEvents::Action),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditEvents::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Learners::Table).to_owned())
            .await
    }
}
