//! `skillgraph bench graph`: the portal's read shapes over a synthetic graph, served over HTTP and
//! driven by concurrent keep-alive connections from this process.
//!
//! The graph has the shape of `peer/load.sql` (3 regions, 12 alliances, enterprises
//! each a member of one alliance in turn, OPEN demands each posted to its enterprise's alliance),
//! so the same database can be compared with PostGraphile by `peer/peer-postgraphile.sh`.
//! A database that already has organizations is used as it is (for rows loaded by `load.sql`).

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use chrono::{NaiveDate, Utc};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
    TransactionTrait,
    sea_query::{Alias, InsertStatement, Query},
};

use skillgraph::{app::App, config::Settings, db, domain::kernel::ids::NodeKey, keys};

/// What to load and how hard to drive it.
#[derive(Debug, Clone)]
pub struct GraphBench {
    /// A database to build in (a temporary SQLite file when left out).
    pub database_url: Option<String>,
    /// Enterprises to load.
    pub organizations: usize,
    /// OPEN demands per enterprise.
    pub demands_per_organization: usize,
    /// Concurrent connections.
    pub connections: usize,
    /// Seconds each shape is driven (after one second of warm-up).
    pub seconds: u64,
    /// Only the shapes whose name contains this.
    pub only: Option<String>,
    /// Seconds the public cache keeps answers (the shapes are anonymous reads); 0: computed
    /// every time.
    pub public_cache_ttl_secs: u64,
}

const INDUSTRIES: [&str; 12] = [
    "EYEWEAR",
    "MARINE_ENGINEERING_EQUIPMENT",
    "DIGITAL_SKILLS",
    "INTELLIGENT_MANUFACTURING",
    "NEW_ENERGY",
    "ELDERLY_CARE",
    "CULINARY",
    "NEW_MATERIALS",
    "FOOD_PROCESSING",
    "BIOMEDICINE",
    "EYEWEAR",
    "DIGITAL_SKILLS",
];

/// The nested portal query of the peer comparison.
pub const NESTED: &str = "query Nested { alliances(first: 20) { nodes { id name industry members(first: 20) { nodes { role organization { id name kind demands(first: 20) { nodes { id headcount status postedAt occupation { code } } } } } } } } }";

fn shapes(occupation: &str, organization: &str) -> Vec<(&'static str, String)> {
    vec![
        ("nested", NESTED.to_owned()),
        (
            "demands-page",
            "{ demands(first: 100) { nodes { id headcount postedAt enterprise { id name } occupation { code name } region { code name } alliances { code } } } }".to_owned(),
        ),
        (
            "near-point",
            "{ demands(first: 20, filter: {near: {latitude: 32.5, longitude: 119.5, radiusKm: 30}}, orderBy: {field: DISTANCE, direction: ASC}) { nodes { id headcount enterprise { id name } alliances { code name } } } }".to_owned(),
        ),
        (
            "occupation-demands",
            format!("{{ occupation(code: \"{occupation}\") {{ name demands(first: 50) {{ nodes {{ id headcount enterprise {{ id name kind }} }} }} }} }}"),
        ),
        (
            "organization-page",
            format!("{{ node(id: \"{organization}\") {{ ... on Organization {{ name kind region {{ name }} alliances {{ code name }} demands(first: 20) {{ nodes {{ id headcount occupation {{ code name }} }} }} openResources(first: 20) {{ nodes {{ id title }} }} }} }} }}"),
        ),
    ]
}

