//! The links that give a provider a learner: who registered (or, at the counter, re-registered)
//! the person, and learners' own applications to a cohort. Enrolment needs one of them (or a
//! training order, or the person's name and ID number); see `auth::policy`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderLinks {
    Table,
    Id,
    LearnerId,
    OrganizationId,
    LinkedAt,
}

#[derive(DeriveIden)]
enum CohortApplications {
    Table,
    Id,
    CohortId,
    LearnerId,
    AppliedAt,
}

#[derive(DeriveIden)]
enum Candidates {
    Table,
    LearnerId,
}

#[derive(DeriveIden)]
enum Learners {
    Table,
    Id,
    RegisteredById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cohorts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProviderLinks::Table)
                    .col(pk_auto(ProviderLinks::Id))
                    .col(integer(ProviderLinks::LearnerId))
                    .col(integer(ProviderLinks::OrganizationId))
                    .col(timestamp_with_time_zone(ProviderLinks::LinkedAt))
                    .foreign_key(&mut fk(
                        "fk_provider_links_learner",
                        (ProviderLinks::Table, ProviderLinks::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_provider_links_organization",
                        (ProviderLinks::Table, ProviderLinks::OrganizationId),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CohortApplications::Table)
                    .col(pk_auto(CohortApplications::Id))
                    .col(integer(CohortApplications::CohortId))
                    .col(integer(CohortApplications::LearnerId))
                    .col(timestamp_with_time_zone(CohortApplications::AppliedAt))
                    .foreign_key(&mut fk(
                        "fk_cohort_applications_cohort",
                        (CohortApplications::Table, CohortApplications::CohortId),
                        (Cohorts::Table, Cohorts::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_cohort_applications_learner",
                        (CohortApplications::Table, CohortApplications::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, a, b) in [
            (
                "uq_provider_links_learner_organization",
                ProviderLinks::Table.into_iden(),
                ProviderLinks::LearnerId.into_iden(),
                ProviderLinks::OrganizationId.into_iden(),
            ),
            (
                "uq_cohort_applications_cohort_learner",
                CohortApplications::Table.into_iden(),
                CohortApplications::CohortId.into_iden(),
                CohortApplications::LearnerId.into_iden(),
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(a)
                        .col(b)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        // A provider's learners (its links since a day), and the assessments of each learner (the
        // access policy reads both per learner or per provider).
        manager
            .create_index(
                Index::create()
                    .name("idx_provider_links_organization_linked")
                    .table(ProviderLinks::Table)
                    .col(ProviderLinks::OrganizationId)
                    .col(ProviderLinks::LinkedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_candidates_learner")
                    .table(Candidates::Table)
                    .col(Candidates::LearnerId)
                    .to_owned(),
            )
            .await?;
        // Every learner registered so far is linked to whoever registered them, as of then.
        let copy = Query::insert()
            .into_table(ProviderLinks::Table)
            .columns([
                ProviderLinks::LearnerId,
                ProviderLinks::OrganizationId,
                ProviderLinks::LinkedAt,
            ])
            .select_from(
                Query::select()
                    .columns([Learners::Id, Learners::RegisteredById, Learners::CreatedAt])
                    .from(Learners::Table)
                    .and_where(Expr::col(Learners::RegisteredById).is_not_null())
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        manager.exec_stmt(copy).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_candidates_learner")
                    .table(Candidates::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(CohortApplications::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ProviderLinks::Table).to_owned())
            .await
    }
}
