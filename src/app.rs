//! The application: state, the bound listener, and serving until told to stop.

use std::{future::Future, net::SocketAddr, sync::Arc};

use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::{
    config::Settings,
    db,
    events::InProcessBroker,
    graphql::{AppSchema, build_schema},
    http::{self, HttpLimits, HttpState},
    keys::{self, Secrets},
    seed,
};

/// A server bound to its address, ready to run. Binding happens in [`App::build`], so the address
/// (port 0 in tests) is known before serving starts.
pub struct App {
    listener: TcpListener,
    router: axum::Router,
    schema: AppSchema,
}

impl App {
    /// Connects to the database, applies migrations, loads the demo data into an empty database
    /// (when `demo_data` is on), and binds the listener.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let secrets = keys::load(settings)?;
        let db = db::connect_with(
            &settings.database_url,
            settings.database_max_connections,
            settings.db_timeouts(),
        )
        .await
        .with_context(|| format!("connecting to {}", settings.database_url_redacted()))?;
        db::migrate(&db).await.context("applying migrations")?;
        if settings.demo_data && seed::is_empty(&db).await? {
            let outcome = seed::demo(&db, &secrets.personal_data)
                .await
                .context("loading demo data")?;
            tracing::info!(?outcome, "loaded the demo data into the empty database");
        }
        Self::with_database(settings, db, secrets).await
    }

    /// Binds the listener over a database that is already migrated.
    pub async fn with_database(
        settings: &Settings,
        db: DatabaseConnection,
        secrets: Secrets,
    ) -> anyhow::Result<Self> {
        let schema = build_schema(
            db.clone(),
            secrets.personal_data.clone(),
            Arc::new(InProcessBroker::default()),
            settings.schema_limits(),
        );
        let router = http::router(
            HttpState {
                schema: schema.clone(),
                db,
                verifier: secrets.verifier.clone(),
                access: settings.access_rules(),
            },
            HttpLimits {
                max_body_bytes: settings.max_body_bytes,
                request_timeout: settings.request_timeout(),
            },
        );
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("binding {}", settings.listen))?;
        Ok(Self {
            listener,
            router,
            schema,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The schema the server executes.
    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
