//! Typed settings: defaults, then an optional TOML file, then the environment.
//!
//! The file has a section a concern (`[server]`, `[database]`, `[identity]`, `[limits]`,
//! `[rate_limit]`, `[redis]`, `[telemetry]`, `[rules]`); a key it does not know is an error. The
//! environment keeps one flat name a setting.
//!
//! | setting (`[section]` key) | environment | default |
//! |---|---|---|
//! | `server.listen` | `SKILLGRAPH_LISTEN` | `127.0.0.1:8080` |
//! | `server.max_body_bytes` | `SKILLGRAPH_MAX_BODY_BYTES` | `1048576` |
//! | `server.request_timeout_secs` | `SKILLGRAPH_REQUEST_TIMEOUT_SECS` | `30` |
//! | `server.max_in_flight_requests` | `SKILLGRAPH_MAX_IN_FLIGHT_REQUESTS` | `256`: beyond, 503 at once |
//! | `server.max_header_bytes` | `SKILLGRAPH_MAX_HEADER_BYTES` | `16384`: a larger request head gets 431 |
//! | `server.public_cache_ttl_secs` | `SKILLGRAPH_PUBLIC_CACHE_TTL_SECS` | `5`: how long answers to anonymous queries are kept; `0` keeps none |
//! | `server.trusted_documents` | `SKILLGRAPH_TRUSTED_DOCUMENTS` | none: any document runs; set, only the manifest's operations |
//! | `server.federation` | `SKILLGRAPH_FEDERATION` | `false`: serve the schema as an Apollo Federation v2 subgraph (`_service`, `_entities`) |
//! | `database.url` | `DATABASE_URL` or `SKILLGRAPH_DATABASE_URL` | `sqlite://skillgraph.db?mode=rwc` |
//! | `database.max_connections` | `SKILLGRAPH_DATABASE_MAX_CONNECTIONS` | `10` |
//! | `database.acquire_timeout_ms` | `SKILLGRAPH_DATABASE_ACQUIRE_TIMEOUT_MS` | `1000`: then `SERVICE_UNAVAILABLE` (503) |
//! | `database.statement_timeout_ms` | `SKILLGRAPH_DATABASE_STATEMENT_TIMEOUT_MS` | `10000` (PostgreSQL `statement_timeout`) |
//! | `database.sqlite_busy_timeout_ms` | `SKILLGRAPH_SQLITE_BUSY_TIMEOUT_MS` | `5000` |
//! | `database.demo_data` | `SKILLGRAPH_DEMO_DATA` | `true`: load the demo data into an empty database |
//! | `database.request_share_percent` | `SKILLGRAPH_DATABASE_REQUEST_SHARE_PERCENT` | `50`: the most of the pool one request holds at once (at least 2 connections) |
//! | `database.public_share_percent` | `SKILLGRAPH_DATABASE_PUBLIC_SHARE_PERCENT` | `50`: the most of the pool all anonymous requests hold at once (at least 2); the rest is for signed-in callers |
//! | `server.revocation_poll_ms` | `SKILLGRAPH_REVOCATION_POLL_MS` | `5000`: how often an open WebSocket asks whether its token was revoked |
//! | `server.header_read_timeout_ms` | `SKILLGRAPH_HEADER_READ_TIMEOUT_MS` | `5000`: how long a client may take to send a request head |
//! | `server.connection_init_timeout_ms` | `SKILLGRAPH_CONNECTION_INIT_TIMEOUT_MS` | `10000`: how long a WebSocket may wait before its `connection_init` |
//! | `server.metrics_listen` | `SKILLGRAPH_METRICS_LISTEN` | `127.0.0.1:9464`: where `/metrics` is served, on a listener of its own (never on the API's) |
//! | `identity.jwt_algorithm` | `SKILLGRAPH_JWT_ALGORITHM` | `HS256` (or `RS256`, `ES256`) |
//! | `identity.jwt_secret` | `SKILLGRAPH_JWT_SECRET` | generated into the keys file |
//! | `identity.jwt_public_key_file` | `SKILLGRAPH_JWT_PUBLIC_KEY_FILE` | none (needed for RS256/ES256) |
//! | `identity.jwt_private_key_file` | `SKILLGRAPH_JWT_PRIVATE_KEY_FILE` | none (`token issue` with RS256/ES256) |
//! | `identity.jwt_issuer` / `identity.jwt_audience` | `SKILLGRAPH_JWT_ISSUER` / `_AUDIENCE` | `skillgraph` |
//! | `identity.jwt_leeway_secs` | `SKILLGRAPH_JWT_LEEWAY_SECS` | `30` |
//! | `identity.jwt_max_lifetime_secs` | `SKILLGRAPH_JWT_MAX_LIFETIME_SECS` | `86400`: longer-lived tokens are refused |
//! | `identity.personal_data_key` | `SKILLGRAPH_PERSONAL_DATA_KEY` | generated into the keys file |
//! | `identity.previous_personal_data_keys` | `SKILLGRAPH_PREVIOUS_PERSONAL_DATA_KEYS` (`[k1,k2]`) | none: earlier keys, read until `skillgraph keys reseal` has re-sealed their rows |
//! | `identity.credential_key` | `SKILLGRAPH_CREDENTIAL_KEY` | generated into the keys file where keys may be generated; otherwise carrying certificates is off |
//! | `server.public_url` | `SKILLGRAPH_PUBLIC_URL` | `https://localhost:<port>`: the bodies' `did:web`, status lists and share links are under it |
//! | `identity.development_keys` | `SKILLGRAPH_DEVELOPMENT_KEYS` | `false`: over PostgreSQL a start without configured keys is refused; `true` generates them into the keys file as over SQLite |
//! | `identity.jwks_url` | `SKILLGRAPH_JWKS_URL` | none: tokens verify with the key file; set, with the identity provider's published keys (by `kid`) |
//! | `identity.jwks_refresh_secs` | `SKILLGRAPH_JWKS_REFRESH_SECS` | `300`: how long published keys are kept; an unknown `kid` fetches sooner (at most every 30 s) |
//! | `identity.claims.role` | `SKILLGRAPH_JWT_CLAIM_ROLE` | `role`: the provider's claim with the role |
//! | `identity.claims.organization` | `SKILLGRAPH_JWT_CLAIM_ORGANIZATION` | `org`: its claim with the organization's ID or credit code |
//! | `identity.claims.alliances` | `SKILLGRAPH_JWT_CLAIM_ALLIANCES` | `alliances`: its claim with alliance codes |
//! | `identity.claims.region` | `SKILLGRAPH_JWT_CLAIM_REGION` | `region`: its claim with the region code |
//! | `identity.claims.organization_admin` | `SKILLGRAPH_JWT_CLAIM_ORGANIZATION_ADMIN` | `org_admin`: its claim that, true, makes the holder the organization's administrator |
//! | `identity.claims.roles` | `SKILLGRAPH_JWT_CLAIM_ROLES` (`{hrss-admin=REGULATOR}`) | none: the provider's role names for skillgraph's roles |
//! | `identity.keys_file` | `SKILLGRAPH_KEYS_FILE` | `skillgraph.keys.toml` beside the SQLite file |
//! | `limits.max_query_depth` | `SKILLGRAPH_MAX_QUERY_DEPTH` | `16` |
//! | `limits.max_query_complexity` | `SKILLGRAPH_MAX_QUERY_COMPLEXITY` | `5000` |
//! | `limits.max_query_cost` | `SKILLGRAPH_MAX_QUERY_COST` | `1000000`: lists multiply what they hold by their page size |
//! | `limits.loader_delay_ms` | `SKILLGRAPH_LOADER_DELAY_MS` | `1` |
//! | `rate_limit.maximum` | `SKILLGRAPH_RATE_LIMIT_MAXIMUM` | `2000000`: cost points a caller can hold |
//! | `rate_limit.restore_anonymous` | `SKILLGRAPH_RATE_LIMIT_RESTORE_ANONYMOUS` | `50000`: points a second, per client address; `0` turns the limit off |
//! | `rate_limit.restore_authenticated` | `SKILLGRAPH_RATE_LIMIT_RESTORE_AUTHENTICATED` | `200000`: points a second, per token subject; `0` turns the limit off |
//! | `rate_limit.restore_by_role` | `SKILLGRAPH_RATE_LIMIT_RESTORE_BY_ROLE` (`{REGULATOR=400000}`) | none: roles given here restore at their own rate (`0`: no limit) |
//! | `rate_limit.fail_closed` | `SKILLGRAPH_RATE_LIMIT_FAIL_CLOSED` | `false`: with Redis out of reach, requests run (and it is logged) |
//! | `rate_limit.verify_lookup_burst` | `SKILLGRAPH_VERIFY_LOOKUP_BURST` | `30`: certificate lookups by number an address makes at once (always limited, and refused with Redis out of reach) |
//! | `rate_limit.verify_lookup_every_secs` | `SKILLGRAPH_VERIFY_LOOKUP_EVERY_SECS` | `2`: then one every so many seconds |
//! | `rate_limit.holder_check_burst` | `SKILLGRAPH_HOLDER_CHECK_BURST` | `5`: certificate holder checks an address makes at once |
//! | `rate_limit.holder_check_every_secs` | `SKILLGRAPH_HOLDER_CHECK_EVERY_SECS` | `60`: then one every so many seconds |
//! | `rate_limit.holder_check_number_burst` | `SKILLGRAPH_HOLDER_CHECK_NUMBER_BURST` | `5`: holder checks of one certificate, from every address, at once |
//! | `rate_limit.holder_check_number_every_secs` | `SKILLGRAPH_HOLDER_CHECK_NUMBER_EVERY_SECS` | `600`: then one every so many seconds |
//! | `redis.url` | `SKILLGRAPH_REDIS_URL` | none: events stay in the process; set, instances share them through Redis |
//! | `redis.prefix` | `SKILLGRAPH_REDIS_PREFIX` | `skillgraph:`: the start of every Redis key and channel |
//! | `telemetry.log` | `SKILLGRAPH_LOG` (or `RUST_LOG`) | `info,sqlx=warn,sea_orm_migration=warn` |
//! | `telemetry.log_format` | `SKILLGRAPH_LOG_FORMAT` | `text` (or `json`) |
//! | `telemetry.otlp_endpoint` | `SKILLGRAPH_OTLP_ENDPOINT` | unset: no traces; else the OTLP/HTTP traces URL (`http://collector:4318/v1/traces`) |
//! | `rules.intention_expiry_days` | `SKILLGRAPH_INTENTION_EXPIRY_DAYS` | `90` |
//! | `rules.max_open_intentions` | `SKILLGRAPH_MAX_OPEN_INTENTIONS` | `3` |
//! | `rules.recommendation_days` | `SKILLGRAPH_RECOMMENDATION_DAYS` | `30` |
//! | `rules.completion_attendance_percent` | `SKILLGRAPH_COMPLETION_ATTENDANCE_PERCENT` | `80`: the share of class days a learner attends to complete |
//! | `rules.cohort_backdate_days` | `SKILLGRAPH_COHORT_BACKDATE_DAYS` | `14`: how many days before today a new cohort's `startOn` may lie |
//! | `rules.subsidised_min_class_days` | `SKILLGRAPH_SUBSIDISED_MIN_CLASS_DAYS` | `10`: the fewest class days a subsidised cohort holds between its real start and finish |
//! | `rules.subsidised_min_hours` | `SKILLGRAPH_SUBSIDISED_MIN_HOURS` | `[80, 100, 120, 150]`: the fewest teaching hours of a subsidised cohort aiming at elementary (apprentice, level 5), intermediate (4), advanced (3), technician and above (2, 1) |
//! | `rules.learner_retention_days` | `SKILLGRAPH_LEARNER_RETENTION_DAYS` | none: `skillgraph retention` erases the personal data of learners inactive this many days |
//! | `rules.provider_access_days` | `SKILLGRAPH_PROVIDER_ACCESS_DAYS` | `365`: a provider's full view of a learner after training ends (follow-ups run to month 6) |

