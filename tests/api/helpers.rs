//! Test databases, the in-process schema, and a server on port 0.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use skillgraph::{
    app::App,
    auth::Caller,
    config::Settings,
    db,
    domain::kernel::personal::PersonalDataKey,
    graphql::{AppSchema, SchemaLimits, build_schema},
    keys, seed,
};

/// The personal-data key every test database is written with.
pub fn test_personal_key() -> PersonalDataKey {
    PersonalDataKey::from_master(&[42; 32])
}

/// A learner's real name, opened with the test key (the table holds only its ciphertext).
pub fn real_name(learner: &entity::learner::Model) -> String {
    test_personal_key()
        .open(learner)
        .expect("the test key opens every test learner")
        .name
}

/// The HS256 secret of the test servers.
/// The public URL test servers and schemas sign credentials under (nothing answers there: a
/// verifier's fetches are mapped onto the test server).
pub const TEST_PUBLIC_URL: &str = "https://credentials.skillgraph.test";

/// The credential signer of test schemas and servers.
pub fn test_credentials()
-> std::sync::Arc<skillgraph::domain::kernel::credentials::CredentialIssuer> {
    use base64::Engine;
    std::sync::Arc::new(
        skillgraph::domain::kernel::credentials::CredentialIssuer::new(
            &base64::engine::general_purpose::STANDARD.encode([43u8; 32]),
            TEST_PUBLIC_URL,
        )
        .expect("a credential issuer"),
    )
}

/// A token signed with the test servers' HS256 secret.
pub fn hs256(claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
    )
    .expect("sign")
}

pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// The PostgreSQL server to test against, if any.
fn postgres_admin_url() -> Option<String> {
    std::env::var("SKILLGRAPH_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Runs `f` on a fresh runtime in its own thread: templates are made once per process, outside
/// any one test's runtime (a pool must not outlive the runtime that made it).
fn on_own_runtime<T: Send + 'static>(
    f: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(f())
    })
    .join()
    .expect("the template thread")
}

/// Which template a test starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixture {
    /// Migrated: the occupation catalogue and nothing else.
    Empty,
    /// Migrated plus the demo data.
    Demo,
}

// ---------------------------------------------------------------- SQLite

struct SqliteTemplates {
    empty: PathBuf,
    demo: PathBuf,
}

fn sqlite_templates() -> &'static SqliteTemplates {
    static TEMPLATES: OnceLock<SqliteTemplates> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        remove_stale_template_dirs();
        let dir = std::env::temp_dir().join(format!("skillgraph-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("template dir");
        let empty = dir.join("empty.db");
        let demo = dir.join("demo.db");
        let (e, d) = (empty.clone(), demo.clone());
        on_own_runtime(move || {
            Box::pin(async move {
                let work = e.with_extension("work.db");
                let url = format!("sqlite://{}?mode=rwc", work.display());
                let conn = db::connect(&url, 1).await.expect("sqlite template");
                db::migrate(&conn).await.expect("migrations");
                vacuum_into(&conn, &e).await;
                seed::demo(&conn, &test_personal_key())
                    .await
                    .expect("demo data");
                vacuum_into(&conn, &d).await;
                conn.close().await.expect("close");
            })
        });
        SqliteTemplates { empty, demo }
    })
}

/// Removes template folders of test processes that are gone.
fn remove_stale_template_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name
            .strip_prefix("skillgraph-test-")
            .and_then(|p| p.parse::<u32>().ok())
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Writes a self-contained copy of the database (no WAL) to `path`.
async fn vacuum_into(conn: &DatabaseConnection, path: &Path) {
    conn.execute_unprepared(&format!("VACUUM INTO '{}'", path.display()))
        .await
        .expect("VACUUM INTO");
}

// ---------------------------------------------------------------- PostgreSQL

fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    let mut url = format!("{}/{name}", &base[..cut]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

struct PgTemplates {
    admin_url: String,
    empty: String,
    demo: String,
}

fn pg_templates(admin_url: &str) -> &'static PgTemplates {
    static TEMPLATES: OnceLock<PgTemplates> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let pid = std::process::id();
        let empty = format!("skillgraph_tpl_{pid}");
        let demo = format!("skillgraph_tpl_demo_{pid}");
        let (admin, e, d) = (admin_url.to_owned(), empty.clone(), demo.clone());
        on_own_runtime(move || {
            Box::pin(async move {
                let conn = Database::connect(&admin)
                    .await
                    .expect("PostgreSQL admin connection");
                drop_stale_databases(&conn).await;
                for name in [&e, &d] {
                    conn.execute_unprepared(&format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    ))
                    .await
                    .expect("drop old template");
                }
                conn.execute_unprepared(&format!("CREATE DATABASE {e}"))
                    .await
                    .expect("create template");
                let tpl = db::connect(&with_database(&admin, &e), 1)
                    .await
                    .expect("template");
                db::migrate(&tpl).await.expect("migrations");
                tpl.close().await.expect("close");
                conn.execute_unprepared(&format!("CREATE DATABASE {d} TEMPLATE {e}"))
                    .await
                    .expect("create demo template");
                let tpl = db::connect(&with_database(&admin, &d), 1)
                    .await
                    .expect("demo template");
                seed::demo(&tpl, &test_personal_key())
                    .await
                    .expect("demo data");
                tpl.close().await.expect("close");
                conn.close().await.expect("close");
            })
        });
        PgTemplates {
            admin_url: admin_url.to_owned(),
            empty,
            demo,
        }
    })
}

