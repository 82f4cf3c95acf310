//! `skillgraph-bench search`: search and suggest at city scale.
//!
//! Loads enterprises, training providers, OPEN demands over the whole classification with
//! descriptions made of the phrases postings use, and published open resources with titles as
//! providers write them; indexes them all (timed: what a server does on its first start over
//! rows older than the index); prints the index's size; then serves the database over HTTP and
//! drives search, the list filters that use the index, and suggest with concurrent connections.

use std::time::Instant;

use anyhow::Context as _;
use chrono::{Days, Utc};
use entity::{
    DemandKind, DemandStatus, FundingMode, OrganizationKind, ResourceKind, ResourceStatus,
    Schedule, SkillLevel, demand, demand_alliance, occupation, open_resource, organization, region,
    resource_occupation,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};

use skillgraph::{db, domain::search::index};

use crate::graph::{Drive, drive_shapes, unit};

/// What to load and how hard to drive it.
#[derive(Debug, Clone)]
pub struct SearchBench {
    /// A database to build in (a temporary SQLite file when left out).
    pub database_url: Option<String>,
    /// OPEN demands.
    pub demands: usize,
    /// Published open resources.
    pub resources: usize,
    /// How to drive the shapes.
    pub drive: Drive,
}

const CITIES: [(&str, &str); 3] = [("321100", "镇江"), ("320800", "淮安"), ("320700", "连云港")];
const REQUIREMENTS: [&str; 8] = [
    "持证上岗",
    "有两年以上相关工作经验",
    "接受应届毕业生",
    "能适应倒班",
    "吃苦耐劳，服从安排",
    "熟悉安全操作规程",
    "具备团队协作能力",
    "会使用常用办公软件",
];
const BENEFITS: [&str; 7] = [
    "五险一金",
    "包吃包住",
    "年终奖金",
    "带薪年假",
    "技能等级津贴",
    "企业新型学徒制培养",
    "交通补贴",
];
const WORDS: [&str; 10] = [
    "恒远", "华通", "鑫达", "瑞丰", "金海", "宏图", "科创", "润泽", "东方", "新城",
];
const FORMS: [&str; 6] = ["夜校班", "周末班", "线上课程", "实训营", "提升班", "取证班"];
const LEVELS: [&str; 5] = ["初级", "中级", "高级", "技师", "高级技师"];

fn pick<T: Copy>(items: &[T], seed: u64) -> T {
    items[(unit(seed) * items.len() as f64) as usize % items.len()]
}