use std::{
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
pub use crate::{
    telemetry::LogFormat,
    urls::{Url, redact_url},
};

/// Every setting of the server, by concern. A `[section]` of the TOML file is one field here;
/// the environment keeps one flat name a setting ([`ENVIRONMENT`]). Secrets are
/// [`SecretString`]s and URLs [`Url`]s, whose `Debug` hides them, so the derived `Debug` of the
/// whole is safe to log.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The HTTP server.
    pub server: Server,
    /// The database.
    pub database: Database,
    /// Tokens and keys.
    pub identity: Identity,
    /// What one request may ask.
    pub limits: Limits,
    /// The cost budget of each caller.
    pub rate_limit: RateLimit,
    /// The Redis that instances share.
    pub redis: Redis,
    /// Logs and traces.
    pub telemetry: Telemetry,
    /// The rules of the domain.
    pub rules: Rules,
}

/// The HTTP server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// How long one request may take, in seconds.
    pub request_timeout_secs: u64,
    /// Requests served at once; beyond, 503 at once.
    pub max_in_flight_requests: usize,
    /// The largest request head, in bytes (at least 8192).
    pub max_header_bytes: usize,
    /// Seconds answers to anonymous queries are kept (a mutation forgets those that read what it
    /// wrote); 0: none.
    pub public_cache_ttl_secs: u64,
    /// A persisted-query manifest (Apollo's or Relay's JSON): when set, only its operations run.
    pub trusted_documents: Option<PathBuf>,
    /// Serve the schema as an Apollo Federation v2 subgraph.
    pub federation: bool,
    /// How often an open WebSocket asks whether its token was revoked, in milliseconds.
    pub revocation_poll_ms: u64,
    /// How long a client may take to send a request head, in milliseconds.
    pub header_read_timeout_ms: u64,
    /// How long a WebSocket may wait before its `connection_init`, in milliseconds.
    pub connection_init_timeout_ms: u64,
    /// The address `/metrics` is served on, apart from the API (the monitoring network's).
    pub metrics_listen: SocketAddr,
    /// The URL the public reaches this server at (`https://skills.example.cn`): the assessment
    /// bodies' DIDs (`did:web`), status lists and share links are under it. Without one,
    /// `https://localhost:<port>` (good for development only).
    pub public_url: Option<String>,
}

