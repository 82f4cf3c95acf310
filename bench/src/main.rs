//! `skillgraph-bench`: measurements that are not tests, a member of the workspace of its own so
//! the server carries none of its load-generating code. Each run builds its own data in a fresh
//! database (a temporary SQLite file unless `--database-url` names another) and prints what it
//! measured. `peer/` holds the scripts that run PostGraphile beside skillgraph on the same rows.

// The schema's merged roots nest deeply enough that computing the layout of its execution
// future overflows the default query depth in release builds.
#![recursion_limit = "256"]

mod graph;
mod indicators;
mod search;

use clap::{Parser, Subcommand};

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{Days, Utc};
use entity::{IntentionStatus, Schedule, SkillLevel, organization, training_intention};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use skillgraph::{
    auth::{Actor, Caller, Staff},
    db,
    domain::{
        kernel::personal::PersonalDataKey,
        orders,
        training::resources::{self, ItemInput},
    },
    seed,
};

/// Measurements of skillgraph (not tests): build data in a fresh database and time a workload.
#[derive(Debug, Parser)]
#[command(name = "skillgraph-bench", version)]
struct Cli {
    /// What to measure.
    #[command(subcommand)]
    what: BenchWhat,
}

/// What can be measured.
#[derive(Debug, Subcommand)]
enum BenchWhat {
    /// Suggestions for many open intentions against many published resources.
    Suggestions {
        /// Open intentions.
        #[arg(long, default_value_t = 1000)]
        intentions: usize,
        /// Published resources.
        #[arg(long, default_value_t = 10000)]
        resources: usize,
        /// A database to build in (a temporary SQLite file when left out).
        #[arg(long)]
        database_url: Option<String>,
    },
    /// The portal's read shapes (the nested alliances → members → organization → demands page
    /// and others) over a synthetic graph, served over HTTP on a free port and driven by
    /// concurrent connections: req/s, p50, p99, SQL statements per request, memory.
    Graph {
        /// Enterprises to load (each a member of one of 12 alliances).
        #[arg(long, default_value_t = 2000)]
        organizations: usize,
        /// OPEN demands per enterprise.
        #[arg(long, default_value_t = 10)]
        demands_per_organization: usize,
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Seconds each shape is driven, after a second of warm-up.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Only the shapes whose name contains this (`nested`, `demands-page`, `near-point`,
        /// `occupation-demands`, `organization-page`).
        #[arg(long)]
        only: Option<String>,
        /// A database to build in (a temporary SQLite file when left out); one that already has
        /// organizations is used as it is.
        #[arg(long, env = "SKILLGRAPH_BENCH_DATABASE_URL")]
        database_url: Option<String>,
        /// Serve the (anonymous) shapes from the public cache, kept this many seconds; 0
        /// computes every answer.
        #[arg(long, default_value_t = 0)]
        public_cache_ttl_secs: u64,
    },
    /// The bureau's report (`indicators`) at city scale: learners with their target groups,
    /// cohorts of the year with ten enrolments each, follow-ups and certificates, loaded beside
    /// the demo in Zhenjiang; each grouping timed exact and under the disclosure rule.
    Indicators {
        /// Learners of the city.
        #[arg(long, default_value_t = 1_000_000)]
        learners: usize,
        /// Cohorts of the year.
        #[arg(long, default_value_t = 100_000)]
        cohorts: usize,
        /// Times each report runs.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// A database to build in (a temporary SQLite file when left out).
        #[arg(long, env = "SKILLGRAPH_BENCH_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Search and suggest at city scale: demands over the whole classification and published
    /// open resources, indexed (timed), the index's size, then search, the text filters and
    /// suggest served over HTTP and driven by concurrent connections.
    Search {
        /// OPEN demands.
        #[arg(long, default_value_t = 200_000)]
        demands: usize,
        /// Published open resources.
        #[arg(long, default_value_t = 100_000)]
        resources: usize,
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Seconds each shape is driven, after a second of warm-up.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Only the shapes whose name contains this (`search`, `suggest`, `text`, ...).
        #[arg(long)]
        only: Option<String>,
        /// A database to build in (a temporary SQLite file when left out); one that already has
        /// demands is used as it is.
        #[arg(long, env = "SKILLGRAPH_BENCH_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// `placementRates` and `skillsBalance` over many completers with follow-ups.
    Placement {
        /// Completers (COMPLETED enrolments of last year, in cohorts of 50).
        #[arg(long, default_value_t = 100_000)]
        completers: usize,
        /// Times each query runs.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// A database to build in (a temporary SQLite file when left out).
        #[arg(long)]
        database_url: Option<String>,
    },
}

// The server's allocator, so what is measured is what is served (see the server's `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The server's own settings (`skillgraph.toml`, `SKILLGRAPH_*`) set the logs.
    let file = std::env::var_os("SKILLGRAPH_CONFIG").unwrap_or_else(|| "skillgraph.toml".into());
    let settings = skillgraph::config::Settings::load(std::path::Path::new(&file))
        .context("reading settings")?;
    let _telemetry =
        skillgraph::telemetry::init(&settings.telemetry.log, settings.telemetry.log_format, None);
    match cli.what {
        BenchWhat::Suggestions {
            intentions,
            resources,
            database_url,
        } => suggestions(database_url, intentions, resources).await,
        BenchWhat::Search {
            demands,
            resources,
            connections,
            seconds,
            only,
            database_url,
        } => {
            search::run(search::SearchBench {
                database_url,
                demands,
                resources,
                drive: graph::Drive {
                    connections,
                    seconds,
                    only,
                    public_cache_ttl_secs: 0,
                },
            })
            .await
        }
        BenchWhat::Graph {
            organizations,
            demands_per_organization,
            connections,
            seconds,
            only,
            database_url,
            public_cache_ttl_secs,
        } => {
            graph::run(graph::GraphBench {
                database_url,
                organizations,
                demands_per_organization,
                connections,
                seconds,
                only,
                public_cache_ttl_secs,
            })
            .await
        }
        BenchWhat::Placement {
            completers,
            runs,
            database_url,
        } => placement(database_url, completers, runs).await,
        BenchWhat::Indicators {
            learners,
            cohorts,
            runs,
            database_url,
        } => {
            indicators::run(indicators::IndicatorsBench {
                database_url,
                learners,
                cohorts,
                runs,
            })
            .await
        }
    }
}

/// A small deterministic generator, so every run measures the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const OCCUPATIONS: [&str; 12] = [
    "4-14-03-03",
    "4-14-03-04",
    "6-18-02-04",
    "6-23-02-01",
    "4-04-05-05",
    "4-01-06-02",
    "6-31-07-03",
    "6-18-01-01",
    "4-10-01-05",
    "4-03-02-01",
    "6-12-03-00",
    "6-24-02-04",
];
const LEVELS: [SkillLevel; 3] = [SkillLevel::Level5, SkillLevel::Level4, SkillLevel::Level3];
const SCHEDULES: [Schedule; 5] = [
    Schedule::Daytime,
    Schedule::Evening,
    Schedule::Weekend,
    Schedule::Online,
    Schedule::Flexible,
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Suggestions for `intentions` open intentions against `resources` published items.
pub async fn suggestions(
    database_url: Option<String>,
    intentions: usize,
    resources_total: usize,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = database_url
        .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
    let conn = db::connect(&url, 5).await?;
    db::migrate(&conn).await?;
    let key = PersonalDataKey::from_master(&[7; 32]);
    seed::demo(&conn, &key).await.context("demo data")?;
    let providers = organization::Entity::find()
        .filter(organization::Column::Kind.is_in([
            entity::OrganizationKind::College,
            entity::OrganizationKind::TrainingInstitution,
        ]))
        .all(&conn)
        .await?;
    let today = Utc::now().date_naive();
    let mut rng = Lcg(42);
    let started = Instant::now();
    let per_provider = resources_total.div_ceil(providers.len());
    let mut published = 0;
    for provider in &providers {
        let actor = if provider.kind == entity::OrganizationKind::College {
            Actor::College(Staff::of(provider.id))
        } else {
            Actor::TrainingInstitution(Staff::of(provider.id))
        };
        let caller = Caller::acting("bench", actor);
        let items: Vec<ItemInput> = (0..per_provider.min(resources_total - published))
            .map(|_| {
                let occupation = OCCUPATIONS[rng.next(OCCUPATIONS.len() as u64) as usize];
                ItemInput {
                    kind: entity::ResourceKind::Course,
                    title: format!("bench course {}", rng.next(1_000_000)),
                    occupations: vec![(occupation.to_owned(), LEVELS[rng.next(3) as usize])],
                    schedule: SCHEDULES[rng.next(5) as usize],
                    seats: 30,
                    seats_taken: rng.next(31) as i32,
                    fee: [0, 200, 800][rng.next(3) as usize],
                    funding_mode: entity::FundingMode::PublicGood,
                    subsidy_eligible: rng.next(2) == 0,
                    region: "321100".to_owned(),
                    address: "bench".to_owned(),
                    point: Some((
                        31.9 + rng.next(600) as f64 / 1000.0,
                        119.2 + rng.next(700) as f64 / 1000.0,
                    )),
                    start_on: today + Days::new(rng.next(60)),
                    end_on: None,
                    contact: "bench".to_owned(),
                }
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let list = resources::publish(&conn, &caller, items)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        published += list.items.len();
    }
    let load_time = started.elapsed();
    let learners: Vec<i32> = entity::learner::Entity::find()
        .all(&conn)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let region_id = entity::region::Entity::find()
        .filter(entity::region::Column::Code.eq("321100"))
        .one(&conn)
        .await?
        .context("Zhenjiang")?
        .id;
    let mut rows = Vec::with_capacity(intentions);
    for n in 0..intentions {
        let preferred: Vec<&str> = (0..2)
            .map(|_| match SCHEDULES[rng.next(5) as usize] {
                Schedule::Daytime => "DAYTIME",
                Schedule::Evening => "EVENING",
                Schedule::Weekend => "WEEKEND",
                Schedule::Online => "ONLINE",
                Schedule::Flexible => "FLEXIBLE",
            })
            .collect();
        rows.push(training_intention::ActiveModel {
            learner_id: Set(learners[n % learners.len()]),
            occupation_prefix: Set(if n % 5 == 0 {
                OCCUPATIONS[n % 12][..4].to_owned()
            } else {
                OCCUPATIONS[n % 12].to_owned()
            }),
            level: Set(LEVELS[rng.next(3) as usize]),
            schedules: Set(preferred.join(",")),
            region_id: Set(region_id),
            latitude: Set(Some(32.0 + rng.next(400) as f64 / 1000.0)),
            longitude: Set(Some(119.3 + rng.next(500) as f64 / 1000.0)),
            max_distance_km: Set(Some(10.0 + rng.next(40) as f64)),
            earliest_start: Set(today),
            status: Set(IntentionStatus::Open),
            order_id: Set(None),
            submitted_by_id: Set(None),
            created_at: Set(Utc::now()),
            expires_on: Set(today + Days::new(90)),
            ..Default::default()
        });
    }
    for chunk in rows.chunks(200) {
        training_intention::Entity::insert_many(chunk.to_vec())
            .exec(&conn)
            .await?;
    }
    let all = training_intention::Entity::find()
        .filter(training_intention::Column::SubmittedById.is_null())
        .all(&conn)
        .await?;
    let mut timings = Vec::with_capacity(all.len());
    let mut suggested = 0usize;
    let run = Instant::now();
    for intention in &all {
        let t = Instant::now();
        suggested += orders::suggestions(&conn, intention, 10).await?.len();
        timings.push(t.elapsed());
    }
    let total = run.elapsed();
    timings.sort();
    println!(
        "backend: {}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!(
        "data: {published} published resources (loaded in {load_time:.2?}), {} open intentions",
        all.len()
    );
    println!(
        "suggestions (10 each): {suggested} in {total:.2?}; per intention mean {:.2?}, p50 {:.2?}, p95 {:.2?}, max {:.2?}",
        total / u32::try_from(all.len().max(1)).unwrap_or(1),
        percentile(&timings, 0.5),
        percentile(&timings, 0.95),
        timings.last().copied().unwrap_or_default()
    );
    conn.close().await?;
    Ok(())
}

/// Times one GraphQL request `runs` times; returns (mean, p50, p95, max) and the last response.
async fn time_query(
    schema: &skillgraph::graphql::AppSchema,
    query: &str,
    runs: usize,
) -> anyhow::Result<([Duration; 4], serde_json::Value)> {
    let mut timings = Vec::with_capacity(runs);
    let mut last = serde_json::Value::Null;
    for _ in 0..runs {
        let t = Instant::now();
        let response = schema.execute(query).await;
        timings.push(t.elapsed());
        if !response.errors.is_empty() {
            anyhow::bail!("{query}: {:?}", response.errors);
        }
        last = response.data.into_json()?;
    }
    let total: Duration = timings.iter().sum();
    timings.sort();
    Ok((
        [
            total / u32::try_from(runs.max(1)).unwrap_or(1),
            percentile(&timings, 0.5),
            percentile(&timings, 0.95),
            timings.last().copied().unwrap_or_default(),
        ],
        last,
    ))
}

/// `placementRates` and `skillsBalance` over `completers` completers of the past year (in
/// cohorts of 50 across every alliance, provider, kind and twelve occupations), 80% followed up
/// at month 3 and 70% at month 6, plus HIRED recommendations on the demo demands.
pub async fn placement(
    database_url: Option<String>,
    completers: usize,
    runs: usize,
) -> anyhow::Result<()> {
    use chrono::{Datelike, NaiveTime};
    use entity::{
        CohortKind, CohortStatus, EnrollmentStatus, RecommendationOutcome, cohort, enrollment,
        follow_up, recommendation,
    };
    use sea_orm::{ConnectionTrait, QueryOrder, TransactionTrait};

    let dir = tempfile::tempdir()?;
    let url = database_url
        .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
    let conn = db::connect(&url, 5).await?;
    db::migrate(&conn).await?;
    let key = PersonalDataKey::from_master(&[7; 32]);
    seed::demo(&conn, &key).await.context("demo data")?;
    let started = Instant::now();
    let alliances = entity::alliance::Entity::find().all(&conn).await?;
    let providers = organization::Entity::find()
        .filter(organization::Column::Kind.is_in([
            entity::OrganizationKind::College,
            entity::OrganizationKind::TrainingInstitution,
        ]))
        .all(&conn)
        .await?;
    let learners: Vec<i32> = entity::learner::Entity::find()
        .order_by_asc(entity::learner::Column::Id)
        .all(&conn)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let per_cohort = 50.min(learners.len());
    let cohorts_needed = completers.div_ceil(per_cohort);
    let year = Utc::now().date_naive().year() - 1;
    let first_day = chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("a day")?;
    let kinds = [
        CohortKind::NewApprenticeship,
        CohortKind::OrderClass,
        CohortKind::NamedClass,
        CohortKind::ProjectTraining,
    ];
    let mut rng = Lcg(7);
    let at = |d: chrono::NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    let txn = conn.begin().await?;
    let mut ends = Vec::with_capacity(cohorts_needed);
    let mut rows = Vec::with_capacity(cohorts_needed);
    for n in 0..cohorts_needed {
        let ended = first_day + Days::new(rng.next(365));
        ends.push(ended);
        rows.push(cohort::ActiveModel {
            kind: Set(kinds[n % kinds.len()]),
            name: Set(format!("bench cohort {n}")),
            enterprise_id: Set(None),
            provider_id: Set(providers[n % providers.len()].id),
            alliance_id: Set(alliances[n % alliances.len()].id),
            occupation_code: Set(
                OCCUPATIONS[rng.next(OCCUPATIONS.len() as u64) as usize].to_owned()
            ),
            target_level: Set(LEVELS[rng.next(3) as usize]),
            capacity: Set(per_cohort as i32),
            enrolled: Set(per_cohort as i32),
            start_on: Set(ended - Days::new(90)),
            end_on: Set(ended),
            subsidized: Set(true),
            status: Set(CohortStatus::Finished),
            created_at: Set(at(ended)),
            updated_at: Set(at(ended)),
            ..Default::default()
        });
    }
    insert_chunked::<cohort::Entity, _>(&txn, rows).await?;
    let cohort_ids: Vec<i32> = cohort::Entity::find()
        .filter(cohort::Column::Name.starts_with("bench cohort "))
        .order_by_asc(cohort::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut batch = Vec::with_capacity(completers);
    let mut written = 0usize;
    for (c, cohort_id) in cohort_ids.iter().enumerate() {
        for j in 0..per_cohort {
            if written == completers {
                break;
            }
            batch.push(enrollment::ActiveModel {
                cohort_id: Set(*cohort_id),
                learner_id: Set(learners[(c + j) % learners.len()]),
                status: Set(EnrollmentStatus::Completed),
                contract_start: Set(None),
                contract_end: Set(None),
                enrolled_at: Set(at(ends[c] - Days::new(90))),
                ended_at: Set(Some(at(ends[c]))),
                end_reason: Set(None),
                ..Default::default()
            });
            written += 1;
        }
    }
    insert_chunked::<enrollment::Entity, _>(&txn, batch).await?;
    let bench_enrollments = enrollment::Entity::find()
        .filter(
            enrollment::Column::CohortId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(cohort::Column::Id)
                    .from(cohort::Entity)
                    .and_where(sea_orm::sea_query::ExprTrait::like(
                        sea_orm::sea_query::Expr::col(cohort::Column::Name),
                        "bench cohort %",
                    ))
                    .to_owned(),
            ),
        )
        .all(&txn)
        .await?;
    let mut follow_ups = Vec::with_capacity(completers * 2);
    let mut followed = 0usize;
    for e in &bench_enrollments {
        let done = e.ended_at.map(|t| t.date_naive()).unwrap_or(first_day);
        for (month, reached) in [(3i16, 80), (6i16, 70)] {
            if rng.next(100) >= reached {
                continue;
            }
            let employed = rng.next(100) < 55;
            follow_ups.push(follow_up::ActiveModel {
                enrollment_id: Set(e.id),
                learner_id: Set(e.learner_id),
                month: Set(month),
                contacted_on: Set(done + Days::new(30 * month as u64)),
                employed: Set(employed),
                employer_id: Set(None),
                employer_name: Set(employed.then(|| "bench employer".to_owned())),
                occupation_match: Set(employed && rng.next(100) < 70),
                wage_band: Set(None),
                full_time: Set(employed.then_some(true)),
                note: Set(String::new()),
                recorded_by_id: Set(None),
                created_at: Set(Utc::now()),
                ..Default::default()
            });
            followed += 1;
        }
    }
    insert_chunked::<follow_up::Entity, _>(&txn, follow_ups).await?;
    // Hires on the demo's demands, every learner and demand once.
    let demands: Vec<i32> = entity::demand::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let mut recs = Vec::new();
    for (i, l) in learners.iter().enumerate() {
        for d in demands.iter().skip(i % 3).step_by(3) {
            recs.push(recommendation::ActiveModel {
                learner_id: Set(*l),
                demand_id: Set(*d),
                recommended_by_id: Set(None),
                recommender_role: Set("REGULATOR".to_owned()),
                note: Set(String::new()),
                outcome: Set(if rng.next(4) == 0 {
                    RecommendationOutcome::Hired
                } else {
                    RecommendationOutcome::Sent
                }),
                decline_reason: Set(None),
                declined_by: Set(None),
                created_at: Set(Utc::now()),
                updated_at: Set(Utc::now()),
                ..Default::default()
            });
        }
    }
    let existing: std::collections::HashSet<(i32, i32)> = recommendation::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.learner_id, r.demand_id))
        .collect();
    let recs: Vec<_> = recs
        .into_iter()
        .filter(|r| {
            let key = (*r.learner_id.as_ref(), *r.demand_id.as_ref());
            !existing.contains(&key)
        })
        .collect();
    let recommended = recs.len();
    insert_chunked::<recommendation::Entity, _>(&txn, recs).await?;
    txn.commit().await?;
    // Planner statistics, as a live database has them from autovacuum (PostgreSQL) or from
    // `ANALYZE` (SQLite): without them a bulk load looks empty to the planner.
    conn.execute_unprepared("ANALYZE").await?;
    let load_time = started.elapsed();
    let schema = skillgraph::graphql::build_schema(
        conn.clone(),
        key,
        std::sync::Arc::new(skillgraph::events::InProcessBroker::default()),
        skillgraph::graphql::SchemaLimits::default(),
    );
    println!(
        "backend: {}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!(
        "data: {} completers in {} cohorts of {year} (plus the demo's), {followed} follow-ups, {recommended} recommendations; loaded in {load_time:.2?}",
        bench_enrollments.len(),
        cohort_ids.len()
    );
    let period = format!("completedFrom: \"{year}-01-01\", completedTo: \"{year}-12-31\"");
    let fields = "suppressed completers followedUpMonth3 employedMonth3 matchedMonth3 placementRateMonth3 placementRateMonth6";
    let queries = [
        (
            "placementRates, one total".to_owned(),
            format!("{{ placementRates(filter: {{{period}}}) {{ {fields} }} }}"),
        ),
        (
            "placementRates by alliance".to_owned(),
            format!("{{ placementRates(filter: {{{period}}}, groupBy: [ALLIANCE]) {{ alliance {{ code }} {fields} }} }}"),
        ),
        (
            "placementRates by provider × occupation".to_owned(),
            format!("{{ placementRates(filter: {{{period}}}, groupBy: [PROVIDER, OCCUPATION]) {{ provider {{ name }} occupationCode {fields} }} }}"),
        ),
        (
            "placementRates by quarter × cohort kind".to_owned(),
            format!("{{ placementRates(filter: {{{period}}}, groupBy: [QUARTER, COHORT_KIND]) {{ quarter cohortKind {fields} }} }}"),
        ),
        (
            "placementRates by all six dimensions".to_owned(),
            format!("{{ placementRates(filter: {{{period}}}, groupBy: [ALLIANCE, REGION, PROVIDER, OCCUPATION, COHORT_KIND, QUARTER]) {{ quarter {fields} }} }}"),
        ),
        (
            "skillsBalance, every occupation".to_owned(),
            "{ skillsBalance { occupationCode openHeadcount plannedSeats runningSeats certificatesIssued hires } }".to_owned(),
        ),
    ];
    for (name, query) in &queries {
        let ([mean, p50, p95, max], data) = time_query(&schema, query, runs).await?;
        let groups = data
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_array())
            .map(Vec::len)
            .unwrap_or(0);
        println!(
            "{name}: {groups} groups; {runs} runs, mean {mean:.2?}, p50 {p50:.2?}, p95 {p95:.2?}, max {max:.2?}"
        );
    }
    conn.close().await?;
    Ok(())
}

/// Inserts rows a thousand at a time (within PostgreSQL's limit of bound parameters).
async fn insert_chunked<E, A>(
    conn: &impl sea_orm::ConnectionTrait,
    rows: Vec<A>,
) -> anyhow::Result<()>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Clone + Send,
{
    for chunk in rows.chunks(1_000) {
        E::insert_many(chunk.to_vec()).exec(conn).await?;
    }
    Ok(())
}
