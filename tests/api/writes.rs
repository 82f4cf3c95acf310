//! No lost updates: concurrent writers on SQLite and PostgreSQL, and the invariants afterwards —
//! one winner, the losers CONFLICT, counts consistent, no orphan rows, audit events only for what
//! happened.

use std::sync::Arc;

use chrono::{Days, Utc};
use entity::{audit_event, cohort, demand, enrollment, subsidy_slot, training_order};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use skillgraph::{
    auth::{Caller, Role},
    domain::kernel::ids::NodeKey,
};

use crate::helpers::{TestApp, first_code, who};

/// Runs `n` copies of a request at once and returns every response.
async fn at_once(
    app: &Arc<TestApp>,
    who: &Caller,
    query: &'static str,
    variables: impl Fn(usize) -> Value,
    n: usize,
) -> Vec<Value> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (app, who, vars) = (app.clone(), who.clone(), variables(i));
            tokio::spawn(async move { app.query_as(&who, query, vars).await })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

/// (successes, codes of the failures)
fn outcome(responses: &[Value]) -> (usize, Vec<String>) {
    let mut ok = 0;
    let mut codes = Vec::new();
    for r in responses {
        if r.get("errors").is_none() {
            ok += 1;
        } else {
            codes.push(first_code(r));
        }
    }
    (ok, codes)
}

async fn audits(app: &TestApp, action: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .count(&app.db.db)
        .await
        .expect("count")
}

async fn org(app: &TestApp, name: &str) -> i32 {
    TestApp::raw_id(&app.org_id(name).await)
}

fn gid(key: NodeKey) -> Value {
    json!(key.to_id().0)
}

/// A learner the college registers now (so it may enrol them).
async fn fresh_learner(app: &TestApp, college: &Caller, n: usize) -> Value {
    let first17 = format!("32118119960{}{:02}{:03}", 1 + n % 9, 10 + n % 18, 300 + n);
    let check = skillgraph::domain::kernel::personal::NationalId::check_char(&first17[..17])
        .expect("digits");
    app.data_as(
        college,
        "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
        json!({ "i": { "name": format!("并发{n}"), "nationalId": format!("{}{check}", &first17[..17]), "phone": format!("1370000{n:04}"), "region": "321100", "targetGroup": "OTHER" } }),
    )
    .await["registerLearner"]["id"]
        .clone()
}

async fn cohort_of(app: &TestApp, college: &Caller, provider: i32, subsidized: bool) -> Value {
    let start = Utc::now().date_naive();
    app.data_as(
        college,
        "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id } }",
        json!({ "i": {
            "kind": "PROJECT_TRAINING", "name": "并发班", "provider": gid(NodeKey::Organization(provider)),
            "alliance": "zj-eyewear", "occupation": "4-14-03-03", "targetLevel": "LEVEL_4",
            "capacity": 10, "startOn": start.to_string(),
            "endOn": (start + Days::new(60)).to_string(), "subsidized": subsidized,
        } }),
    )
    .await["createCohort"]["id"]
        .clone()
}