impl Default for Server {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            max_in_flight_requests: 256,
            max_header_bytes: 16 * 1024,
            public_cache_ttl_secs: 5,
            trusted_documents: None,
            federation: false,
            revocation_poll_ms: 5_000,
            connection_init_timeout_ms: 10_000,
            header_read_timeout_ms: 5_000,
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 9464)),
            public_url: None,
        }
    }
}

/// The database.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// `sqlite://…` or `postgres://…`.
    pub url: Url,
    /// The most pooled connections.
    pub max_connections: u32,
    /// How long a request waits for a connection before `SERVICE_UNAVAILABLE`.
    pub acquire_timeout_ms: u64,
    /// How long one PostgreSQL statement may run.
    pub statement_timeout_ms: u64,
    /// How long a SQLite writer waits for the write lock.
    pub sqlite_busy_timeout_ms: u64,
    /// Load the demo data when the database has none.
    pub demo_data: bool,
    /// The percentage of the pool one request may hold at once.
    pub request_share_percent: u8,
    /// The percentage of the pool all anonymous requests together may hold at once.
    pub public_share_percent: u8,
}

impl Default for Database {
    fn default() -> Self {
        Self {
            url: Url::from("sqlite://skillgraph.db?mode=rwc"),
            max_connections: 10,
            acquire_timeout_ms: 1_000,
            statement_timeout_ms: 10_000,
            sqlite_busy_timeout_ms: 5_000,
            demo_data: true,
            request_share_percent: 50,
            public_share_percent: 50,
        }
    }
}

