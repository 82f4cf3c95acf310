//! The application: state, the bound listener, and serving until told to stop.

use std::{future::Future, net::SocketAddr, sync::Arc};

use anyhow::Context as _;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::{
    config::Settings,
    db,
    events::{EventBroker, InProcessBroker, RedisBroker},
    graphql::{
        AppSchema, build_schema_as,
        cache::{MemoryCache, PublicCache, RedisCache},
        documents::{Documents, MemoryDocuments, RedisDocuments, TrustedDocuments},
    },
    http::{self, HttpLimits, HttpState},
    keys::{self, Secrets},
    redis_link::RedisLink,
    seed,
    throttle::{Budget, MemoryLimiter, RateLimits, RedisLimiter},
};

/// A server bound to its address, ready to run. Binding happens in [`App::build`], so the address
/// (port 0 in tests) is known before serving starts.
pub struct App {
    listener: TcpListener,
    router: axum::Router,
    /// `/metrics`, on a listener of its own.
    metrics_listener: TcpListener,
    metrics: axum::Router,
    schema: AppSchema,
    limits: HttpLimits,
}

impl App {
    /// Connects to the database, applies migrations, loads the demo data into an empty database
    /// (when `demo_data` is on), and binds the listener.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let secrets = keys::load(settings)?;
        let db = db::connect_with(
            settings.database.url.expose(),
            settings.database.max_connections,
            settings.db_timeouts(),
        )
        .await
        .with_context(|| format!("connecting to {}", settings.database.url))?;
        db::migrate(&db).await.context("applying migrations")?;
        keys::accept_personal_data_key(&db, &secrets, settings).await?;
        if settings.database.demo_data && seed::is_empty(&db).await? {
            let outcome = seed::demo(&db, &secrets.personal_data)
                .await
                .context("loading demo data")?;
            tracing::info!(
                ?outcome,
                "loaded the demo data into a database without organizations"
            );
        }
        Self::with_database(settings, db, secrets).await
    }

    /// Binds the listener over a database that is already migrated.
    pub async fn with_database(
        settings: &Settings,
        db: DatabaseConnection,
        secrets: Secrets,
    ) -> anyhow::Result<Self> {
        // One connection to Redis for the whole request path, when there is a Redis.
        let link = match &settings.redis.url {
            Some(url) => Some(Arc::new(
                RedisLink::new(url.expose(), &settings.redis.prefix)
                    .with_context(|| format!("the Redis URL {url}"))?,
            )),
            None => None,
        };
        let events: Arc<dyn EventBroker> = match &link {
            Some(link) => {
                let broker = RedisBroker::over(link.clone());
                // A moment for the subscription, so the first events are shared; Redis out of
                // reach is not a reason not to serve.
                if !broker
                    .wait_subscribed(std::time::Duration::from_secs(2))
                    .await
                {
                    tracing::warn!(
                        "Redis is out of reach; serving, with events on this instance only until it is back"
                    );
                }
                Arc::new(broker)
            }
            None => Arc::new(InProcessBroker::default()),
        };
        let documents = Documents {
            store: match &link {
                Some(link) => Arc::new(RedisDocuments::new(link.clone())),
                None => Arc::new(MemoryDocuments::default()),
            },
            trusted: match &settings.server.trusted_documents {
                Some(path) => {
                    let trusted = TrustedDocuments::load(path)
                        .with_context(|| format!("reading trusted documents {}", path.display()))?;
                    tracing::info!(operations = trusted.len(), path = %path.display(), "serving trusted documents only");
                    Some(Arc::new(trusted))
                }
                None => None,
            },
        };
        let schema = build_schema_as(
            db.clone(),
            secrets.personal_data.clone(),
            events.clone(),
            settings.schema_limits(),
            settings.server.federation,
        )
        .with_documents(documents)
        .with_rate_limits(RateLimits {
            limiter: match &link {
                Some(link) => Arc::new(RedisLimiter::new(link.clone())),
                None => Arc::new(MemoryLimiter::default()),
            },
            anonymous: Budget {
                maximum: settings.rate_limit.maximum,
                restore_per_second: settings.rate_limit.restore_anonymous,
            },
            authenticated: Budget {
                maximum: settings.rate_limit.maximum,
                restore_per_second: settings.rate_limit.restore_authenticated,
            },
            by_role: settings
                .rate_limit
                .restore_by_role
                .iter()
                .map(|(role, &restore_per_second)| {
                    let budget = Budget {
                        maximum: settings.rate_limit.maximum,
                        restore_per_second,
                    };
                    (*role, budget)
                })
                .collect(),
            fail_closed: settings.rate_limit.fail_closed,
        });
        let [lookups, holder_checks, per_number] = settings.rate_limit.verification_paces();
        let schema = schema
            .with_verification_paces(lookups, holder_checks, per_number)
            .with_credentials(secrets.credentials.clone());
        let schema = if settings.server.public_cache_ttl_secs == 0 {
            schema
        } else {
            schema.with_public_cache(PublicCache {
                store: match &link {
                    Some(link) => Arc::new(RedisCache::new(link.clone())),
                    None => Arc::new(MemoryCache::default()),
                },
                ttl: std::time::Duration::from_secs(settings.server.public_cache_ttl_secs),
            })
        };
        let state = HttpState {
            schema: schema.clone(),
            db,
            verifier: secrets.verifier.clone(),
            access: settings.access_rules(),
            limits: settings.http_limits(),
            sockets: Arc::default(),
            events,
            credentials: secrets.credentials.clone(),
            personal_data: secrets.personal_data.clone(),
        };
        let metrics = http::metrics_router(state.clone());
        let router = http::router(state, settings.http_limits());
        let listener = TcpListener::bind(settings.server.listen)
            .await
            .with_context(|| format!("binding {}", settings.server.listen))?;
        let metrics_listener = TcpListener::bind(settings.server.metrics_listen)
            .await
            .with_context(|| format!("binding {} (metrics)", settings.server.metrics_listen))?;
        Ok(Self {
            listener,
            router,
            metrics_listener,
            metrics,
            schema,
            limits: settings.http_limits(),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The address `/metrics` is served on.
    pub fn metrics_addr(&self) -> std::io::Result<SocketAddr> {
        self.metrics_listener.local_addr()
    }

    /// The schema the server executes.
    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight. Each connection
    /// is HTTP/1.1 with bounded request heads (size, header count, and the time to send them);
    /// the client's address reaches the handlers as `ConnectInfo`.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use hyper_util::rt::{TokioIo, TokioTimer};
        use tower::ServiceExt as _;
        // Stopping: every connection is told to finish its request in flight and close.
        let (stopping, _) = tokio::sync::watch::channel(false);
        let mut metrics_stop = stopping.subscribe();
        let metrics = axum::serve(self.metrics_listener, self.metrics.clone())
            .with_graceful_shutdown(async move {
                let _ = metrics_stop.wait_for(|s| *s).await;
            });
        tokio::spawn(async move {
            if let Err(err) = metrics.await {
                tracing::warn!(error = %err, "the metrics listener stopped");
            }
        });
        let open = Arc::new(tokio::sync::Semaphore::new(0));
        let mut connections = 0u32;
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let (stream, addr) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        // Out of file descriptors and the like: wait a moment, keep serving.
                        tracing::warn!(error = %err, "accepting a connection failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let router = self.router.clone();
            let service = hyper::service::service_fn(
                move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(addr));
                    router.clone().oneshot(request)
                },
            );
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(self.limits.header_read_timeout)
                .max_headers(self.limits.max_headers)
                .max_buf_size(self.limits.max_header_bytes);
            let connection = builder
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            let mut stop = stopping.subscribe();
            let done = open.clone();
            connections += 1;
            tokio::spawn(async move {
                let mut connection = std::pin::pin!(connection);
                let ended = tokio::select! {
                    ended = connection.as_mut() => ended,
                    _ = async { stop.wait_for(|s| *s).await.map(|_| ()) } => {
                        connection.as_mut().graceful_shutdown();
                        connection.as_mut().await
                    }
                };
                if let Err(err) = ended {
                    tracing::debug!(error = %err, "a connection ended with an error");
                }
                done.add_permits(1);
            });
        }
        let _ = stopping.send(true);
        // Wait for the connections to finish, but not for ever (upgraded sockets live on).
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            open.acquire_many(connections),
        )
        .await;
        Ok(())
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
