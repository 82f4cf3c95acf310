//! `skillgraph serve` (the default): the API, until a signal stops it.

use super::*;

/// Serves until stopped, after printing the URL and a first query to try.
pub(super) async fn serve(settings: &Settings) -> anyhow::Result<()> {
    tracing::info!(database = %settings.database.url, "starting");
    let app = app::App::build(settings).await?;
    let addr = app.local_addr()?;
    tracing::info!(%addr, "serving GraphQL");
    println!(
        "skillgraph is serving GraphQL at http://{addr}/graphql (open it in a browser for GraphiQL)\n\
         a first query to try there, or with curl:\n  \
         curl -s http://{addr}/graphql -H 'content-type: application/json' \\\n    \
         -d '{{\"query\":\"{{ alliances(first: 3) {{ nodes {{ code name demands(first: 2) {{ nodes {{ occupation {{ name }} headcount }} }} }} }} }}\"}}'"
    );
    app.run_until_stopped(app::shutdown_signal()).await?;
    Ok(())
}
