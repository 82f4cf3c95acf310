//! The public register of assessment bodies lists them newest filing first: an index on the
//! filing time (and the id that breaks ties) serves its pages without a sort.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AssessmentBodies {
    Table,
    FiledAt,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_assessment_bodies_filed")
                    .table(AssessmentBodies::Table)
                    .col(AssessmentBodies::FiledAt)
                    .col(AssessmentBodies::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_assessment_bodies_filed")
                    .table(AssessmentBodies::Table)
                    .to_owned(),
            )
            .await
    }
}
