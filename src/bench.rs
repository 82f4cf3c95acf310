//! `skillgraph bench`: measurements that are not tests. Each run builds its own data in a fresh
//! database (a temporary SQLite file unless `--database-url` names another) and prints what it
//! measured.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{Days, Utc};
use entity::{IntentionStatus, Schedule, SkillLevel, organization, training_intention};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    auth::{Caller, Role, Viewer},
    db,
    domain::{
        orders,
        personal::PersonalDataKey,
        resources::{self, ItemInput},
    },
    seed,
};

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
        let role = if provider.kind == entity::OrganizationKind::College {
            Role::College
        } else {
            Role::TrainingInstitution
        };
        let caller = Caller {
            viewer: Viewer {
                subject: "bench".to_owned(),
                role,
                organization_id: Some(provider.id),
                ..Viewer::public()
            },
            request_id: None,
        };
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
