//! `skillgraph migrate up|down|status`.

use migration::{Migrator, MigratorTrait};

use super::*;

/// Applies, reverts or lists the migrations.
pub(super) async fn run(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = db::connect(settings.database.url.expose(), 2).await?;
    match action {
        MigrateAction::Up => Migrator::up(&db, None).await?,
        MigrateAction::Down { steps } => Migrator::down(&db, Some(steps)).await?,
        MigrateAction::Status => {
            for migration in Migrator::get_migration_with_status(&db).await? {
                println!("{:?}\t{}", migration.status(), migration.name());
            }
        }
    }
    Ok(())
}
