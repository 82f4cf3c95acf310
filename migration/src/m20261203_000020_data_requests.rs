//! A learner's requests about their own personal data (PIPL Arts. 46–47): a correction of the
//! name or the phone number, decided by the provider that registered them or the regulator of
//! their region; an erasure, decided by that regulator. The value asked for is personal data
//! too, so it is kept sealed like the learner's own (and dropped once decided). At most one
//! request of a kind is pending per learner (a partial unique index).

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DataRequests {
    Table,
    Id,
    LearnerId,
    Kind,
    Field,
    ProposedCipher,
    ProposedMasked,
    SealedWith,
    Reason,
    Status,
    Decision,
    DecidedBy,
    DecidedRole,
    DecidedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Learners {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DataRequests::Table)
                    .col(pk_auto(DataRequests::Id))
                    .col(integer(DataRequests::LearnerId))
                    .col(string_len(DataRequests::Kind, 12))
                    .col(string_len_null(DataRequests::Field, 8))
                    .col(text_null(DataRequests::ProposedCipher))
                    .col(string_len_null(DataRequests::ProposedMasked, 60))
                    .col(string_len_null(DataRequests::SealedWith, 64))
                    .col(string_len(DataRequests::Reason, 500))
                    .col(string_len(DataRequests::Status, 12))
                    .col(string_len_null(DataRequests::Decision, 500))
                    .col(string_len_null(DataRequests::DecidedBy, 200))
                    .col(string_len_null(DataRequests::DecidedRole, 24))
                    .col(timestamp_with_time_zone_null(DataRequests::DecidedAt))
                    .col(timestamp_with_time_zone(DataRequests::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_data_requests_learner",
                        (DataRequests::Table, DataRequests::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_data_requests_pending \
             ON data_requests (learner_id, kind) WHERE status = 'PENDING'",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_data_requests_learner ON data_requests (learner_id, id)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_data_requests_status ON data_requests (status, id)",
        )
        .await?;
        // A provider's list: its corrections, in id order.
        db.execute_unprepared("CREATE INDEX idx_data_requests_kind ON data_requests (kind, id)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DataRequests::Table).to_owned())
            .await
    }
}