/// Tokens and keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Identity {
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
    /// Earlier personal-data keys (base64, 32 bytes each), still read but no longer used to seal:
    /// during a rotation, the old key stays here until `skillgraph keys reseal` has re-sealed
    /// every row with `personal_data_key`.
    #[serde(serialize_with = "no_secrets")]
    pub previous_personal_data_keys: Vec<SecretString>,
    /// The 32-byte key (base64) every assessment body's credential signing key is derived from
    /// (Open Badges 3.0 credentials, status lists, share links). Without one, `serve` generates
    /// a development key into the keys file where it may, and carrying certificates is off
    /// elsewhere.
    #[serde(serialize_with = "no_secret")]
    pub credential_key: Option<SecretString>,
    /// Where generated development keys are kept (mode 0600); by default beside the SQLite file.
    pub keys_file: Option<PathBuf>,
    /// Generate missing keys into the keys file even over PostgreSQL. Over SQLite (the embedded
    /// development default) missing keys are always generated; over PostgreSQL, without this, a
    /// start without configured keys is refused.
    pub development_keys: bool,
    /// The identity provider's JWKS URL: tokens it issues verify with the keys it publishes
    /// there (chosen by `kid`, with `jwt_algorithm` RS256 or ES256), instead of a key file.
    pub jwks_url: Option<Url>,
    /// How long the published keys are kept before they are fetched again, in seconds (a token
    /// naming an unknown key fetches them sooner, at most every 30 seconds).
    pub jwks_refresh_secs: u64,
    /// The names of the claims that carry the role, organization, alliances and region in the
    /// provider's tokens, and its role names.
    pub claims: crate::auth::jwt::ClaimNames,
}

