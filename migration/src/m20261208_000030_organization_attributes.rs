//! Organizations as they are: the attributes the seeds count them by — ownership (公办/民办), an
//! enterprise above the designated size (规上), 专精特新, a chain master (链主) and the chain an
//! enterprise belongs to, a college's type (技工院校, 高职, 中职, 本科), an enterprise's training
//! centre. Old rows get none of them (unknown, or false) until the bureau records them.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Ownership,
    AboveScale,
    Specialized,
    ChainMaster,
    ChainMasterId,
    CollegeType,
    TrainingCentre,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one at a time.
        for mut column in [
            string_len_null(Organizations::Ownership, 12),
            boolean(Organizations::AboveScale).default(false).to_owned(),
            boolean(Organizations::Specialized)
                .default(false)
                .to_owned(),
            boolean(Organizations::ChainMaster)
                .default(false)
                .to_owned(),
            integer_null(Organizations::ChainMasterId),
            string_len_null(Organizations::CollegeType, 24),
            boolean(Organizations::TrainingCentre)
                .default(false)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_organizations_chain_master")
                    .table(Organizations::Table)
                    .col(Organizations::ChainMasterId)
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .create_foreign_key(crate::fk(
                    "fk_organizations_chain_master",
                    (Organizations::Table, Organizations::ChainMasterId),
                    (Organizations::Table, Organizations::Id),
                    ForeignKeyAction::Restrict,
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .drop_foreign_key(
                    ForeignKey::drop()
                        .name("fk_organizations_chain_master")
                        .table(Organizations::Table)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_organizations_chain_master")
                    .table(Organizations::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Organizations::Ownership,
            Organizations::AboveScale,
            Organizations::Specialized,
            Organizations::ChainMaster,
            Organizations::ChainMasterId,
            Organizations::CollegeType,
            Organizations::TrainingCentre,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
