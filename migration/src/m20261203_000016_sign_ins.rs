//! The sign-ins seen: each token by its `jti`, the first time it is used, with whom it acts for,
//! so it can be listed and revoked before it expires.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SignIns {
    Table,
    Jti,
    Subject,
    Role,
    OrganizationId,
    RegionId,
    FirstSeenAt,
    ExpiresAt,
    RevokedAt,
    RevokedBy,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignIns::Table)
                    .col(string_len(SignIns::Jti, 200).primary_key())
                    .col(string_len(SignIns::Subject, 200))
                    .col(string_len(SignIns::Role, 24))
                    .col(integer_null(SignIns::OrganizationId))
                    .col(integer_null(SignIns::RegionId))
                    .col(timestamp_with_time_zone(SignIns::FirstSeenAt))
                    .col(timestamp_with_time_zone(SignIns::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SignIns::RevokedAt))
                    .col(string_len_null(SignIns::RevokedBy, 200))
                    .col(string_len_null(SignIns::Reason, 2000))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_sign_ins_organization ON sign_ins (organization_id, first_seen_at)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX idx_sign_ins_subject ON sign_ins (subject)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SignIns::Table).to_owned())
            .await
    }
}