/// Runs the benchmark and prints one line per shape.
pub async fn run(options: GraphBench) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
    let pool_size = 20;
    let conn = db::connect(&url, pool_size).await?;
    db::migrate(&conn).await?;
    let existing = entity::organization::Entity::find().count(&conn).await?;
    if existing == 0 {
        let started = Instant::now();
        load(
            &conn,
            options.organizations,
            options.demands_per_organization,
        )
        .await
        .context("loading the synthetic graph")?;
        println!(
            "loaded {} organizations and {} demands in {:.1} s",
            options.organizations,
            options.organizations * options.demands_per_organization,
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("the database has {existing} organizations already; using its rows as they are");
    }
    if conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        conn.execute_unprepared("ANALYZE").await?;
    }
    let demands = entity::demand::Entity::find().count(&conn).await?;
    let occupation: String = entity::demand::Entity::find()
        .select_only()
        .column(entity::demand::Column::OccupationCode)
        .order_by_asc(entity::demand::Column::Id)
        .into_tuple()
        .one(&conn)
        .await?
        .unwrap_or_else(|| "4-14-03-03".to_owned());
    let organization = entity::organization::Entity::find()
        .order_by_asc(entity::organization::Column::Id)
        .one(&conn)
        .await?
        .map(|o| NodeKey::Organization(o.id).to_id().to_string())
        .unwrap_or_default();

    let shapes = shapes(&occupation, &organization)
        .into_iter()
        .map(|(n, q)| (n.to_owned(), q))
        .collect();
    let drive = Drive {
        connections: options.connections,
        seconds: options.seconds,
        only: options.only.clone(),
        public_cache_ttl_secs: options.public_cache_ttl_secs,
    };
    drive_shapes(
        conn,
        &url,
        pool_size,
        &format!("{demands} demands"),
        shapes,
        &drive,
    )
    .await
}

/// How hard to drive the shapes.
#[derive(Debug, Clone)]
pub struct Drive {
    /// Concurrent keep-alive connections.
    pub connections: usize,
    /// Seconds each shape is driven (after one second of warm-up).
    pub seconds: u64,
    /// Only the shapes whose name contains this.
    pub only: Option<String>,
    /// Seconds the public cache keeps answers; 0: computed every time.
    pub public_cache_ttl_secs: u64,
}

/// Serves `conn` over HTTP on a free port and drives each named query in turn, printing a line
/// per shape: req/s, p50, p99, errors, statements per request, answer bytes, RSS.
pub async fn drive_shapes(
    mut conn: DatabaseConnection,
    url: &str,
    pool_size: u32,
    data: &str,
    shapes: Vec<(String, String)>,
    options: &Drive,
) -> anyhow::Result<()> {
    let statements = Arc::new(AtomicU64::new(0));
    let counter = statements.clone();
    let trace = std::env::var_os("SKILLGRAPH_BENCH_TRACE_SQL").is_some();
    skillgraph::db::observe(&mut conn, move |info| {
        counter.fetch_add(1, Ordering::Relaxed);
        if trace {
            eprintln!("SQL {:?}: {}", info.elapsed, info.statement.sql);
        }
    });
    let keys_dir = tempfile::tempdir()?;
    let mut settings = Settings::default();
    settings.server.listen = "127.0.0.1:0".parse()?;
    settings.server.max_in_flight_requests = 1024;
    settings.server.public_cache_ttl_secs = options.public_cache_ttl_secs;
    settings.database.url = url.into();
    settings.database.max_connections = pool_size;
    settings.database.demo_data = false;
    settings.identity.keys_file = Some(keys_dir.path().join("bench.keys.toml"));
    settings.identity.development_keys = true;
    settings.limits.max_query_cost = u64::MAX;
    // One client address driving the server flat out is the measurement, not an abuser.
    settings.rate_limit.restore_anonymous = 0;
    settings.rate_limit.restore_authenticated = 0;
    let secrets = keys::load(&settings)?;
    let app = App::with_database(&settings, conn, secrets).await?;
    let addr = app.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));

    println!(
        "{} on {}, {data}; {} connections, {} s per shape, server and client in this process on {} cores",
        skillgraph::urls::redact_url(url),
        addr,
        options.connections,
        options.seconds,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    println!(
        "{:<20} {:>9} {:>9} {:>9} {:>9} {:>11} {:>10} {:>9}",
        "shape", "req/s", "p50 ms", "p99 ms", "errors", "statements", "bytes", "rss MiB"
    );
    for (name, query) in shapes {
        if options.only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let body = Bytes::from(serde_json::to_vec(&serde_json::json!({ "query": query }))?);
        let (first, size) = one(addr, body.clone()).await?;
        if first.contains("\"errors\"") {
            bail!(
                "{name}: the query failed: {}",
                first.chars().take(400).collect::<String>()
            );
        }
        let before = statements.load(Ordering::Relaxed);
        one(addr, body.clone()).await?;
        let per_request = statements.load(Ordering::Relaxed) - before;
        drive(addr, &body, options.connections, Duration::from_secs(1)).await?;
        let result = drive(
            addr,
            &body,
            options.connections,
            Duration::from_secs(options.seconds),
        )
        .await?;
        let (rss, _) = memory();
        println!(
            "{:<20} {:>9.1} {:>9.1} {:>9.1} {:>9} {:>11} {:>10} {:>9.0}",
            name,
            result.per_second,
            result.p50.as_secs_f64() * 1000.0,
            result.p99.as_secs_f64() * 1000.0,
            result.errors,
            per_request,
            size,
            rss
        );
    }
    let (_, peak) = memory();
    println!("server and client peak RSS {peak:.0} MiB");
    let _ = stop.send(());
    server.await??;
    Ok(())
}

