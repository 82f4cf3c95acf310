//! Typed settings: defaults, then an optional TOML file, then the environment.
//!
//! | setting | environment | default |
//! |---|---|---|
//! | `listen` | `SKILLGRAPH_LISTEN` | `127.0.0.1:8080` |
//! | `database_url` | `DATABASE_URL` or `SKILLGRAPH_DATABASE_URL` | `sqlite://skillgraph.db?mode=rwc` |
//! | `database_max_connections` | `SKILLGRAPH_DATABASE_MAX_CONNECTIONS` | `10` |
//! | `demo_data` | `SKILLGRAPH_DEMO_DATA` | `true`: load the demo data into an empty database |
//! | `log` | `SKILLGRAPH_LOG` (or `RUST_LOG`) | `info,sqlx=warn` |
//! | `log_format` | `SKILLGRAPH_LOG_FORMAT` | `text` (or `json`) |
//! | `max_query_depth` | `SKILLGRAPH_MAX_QUERY_DEPTH` | `16` |
//! | `max_query_complexity` | `SKILLGRAPH_MAX_QUERY_COMPLEXITY` | `5000` |
//! | `loader_delay_ms` | `SKILLGRAPH_LOADER_DELAY_MS` | `1` |
//! | `max_body_bytes` | `SKILLGRAPH_MAX_BODY_BYTES` | `1048576` |
//! | `request_timeout_secs` | `SKILLGRAPH_REQUEST_TIMEOUT_SECS` | `30` |

use std::{fmt, net::SocketAddr, path::Path, time::Duration};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

use crate::graphql::SchemaLimits;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people.
    #[default]
    Text,
    /// One JSON object a line, for log collectors.
    Json,
}

/// Every setting of the server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`. May hold a password: never logged as is.
    pub database_url: String,
    /// The most pooled database connections.
    pub database_max_connections: u32,
    /// Load the demo data when the database has none.
    pub demo_data: bool,
    /// A tracing filter (`info`, `skillgraph=debug,sqlx=warn`, ...).
    pub log: String,
    /// Text or JSON log lines.
    pub log_format: LogFormat,
    /// The deepest selection nesting a query may have.
    pub max_query_depth: usize,
    /// The most fields a query may select.
    pub max_query_complexity: usize,
    /// How long, in milliseconds, a DataLoader gathers keys before its one statement.
    pub loader_delay_ms: u64,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// How long one request may take, in seconds.
    pub request_timeout_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        let limits = SchemaLimits::default();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://skillgraph.db?mode=rwc".to_owned(),
            database_max_connections: 10,
            demo_data: true,
            log: "info,sqlx=warn".to_owned(),
            log_format: LogFormat::Text,
            max_query_depth: limits.max_depth,
            max_query_complexity: limits.max_complexity,
            loader_delay_ms: u64::try_from(limits.loader_delay.as_millis()).unwrap_or(1),
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &self.database_url_redacted())
            .field("database_max_connections", &self.database_max_connections)
            .field("demo_data", &self.demo_data)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("max_query_depth", &self.max_query_depth)
            .field("max_query_complexity", &self.max_query_complexity)
            .field("loader_delay_ms", &self.loader_delay_ms)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .finish()
    }
}

impl Settings {
    /// Loads settings: defaults, then `file` if it exists, then the environment.
    pub fn load(file: &Path) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Self::default()));
        if file.exists() {
            figment = figment.merge(Toml::file(file));
        }
        figment
            .merge(Env::prefixed("SKILLGRAPH_").ignore(&[
                "test_database_url",
                "test_redis_url",
                "config",
            ]))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(Box::new)
    }

    /// The schema's limits.
    pub fn schema_limits(&self) -> SchemaLimits {
        SchemaLimits {
            max_depth: self.max_query_depth,
            max_complexity: self.max_query_complexity,
            loader_delay: Duration::from_millis(self.loader_delay_ms),
        }
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// The database URL with any password replaced by `***`, for logs.
    pub fn database_url_redacted(&self) -> String {
        redact_url(&self.database_url)
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/skills"),
            "postgres://app:***@db:5432/skills"
        );
        assert_eq!(
            redact_url("sqlite://skillgraph.db?mode=rwc"),
            "sqlite://skillgraph.db?mode=rwc"
        );
        let settings = Settings {
            database_url: "postgres://app:s3cret@db/skills".into(),
            ..Settings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail fixes the error type"
    )]
    fn file_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "skillgraph.toml",
                "listen = \"0.0.0.0:9000\"\nmax_query_depth = 9\n",
            )?;
            jail.set_env("SKILLGRAPH_MAX_QUERY_DEPTH", "11");
            jail.set_env("DATABASE_URL", "postgres://localhost/x");
            let s = Settings::load(Path::new("skillgraph.toml")).map_err(|e| e.to_string())?;
            assert_eq!(s.listen.port(), 9000);
            assert_eq!(s.max_query_depth, 11);
            assert_eq!(s.database_url, "postgres://localhost/x");
            assert!(s.demo_data);
            Ok(())
        });
    }
}
