//! `skillgraph import resources --org ID FILE`: a provider's open-resource list from CSV or XLSX.

use super::*;

pub(super) async fn resources(
    settings: &Settings,
    org: &str,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    use crate::{
        auth::{Actor, Caller, Staff},
        domain::kernel::ids::NodeKey,
        domain::kernel::import::{Format, ImportError},
        domain::training::resources::import,
    };
    let format = Format::from_path(file)
        .ok_or_else(|| anyhow::anyhow!("{} is neither .csv nor .xlsx", file.display()))?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("reading {}", file.display()))?
        .len();
    let most = import::limits().file_bytes;
    if size > most as u64 {
        anyhow::bail!(
            "{} has {size} bytes, more than the {most} an import reads",
            file.display()
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let org_id = NodeKey::organization("--org", org).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = db::connect(settings.database.url.expose(), 2).await?;
    db::migrate(&db).await?;
    let provider = crate::domain::identity::organization(
        &db,
        &crate::domain::identity::OrganizationRef::Id(org_id),
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("no organization has the ID {org}"))?;
    let trains =
        crate::auth::policy::may_provide_training(&provider).map_err(|e| anyhow::anyhow!("{e}"))?;
    let actor = match provider.kind {
        entity::OrganizationKind::College => Actor::College(Staff::of(org_id)),
        entity::OrganizationKind::TrainingInstitution => {
            Actor::TrainingInstitution(Staff::of(org_id))
        }
        _ => Actor::Enterprise {
            staff: Staff::of(org_id),
            trains: Some(trains),
        },
    };
    let caller = Caller::acting("cli-import", actor);
    match import::import(&db, &caller, format, bytes).await {
        Ok(published) => {
            println!(
                "published version {} of {}'s list: {} items",
                published.version,
                provider.name,
                published.items.len()
            );
            Ok(())
        }
        Err(ImportError::Rows(rows)) => {
            for row in &rows {
                eprintln!("{row}");
            }
            bail!("{} bad rows; nothing was published", rows.len())
        }
        Err(ImportError::App(e)) => bail!("{e}"),
    }
}