const ENROLL: &str =
    "mutation($c: ID!, $l: ID!) { enrollLearner(input: {cohort: $c, learner: $l}) { id } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_writers_times_twenty_mutations_all_succeed() {
    let app = Arc::new(TestApp::demo().await);
    let me = who::staff(Role::Enterprise, org(&app, "丹阳明视眼镜有限公司").await);
    let before = demand::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let valid_until = (Utc::now().date_naive() + Days::new(60)).to_string();
    let tasks: Vec<_> = (0..16)
        .map(|writer| {
            let (app, me, valid_until) = (app.clone(), me.clone(), valid_until.clone());
            tokio::spawn(async move {
                let mut codes = Vec::new();
                for n in 0..20 {
                    let response = app
                        .query_as(
                            &me,
                            "mutation($d: DemandInput!) { createDemand(input: {demand: $d}) { id } }",
                            json!({ "d": {
                                "alliances": ["zj-eyewear"], "occupation": "4-14-03-03", "level": "LEVEL_4",
                                "kind": "APPRENTICESHIP", "headcount": 1 + n, "wageMin": 4000, "wageMax": 6000,
                                "region": "321100", "address": format!("写者 {writer}"), "description": "并发写入",
                                "validUntil": valid_until,
                            } }),
                        )
                        .await;
                    if response.get("errors").is_some() {
                        codes.push(response.to_string());
                    }
                }
                codes
            })
        })
        .collect();
    let mut failures = Vec::new();
    for t in tasks {
        failures.extend(t.await.expect("task"));
    }
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(
        demand::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        before + 320
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_eight_concurrent_withdrawals_frees_the_seat() {
    let app = Arc::new(TestApp::demo().await);
    let provider = org(&app, "丹阳中等专业学校").await;
    let college = who::staff(Role::College, provider);
    let c = cohort_of(&app, &college, provider, false).await;
    let mut enrolments = Vec::new();
    for n in 0..3 {
        let l = fresh_learner(&app, &college, n).await;
        enrolments.push(
            app.data_as(&college, ENROLL, json!({ "c": c, "l": l }))
                .await["enrollLearner"]["id"]
                .clone(),
        );
    }
    let e = enrolments[0].clone();
    let audited = audits(&app, "withdrawEnrollment").await;
    let responses = at_once(
        &app,
        &college,
        "mutation($e: ID!) { withdrawEnrollment(input: {enrollment: $e, reason: \"moved\"}) { status } }",
        move |_| json!({ "e": e }),
        8,
    )
    .await;
    let (ok, codes) = outcome(&responses);
    assert_eq!(ok, 1, "{responses:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    let row = cohort::Entity::find_by_id(TestApp::raw_id(&c))
        .one(&app.db.db)
        .await
        .expect("q")
        .expect("cohort");
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::CohortId.eq(row.id))
        .filter(enrollment::Column::Status.eq(entity::EnrollmentStatus::Enrolled))
        .count(&app.db.db)
        .await
        .expect("count");
    assert_eq!(row.enrolled as u64, enrolled, "one seat freed, once");
    assert_eq!(enrolled, 2);
    assert_eq!(audits(&app, "withdrawEnrollment").await, audited + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_order_is_accepted_or_declined_once_and_leaves_no_orphans() {
    let app = Arc::new(TestApp::demo().await);
    let provider = org(&app, "丹阳中等专业学校").await;
    let college = who::staff(Role::College, provider);
    let orders: Vec<training_order::Model> = training_order::Entity::find()
        .filter(training_order::Column::ProviderId.eq(provider))
        .filter(training_order::Column::Status.eq(entity::OrderStatus::Dispatched))
        .all(&app.db.db)
        .await
        .expect("orders");
    assert!(!orders.is_empty(), "a demo order to the college");
    let order = orders[0].clone();
    let id = gid(NodeKey::TrainingOrder(order.id));
    let cohorts_before = cohort::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let enrolments_before = enrollment::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let (accepts, declines) = (
        audits(&app, "acceptTrainingOrder").await,
        audits(&app, "declineTrainingOrder").await,
    );
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (app, college, id) = (app.clone(), college.clone(), id.clone());
            tokio::spawn(async move {
                if i % 2 == 0 {
                    app.query_as(
                        &college,
                        "mutation($o: ID!) { acceptTrainingOrder(input: {order: $o}) { status } }",
                        json!({ "o": id }),
                    )
                    .await
                } else {
                    app.query_as(
                        &college,
                        "mutation($o: ID!) { declineTrainingOrder(input: {order: $o, reason: \"满员\"}) { status } }",
                        json!({ "o": id }),
                    )
                    .await
                }
            })
        })
        .collect();
    let mut responses = Vec::new();
    for t in tasks {
        responses.push(t.await.expect("task"));
    }
    let (ok, codes) = outcome(&responses);
    assert_eq!(ok, 1, "{responses:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    let after = training_order::Entity::find_by_id(order.id)
        .one(&app.db.db)
        .await
        .expect("q")
        .expect("order");
    let cohorts_after = cohort::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let enrolments_after = enrollment::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    match after.status {
        entity::OrderStatus::Accepted => {
            assert_eq!(cohorts_after, cohorts_before + 1, "one cohort");
            assert!(after.cohort_id.is_some());
            assert_eq!(audits(&app, "declineTrainingOrder").await, declines);
            assert_eq!(audits(&app, "acceptTrainingOrder").await, accepts + 1);
        }
        entity::OrderStatus::Declined => {
            assert_eq!(cohorts_after, cohorts_before, "no orphan cohort");
            assert_eq!(enrolments_after, enrolments_before, "no enrolment");
            assert_eq!(audits(&app, "acceptTrainingOrder").await, accepts);
            assert_eq!(audits(&app, "declineTrainingOrder").await, declines + 1);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_subsidised_training_per_person_occupation_and_level_across_cohorts() {
    let app = Arc::new(TestApp::demo().await);
    let provider = org(&app, "丹阳中等专业学校").await;
    let college = who::staff(Role::College, provider);
    let learner = fresh_learner(&app, &college, 7).await;
    // Four PLANNED subsidised cohorts for the same occupation and level; the learner into all at
    // once: one wins.
    let mut cohorts = Vec::new();
    for _ in 0..4 {
        cohorts.push(cohort_of(&app, &college, provider, true).await);
    }
    let (cs, l) = (cohorts.clone(), learner.clone());
    let responses = at_once(
        &app,
        &college,
        ENROLL,
        move |i| json!({ "c": cs[i], "l": l }),
        4,
    )
    .await;
    let (ok, codes) = outcome(&responses);
    assert_eq!(ok, 1, "{responses:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    let raw = TestApp::raw_id(&learner);
    let slots = || async {
        subsidy_slot::Entity::find()
            .filter(subsidy_slot::Column::LearnerId.eq(raw))
            .count(&app.db.db)
            .await
            .expect("count")
    };
    assert_eq!(slots().await, 1);
    let enrolments = enrollment::Entity::find()
        .filter(enrollment::Column::LearnerId.eq(raw))
        .all(&app.db.db)
        .await
        .expect("q");
    assert_eq!(enrolments.len(), 1, "the losers wrote nothing");
    let won = enrolments[0].clone();
    // Every cohort's count matches its rows.
    for c in &cohorts {
        let row = cohort::Entity::find_by_id(TestApp::raw_id(c))
            .one(&app.db.db)
            .await
            .expect("q")
            .expect("cohort");
        let n = enrollment::Entity::find()
            .filter(enrollment::Column::CohortId.eq(row.id))
            .count(&app.db.db)
            .await
            .expect("count");
        assert_eq!(row.enrolled as u64, n);
    }
    // Starting the cohort changes nothing; completing it still holds the slot: a second round of
    // the same occupation and level is refused.
    let won_cohort = gid(NodeKey::Cohort(won.cohort_id));
    app.data_as(
        &college,
        "mutation($c: ID!) { startCohort(input: {cohort: $c}) { status } }",
        json!({ "c": won_cohort }),
    )
    .await;
    let e = gid(NodeKey::Enrollment(won.id));
    // A class day today, attended: the training record a subsidised completion needs.
    let day = app
        .data_as(
            &college,
            "mutation($c: ID!, $d: Date!) { scheduleClassDays(input: {cohort: $c, days: [{day: $d, hours: 6, topic: \"实操\"}]}) { id } }",
            json!({ "c": won_cohort, "d": Utc::now().date_naive().to_string() }),
        )
        .await;
    app.data_as(
        &college,
        "mutation($d: ID!, $e: ID!) { recordAttendance(input: {classDay: $d, enrollments: [$e]}) { attended } }",
        json!({ "d": day["scheduleClassDays"][0]["id"], "e": e }),
    )
    .await;
    app.data_as(
        &college,
        "mutation($e: ID!) { completeEnrollment(input: {enrollment: $e}) { status } }",
        json!({ "e": e }),
    )
    .await;
    let other = cohorts
        .iter()
        .find(|c| **c != won_cohort)
        .expect("another cohort")
        .clone();
    let again = app
        .query_as(&college, ENROLL, json!({ "c": other, "l": learner }))
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "a finished level counts");
    // An unsubsidised cohort of the same level is no subsidy.
    let free = cohort_of(&app, &college, provider, false).await;
    app.data_as(&college, ENROLL, json!({ "c": free, "l": learner }))
        .await;
    assert_eq!(slots().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn withdrawing_or_cancelling_frees_the_subsidy_slot() {
    let app = Arc::new(TestApp::demo().await);
    let provider = org(&app, "丹阳中等专业学校").await;
    let college = who::staff(Role::College, provider);
    let learner = fresh_learner(&app, &college, 11).await;
    let (a, b, c) = (
        cohort_of(&app, &college, provider, true).await,
        cohort_of(&app, &college, provider, true).await,
        cohort_of(&app, &college, provider, true).await,
    );
    let e = app
        .data_as(&college, ENROLL, json!({ "c": a, "l": learner }))
        .await["enrollLearner"]["id"]
        .clone();
    assert_eq!(
        first_code(
            &app.query_as(&college, ENROLL, json!({ "c": b, "l": learner }))
                .await
        ),
        "CONFLICT"
    );
    app.data_as(
        &college,
        "mutation($e: ID!) { withdrawEnrollment(input: {enrollment: $e, reason: \"换班\"}) { status } }",
        json!({ "e": e }),
    )
    .await;
    app.data_as(&college, ENROLL, json!({ "c": b, "l": learner }))
        .await;
    app.data_as(
        &college,
        "mutation($c: ID!) { cancelCohort(input: {cohort: $c}) { status } }",
        json!({ "c": b }),
    )
    .await;
    app.data_as(&college, ENROLL, json!({ "c": c, "l": learner }))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_open_intentions_limit_holds_under_concurrency() {
    let app = Arc::new(TestApp::demo().await);
    let provider = org(&app, "丹阳中等专业学校").await;
    let college = who::staff(Role::College, provider);
    let learner = fresh_learner(&app, &college, 13).await;
    let occupations = [
        "6-18-02-04",
        "6-18-01-01",
        "6-31-01-03",
        "6-31-07-03",
        "4-14-03-03",
        "4-04-05-05",
    ];
    let l = learner.clone();
    let responses = at_once(
        &app,
        &college,
        "mutation($i: SubmitTrainingIntentionInput!) { submitTrainingIntention(input: $i) { id } }",
        move |i| json!({ "i": { "learner": l, "occupation": occupations[i], "level": "LEVEL_5", "schedules": ["WEEKEND"], "region": "321100" } }),
        6,
    )
    .await;
    let (ok, codes) = outcome(&responses);
    assert_eq!(ok, 3, "at most three open intentions: {responses:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    let open = entity::training_intention::Entity::find()
        .filter(entity::training_intention::Column::LearnerId.eq(TestApp::raw_id(&learner)))
        .count(&app.db.db)
        .await
        .expect("count");
    assert_eq!(open, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_publications_take_distinct_versions() {
    let app = Arc::new(TestApp::demo().await);
    let provider = org(&app, "丹阳中等专业学校").await;
    let college = who::staff(Role::College, provider);
    let responses = at_once(
        &app,
        &college,
        "mutation($t: String!) { publishResourceList(input: {items: [{kind: COURSE, title: $t, occupations: [{code: \"4-14-03-03\", level: LEVEL_4}], schedule: EVENING, seats: 10, fee: 0, fundingMode: PUBLIC_GOOD, subsidyEligible: true, region: \"321100\", address: \"丹阳\", startOn: \"2099-01-01\", contact: \"王老师\"}]}) { listVersion } }",
        |i| json!({ "t": format!("并发课程 {i}") }),
        4,
    )
    .await;
    let (ok, _) = outcome(&responses);
    assert_eq!(ok, 4, "{responses:?}");
    let mut versions: Vec<i64> = responses
        .iter()
        .map(|r| {
            r["data"]["publishResourceList"][0]["listVersion"]
                .as_i64()
                .expect("a version")
        })
        .collect();
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(versions.len(), 4, "four distinct versions: {versions:?}");
    let published = entity::open_resource::Entity::find()
        .filter(entity::open_resource::Column::ProviderId.eq(provider))
        .filter(entity::open_resource::Column::Status.eq(entity::ResourceStatus::Published))
        .all(&app.db.db)
        .await
        .expect("q");
    assert_eq!(published.len(), 1, "one current list");
    assert_eq!(
        i64::from(published[0].list_version),
        *versions.last().expect("a version")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_admissions_answer_conflict_not_internal() {
    let app = Arc::new(TestApp::demo().await);
    let admin = who::alliance_admin(&[app.alliance_row("zj-eyewear").await]);
    let outsider = app.org_id("镇江云启数字科技有限公司").await;
    let audited = audits(&app, "admitMember").await;
    let responses = at_once(
        &app,
        &admin,
        "mutation($org: ID!) { admitMember(input: {alliance: \"zj-eyewear\", organization: $org}) { id } }",
        move |_| json!({ "org": outsider }),
        6,
    )
    .await;
    let (ok, codes) = outcome(&responses);
    assert_eq!(ok, 1, "{responses:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    assert_eq!(audits(&app, "admitMember").await, audited + 1);
}