/// Runs the benchmark and prints the load, the indexing, the index's size and one line per shape.
pub async fn run(options: SearchBench) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/search.db?mode=rwc", dir.path().display()));
    let pool_size = 20;
    let conn = db::connect(&url, pool_size).await?;
    db::migrate(&conn).await?;
    if demand::Entity::find().count(&conn).await? == 0 {
        let started = Instant::now();
        load(&conn, options.demands, options.resources)
            .await
            .context("loading demands and resources")?;
        println!(
            "loaded {} demands and {} resources in {:.1} s",
            options.demands,
            options.resources,
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let indexed = index::catch_up(&conn).await?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "indexed {indexed} objects in {seconds:.1} s ({:.0} a second)",
            indexed as f64 / seconds
        );
    } else {
        println!("the database has demands already; using its rows and index as they are");
    }
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_unprepared("ANALYZE").await?;
    }
    print_sizes(&conn).await?;
    let shapes = [
        ("search-welder", r#"{ search(text: "焊工") { hits(first: 20) { totalCount nodes { kind score title highlights { field text ranges { start end } } } } } }"#),
        ("search-one-char", r#"{ search(text: "焊") { hits(first: 20) { nodes { kind score title } } } }"#),
        ("search-initials", r#"{ search(text: "hg") { hits(first: 20) { nodes { kind score title } } } }"#),
        ("search-two-words", r#"{ search(text: "数控车工 五险一金") { hits(first: 20) { nodes { kind score title node { ... on Demand { id headcount } } } } } }"#),
        ("search-facets", r#"{ search(text: "眼镜") { hits(first: 20) { totalCount nodes { title } } facets { kinds { kind count } regions { count } groups { code count } levels { level count } } } }"#),
        ("demands-text", r#"{ demands(first: 20, filter: {text: "焊工"}) { nodes { id headcount occupation { name } } } }"#),
        ("resources-text", r#"{ openResources(first: 20, filter: {text: "焊工 夜校"}) { nodes { id title } } }"#),
        ("suggest-char", r#"{ suggest(prefix: "焊") { text matched } }"#),
        ("suggest-initials", r#"{ suggest(prefix: "hg") { text matched } }"#),
        ("suggest-pinyin", r#"{ suggest(prefix: "yanj") { text matched } }"#),
    ]
    .into_iter()
    .map(|(n, q)| (n.to_owned(), q.to_owned()))
    .collect();
    let data = format!(
        "{} demands, {} resources",
        demand::Entity::find().count(&conn).await?,
        open_resource::Entity::find().count(&conn).await?
    );
    drive_shapes(conn, &url, pool_size, &data, shapes, &options.drive).await
}

/// Prints how much room the index takes.
async fn print_sizes(conn: &DatabaseConnection) -> anyhow::Result<()> {
    let entries = entity::search_entry::Entity::find().count(conn).await?;
    let labels = entity::search_label::Entity::find().count(conn).await?;
    let mib = |bytes: i64| bytes as f64 / (1024.0 * 1024.0);
    let (table, text_index, whole) = match conn.get_database_backend() {
        DbBackend::Postgres => {
            let row = conn
                .query_one_raw(sea_orm::Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT pg_table_size('search_entries') AS t, \
                     pg_relation_size('ix_search_entries_document') AS g, \
                     pg_total_relation_size('search_entries') + pg_total_relation_size('search_labels') AS w",
                ))
                .await?
                .context("sizes")?;
            (
                row.try_get::<i64>("", "t")?,
                row.try_get::<i64>("", "g")?,
                row.try_get::<i64>("", "w")?,
            )
        }
        _ => {
            let size = |names: &'static str| async move {
                let row = conn
                    .query_one_raw(sea_orm::Statement::from_string(
                        DbBackend::Sqlite,
                        format!("SELECT COALESCE(SUM(pgsize), 0) AS s FROM dbstat WHERE {names}"),
                    ))
                    .await?
                    .context("dbstat")?;
                anyhow::Ok(row.try_get::<i64>("", "s")?)
            };
            (
                size("name = 'search_entries'").await?,
                size("name LIKE 'search_terms%'").await?,
                size("name LIKE 'search%' OR name LIKE '%search_entries%' OR name LIKE '%search_labels%'")
                    .await?,
            )
        }
    };
    println!(
        "index: {entries} entries, {labels} labels; entries table {:.1} MiB, full-text index {:.1} MiB, all of it with B-tree indexes {:.1} MiB",
        mib(table),
        mib(text_index),
        mib(whole)
    );
    Ok(())
}

/// Loads enterprises, providers, demands and resources in multi-row inserts, in one transaction.
async fn load(db: &DatabaseConnection, demands: usize, resources: usize) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let occupations: Vec<(String, String)> = occupation::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect();
    anyhow::ensure!(!occupations.is_empty(), "the classification is missing");
    let mut cities = Vec::new();
    for (code, name) in CITIES {
        let id = region::Entity::find()
            .filter(region::Column::Code.eq(code))
            .one(&txn)
            .await?
            .with_context(|| format!("region {code}"))?
            .id;
        cities.push((id, name));
    }
    let alliance = entity::alliance::ActiveModel {
        code: Set("bench-search".to_owned()),
        name: Set("镇江市检索测试职业培训联盟".to_owned()),
        name_en: Set("Search bench alliance".to_owned()),
        industry: Set("DIGITAL_SKILLS".to_owned()),
        region_id: Set(cities[0].0),
        founded_on: Set(now.date_naive()),
        description: Set("检索压测".to_owned()),
        ..Default::default()
    };
    let alliance_id = entity::alliance::Entity::insert(alliance)
        .exec(&txn)
        .await?
        .last_insert_id;
    let enterprises = (demands / 40).max(1);
    let providers = (resources / 200).max(1);
    let mut org_ids = Vec::new();
    for chunk in (0..enterprises + providers)
        .collect::<Vec<_>>()
        .chunks(1000)
    {
        let rows = chunk.iter().map(|&i| {
            let (city, city_name) = cities[i % 3];
            let provider = i >= enterprises;
            organization::ActiveModel {
                name: Set(if provider {
                    format!("{city_name}市{}职业培训学校{i}", pick(&WORDS, i as u64))
                } else {
                    format!(
                        "{city_name}{}{}有限公司{i}",
                        pick(&WORDS, i as u64),
                        pick(&WORDS, i as u64 + 7)
                    )
                }),
                kind: Set(if provider {
                    OrganizationKind::TrainingInstitution
                } else {
                    OrganizationKind::Enterprise
                }),
                credit_code: Set(format!("91{i:016}")),
                region_id: Set(city),
                address: Set(Some(format!(
                    "{city_name}市开发区{}路{}号",
                    pick(&WORDS, i as u64 + 3),
                    i % 300
                ))),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        organization::Entity::insert_many(rows).exec(&txn).await?;
    }
    for o in organization::Entity::find().all(&txn).await? {
        org_ids.push((o.id, o.region_id, o.kind));
    }
    let enterprise_ids: Vec<(i32, i32)> = org_ids
        .iter()
        .filter(|o| o.2 == OrganizationKind::Enterprise)
        .map(|o| (o.0, o.1))
        .collect();
    let provider_ids: Vec<(i32, i32)> = org_ids
        .iter()
        .filter(|o| o.2 == OrganizationKind::TrainingInstitution)
        .map(|o| (o.0, o.1))
        .collect();
    let levels = [
        SkillLevel::Level5,
        SkillLevel::Level4,
        SkillLevel::Level3,
        SkillLevel::Level2,
    ];
    let valid_until = now.date_naive() + Days::new(365);
    // Demand follows a few occupations more than the rest: every fourth posting is one of the
    // first 60 trades of major group 6.
    let trades: Vec<&(String, String)> = occupations
        .iter()
        .filter(|(c, _)| c.starts_with("6-"))
        .take(60)
        .collect();
    for chunk in (0..demands).collect::<Vec<_>>().chunks(1000) {
        let rows: Vec<demand::ActiveModel> = chunk
            .iter()
            .map(|&d| {
                let seed = d as u64 * 13;
                let (code, name) = if d % 4 == 0 {
                    pick(&trades, seed)
                } else {
                    pick(&occupations.iter().collect::<Vec<_>>(), seed)
                };
                let (enterprise, city) = enterprise_ids[d % enterprise_ids.len()];
                let at = now - chrono::Duration::seconds(d as i64);
                demand::ActiveModel {
                    enterprise_id: Set(enterprise),
                    occupation_code: Set(code.clone()),
                    level: Set(levels[d % levels.len()]),
                    kind: Set(if d % 5 == 0 {
                        DemandKind::Apprenticeship
                    } else {
                        DemandKind::Job
                    }),
                    headcount: Set(1 + (d % 20) as i32),
                    wage_min: Set(4000 + (d % 8) as i32 * 500),
                    wage_max: Set(6000 + (d % 8) as i32 * 700),
                    region_id: Set(city),
                    address: Set("开发区".to_owned()),
                    description: Set(format!(
                        "招聘{name}{}名，{}，{}，{}。",
                        1 + d % 20,
                        pick(&REQUIREMENTS, seed + 1),
                        pick(&REQUIREMENTS, seed + 2),
                        pick(&BENEFITS, seed + 3)
                    )),
                    valid_until: Set(valid_until),
                    status: Set(DemandStatus::Open),
                    posted_at: Set(Some(at)),
                    created_at: Set(at),
                    updated_at: Set(at),
                    version: Set(1),
                    hired: Set(0),
                    ..Default::default()
                }
            })
            .collect();
        demand::Entity::insert_many(rows).exec(&txn).await?;
    }
    let ids: Vec<i32> = demand::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    for chunk in ids.chunks(1000) {
        demand_alliance::Entity::insert_many(chunk.iter().map(|&id| {
            demand_alliance::ActiveModel {
                demand_id: Set(id),
                alliance_id: Set(alliance_id),
            }
        }))
        .exec(&txn)
        .await?;
    }
    let start_on = now.date_naive() + Days::new(30);
    for chunk in (0..resources).collect::<Vec<_>>().chunks(1000) {
        let mut links = Vec::new();
        let rows: Vec<open_resource::ActiveModel> = chunk
            .iter()
            .map(|&r| {
                let seed = r as u64 * 29 + 5;
                let (code, name) = if r % 4 == 0 {
                    pick(&trades, seed)
                } else {
                    pick(&occupations.iter().collect::<Vec<_>>(), seed)
                };
                let (provider, city) = provider_ids[r % provider_ids.len()];
                let city_name = cities.iter().find(|c| c.0 == city).map_or("", |c| c.1);
                links.push((code.clone(), levels[r % levels.len()]));
                open_resource::ActiveModel {
                    provider_id: Set(provider),
                    list_version: Set(1),
                    kind: Set(ResourceKind::Course),
                    title: Set(format!(
                        "{city_name}{name}{}{}",
                        pick(&LEVELS, seed + 1),
                        pick(&FORMS, seed + 2)
                    )),
                    schedule: Set(pick(
                        &[Schedule::Daytime, Schedule::Evening, Schedule::Weekend],
                        seed + 3,
                    )),
                    seats: Set(40),
                    seats_taken: Set((r % 40) as i32),
                    fee: Set(0),
                    funding_mode: Set(FundingMode::PublicGood),
                    subsidy_eligible: Set(true),
                    region_id: Set(city),
                    address: Set(format!("{city_name}市职教园区{}号", r % 50)),
                    start_on: Set(start_on),
                    contact: Set("0511-00000000".to_owned()),
                    status: Set(ResourceStatus::Published),
                    provider_stars: Set(0),
                    published_at: Set(now - chrono::Duration::seconds(r as i64)),
                    ..Default::default()
                }
            })
            .collect();
        let first = open_resource::Entity::insert_many(rows)
            .exec_with_returning_keys(&txn)
            .await?;
        resource_occupation::Entity::insert_many(first.into_iter().zip(links).map(
            |(id, (code, level))| resource_occupation::ActiveModel {
                resource_id: Set(id),
                occupation_code: Set(code),
                level: Set(level),
            },
        ))
        .exec(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