impl Default for Identity {
    fn default() -> Self {
        Self {
            jwt_algorithm: JwtAlgorithm::HS256,
            jwt_secret: None,
            jwt_public_key_file: None,
            jwt_private_key_file: None,
            jwt_issuer: "skillgraph".to_owned(),
            jwt_audience: "skillgraph".to_owned(),
            jwt_leeway_secs: 30,
            jwt_max_lifetime_secs: 24 * 3600,
            personal_data_key: None,
            previous_personal_data_keys: Vec::new(),
            credential_key: None,
            keys_file: None,
            development_keys: false,
            jwks_url: None,
            jwks_refresh_secs: 300,
            claims: Default::default(),
        }
    }
}

/// What one request may ask.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The deepest selection nesting a query may have.
    pub max_query_depth: usize,
    /// The most fields a query may select.
    pub max_query_complexity: usize,
    /// The highest cost a request may have (lists multiply what they hold by their page size).
    pub max_query_cost: u64,
    /// How long, in milliseconds, a DataLoader gathers keys before its one statement.
    pub loader_delay_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        let limits = SchemaLimits::default();
        Self {
            max_query_depth: limits.max_depth,
            max_query_complexity: limits.max_complexity,
            max_query_cost: limits.cost.max_cost,
            loader_delay_ms: u64::try_from(limits.loader_delay.as_millis()).unwrap_or(1),
        }
    }
}

/// The cost budget of each caller: a bucket of points that refills by the second.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    /// The most cost points a caller's budget holds.
    pub maximum: u64,
    /// Points restored a second to a caller without a token (per client address); 0: no limit.
    pub restore_anonymous: u64,
    /// Points restored a second to a token's subject; 0: no limit.
    pub restore_authenticated: u64,
    /// Points restored a second for particular roles, instead of the authenticated rate.
    pub restore_by_role: std::collections::HashMap<crate::auth::Role, u64>,
    /// With the rate-limit store out of reach, refuse requests instead of letting them run.
    pub fail_closed: bool,
    /// Certificate lookups by number a client address may make at once.
    pub verify_lookup_burst: u64,
    /// Seconds that restore one lookup to an address.
    pub verify_lookup_every_secs: u64,
    /// Holder checks a client address may make at once.
    pub holder_check_burst: u64,
    /// Seconds that restore one holder check to an address.
    pub holder_check_every_secs: u64,
    /// Holder checks of one certificate number, from every address together, at once.
    pub holder_check_number_burst: u64,
    /// Seconds that restore one holder check to a number.
    pub holder_check_number_every_secs: u64,
}

impl RateLimit {
    /// The paces of certificate verification: lookups and holder checks by address, holder
    /// checks by number.
    pub fn verification_paces(&self) -> [crate::throttle::Pace; 3] {
        use crate::throttle::Pace;
        [
            Pace {
                burst: self.verify_lookup_burst,
                every_seconds: self.verify_lookup_every_secs,
            },
            Pace {
                burst: self.holder_check_burst,
                every_seconds: self.holder_check_every_secs,
            },
            Pace {
                burst: self.holder_check_number_burst,
                every_seconds: self.holder_check_number_every_secs,
            },
        ]
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            maximum: 2_000_000,
            restore_anonymous: 50_000,
            restore_authenticated: 200_000,
            restore_by_role: Default::default(),
            fail_closed: false,
            verify_lookup_burst: 30,
            verify_lookup_every_secs: 2,
            holder_check_burst: 5,
            holder_check_every_secs: 60,
            holder_check_number_burst: 5,
            holder_check_number_every_secs: 600,
        }
    }
}

