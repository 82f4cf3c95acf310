//! `skillgraph keys generate|reseal`: personal-data keys and their rotation.

use super::*;

/// Prints a new personal-data key, or re-seals every learner with the configured one.
pub(super) async fn run(settings: &Settings, action: KeysAction) -> anyhow::Result<()> {
    let batch = match action {
        KeysAction::Generate => {
            println!(
                "{}",
                crate::domain::kernel::personal::PersonalDataKey::generate_base64()
            );
            return Ok(());
        }
        KeysAction::Reseal { batch } => batch,
    };
    use crate::domain::kernel::personal::{Reseal, reseal};
    let secrets = crate::keys::load(settings)?;
    let db = db::connect(settings.database.url.expose(), 2).await?;
    db::migrate(&db).await?;
    crate::keys::accept_personal_data_key(&db, &secrets, settings).await?;
    let done = reseal(
        &db,
        &secrets.personal_data,
        Reseal::NotByTheSealingKey,
        batch,
    )
    .await?;
    println!(
        "re-sealed {} learners with the configured personal_data_key; {} changed meanwhile (run again); {} registered twice under two keys (left as they are)",
        done.rows, done.skipped, done.duplicates
    );
    Ok(())
}