struct Driven {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    errors: u64,
}

/// One request on a connection of its own: the body and its size.
async fn one(addr: SocketAddr, body: Bytes) -> anyhow::Result<(String, usize)> {
    let mut client = Client::connect(addr).await?;
    let (status, bytes) = client.post(body).await?;
    if !status.is_success() {
        bail!("HTTP {status}: {}", String::from_utf8_lossy(&bytes));
    }
    Ok((String::from_utf8_lossy(&bytes).into_owned(), bytes.len()))
}

async fn drive(
    addr: SocketAddr,
    body: &Bytes,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Driven> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::with_capacity(connections);
    for _ in 0..connections {
        let body = body.clone();
        workers.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await?;
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                match client.post(body.clone()).await {
                    Ok((status, _)) if status.is_success() => latencies.push(t.elapsed()),
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        client = Client::connect(addr).await?;
                    }
                }
            }
            anyhow::Ok((latencies, errors))
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (l, e) = worker.await??;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |p: f64| {
        latencies
            .get(((latencies.len().saturating_sub(1)) as f64 * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Ok(Driven {
        per_second: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p99: at(0.99),
        errors,
    })
}

/// A keep-alive HTTP/1.1 connection.
struct Client {
    addr: SocketAddr,
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> anyhow::Result<Self> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Self { addr, sender })
    }

    async fn post(&mut self, body: Bytes) -> anyhow::Result<(hyper::StatusCode, Bytes)> {
        let request = hyper::Request::post("/graphql")
            .header(hyper::header::HOST, self.addr.to_string())
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(Full::new(body))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((status, bytes))
    }
}