/// The Redis that instances share.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Redis {
    /// The Redis URL; none keeps events, the cache and the rate limiter in the process.
    pub url: Option<Url>,
    /// The start of every Redis key and channel, so deployments can share a Redis.
    pub prefix: String,
}

impl Default for Redis {
    fn default() -> Self {
        Self {
            url: None,
            prefix: "skillgraph:".to_owned(),
        }
    }
}

/// Logs and traces.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Telemetry {
    /// A tracing filter (`info`, `skillgraph=debug,sqlx=warn`, ...).
    pub log: String,
    /// Text or JSON log lines.
    pub log_format: LogFormat,
    /// Where to send traces over OTLP/HTTP (the traces URL); none when unset.
    pub otlp_endpoint: Option<Url>,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self {
            log: "info,sqlx=warn,sea_orm_migration=warn".to_owned(),
            log_format: LogFormat::Text,
            otlp_endpoint: None,
        }
    }
}

/// The rules of the domain that a deployment may set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Days until an open training intention expires.
    pub intention_expiry_days: u64,
    /// The most open training intentions one learner may have.
    pub max_open_intentions: u64,
    /// Days a certified or trained learner may wait for three job recommendations.
    pub recommendation_days: u64,
    /// Days a provider keeps the full view of a learner after their training (or registration)
    /// ends.
    pub provider_access_days: u32,
    /// The share of a cohort's class days, in percent, a learner must have attended to complete
    /// it (a subsidised cohort completes nobody without class days recorded).
    pub completion_attendance_percent: u8,
    /// Days before today a new cohort's `startOn` may lie.
    pub cohort_backdate_days: u32,
    /// The fewest class days a subsidised cohort holds between its real start and finish.
    pub subsidised_min_class_days: u32,
    /// The fewest teaching hours of a subsidised cohort, by level aimed at: elementary,
    /// intermediate, advanced, technician and above.
    pub subsidised_min_hours: [u32; 4],
    /// Days after a learner's last activity (registration, enrolment, end of training,
    /// assessment, certificate, follow-up, intention) after which `skillgraph retention` erases
    /// their personal data; none keeps it until the learner asks.
    pub learner_retention_days: Option<u32>,
}

impl Default for Rules {
    fn default() -> Self {
        let limits = SchemaLimits::default();
        Self {
            intention_expiry_days: limits.intention_expiry_days,
            max_open_intentions: limits.max_open_intentions,
            recommendation_days: limits.recommendation_days,
            provider_access_days: crate::auth::policy::AccessRules::default().provider_access_days,
            learner_retention_days: None,
            completion_attendance_percent: limits.completion_attendance_percent,
            cohort_backdate_days: limits.training.max_backdate_days,
            subsidised_min_class_days: limits.training.min_class_days,
            subsidised_min_hours: limits.training.min_hours,
        }
    }
}

/// A flat environment name's place in [`Settings`]; `None` for a name that is not a setting
/// (the tests' `SKILLGRAPH_TEST_*`, say).
fn nested(key: &figment::value::UncasedStr) -> Option<figment::value::Uncased<'_>> {
    ENVIRONMENT
        .iter()
        .find(|(flat, _)| key == *flat)
        .map(|(_, path)| (*path).into())
}

/// Secrets are never written out, not even into the defaults figment merges.
fn no_secret<S: serde::Serializer>(_: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_none()
}

fn no_secrets<S: serde::Serializer>(_: &[SecretString], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    s.serialize_seq(Some(0))?.end()
}

