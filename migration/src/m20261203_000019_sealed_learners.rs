//! Every personal field of a learner protected at rest: the name and the phone number are
//! encrypted like the national ID number (the name with a keyed fingerprint, for matching a name
//! given with an ID number), and the columns that held them in plain text now hold their masked
//! forms. Each row names the key that sealed it (`sealed_with`, the key's check value), so a
//! second key can be added and the rows re-sealed under it while the server runs. `erased_at`
//! marks a learner whose personal data was erased.
//!
//! This migration only reshapes the table: migrations hold no key. The rows written before it
//! still have their name and phone in plain text (now under the `_masked` names) and no
//! `sealed_with`; the server seals them, with the configured key, before it serves
//! (`skillgraph::domain::personal::reseal`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Learners {
    Table,
    Name,
    Phone,
    NameMasked,
    PhoneMasked,
    NameCipher,
    NameHash,
    PhoneCipher,
    SealedWith,
    ErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One change a statement: SQLite alters a table one column at a time.
        let alterations = [
            Table::alter()
                .table(Learners::Table)
                .rename_column(Learners::Name, Learners::NameMasked)
                .to_owned(),
            Table::alter()
                .table(Learners::Table)
                .rename_column(Learners::Phone, Learners::PhoneMasked)
                .to_owned(),
            Table::alter()
                .table(Learners::Table)
                .add_column(text_null(Learners::NameCipher))
                .to_owned(),
            Table::alter()
                .table(Learners::Table)
                .add_column(string_len_null(Learners::NameHash, 64))
                .to_owned(),
            Table::alter()
                .table(Learners::Table)
                .add_column(text_null(Learners::PhoneCipher))
                .to_owned(),
            Table::alter()
                .table(Learners::Table)
                .add_column(string_len_null(Learners::SealedWith, 64))
                .to_owned(),
            Table::alter()
                .table(Learners::Table)
                .add_column(timestamp_with_time_zone_null(Learners::ErasedAt))
                .to_owned(),
        ];
        for alteration in alterations {
            manager.alter_table(alteration).await?;
        }
        // The re-sealing command looks for the rows of one key.
        manager
            .create_index(
                Index::create()
                    .name("idx_learners_sealed_with")
                    .table(Learners::Table)
                    .col(Learners::SealedWith)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The masked forms stay masked: what was sealed cannot be unsealed without the key.
        manager
            .drop_index(
                Index::drop()
                    .name("idx_learners_sealed_with")
                    .table(Learners::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Learners::ErasedAt,
            Learners::SealedWith,
            Learners::PhoneCipher,
            Learners::NameHash,
            Learners::NameCipher,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Learners::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (from, to) in [
            (Learners::PhoneMasked, Learners::Phone),
            (Learners::NameMasked, Learners::Name),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Learners::Table)
                        .rename_column(from, to)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
