//! The sign-in lists read in `jti` order within a region, an organization or a subject: an
//! index for each, so a page reads its rows in order instead of sorting the scope.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, columns).
const INDEXES: &[(&str, &str)] = &[
    ("idx_sign_ins_region_jti", "region_id, jti"),
    ("idx_sign_ins_organization_jti", "organization_id, jti"),
    ("idx_sign_ins_subject_jti", "subject, jti"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Superseded: they matched no ordering a list uses.
        db.execute_unprepared("DROP INDEX IF EXISTS idx_sign_ins_organization")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_sign_ins_subject")
            .await?;
        for (name, columns) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON sign_ins ({columns})"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        db.execute_unprepared(
            "CREATE INDEX idx_sign_ins_organization ON sign_ins (organization_id, first_seen_at)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX idx_sign_ins_subject ON sign_ins (subject)")
            .await?;
        Ok(())
    }
}