/// Each setting's environment name (after `SKILLGRAPH_`, lower case) and its place in
/// [`Settings`]. One flat name a setting, as deployments have always set them.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    ("listen", "server.listen"),
    ("max_body_bytes", "server.max_body_bytes"),
    ("request_timeout_secs", "server.request_timeout_secs"),
    ("max_in_flight_requests", "server.max_in_flight_requests"),
    ("max_header_bytes", "server.max_header_bytes"),
    ("public_cache_ttl_secs", "server.public_cache_ttl_secs"),
    ("trusted_documents", "server.trusted_documents"),
    ("federation", "server.federation"),
    ("revocation_poll_ms", "server.revocation_poll_ms"),
    (
        "connection_init_timeout_ms",
        "server.connection_init_timeout_ms",
    ),
    ("header_read_timeout_ms", "server.header_read_timeout_ms"),
    ("metrics_listen", "server.metrics_listen"),
    ("public_url", "server.public_url"),
    ("database_url", "database.url"),
    ("database_max_connections", "database.max_connections"),
    ("database_acquire_timeout_ms", "database.acquire_timeout_ms"),
    (
        "database_statement_timeout_ms",
        "database.statement_timeout_ms",
    ),
    ("sqlite_busy_timeout_ms", "database.sqlite_busy_timeout_ms"),
    ("demo_data", "database.demo_data"),
    (
        "database_request_share_percent",
        "database.request_share_percent",
    ),
    (
        "database_public_share_percent",
        "database.public_share_percent",
    ),
    ("jwt_algorithm", "identity.jwt_algorithm"),
    ("jwt_secret", "identity.jwt_secret"),
    ("jwt_public_key_file", "identity.jwt_public_key_file"),
    ("jwt_private_key_file", "identity.jwt_private_key_file"),
    ("jwt_issuer", "identity.jwt_issuer"),
    ("jwt_audience", "identity.jwt_audience"),
    ("jwt_leeway_secs", "identity.jwt_leeway_secs"),
    ("jwt_max_lifetime_secs", "identity.jwt_max_lifetime_secs"),
    ("personal_data_key", "identity.personal_data_key"),
    (
        "previous_personal_data_keys",
        "identity.previous_personal_data_keys",
    ),
    ("credential_key", "identity.credential_key"),
    ("keys_file", "identity.keys_file"),
    ("development_keys", "identity.development_keys"),
    ("jwks_url", "identity.jwks_url"),
    ("jwks_refresh_secs", "identity.jwks_refresh_secs"),
    ("jwt_claim_role", "identity.claims.role"),
    ("jwt_claim_organization", "identity.claims.organization"),
    ("jwt_claim_alliances", "identity.claims.alliances"),
    ("jwt_claim_region", "identity.claims.region"),
    (
        "jwt_claim_organization_admin",
        "identity.claims.organization_admin",
    ),
    ("jwt_claim_roles", "identity.claims.roles"),
    ("max_query_depth", "limits.max_query_depth"),
    ("max_query_complexity", "limits.max_query_complexity"),
    ("max_query_cost", "limits.max_query_cost"),
    ("loader_delay_ms", "limits.loader_delay_ms"),
    ("rate_limit_maximum", "rate_limit.maximum"),
    (
        "rate_limit_restore_anonymous",
        "rate_limit.restore_anonymous",
    ),
    (
        "rate_limit_restore_authenticated",
        "rate_limit.restore_authenticated",
    ),
    ("rate_limit_restore_by_role", "rate_limit.restore_by_role"),
    ("rate_limit_fail_closed", "rate_limit.fail_closed"),
    ("verify_lookup_burst", "rate_limit.verify_lookup_burst"),
    (
        "verify_lookup_every_secs",
        "rate_limit.verify_lookup_every_secs",
    ),
    ("holder_check_burst", "rate_limit.holder_check_burst"),
    (
        "holder_check_every_secs",
        "rate_limit.holder_check_every_secs",
    ),
    (
        "holder_check_number_burst",
        "rate_limit.holder_check_number_burst",
    ),
    (
        "holder_check_number_every_secs",
        "rate_limit.holder_check_number_every_secs",
    ),
    ("redis_url", "redis.url"),
    ("redis_prefix", "redis.prefix"),
    ("log", "telemetry.log"),
    ("log_format", "telemetry.log_format"),
    ("otlp_endpoint", "telemetry.otlp_endpoint"),
    ("intention_expiry_days", "rules.intention_expiry_days"),
    ("max_open_intentions", "rules.max_open_intentions"),
    ("recommendation_days", "rules.recommendation_days"),
    ("provider_access_days", "rules.provider_access_days"),
    ("learner_retention_days", "rules.learner_retention_days"),
    ("cohort_backdate_days", "rules.cohort_backdate_days"),
    (
        "subsidised_min_class_days",
        "rules.subsidised_min_class_days",
    ),
    ("subsidised_min_hours", "rules.subsidised_min_hours"),
    (
        "completion_attendance_percent",
        "rules.completion_attendance_percent",
    ),
];

