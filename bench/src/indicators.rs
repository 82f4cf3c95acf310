//! `indicators` at city scale: a city's learners, cohorts, enrolments, follow-ups, certificates
//! and target-group memberships loaded beside the demo, then the bureau's report timed for each
//! grouping, exact (the city's regulator) and under the disclosure rule (everyone else).

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{Datelike, Days, NaiveTime, Utc};
use entity::{
    BodyStatus, BodyType, CertificateStatus, CohortKind, CohortStatus, EnrollmentStatus,
    FollowUpOutcome, SessionStatus, SkillLevel, TargetGroup, TrainingMode, assessment_body,
    assessment_session, candidate, certificate, cohort, enrollment, follow_up, learner,
    learner_target_group, organization, region, target_group,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use skillgraph::{
    db,
    domain::{
        kernel::{codes::RegionCode, personal::PersonalDataKey},
        read::disclosure::Precision,
        reports::{self, IndicatorDimension, IndicatorScope},
    },
    seed,
};

use super::{Lcg, OCCUPATIONS, insert_chunked, percentile};

/// What to load and how often to ask.
pub struct IndicatorsBench {
    /// A database to build in (a temporary SQLite file when left out).
    pub database_url: Option<String>,
    /// Learners of the city.
    pub learners: usize,
    /// Cohorts of the year (ten enrolments each).
    pub cohorts: usize,
    /// Times each report runs.
    pub runs: usize,
}

pub async fn run(bench: IndicatorsBench) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = bench
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
    let conn = db::connect(&url, 5).await?;
    db::migrate(&conn).await?;
    let key = PersonalDataKey::from_master(&[7; 32]);
    seed::demo(&conn, &key).await.context("demo data")?;
    let started = Instant::now();
    let loaded = load(&conn, &bench).await?;
    // Planner statistics, as a live database has them.
    conn.execute_unprepared("ANALYZE").await?;
    println!(
        "backend: {}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!("data: {loaded}; loaded in {:.2?}", started.elapsed());
    let year = Utc::now().year();
    let (from, to) = reports::period_of(year, None).context("the year")?;
    let scope = IndicatorScope {
        region: RegionCode::parse("321100").map_err(|e| anyhow::anyhow!("{e}"))?,
        from,
        to,
        programme: None,
    };
    use IndicatorDimension::*;
    let shapes: [(&str, Vec<IndicatorDimension>); 5] = [
        ("the total", vec![]),
        ("by programme", vec![Programme]),
        ("by target group", vec![TargetGroup]),
        ("by quarter × county", vec![Quarter, County]),
        ("by mode × occupation group", vec![Mode, OccupationGroup]),
    ];
    for precision in [Precision::Exact, Precision::Protected] {
        for (name, dims) in &shapes {
            let mut timings = Vec::with_capacity(bench.runs);
            let mut rows = 0;
            let mut trained = 0;
            for _ in 0..bench.runs {
                let t = Instant::now();
                let report = reports::indicators(&conn, precision, &scope, dims).await?;
                timings.push(t.elapsed());
                rows = report.rows.len();
                trained = report.total.trained;
            }
            timings.sort();
            let total: Duration = timings.iter().sum();
            println!(
                "indicators {name} ({precision:?}): {rows} rows, {trained} person-times; {} runs, mean {:.2?}, p50 {:.2?}, max {:.2?}",
                bench.runs,
                total / u32::try_from(bench.runs.max(1)).unwrap_or(1),
                percentile(&timings, 0.5),
                timings.last().copied().unwrap_or_default(),
            );
        }
    }
    conn.close().await?;
    Ok(())
}

/// Loads the city's rows; what was loaded, in words.
async fn load(
    conn: &sea_orm::DatabaseConnection,
    bench: &IndicatorsBench,
) -> anyhow::Result<String> {
    let mut rng = Lcg(11);
    let city = region::Entity::find()
        .filter(region::Column::Code.eq("321100"))
        .one(conn)
        .await?
        .context("Zhenjiang")?;
    let counties: Vec<i32> = region::Entity::find()
        .filter(region::Column::ParentId.eq(city.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let alliances: Vec<i32> = entity::alliance::Entity::find()
        .filter(entity::alliance::Column::RegionId.eq(city.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let providers: Vec<i32> = organization::Entity::find()
        .filter(organization::Column::Kind.is_in([
            entity::OrganizationKind::College,
            entity::OrganizationKind::TrainingInstitution,
        ]))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let programmes: Vec<i32> = entity::programme::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let groups: Vec<i32> = target_group::Entity::find()
        .order_by_asc(target_group::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let now = Utc::now();
    // Learners, a chunk at a time.
    for start in (0..bench.learners).step_by(50_000) {
        let rows: Vec<learner::ActiveModel> = (start..(start + 50_000).min(bench.learners))
            .map(|n| learner::ActiveModel {
                name_masked: Set("*".into()),
                national_id_cipher: Set(String::new()),
                national_id_hash: Set(format!("bench:{n}")),
                national_id_masked: Set(String::new()),
                phone_masked: Set(String::new()),
                birth_year: Set(1990),
                region_id: Set(city.id),
                target_group: Set(TargetGroup::Other),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        insert_chunked::<learner::Entity, _>(conn, rows).await?;
    }
    let learners: Vec<i32> = learner::Entity::find()
        .select_only()
        .column(learner::Column::Id)
        .filter(learner::Column::NationalIdHash.starts_with("bench:"))
        .order_by_asc(learner::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    // Each in one group or two (every fifth in a second, a sensitive one every fiftieth).
    let mut memberships = Vec::new();
    for (i, l) in learners.iter().enumerate() {
        let mut mine = vec![groups[i % groups.len()]];
        if i % 5 == 0 {
            mine.push(groups[(i / 5 + 3) % groups.len()]);
        }
        mine.dedup();
        for g in mine {
            memberships.push(learner_target_group::ActiveModel {
                learner_id: Set(*l),
                target_group_id: Set(g),
                since: Set(now.date_naive()),
                basis: Set("bench".into()),
                created_at: Set(now),
                ..Default::default()
            });
        }
        if memberships.len() >= 50_000 {
            insert_chunked::<learner_target_group::Entity, _>(
                conn,
                std::mem::take(&mut memberships),
            )
            .await?;
        }
    }
    insert_chunked::<learner_target_group::Entity, _>(conn, memberships).await?;
    // Cohorts of the year, ten enrolments each.
    let year = now.year();
    let first_day = chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("a day")?;
    let modes = [
        Some(TrainingMode::Order),
        Some(TrainingMode::Post),
        Some(TrainingMode::Project),
        None,
    ];
    let at = |d: chrono::NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    let mut starts = Vec::with_capacity(bench.cohorts);
    for start in (0..bench.cohorts).step_by(20_000) {
        let mut rows = Vec::new();
        for n in start..(start + 20_000).min(bench.cohorts) {
            let started = first_day + Days::new(rng.next(300));
            starts.push(started);
            rows.push(cohort::ActiveModel {
                kind: Set(CohortKind::ProjectTraining),
                name: Set(format!("city cohort {n}")),
                provider_id: Set(providers[n % providers.len()]),
                alliance_id: Set(alliances[n % alliances.len()]),
                county_id: Set(Some(counties[n % counties.len()])),
                occupation_code: Set(OCCUPATIONS[n % OCCUPATIONS.len()].to_owned()),
                target_level: Set(SkillLevel::Level4),
                capacity: Set(10),
                enrolled: Set(10),
                start_on: Set(started),
                end_on: Set(started + Days::new(60)),
                started_on: Set(Some(started)),
                subsidized: Set(n % 3 != 0),
                programme_id: Set((n % 2 == 0).then(|| programmes[n % programmes.len()])),
                mode: Set(modes[n % modes.len()]),
                status: Set(CohortStatus::Finished),
                created_at: Set(at(started)),
                updated_at: Set(now),
                ..Default::default()
            });
        }
        insert_chunked::<cohort::Entity, _>(conn, rows).await?;
    }
    let cohorts: Vec<i32> = cohort::Entity::find()
        .select_only()
        .column(cohort::Column::Id)
        .filter(cohort::Column::Name.starts_with("city cohort "))
        .order_by_asc(cohort::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let mut enrolments = Vec::new();
    for (c, id) in cohorts.iter().enumerate() {
        for k in 0..10 {
            let learner = learners[(c * 10 + k) % learners.len()];
            let roll = rng.next(100);
            let (status, ended) = match roll {
                0..=74 => (
                    EnrollmentStatus::Completed,
                    Some(at(starts[c] + Days::new(60))),
                ),
                75..=79 => (
                    EnrollmentStatus::Withdrawn,
                    Some(at(starts[c] + Days::new(10))),
                ),
                _ => (EnrollmentStatus::Enrolled, None),
            };
            enrolments.push(enrollment::ActiveModel {
                cohort_id: Set(*id),
                learner_id: Set(learner),
                status: Set(status),
                enrolled_at: Set(at(starts[c])),
                ended_at: Set(ended),
                ..Default::default()
            });
        }
        if enrolments.len() >= 50_000 {
            insert_chunked::<enrollment::Entity, _>(conn, std::mem::take(&mut enrolments)).await?;
        }
    }
    insert_chunked::<enrollment::Entity, _>(conn, enrolments).await?;
    // Follow-ups of the completers at months 3 (80 %) and 6 (70 %).
    let outcomes = [
        FollowUpOutcome::Employed,
        FollowUpOutcome::Employed,
        FollowUpOutcome::SelfEmployed,
        FollowUpOutcome::BusinessStarted,
        FollowUpOutcome::NotWorking,
    ];
    let mut follow_ups = Vec::new();
    let mut followed = 0usize;
    let mut last = 0i32;
    loop {
        let page: Vec<(i32, i32, Option<chrono::DateTime<Utc>>)> = enrollment::Entity::find()
            .select_only()
            .columns([
                enrollment::Column::Id,
                enrollment::Column::LearnerId,
                enrollment::Column::EndedAt,
            ])
            .filter(enrollment::Column::Status.eq(EnrollmentStatus::Completed))
            // The city's cohorts only: the demo's completers are followed up already.
            .filter(enrollment::Column::CohortId.gte(cohorts.first().copied().unwrap_or(0)))
            .filter(enrollment::Column::Id.gt(last))
            .order_by_asc(enrollment::Column::Id)
            .limit(50_000)
            .into_tuple()
            .all(conn)
            .await?;
        let Some(&(id, _, _)) = page.last() else {
            break;
        };
        last = id;
        for (enrolment, learner, ended) in page {
            let done = ended.map(|t| t.date_naive()).unwrap_or(first_day);
            for (month, reached) in [(3i16, 80), (6i16, 70)] {
                if rng.next(100) >= reached {
                    continue;
                }
                let outcome = outcomes[rng.next(outcomes.len() as u64) as usize];
                follow_ups.push(follow_up::ActiveModel {
                    enrollment_id: Set(enrolment),
                    learner_id: Set(learner),
                    month: Set(month),
                    contacted_on: Set(done + Days::new(30 * month as u64)),
                    employed: Set(outcome.works()),
                    employer_name: Set(outcome
                        .works()
                        .then(|| format!("employer {}", rng.next(200)))),
                    occupation_match: Set(outcome.works()),
                    outcome: Set(outcome),
                    note: Set(String::new()),
                    created_at: Set(now),
                    ..Default::default()
                });
                followed += 1;
            }
        }
        insert_chunked::<follow_up::Entity, _>(conn, std::mem::take(&mut follow_ups)).await?;
    }
    // Certificates of a fifth of the learners, from sixty sessions of one body in the city.
    let body = assessment_body::Entity::insert(assessment_body::ActiveModel {
        organization_id: Set(providers[0]),
        body_type: Set(BodyType::Social),
        body_code: Set("9999".into()),
        site_serial: Set("999999".into()),
        status: Set(BodyStatus::Active),
        serial_year: Set(i16::try_from(year)?),
        last_serial: Set(0),
        filed_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(conn)
    .await?
    .id;
    let levels = [
        SkillLevel::Level5,
        SkillLevel::Level4,
        SkillLevel::Level3,
        SkillLevel::Level2,
    ];
    let mut sessions = Vec::new();
    for s in 0..60usize {
        sessions.push(
            assessment_session::Entity::insert(assessment_session::ActiveModel {
                body_id: Set(body),
                occupation_code: Set(OCCUPATIONS[s % OCCUPATIONS.len()].to_owned()),
                level: Set(levels[s % levels.len()]),
                exam_date: Set(first_day + Days::new(5 * s as u64)),
                registration_deadline: Set(first_day + Days::new(5 * s as u64)),
                region_id: Set(city.id),
                county_id: Set(Some(counties[s % counties.len()])),
                address: Set("考点".into()),
                capacity: Set(100_000),
                registered: Set(0),
                status: Set(SessionStatus::ResultsPublished),
                created_at: Set(now),
                ..Default::default()
            })
            .exec_with_returning(conn)
            .await?,
        );
    }
    let holders: Vec<i32> = learners.iter().step_by(5).copied().collect();
    let mut candidates = Vec::new();
    for (i, l) in holders.iter().enumerate() {
        candidates.push(candidate::ActiveModel {
            session_id: Set(sessions[i % sessions.len()].id),
            learner_id: Set(*l),
            registered_at: Set(now),
            ..Default::default()
        });
    }
    insert_chunked::<candidate::Entity, _>(conn, candidates).await?;
    let mut certificates = Vec::new();
    let mut issued = 0usize;
    let mut last = 0i32;
    loop {
        let page: Vec<(i32, i32, i32)> = candidate::Entity::find()
            .select_only()
            .columns([
                candidate::Column::Id,
                candidate::Column::SessionId,
                candidate::Column::LearnerId,
            ])
            .filter(candidate::Column::SessionId.is_in(sessions.iter().map(|s| s.id)))
            .filter(candidate::Column::Id.gt(last))
            .order_by_asc(candidate::Column::Id)
            .limit(50_000)
            .into_tuple()
            .all(conn)
            .await?;
        let Some(&(id, _, _)) = page.last() else {
            break;
        };
        last = id;
        for (candidate, session, learner) in page {
            let s = sessions
                .iter()
                .find(|x| x.id == session)
                .context("a session")?;
            certificates.push(certificate::ActiveModel {
                number: Set(format!("B{candidate:012}")),
                learner_id: Set(learner),
                occupation_code: Set(s.occupation_code.clone()),
                level: Set(s.level),
                body_id: Set(body),
                session_id: Set(Some(session)),
                candidate_id: Set(Some(candidate)),
                issued_on: Set(s.exam_date + Days::new(20)),
                region_id: Set(s.region_id),
                county_id: Set(s.county_id),
                status: Set(CertificateStatus::Valid),
                ..Default::default()
            });
            issued += 1;
        }
        insert_chunked::<certificate::Entity, _>(conn, std::mem::take(&mut certificates)).await?;
    }
    Ok(format!(
        "{} learners in {} target groups, {} cohorts of {year} with {} enrolments, {followed} follow-ups, {issued} certificates (plus the demo's)",
        learners.len(),
        groups.len(),
        cohorts.len(),
        cohorts.len() * 10,
    ))
}
