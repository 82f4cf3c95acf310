//! `skillgraph seed --demo`: the demo data, into an empty database.

use super::*;

/// Loads the demo data, if the database is empty.
pub(super) async fn run(settings: &Settings, demo: bool) -> anyhow::Result<()> {
    if !demo {
        bail!("nothing to seed: pass --demo to load the demo data");
    }
    let secrets = crate::keys::load(settings)?;
    let db = db::connect(settings.database.url.expose(), 2).await?;
    db::migrate(&db).await?;
    crate::keys::accept_personal_data_key(&db, &secrets, settings).await?;
    match crate::seed::demo(&db, &secrets.personal_data).await? {
        crate::seed::SeedOutcome::Loaded {
            regions,
            alliances,
            organizations,
            memberships,
            learners,
            demands,
            cohorts,
            resources,
            certificates,
            intentions,
            completers,
            recommendations,
            data_requests,
            claims,
            evaluations,
            programmes,
            competitions,
        } => println!(
            "loaded {regions} regions, {alliances} alliances, {organizations} organizations, {memberships} memberships, {learners} learners, {demands} demands, {cohorts} cohorts, {resources} open resources, {certificates} certificates, {intentions} training intentions, {completers} completers followed up, {recommendations} job recommendations, {data_requests} requests about personal data, {claims} subsidy claims, {evaluations} institution evaluations, {programmes} programmes, {competitions} competitions"
        ),
        crate::seed::SeedOutcome::AlreadyPopulated => {
            println!("the database already has data; nothing loaded");
        }
    }
    Ok(())
}