/// Drops databases left by test processes that are gone (a killed run cannot clean up after
/// itself): every name carries the pid of the process that made it.
async fn drop_stale_databases(conn: &DatabaseConnection) {
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'skillgraph\\_%'",
        ))
        .await
        .expect("list databases");
    for row in rows {
        let name: String = row.try_get("", "datname").expect("datname");
        let pid = name.split('_').find_map(|part| part.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

// ---------------------------------------------------------------- the test database

enum Cleanup {
    Sqlite(#[expect(dead_code, reason = "held for its Drop")] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name } = self {
            let (admin, name) = (admin_url.clone(), name.clone());
            on_own_runtime(move || {
                Box::pin(async move {
                    if let Ok(conn) = Database::connect(&admin).await {
                        let _ = conn
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = conn.close().await;
                    }
                })
            });
        }
    }
}

/// A database of one's own, with a counter of the SQL statements run on it.
pub struct TestDb {
    /// The pool.
    pub db: DatabaseConnection,
    /// Its URL, for running the binary against it.
    pub url: String,
    statements: Arc<AtomicUsize>,
    recent: Arc<std::sync::Mutex<std::collections::VecDeque<sea_orm::Statement>>>,
    _cleanup: Cleanup,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    /// A fresh database from the given template.
    pub async fn new(fixture: Fixture) -> Self {
        let (url, cleanup) = match postgres_admin_url() {
            Some(admin_url) => {
                let templates = pg_templates(&admin_url);
                let name = format!(
                    "skillgraph_t_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                );
                let template = match fixture {
                    Fixture::Empty => &templates.empty,
                    Fixture::Demo => &templates.demo,
                };
                let admin = Database::connect(&templates.admin_url)
                    .await
                    .expect("admin");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await
                    .expect("create test database");
                admin.close().await.expect("close");
                (
                    with_database(&templates.admin_url, &name),
                    Cleanup::Postgres {
                        admin_url: templates.admin_url.clone(),
                        name,
                    },
                )
            }
            None => {
                let templates = sqlite_templates();
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("test.db");
                let template = match fixture {
                    Fixture::Empty => &templates.empty,
                    Fixture::Demo => &templates.demo,
                };
                std::fs::copy(template, &path).expect("copy template");
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Cleanup::Sqlite(dir),
                )
            }
        };
        let mut db = db::connect(&url, 5).await.expect("test database");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let recent = Arc::new(std::sync::Mutex::new(std::collections::VecDeque::new()));
        let kept = recent.clone();
        db::observe(&mut db, move |info| {
            if let Ok(mut kept) = kept.lock() {
                if kept.len() == 32 {
                    kept.pop_front();
                }
                kept.push_back(info.statement.clone());
            }
            if std::env::var_os("SG_DEBUG_SQL").is_some() {
                eprintln!(
                    "SQL: {}",
                    info.statement
                        .sql
                        .chars()
                        .take(
                            std::env::var("SG_DEBUG_SQL")
                                .ok()
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(160)
                        )
                        .collect::<String>()
                );
            }
            counter.fetch_add(1, Ordering::SeqCst);
        });
        Self {
            db,
            url,
            statements,
            recent,
            _cleanup: cleanup,
        }
    }

    /// SQL statements run so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    /// The latest statements run (at most 32), oldest first, with their values.
    pub fn recent_statements(&self) -> Vec<sea_orm::Statement> {
        self.recent
            .lock()
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets the statements seen so far.
    pub fn clear_recent(&self) {
        if let Ok(mut r) = self.recent.lock() {
            r.clear();
        }
    }
}

/// The server's limits, with loaders that wait long enough to batch a whole level even in a debug
/// build on a busy two-core machine (production waits 1 ms; batching is timing-based), and no
/// ceiling on the query cost: the suite's deliberately nested queries are judged by the other
/// limits, and the cost tests (`limits.rs`) build a schema with the server's own defaults.
pub fn test_limits() -> SchemaLimits {
    SchemaLimits {
        loader_delay: std::time::Duration::from_millis(20),
        cost: skillgraph::graphql::cost::CostLimits {
            max_cost: u64::MAX,
            ..Default::default()
        },
        ..SchemaLimits::default()
    }
}

/// A schema over a database of one's own.
pub struct TestApp {
    /// The database.
    pub db: TestDb,
    /// The schema, as the server builds it.
    pub schema: AppSchema,
}

impl TestApp {
    /// A schema over an empty (migrated) database.
    pub async fn empty() -> Self {
        Self::with(Fixture::Empty).await
    }

    /// A schema over the demo data.
    pub async fn demo() -> Self {
        Self::with(Fixture::Demo).await
    }

    async fn with(fixture: Fixture) -> Self {
        let db = TestDb::new(fixture).await;
        ensure_log_capture();
        let schema = build_schema(
            db.db.clone(),
            test_personal_key(),
            std::sync::Arc::new(skillgraph::events::InProcessBroker::default()),
            test_limits(),
        )
        .with_credentials(Some(test_credentials()));
        Self { db, schema }
    }

    /// Another instance's schema over the same database, with its own event broker.
    pub fn schema_with(
        &self,
        events: std::sync::Arc<dyn skillgraph::events::EventBroker>,
    ) -> AppSchema {
        build_schema(
            self.db.db.clone(),
            test_personal_key(),
            events,
            test_limits(),
        )
    }

    /// The same database served as an Apollo Federation subgraph.
    pub fn federated(&self) -> AppSchema {
        skillgraph::graphql::build_schema_as(
            self.db.db.clone(),
            test_personal_key(),
            std::sync::Arc::new(skillgraph::events::InProcessBroker::default()),
            test_limits(),
            true,
        )
    }

    /// Executes a query as `caller`; the response as JSON.
    pub async fn query_as(&self, caller: &Caller, query: &str, variables: Value) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(caller.clone());
        let response = self.schema.execute(request).await;
        serde_json::to_value(&response).expect("a response serialises")
    }

    /// Executes a query as `caller` that must succeed; its `data`.
    pub async fn data_as(&self, caller: &Caller, query: &str, variables: Value) -> Value {
        let response = self.query_as(caller, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// The row id behind a global ID.
    pub fn raw_id(id: &Value) -> i32 {
        let id = id.as_str().expect("an ID");
        match skillgraph::graphql::ids::NodeKey::parse("id", id).expect("an ID") {
            skillgraph::graphql::ids::NodeKey::Organization(n)
            | skillgraph::graphql::ids::NodeKey::Region(n)
            | skillgraph::graphql::ids::NodeKey::Alliance(n)
            | skillgraph::graphql::ids::NodeKey::Membership(n)
            | skillgraph::graphql::ids::NodeKey::Learner(n)
            | skillgraph::graphql::ids::NodeKey::AuditEvent(n)
            | skillgraph::graphql::ids::NodeKey::Demand(n)
            | skillgraph::graphql::ids::NodeKey::Cohort(n)
            | skillgraph::graphql::ids::NodeKey::Enrollment(n)
            | skillgraph::graphql::ids::NodeKey::OpenResource(n)
            | skillgraph::graphql::ids::NodeKey::CatalogueItem(n)
            | skillgraph::graphql::ids::NodeKey::TrainingPlan(n)
            | skillgraph::graphql::ids::NodeKey::AssessmentSession(n)
            | skillgraph::graphql::ids::NodeKey::Candidate(n)
            | skillgraph::graphql::ids::NodeKey::Certificate(n)
            | skillgraph::graphql::ids::NodeKey::TrainingIntention(n)
            | skillgraph::graphql::ids::NodeKey::TrainingOrder(n)
            | skillgraph::graphql::ids::NodeKey::Programme(n) => n,
            other => panic!("no row id in {other:?}"),
        }
    }

    /// The global ID of an organization by name (demo data).
    pub async fn org_id(&self, name: &str) -> Value {
        let data = self
            .data_with(
                "query($n: String!) { organizations(filter: {nameContains: $n}) { nodes { id name } } }",
                json!({ "n": name }),
            )
            .await;
        data["organizations"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("no organization {name}"))["id"]
            .clone()
    }

    /// The row id of a region by code.
    pub async fn region_row(&self, code: &str) -> i32 {
        let data = self
            .data_with(
                "query($c: String!) { region(code: $c) { id } }",
                json!({ "c": code }),
            )
            .await;
        Self::raw_id(&data["region"]["id"])
    }

    /// The row id of an alliance by code.
    pub async fn alliance_row(&self, code: &str) -> i32 {
        let data = self
            .data_with(
                "query($c: String!) { alliance(code: $c) { id } }",
                json!({ "c": code }),
            )
            .await;
        Self::raw_id(&data["alliance"]["id"])
    }

    /// Executes a query in-process; the response as JSON (`data`, `errors`).
    pub async fn query(&self, query: &str) -> Value {
        self.query_with(query, json!({})).await
    }

    /// Executes a query with variables.
    pub async fn query_with(&self, query: &str, variables: Value) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let response = self.schema.execute(request).await;
        serde_json::to_value(&response).expect("a response serialises")
    }

    /// Executes a query that must succeed; its `data`.
    pub async fn data(&self, query: &str) -> Value {
        self.data_with(query, json!({})).await
    }

    /// Executes a query with variables that must succeed; its `data`.
    pub async fn data_with(&self, query: &str, variables: Value) -> Value {
        let response = self.query_with(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }
}

/// The errors of a response, asserting there is at least one.
pub fn errors(response: &Value) -> &Vec<Value> {
    let errors = response["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("expected errors in {response:#}"));
    assert!(!errors.is_empty());
    errors
}

/// The `extensions.code` of the first error.
pub fn first_code(response: &Value) -> String {
    errors(response)[0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {response:#}"))
        .to_owned()
}

/// A server on a real socket (port 0) over the demo data.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client.
    pub client: reqwest::Client,
    /// `/metrics`, on its own listener.
    pub metrics: String,
    _db: TestDb,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestServer {
    /// Starts a server with the given body limit.
    pub async fn start(max_body_bytes: usize) -> Self {
        let mut settings = Self::settings();
        settings.server.max_body_bytes = max_body_bytes;
        Self::start_with(settings).await
    }

    /// The settings of a test server: port 0, the test HS256 secret and personal-data key.
    pub fn settings() -> Settings {
        use base64::Engine;
        let mut settings = Settings::default();
        settings.server.listen = "127.0.0.1:0".parse().expect("address");
        settings.server.metrics_listen = "127.0.0.1:0".parse().expect("address");
        settings.limits.loader_delay_ms = 20;
        settings.identity.jwt_secret = Some(TEST_JWT_SECRET.into());
        settings.identity.personal_data_key = Some(
            base64::engine::general_purpose::STANDARD
                .encode([42u8; 32])
                .into(),
        );
        settings.identity.credential_key = Some(
            base64::engine::general_purpose::STANDARD
                .encode([43u8; 32])
                .into(),
        );
        settings.server.public_url = Some(TEST_PUBLIC_URL.to_owned());
        settings
    }

    /// Starts a server with the given settings over the demo data.
    pub async fn start_with(settings: Settings) -> Self {
        Self::start_over(settings, Fixture::Demo).await
    }

    /// Starts a server with the given settings over a database that holds only what the
    /// migrations load (the division tree, the occupations): a city's first day.
    pub async fn start_empty(settings: Settings) -> Self {
        Self::start_over(settings, Fixture::Empty).await
    }

    async fn start_over(settings: Settings, fixture: Fixture) -> Self {
        ensure_log_capture();
        let db = TestDb::new(fixture).await;
        let secrets = keys::load(&settings).expect("secrets");
        let app = App::with_database(&settings, db.db.clone(), secrets)
            .await
            .expect("app");
        let addr = app.local_addr().expect("bound");
        let metrics = app.metrics_addr().expect("bound");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            metrics: format!("http://{metrics}/metrics"),
            client: reqwest::Client::new(),
            _db: db,
            _stop: stop,
        }
    }

    /// The server's database pool.
    pub fn db(&self) -> &sea_orm::DatabaseConnection {
        &self._db.db
    }

    /// The server's database URL, for running the binary against it.
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    /// The URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Test callers by who they are, each carrying exactly the scope of its role.
pub mod who {
    use skillgraph::auth::{Actor, Caller, Role, Staff, Viewer};

    /// A caller acting as `actor`, with a request id.
    pub fn acting(actor: Actor) -> Caller {
        Caller {
            viewer: Viewer::new(
                format!("test-{}", actor.role().as_str().to_lowercase()),
                actor,
            ),
            request_id: Some("test-request".to_owned()),
            access: Default::default(),
            log_changes: true,
        }
    }

    /// Staff of `organization` in `role` (ENTERPRISE, COLLEGE, TRAINING_INSTITUTION or
    /// ASSESSMENT_BODY).
    pub fn staff(role: Role, organization: i32) -> Caller {
        acting(Actor::staff(role, Staff::of(organization)).expect("a role of an organization"))
    }

    /// Staff of `organization` in `role` as a token of theirs resolves
    /// (`viewer_from_claims`): with what the organization is when the token is read (whether an
    /// enterprise trains).
    pub async fn resolved(
        db: &sea_orm::DatabaseConnection,
        role: Role,
        organization: i32,
    ) -> Caller {
        let claims = skillgraph::auth::Claims {
            sub: format!("test-{}", role.as_str().to_lowercase()),
            role,
            org: Some(
                skillgraph::graphql::ids::NodeKey::Organization(organization)
                    .to_id()
                    .0,
            ),
            alliances: Vec::new(),
            region: None,
            iss: "skillgraph".into(),
            aud: "skillgraph".into(),
            exp: u64::MAX / 2,
            iat: 0,
            nbf: None,
            jti: format!("resolved-{organization}"),
            org_admin: false,
        };
        let viewer = skillgraph::auth::viewer_from_claims(db, &claims)
            .await
            .expect("the token resolves");
        acting(viewer.actor)
    }

    /// The regulator of `region`.
    pub fn regulator(region: i32) -> Caller {
        acting(Actor::Regulator {
            region,
            bureau: None,
        })
    }

    /// The regulator of `region` acting through its bureau `organization`.
    pub fn bureau(region: i32, organization: i32) -> Caller {
        acting(Actor::Regulator {
            region,
            bureau: Some(Staff::of(organization)),
        })
    }

    /// The learner `learner`, for themself.
    pub fn learner(learner: i32) -> Caller {
        acting(Actor::Learner { learner })
    }

    /// The administrator of `alliances`.
    pub fn alliance_admin(alliances: &[i32]) -> Caller {
        acting(Actor::AllianceAdmin {
            alliances: alliances.iter().copied().collect(),
        })
    }

    /// An operator of skillgraph.
    pub fn system_admin() -> Caller {
        acting(Actor::SystemAdmin)
    }
}

/// Everything the server logs during the test run, for checks that personal data never reaches a
/// log.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().expect("log buffer")).into_owned()
}

static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn ensure_log_capture() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_writer(|| LogWriter)
            .with_ansi(false)
            .try_init();
    });
}

/// A setting a test marked `#[ignore = "needs …"]` cannot run without: it runs only when asked
/// (`cargo test -- --include-ignored`, as `.ci/run` does), and then a missing setting fails it
/// instead of letting it pass without having run.
pub fn needed(name: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("this test needs {name}; set it or leave the ignored tests out"))
}

/// The Redis the Redis tests run against (`SKILLGRAPH_TEST_REDIS_URL`), which they need.
pub fn redis_url() -> String {
    needed("SKILLGRAPH_TEST_REDIS_URL")
}

/// A Redis key prefix no other test uses.
pub fn redis_prefix() -> String {
    format!("sgtest:{}:", uuid::Uuid::new_v4().simple())
}

/// A FINISHED subsidised project-training cohort of `provider` in zj-eyewear (4-14-03-04, level
/// 5) that really ran from 30 to 10 days ago as planned, with twelve class days of eight hours
/// (96 hours, above the elementary minimum of 80) attended by each of `learners`, every one of
/// them COMPLETED: what a claim needs, written straight into the database.
pub async fn claimable(app: &TestApp, provider: i32, learners: &[i32]) -> i32 {
    use chrono::Days;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let db = &app.db.db;
    let ended = chrono::Utc::now().date_naive() - Days::new(10);
    let started = ended - Days::new(20);
    let formed = started.and_time(chrono::NaiveTime::MIN).and_utc();
    let cohort = entity::cohort::Entity::insert(entity::cohort::ActiveModel {
        kind: Set(entity::CohortKind::ProjectTraining),
        name: Set(format!("{}人结业班", learners.len())),
        enterprise_id: Set(None),
        provider_id: Set(provider),
        alliance_id: Set(app.alliance_row("zj-eyewear").await),
        occupation_code: Set("4-14-03-04".to_owned()),
        target_level: Set(entity::SkillLevel::Level5),
        capacity: Set(20),
        enrolled: Set(learners.len() as i32),
        start_on: Set(started),
        end_on: Set(ended),
        started_on: Set(Some(started)),
        finished_on: Set(Some(ended)),
        subsidized: Set(true),
        status: Set(entity::CohortStatus::Finished),
        created_at: Set(formed),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("a cohort");
    let mut days = Vec::new();
    for n in 0..12u64 {
        days.push(
            entity::class_day::Entity::insert(entity::class_day::ActiveModel {
                cohort_id: Set(cohort.id),
                day: Set(ended - Days::new(n)),
                hours: Set(8),
                topic: Set("实训".to_owned()),
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            })
            .exec_with_returning(db)
            .await
            .expect("a class day"),
        );
    }
    for l in learners {
        let e = entity::enrollment::Entity::insert(entity::enrollment::ActiveModel {
            cohort_id: Set(cohort.id),
            learner_id: Set(*l),
            status: Set(entity::EnrollmentStatus::Completed),
            contract_start: Set(None),
            contract_end: Set(None),
            enrolled_at: Set(formed),
            ended_at: Set(Some(chrono::Utc::now())),
            end_reason: Set(None),
            ..Default::default()
        })
        .exec_with_returning(db)
        .await
        .expect("an enrolment");
        entity::attendance::Entity::insert_many(days.iter().map(|day| {
            entity::attendance::ActiveModel {
                class_day_id: Set(day.id),
                enrollment_id: Set(e.id),
                learner_id: Set(*l),
                day: Set(day.day),
                signed_in_at: Set(None),
                source: Set(entity::AttendanceSource::Recorded),
                recorded_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
        }))
        .exec(db)
        .await
        .expect("attended");
    }
    cohort.id
}

/// Lists a special ability (completion is its evidence) in Zhenjiang's catalogue for `year`.
pub async fn listed_special_ability(
    app: &TestApp,
    occupation: &str,
    level: entity::SkillLevel,
    fen: i64,
    year: i16,
) {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    entity::catalogue_item::Entity::insert(entity::catalogue_item::ActiveModel {
        region_id: Set(app.region_row("321100").await),
        occupation_code: Set(occupation.to_owned()),
        level: Set(level),
        category: Set(entity::CatalogueCategory::SpecialAbility),
        subsidy_amount: Set((fen / 100) as i32),
        subsidy_fen: Set(fen),
        evidence: Set(entity::ClaimEvidence::Completion),
        scarce: Set(false),
        year: Set(year),
        status: Set(entity::CatalogueItemStatus::Listed),
        reason: Set(None),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    })
    .exec(&app.db.db)
    .await
    .expect("a catalogue item");
}