/// (current, peak) resident memory of this process in MiB, from `/proc/self/status`.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Loads the graph of `load.sql` in chunked multi-row inserts inside one transaction.
async fn load(
    db: &DatabaseConnection,
    organizations: usize,
    per_organization: usize,
) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let codes: Vec<String> = entity::occupation::Entity::find()
        .select_only()
        .column(entity::occupation::Column::Code)
        .order_by_asc(entity::occupation::Column::Code)
        .limit(50)
        .into_tuple()
        .all(&txn)
        .await?;
    if codes.is_empty() {
        bail!("the occupations are missing; were the migrations applied?");
    }
    let founded = NaiveDate::from_ymd_opt(2025, 8, 15).unwrap_or_default();
    let joined = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or_default();
    let valid_until = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap_or_default();

    let mut regions = insert("regions", &["id", "code", "name", "name_en"]);
    for (id, code, name, en) in [
        (1, "321100", "镇江市", "Zhenjiang"),
        (2, "320800", "淮安市", "Huai'an"),
        (3, "320700", "连云港市", "Lianyungang"),
    ] {
        regions.values_panic([id.into(), code.into(), name.into(), en.into()]);
    }
    txn.execute(&regions).await?;

    let mut alliances = insert(
        "alliances",
        &[
            "id",
            "code",
            "name",
            "name_en",
            "industry",
            "region_id",
            "founded_on",
            "description",
        ],
    );
    for a in 1..=12i32 {
        alliances.values_panic([
            a.into(),
            format!("bench-{a}").into(),
            format!("联盟{a}").into(),
            format!("Alliance {a}").into(),
            INDUSTRIES[(a - 1) as usize].into(),
            (1 + (a - 1) % 3).into(),
            founded.into(),
            format!("bench alliance {a}").into(),
        ]);
    }
    txn.execute(&alliances).await?;

    let org_columns = [
        "id",
        "name",
        "name_en",
        "kind",
        "credit_code",
        "region_id",
        "address",
        "description",
        "created_at",
        "updated_at",
    ];
    let member_columns = ["id", "alliance_id", "organization_id", "role", "joined_on"];
    for chunk in (1..=organizations).collect::<Vec<_>>().chunks(1000) {
        let mut orgs = insert("organizations", &org_columns);
        let mut members = insert("memberships", &member_columns);
        for &o in chunk {
            let id = i32::try_from(o)?;
            let at = now - chrono::Duration::minutes(i64::from(id));
            orgs.values_panic([
                id.into(),
                format!("企业{o}").into(),
                format!("Enterprise {o}").into(),
                "ENTERPRISE".into(),
                format!("91{o:016}").into(),
                (1 + id % 3).into(),
                format!("地址{o}").into(),
                format!("bench enterprise {o}").into(),
                at.into(),
                at.into(),
            ]);
            members.values_panic([
                id.into(),
                (1 + (id - 1) % 12).into(),
                id.into(),
                "MEMBER".into(),
                joined.into(),
            ]);
        }
        txn.execute(&orgs).await?;
        txn.execute(&members).await?;
    }

    let demand_columns = [
        "id",
        "enterprise_id",
        "occupation_code",
        "level",
        "kind",
        "headcount",
        "wage_min",
        "wage_max",
        "region_id",
        "address",
        "latitude",
        "longitude",
        "description",
        "valid_until",
        "status",
        "posted_at",
        "created_at",
        "updated_at",
        "version",
        "hired",
    ];
    let total = organizations * per_organization;
    for chunk in (1..=total).collect::<Vec<_>>().chunks(1000) {
        let mut demands = insert("demands", &demand_columns);
        let mut links = insert("demand_alliances", &["demand_id", "alliance_id"]);
        for &d in chunk {
            let id = i32::try_from(d)?;
            let enterprise = i32::try_from(1 + (d - 1) / per_organization.max(1))?;
            let at = now - chrono::Duration::seconds(i64::from(id));
            let (latitude, longitude) = workplace(enterprise, id);
            demands.values_panic([
                id.into(),
                enterprise.into(),
                codes[d % codes.len()].clone().into(),
                i16::try_from(1 + d % 5)?.into(),
                "JOB".into(),
                (1 + id % 10).into(),
                4000.into(),
                7000.into(),
                (1 + enterprise % 3).into(),
                "地址".into(),
                latitude.into(),
                longitude.into(),
                format!("bench demand {d}").into(),
                valid_until.into(),
                "OPEN".into(),
                at.into(),
                at.into(),
                at.into(),
                1.into(),
                0.into(),
            ]);
            links.values_panic([id.into(), (1 + (enterprise - 1) % 12).into()]);
        }
        txn.execute(&demands).await?;
        txn.execute(&links).await?;
    }
    txn.commit().await?;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        for (table, n) in [
            ("regions", 3),
            ("alliances", 12),
            ("organizations", organizations),
            ("memberships", organizations),
            ("demands", total),
        ] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), {})",
                n.max(1)
            ))
            .await?;
        }
    }
    Ok(())
}

pub(crate) fn insert(table: &str, columns: &[&str]) -> InsertStatement {
    let mut statement = Query::insert();
    statement
        .into_table(Alias::new(table))
        .columns(columns.iter().map(|c| Alias::new(*c)));
    statement
}

/// A pseudo-random number in [0, 1) from `seed` (SplitMix64), the same on every run.
pub(crate) fn unit(seed: u64) -> f64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Where a demand's work is: its enterprise has a site somewhere in a 1.6° square over the three
/// cities (about 180 × 150 km), and each demand lies within about a kilometre of it. More
/// organizations make the map denser, as a region's register grows, rather than stacking
/// demands on a few points.
fn workplace(enterprise: i32, demand: i32) -> (f64, f64) {
    let e = u64::from(enterprise.unsigned_abs());
    let d = u64::from(demand.unsigned_abs());
    let site = (31.7 + 1.6 * unit(e * 2), 118.7 + 1.6 * unit(e * 2 + 1));
    let jitter = |k: u64| (unit(d * 2 + k + (1 << 40)) - 0.5) * 0.02;
    (site.0 + jitter(0), site.1 + jitter(1))
}
