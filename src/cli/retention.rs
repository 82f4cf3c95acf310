//! `skillgraph retention [--days N] [--dry-run]`: erases the personal data of learners inactive
//! for longer than the retention period.

use super::*;

/// Erases (or, with `dry_run`, lists) the learners inactive for longer than `days`.
pub(super) async fn run(
    settings: &Settings,
    dry_run: bool,
    days: Option<u32>,
) -> anyhow::Result<()> {
    let Some(days) = days.or(settings.rules.learner_retention_days) else {
        bail!(
            "no retention period: set rules.learner_retention_days (SKILLGRAPH_LEARNER_RETENTION_DAYS) or pass --days"
        );
    };
    let secrets = crate::keys::load(settings)?;
    let db = db::connect(settings.database.url.expose(), 2).await?;
    db::migrate(&db).await?;
    crate::keys::accept_personal_data_key(&db, &secrets, settings).await?;
    let report = crate::domain::people::retention::run(&db, days, dry_run).await?;
    if dry_run {
        println!(
            "dry run: {} learners inactive since {} would be erased (nothing was changed)",
            report.inactive.len(),
            report.cutoff.to_rfc3339()
        );
        for id in &report.inactive {
            println!("{id}");
        }
    } else {
        println!(
            "erased the personal data of {} of {} learners inactive since {}",
            report.erased,
            report.inactive.len(),
            report.cutoff.to_rfc3339()
        );
    }
    Ok(())
}
