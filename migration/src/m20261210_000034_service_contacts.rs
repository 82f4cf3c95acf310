//! The "1131" employment service (1 policy briefing, 1 career guidance, 3 job recommendations, 1
//! training): the contacts of the first two kinds, recorded beside the recommendations and the
//! enrolments the graph already holds. A contact is about one learner, made on a day by an
//! organization (the provider, the alliance, the bureau or a department); its note is personal
//! data and is erased with the person.

use sea_orm_migration::{prelude::*, schema::*};

use crate::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceContacts {
    Table,
    Id,
    LearnerId,
    Kind,
    Channel,
    ContactedOn,
    Note,
    RecordedById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Learners {
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
                    .table(ServiceContacts::Table)
                    .col(pk_auto(ServiceContacts::Id))
                    .col(integer(ServiceContacts::LearnerId))
                    .col(string_len(ServiceContacts::Kind, 20))
                    .col(string_len(ServiceContacts::Channel, 20))
                    .col(date(ServiceContacts::ContactedOn))
                    .col(text(ServiceContacts::Note).default(""))
                    .col(integer_null(ServiceContacts::RecordedById))
                    .col(timestamp_with_time_zone(ServiceContacts::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_service_contacts_learner",
                        (ServiceContacts::Table, ServiceContacts::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_service_contacts_recorded_by",
                        (ServiceContacts::Table, ServiceContacts::RecordedById),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_service_contacts_learner_kind")
                    .table(ServiceContacts::Table)
                    .col(ServiceContacts::LearnerId)
                    .col(ServiceContacts::Kind)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServiceContacts::Table).to_owned())
            .await?;
        Ok(())
    }
}