impl Settings {
    /// Loads settings: defaults, then `file` if it exists, then the environment. A key the file
    /// does not know is an error naming it, not silently ignored.
    pub fn load(file: &Path) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Self::default()));
        if file.exists() {
            figment = figment.merge(Toml::file(file));
        }
        figment
            .merge(Env::prefixed("SKILLGRAPH_").filter_map(nested))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database.url".into()),
            )
            .extract()
            .map_err(Box::new)
    }

    /// The schema's limits.
    pub fn schema_limits(&self) -> SchemaLimits {
        SchemaLimits {
            max_depth: self.limits.max_query_depth,
            max_complexity: self.limits.max_query_complexity,
            loader_delay: Duration::from_millis(self.limits.loader_delay_ms),
            intention_expiry_days: self.rules.intention_expiry_days,
            max_open_intentions: self.rules.max_open_intentions,
            recommendation_days: self.rules.recommendation_days,
            completion_attendance_percent: self.rules.completion_attendance_percent.min(100),
            training: crate::domain::training::cohorts::TrainingRules {
                max_backdate_days: self.rules.cohort_backdate_days,
                min_class_days: self.rules.subsidised_min_class_days,
                min_hours: self.rules.subsidised_min_hours,
            },
            cost: crate::graphql::cost::CostLimits {
                max_cost: self.limits.max_query_cost,
                ..Default::default()
            },
            pool: crate::graphql::PoolShares {
                request_percent: self.database.request_share_percent.clamp(1, 100),
                public_percent: self.database.public_share_percent.clamp(1, 100),
                wait: Duration::from_millis(self.database.acquire_timeout_ms),
            },
        }
    }

    /// How long the database may keep a request waiting.
    pub fn db_timeouts(&self) -> crate::db::DbTimeouts {
        crate::db::DbTimeouts {
            acquire: Duration::from_millis(self.database.acquire_timeout_ms),
            statement: Duration::from_millis(self.database.statement_timeout_ms),
            sqlite_busy: Duration::from_millis(self.database.sqlite_busy_timeout_ms),
        }
    }

    /// The rules of access to learners.
    pub fn access_rules(&self) -> crate::auth::policy::AccessRules {
        crate::auth::policy::AccessRules {
            provider_access_days: self.rules.provider_access_days,
        }
    }

    /// The limits of the HTTP layer.
    pub fn http_limits(&self) -> crate::http::HttpLimits {
        crate::http::HttpLimits {
            max_body_bytes: self.server.max_body_bytes,
            request_timeout: self.request_timeout(),
            max_in_flight: self.server.max_in_flight_requests.max(1),
            max_header_bytes: self.server.max_header_bytes.max(8192),
            revocation_poll: Duration::from_millis(self.server.revocation_poll_ms.max(10)),
            header_read_timeout: Duration::from_millis(self.server.header_read_timeout_ms.max(100)),
            connection_init_timeout: Duration::from_millis(
                self.server.connection_init_timeout_ms.max(100),
            ),
            ..crate::http::HttpLimits::default()
        }
    }

    /// The request timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.server.request_timeout_secs)
    }

    /// The URL the public reaches this server at: the configured one, or
    /// `https://localhost:<port>`.
    pub fn public_url(&self) -> String {
        self.server
            .public_url
            .clone()
            .unwrap_or_else(|| format!("https://localhost:{}", self.server.listen.port()))
    }

    /// Whether missing keys may be generated: over SQLite (development), or when
    /// `identity.development_keys` says so.
    pub fn may_generate_keys(&self) -> bool {
        self.identity.development_keys || self.database.url.expose().starts_with("sqlite:")
    }

    /// The SQLite file of the database URL, if it names one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database.url.expose();
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }

    /// Where development keys live: the configured file, else beside the SQLite database, else
    /// in the working directory.
    pub fn keys_path(&self) -> PathBuf {
        if let Some(path) = &self.identity.keys_file {
            return path.clone();
        }
        let dir = self
            .sqlite_path()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        dir.join("skillgraph.keys.toml")
    }
}

#[cfg(test)]
#[path = "config/tests.rs"]
mod tests;
