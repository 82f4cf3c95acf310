//! Typed settings: defaults, then an optional TOML file, then the environment.
//!
//! | setting | environment | default |
//! |---|---|---|
//! | `listen` | `SKILLGRAPH_LISTEN` | `127.0.0.1:8080` |
//! | `database_url` | `DATABASE_URL` or `SKILLGRAPH_DATABASE_URL` | `sqlite://skillgraph.db?mode=rwc` |
//! | `database_max_connections` | `SKILLGRAPH_DATABASE_MAX_CONNECTIONS` | `10` |
//! | `database_acquire_timeout_ms` | `SKILLGRAPH_DATABASE_ACQUIRE_TIMEOUT_MS` | `1000`: then `SERVICE_UNAVAILABLE` (503) |
//! | `database_statement_timeout_ms` | `SKILLGRAPH_DATABASE_STATEMENT_TIMEOUT_MS` | `10000` (PostgreSQL `statement_timeout`) |
//! | `sqlite_busy_timeout_ms` | `SKILLGRAPH_SQLITE_BUSY_TIMEOUT_MS` | `5000` |
//! | `demo_data` | `SKILLGRAPH_DEMO_DATA` | `true`: load the demo data into an empty database |
//! | `log` | `SKILLGRAPH_LOG` (or `RUST_LOG`) | `info,sqlx=warn` |
//! | `log_format` | `SKILLGRAPH_LOG_FORMAT` | `text` (or `json`) |
//! | `max_query_depth` | `SKILLGRAPH_MAX_QUERY_DEPTH` | `16` |
//! | `max_query_complexity` | `SKILLGRAPH_MAX_QUERY_COMPLEXITY` | `5000` |
//! | `max_query_cost` | `SKILLGRAPH_MAX_QUERY_COST` | `1000000`: lists multiply what they hold by their page size |
//! | `loader_delay_ms` | `SKILLGRAPH_LOADER_DELAY_MS` | `1` |
//! | `intention_expiry_days` | `SKILLGRAPH_INTENTION_EXPIRY_DAYS` | `90` |
//! | `max_open_intentions` | `SKILLGRAPH_MAX_OPEN_INTENTIONS` | `3` |
//! | `recommendation_days` | `SKILLGRAPH_RECOMMENDATION_DAYS` | `30` |
//! | `provider_access_days` | `SKILLGRAPH_PROVIDER_ACCESS_DAYS` | `365`: a provider's full view of a learner after training ends (follow-ups run to month 6) |
//! | `max_body_bytes` | `SKILLGRAPH_MAX_BODY_BYTES` | `1048576` |
//! | `request_timeout_secs` | `SKILLGRAPH_REQUEST_TIMEOUT_SECS` | `30` |
//! | `max_in_flight_requests` | `SKILLGRAPH_MAX_IN_FLIGHT_REQUESTS` | `256`: beyond, 503 at once |
//! | `max_header_bytes` | `SKILLGRAPH_MAX_HEADER_BYTES` | `16384`: a larger request head gets 431 |
//! | `jwt_algorithm` | `SKILLGRAPH_JWT_ALGORITHM` | `HS256` (or `RS256`, `ES256`) |
//! | `jwt_secret` | `SKILLGRAPH_JWT_SECRET` | generated into the keys file |
//! | `jwt_public_key_file` | `SKILLGRAPH_JWT_PUBLIC_KEY_FILE` | none (needed for RS256/ES256) |
//! | `jwt_private_key_file` | `SKILLGRAPH_JWT_PRIVATE_KEY_FILE` | none (`token issue` with RS256/ES256) |
//! | `jwt_issuer` / `jwt_audience` | `SKILLGRAPH_JWT_ISSUER` / `_AUDIENCE` | `skillgraph` |
//! | `jwt_leeway_secs` | `SKILLGRAPH_JWT_LEEWAY_SECS` | `30` |
//! | `jwt_max_lifetime_secs` | `SKILLGRAPH_JWT_MAX_LIFETIME_SECS` | `86400`: longer-lived tokens are refused |
//! | `personal_data_key` | `SKILLGRAPH_PERSONAL_DATA_KEY` | generated into the keys file |
//! | `keys_file` | `SKILLGRAPH_KEYS_FILE` | `skillgraph.keys.toml` beside the SQLite file |
//! | `redis_url` | `SKILLGRAPH_REDIS_URL` | none: events stay in the process; set, instances share them through Redis |
//! | `redis_prefix` | `SKILLGRAPH_REDIS_PREFIX` | `skillgraph:`: the start of every Redis key and channel |
//! | `rate_limit_maximum` | `SKILLGRAPH_RATE_LIMIT_MAXIMUM` | `2000000`: cost points a caller can hold |
//! | `rate_limit_restore_anonymous` | `SKILLGRAPH_RATE_LIMIT_RESTORE_ANONYMOUS` | `50000`: points a second, per client address; `0` turns the limit off |
//! | `rate_limit_restore_authenticated` | `SKILLGRAPH_RATE_LIMIT_RESTORE_AUTHENTICATED` | `200000`: points a second, per token subject; `0` turns the limit off |
//! | `rate_limit_restore_by_role` | `SKILLGRAPH_RATE_LIMIT_RESTORE_BY_ROLE` (`{REGULATOR=400000}`) | none: roles given here restore at their own rate (`0`: no limit) |
//! | `rate_limit_fail_closed` | `SKILLGRAPH_RATE_LIMIT_FAIL_CLOSED` | `false`: with Redis out of reach, requests run (and it is logged) |
//! | `public_cache_ttl_secs` | `SKILLGRAPH_PUBLIC_CACHE_TTL_SECS` | `5`: how long answers to anonymous queries are kept; `0` keeps none |
//! | `otlp_endpoint` | `SKILLGRAPH_OTLP_ENDPOINT` | unset: no traces; else the OTLP/HTTP traces URL (`http://collector:4318/v1/traces`) |
//! | `federation` | `SKILLGRAPH_FEDERATION` | `false`: serve the schema as an Apollo Federation v2 subgraph (`_service`, `_entities`) |
//! | `trusted_documents` | `SKILLGRAPH_TRUSTED_DOCUMENTS` | none: any document runs; set, only the manifest's operations |

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::{auth::jwt::JwtAlgorithm, graphql::SchemaLimits};

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
#[derive(Clone, Serialize, Deserialize)]
pub struct Settings {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`. May hold a password: never logged as is.
    pub database_url: String,
    /// The most pooled database connections.
    pub database_max_connections: u32,
    /// How long a request waits for a database connection before `SERVICE_UNAVAILABLE`.
    pub database_acquire_timeout_ms: u64,
    /// How long one PostgreSQL statement may run.
    pub database_statement_timeout_ms: u64,
    /// How long a SQLite writer waits for the write lock.
    pub sqlite_busy_timeout_ms: u64,
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
    /// The highest cost a request may have (lists multiply what they hold by their page size).
    pub max_query_cost: u64,
    /// How long, in milliseconds, a DataLoader gathers keys before its one statement.
    pub loader_delay_ms: u64,
    /// Days until an open training intention expires.
    pub intention_expiry_days: u64,
    /// The most open training intentions one learner may have.
    pub max_open_intentions: u64,
    /// Days a certified or trained learner may wait for three job recommendations.
    pub recommendation_days: u64,
    /// Days a provider keeps the full view of a learner after their training (or registration)
    /// ends.
    pub provider_access_days: u32,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// How long one request may take, in seconds.
    pub request_timeout_secs: u64,
    /// Requests served at once; beyond, 503 at once.
    pub max_in_flight_requests: usize,
    /// The largest request head, in bytes (at least 8192).
    pub max_header_bytes: usize,
    /// The one JWT algorithm accepted: HS256 (development), RS256 or ES256.
    pub jwt_algorithm: JwtAlgorithm,
    /// The HS256 secret (at least 32 bytes). Without one, `serve` generates a development secret
    /// and keeps it in the keys file.
    #[serde(serialize_with = "no_secret")]
    pub jwt_secret: Option<SecretString>,
    /// The PEM public key that verifies RS256/ES256 tokens.
    pub jwt_public_key_file: Option<PathBuf>,
    /// The PEM private key that `token issue` signs RS256/ES256 tokens with.
    pub jwt_private_key_file: Option<PathBuf>,
    /// The `iss` every token must carry.
    pub jwt_issuer: String,
    /// The `aud` every token must carry.
    pub jwt_audience: String,
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    pub jwt_leeway_secs: u64,
    /// The longest a token may live (`exp` − `iat`), in seconds; a longer-lived one is refused.
    pub jwt_max_lifetime_secs: u64,
    /// The 32-byte master key (base64) that encrypts and fingerprints national ID numbers.
    /// Without one, `serve` generates a development key and keeps it in the keys file.
    #[serde(serialize_with = "no_secret")]
    pub personal_data_key: Option<SecretString>,
    /// Where generated development keys are kept (mode 0600); by default beside the SQLite file.
    pub keys_file: Option<PathBuf>,
    /// The Redis that instances share (events now); none keeps everything in the process.
    pub redis_url: Option<String>,
    /// The start of every Redis key and channel, so deployments can share a Redis.
    pub redis_prefix: String,
    /// A persisted-query manifest (Apollo's or Relay's JSON): when set, only its operations run.
    pub trusted_documents: Option<PathBuf>,
    /// The most cost points a caller's budget holds.
    pub rate_limit_maximum: u64,
    /// Points restored a second to a caller without a token (per client address); 0: no limit.
    pub rate_limit_restore_anonymous: u64,
    /// Points restored a second to a token's subject; 0: no limit.
    pub rate_limit_restore_authenticated: u64,
    /// Points restored a second for particular roles, instead of the authenticated rate.
    pub rate_limit_restore_by_role: std::collections::HashMap<crate::auth::Role, u64>,
    /// With the rate-limit store out of reach, refuse requests instead of letting them run.
    pub rate_limit_fail_closed: bool,
    /// Seconds answers to anonymous queries are kept (a mutation forgets those that read what it
    /// wrote); 0: none.
    pub public_cache_ttl_secs: u64,
    /// Serve the schema as an Apollo Federation v2 subgraph.
    pub federation: bool,
    /// Where to send traces over OTLP/HTTP (the traces URL); none when unset.
    pub otlp_endpoint: Option<String>,
}

/// Secrets are never written out, not even into the defaults figment merges.
fn no_secret<S: serde::Serializer>(_: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_none()
}

impl Default for Settings {
    fn default() -> Self {
        let limits = SchemaLimits::default();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://skillgraph.db?mode=rwc".to_owned(),
            database_max_connections: 10,
            database_acquire_timeout_ms: 1_000,
            database_statement_timeout_ms: 10_000,
            sqlite_busy_timeout_ms: 5_000,
            demo_data: true,
            log: "info,sqlx=warn".to_owned(),
            log_format: LogFormat::Text,
            max_query_depth: limits.max_depth,
            max_query_complexity: limits.max_complexity,
            max_query_cost: limits.cost.max_cost,
            loader_delay_ms: u64::try_from(limits.loader_delay.as_millis()).unwrap_or(1),
            intention_expiry_days: limits.intention_expiry_days,
            max_open_intentions: limits.max_open_intentions,
            recommendation_days: limits.recommendation_days,
            provider_access_days: crate::auth::policy::AccessRules::default().provider_access_days,
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            max_in_flight_requests: 256,
            max_header_bytes: 16 * 1024,
            jwt_algorithm: JwtAlgorithm::HS256,
            jwt_secret: None,
            jwt_public_key_file: None,
            jwt_private_key_file: None,
            jwt_issuer: "skillgraph".to_owned(),
            jwt_audience: "skillgraph".to_owned(),
            jwt_leeway_secs: 30,
            jwt_max_lifetime_secs: 24 * 3600,
            personal_data_key: None,
            keys_file: None,
            redis_url: None,
            redis_prefix: "skillgraph:".to_owned(),
            trusted_documents: None,
            rate_limit_maximum: 2_000_000,
            rate_limit_restore_anonymous: 50_000,
            rate_limit_restore_authenticated: 200_000,
            rate_limit_restore_by_role: Default::default(),
            rate_limit_fail_closed: false,
            public_cache_ttl_secs: 5,
            federation: false,
            otlp_endpoint: None,
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &self.database_url_redacted())
            .field("database_max_connections", &self.database_max_connections)
            .field(
                "database_acquire_timeout_ms",
                &self.database_acquire_timeout_ms,
            )
            .field(
                "database_statement_timeout_ms",
                &self.database_statement_timeout_ms,
            )
            .field("sqlite_busy_timeout_ms", &self.sqlite_busy_timeout_ms)
            .field("demo_data", &self.demo_data)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("max_query_depth", &self.max_query_depth)
            .field("max_query_complexity", &self.max_query_complexity)
            .field("max_query_cost", &self.max_query_cost)
            .field("loader_delay_ms", &self.loader_delay_ms)
            .field("intention_expiry_days", &self.intention_expiry_days)
            .field("max_open_intentions", &self.max_open_intentions)
            .field("recommendation_days", &self.recommendation_days)
            .field("provider_access_days", &self.provider_access_days)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("max_in_flight_requests", &self.max_in_flight_requests)
            .field("max_header_bytes", &self.max_header_bytes)
            .field("jwt_algorithm", &self.jwt_algorithm)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("jwt_public_key_file", &self.jwt_public_key_file)
            .field("jwt_private_key_file", &self.jwt_private_key_file)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("jwt_leeway_secs", &self.jwt_leeway_secs)
            .field("jwt_max_lifetime_secs", &self.jwt_max_lifetime_secs)
            .field(
                "personal_data_key",
                &self.personal_data_key.as_ref().map(|_| "***"),
            )
            .field("keys_file", &self.keys_file)
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("redis_prefix", &self.redis_prefix)
            .field("trusted_documents", &self.trusted_documents)
            .field("rate_limit_maximum", &self.rate_limit_maximum)
            .field(
                "rate_limit_restore_anonymous",
                &self.rate_limit_restore_anonymous,
            )
            .field(
                "rate_limit_restore_authenticated",
                &self.rate_limit_restore_authenticated,
            )
            .field(
                "rate_limit_restore_by_role",
                &self.rate_limit_restore_by_role,
            )
            .field("rate_limit_fail_closed", &self.rate_limit_fail_closed)
            .field("public_cache_ttl_secs", &self.public_cache_ttl_secs)
            .field("federation", &self.federation)
            .field(
                "otlp_endpoint",
                &self.otlp_endpoint.as_deref().map(redact_url),
            )
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
            intention_expiry_days: self.intention_expiry_days,
            max_open_intentions: self.max_open_intentions,
            recommendation_days: self.recommendation_days,
            cost: crate::graphql::cost::CostLimits {
                max_cost: self.max_query_cost,
                ..Default::default()
            },
        }
    }

    /// How long the database may keep a request waiting.
    pub fn db_timeouts(&self) -> crate::db::DbTimeouts {
        crate::db::DbTimeouts {
            acquire: Duration::from_millis(self.database_acquire_timeout_ms),
            statement: Duration::from_millis(self.database_statement_timeout_ms),
            sqlite_busy: Duration::from_millis(self.sqlite_busy_timeout_ms),
        }
    }

    /// The rules of access to learners.
    pub fn access_rules(&self) -> crate::auth::policy::AccessRules {
        crate::auth::policy::AccessRules {
            provider_access_days: self.provider_access_days,
        }
    }

    /// The limits of the HTTP layer.
    pub fn http_limits(&self) -> crate::http::HttpLimits {
        crate::http::HttpLimits {
            max_body_bytes: self.max_body_bytes,
            request_timeout: self.request_timeout(),
            max_in_flight: self.max_in_flight_requests.max(1),
            max_header_bytes: self.max_header_bytes.max(8192),
            ..crate::http::HttpLimits::default()
        }
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// The SQLite file of `database_url`, if it names one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }

    /// Where development keys live: the configured file, else beside the SQLite database, else
    /// in the working directory.
    pub fn keys_path(&self) -> PathBuf {
        if let Some(path) = &self.keys_file {
            return path.clone();
        }
        let dir = self
            .sqlite_path()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        dir.join("skillgraph.keys.toml")
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
    fn debug_names_every_setting() {
        // The hand-written Debug (it redacts secrets) must not drift from the fields.
        let fields = serde_json::to_value(Settings::default()).expect("settings serialise");
        let debug = format!("{:?}", Settings::default());
        for name in fields.as_object().expect("an object").keys() {
            assert!(
                debug.contains(&format!("{name}:")),
                "Debug leaves out {name}"
            );
        }
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
            assert!(s.rate_limit_restore_by_role.is_empty());
            jail.set_env(
                "SKILLGRAPH_RATE_LIMIT_RESTORE_BY_ROLE",
                "{REGULATOR=400000}",
            );
            jail.set_env("SKILLGRAPH_REDIS_URL", "redis://:pw@cache:6379");
            let s = Settings::load(Path::new("skillgraph.toml")).map_err(|e| e.to_string())?;
            assert_eq!(
                s.rate_limit_restore_by_role
                    .get(&crate::auth::Role::Regulator),
                Some(&400_000)
            );
            assert!(
                !format!("{s:?}").contains("pw@"),
                "the Redis password stays out of logs"
            );
            Ok(())
        });
    }
}
