//! Invitations: an application to join an alliance may come from the alliance (its founding
//! invites a lead of another region), and then the invited organization decides it with its own
//! token. `invited_as` holds the role offered; it is empty for an organization's own application.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MembershipApplications {
    Table,
    InvitedAs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MembershipApplications::Table)
                    .add_column(string_len_null(MembershipApplications::InvitedAs, 20))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MembershipApplications::Table)
                    .drop_column(MembershipApplications::InvitedAs)
                    .to_owned(),
            )
            .await
    }
}
