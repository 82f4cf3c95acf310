//! Cohorts and enrolment: forming, the lifecycle, every enrolment rule, the last seat under
//! concurrency, and who may see who is enrolled.

use chrono::{Days, Utc};
use entity::{cohort, enrollment};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};

use crate::helpers::{TestApp, first_code, who};

const CREATE: &str = "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id kind status capacity freeSeats subsidized alliance { code } provider { name } enterprise { name } } }";
const ENROLL: &str = "mutation($i: EnrollLearnerInput!) { enrollLearner(input: $i) { id status learner { id nationalId } } }";
const STEP: &str = "mutation($c: ID!) { startCohort(input: {cohort: $c}) { status } }";

struct World {
    college: Caller,
    college_id: Value,
    enterprise: Caller,
    enterprise_id: Value,
    learners: Vec<Value>,
}

async fn world(app: &TestApp) -> World {
    let college_id = app.org_id("丹阳中等专业学校").await;
    let enterprise_id = app.org_id("丹阳明视眼镜有限公司").await;
    let college = who::staff(Role::College, TestApp::raw_id(&college_id));
    // Fresh learners of the college, in no cohort yet.
    let mut learners = Vec::new();
    for n in 0..8 {
        let first17 = format!("321181199501{:02}{:03}", 10 + n, 200 + n);
        let check = skillgraph::domain::kernel::personal::NationalId::check_char(&first17[..17])
            .expect("digits");
        let data = app
            .data_as(
                &college,
                "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
                json!({ "i": { "name": format!("学员{n}"), "nationalId": format!("{}{check}", &first17[..17]), "phone": format!("1390000{n:04}"), "region": "321100", "targetGroup": "OTHER" } }),
            )
            .await;
        learners.push(data["registerLearner"]["id"].clone());
    }
    World {
        college,
        enterprise: who::staff(Role::Enterprise, TestApp::raw_id(&enterprise_id)),
        college_id,
        enterprise_id,
        learners,
    }
}

fn cohort_input(w: &World, kind: &str, capacity: i32, months: u64, subsidized: bool) -> Value {
    let start = Utc::now().date_naive();
    json!({ "i": {
        "kind": kind, "name": "测试班", "enterprise": w.enterprise_id, "provider": w.college_id,
        "alliance": "zj-eyewear", "occupation": "4-14-03-03", "targetLevel": "LEVEL_4",
        "capacity": capacity, "startOn": start.to_string(),
        "endOn": (start + Days::new(months * 30)).to_string(), "subsidized": subsidized,
    } })
}

async fn new_cohort(app: &TestApp, w: &World, capacity: i32, subsidized: bool) -> Value {
    let c = app
        .data_as(
            &w.college,
            CREATE,
            cohort_input(w, "ORDER_CLASS", capacity, 4, subsidized),
        )
        .await["createCohort"]["id"]
        .clone();
    confirm(app, w, &c).await;
    c
}

/// The enterprise confirms the cohort the college formed, as a cohort must be before it starts.
async fn confirm(app: &TestApp, w: &World, c: &Value) {
    app.data_as(
        &w.enterprise,
        "mutation($c: ID!) { confirmCohort(input: {cohort: $c}) { employerConfirmation } }",
        json!({ "c": c }),
    )
    .await;
}

#[tokio::test]
async fn forming_a_cohort_checks_both_parties_and_the_kind() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let created = app
        .data_as(
            &w.enterprise,
            CREATE,
            cohort_input(&w, "NEW_APPRENTICESHIP", 5, 24, true),
        )
        .await;
    let c = &created["createCohort"];
    assert_eq!(c["status"], "PLANNED");
    assert_eq!(c["freeSeats"], 5);
    assert_eq!(c["provider"]["name"], "丹阳中等专业学校");
    assert_eq!(
        c["enterprise"]["name"], "丹阳明视眼镜有限公司",
        "the enterprise may form it too"
    );

    let mut too_long = cohort_input(&w, "NEW_APPRENTICESHIP", 5, 40, true);
    let response = app.query_as(&w.college, CREATE, too_long.clone()).await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.endOn",
        "{response}"
    );
    too_long["i"]["kind"] = json!("ORDER_CLASS");
    assert!(
        app.query_as(&w.college, CREATE, too_long)
            .await
            .get("errors")
            .is_none(),
        "only apprenticeships are capped"
    );

    let mut outsider = cohort_input(&w, "ORDER_CLASS", 5, 4, true);
    outsider["i"]["enterprise"] = app.org_id("镇江云启数字科技有限公司").await;
    let response = app.query_as(&w.college, CREATE, outsider).await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.enterprise",
        "the enterprise must be a member"
    );
    let mut outsider = cohort_input(&w, "ORDER_CLASS", 5, 4, true);
    outsider["i"]["alliance"] = json!("zj-culinary");
    let response = app.query_as(&w.college, CREATE, outsider).await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.provider",
        "both must be members of the alliance"
    );
    let mut no_enterprise = cohort_input(&w, "NAMED_CLASS", 5, 4, true);
    no_enterprise["i"]["enterprise"] = Value::Null;
    let response = app.query_as(&w.college, CREATE, no_enterprise).await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "input.enterprise"
    );
    let mut zero = cohort_input(&w, "ORDER_CLASS", 0, 4, true);
    assert_eq!(
        app.query_as(&w.college, CREATE, zero.clone()).await["errors"][0]["extensions"]["field"],
        "input.capacity"
    );
    zero["i"]["capacity"] = json!(5);
    zero["i"]["endOn"] = zero["i"]["startOn"].clone();
    assert_eq!(
        app.query_as(&w.college, CREATE, zero).await["errors"][0]["extensions"]["field"],
        "input.endOn"
    );

    let other_college = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("镇江技师学院").await),
    );
    let response = app
        .query_as(
            &other_college,
            CREATE,
            cohort_input(&w, "ORDER_CLASS", 5, 4, true),
        )
        .await;
    assert_eq!(
        first_code(&response),
        "FORBIDDEN",
        "a provider forms only its own cohorts"
    );
}

#[tokio::test]
async fn enrolment_rules_each_refuse_and_write_nothing() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let count = || async {
        enrollment::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count")
    };

    // A full cohort.
    let small = new_cohort(&app, &w, 1, true).await;
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": small, "learner": w.learners[0] } }),
    )
    .await;
    let before = count().await;
    let response = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": small, "learner": w.learners[1] } }),
        )
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .expect("m")
            .contains("full")
    );
    assert_eq!(count().await, before);

    // The same learner twice.
    let roomy = new_cohort(&app, &w, 10, false).await;
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": roomy, "learner": w.learners[2] } }),
    )
    .await;
    let before = count().await;
    let response = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": roomy, "learner": w.learners[2] } }),
        )
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    assert_eq!(count().await, before);
    let seats = app
        .data_with(
            "query($c: ID!) { node(id: $c) { ... on Cohort { freeSeats } } }",
            json!({ "c": roomy }),
        )
        .await;
    assert_eq!(
        seats["node"]["freeSeats"], 9,
        "a refused enrolment takes no seat"
    );

    // Double-claiming a subsidy: learner 3 in a running subsidised cohort for the same
    // occupation and level cannot join another subsidised one, but may join an unsubsidised one.
    let first = new_cohort(&app, &w, 10, true).await;
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": first, "learner": w.learners[3] } }),
    )
    .await;
    app.data_as(&w.college, STEP, json!({ "c": first })).await;
    let second = new_cohort(&app, &w, 10, true).await;
    let before = count().await;
    let response = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": second, "learner": w.learners[3] } }),
        )
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .expect("m")
            .contains("subsidised")
    );
    assert_eq!(count().await, before);
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": roomy, "learner": w.learners[3] } }),
    )
    .await;

    // Finished and cancelled cohorts take nobody.
    app.data_as(
        &w.college,
        "mutation($c: ID!) { finishCohort(input: {cohort: $c}) { status } }",
        json!({ "c": first }),
    )
    .await;
    let response = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": first, "learner": w.learners[4] } }),
        )
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    let cancelled = new_cohort(&app, &w, 10, false).await;
    app.data_as(
        &w.enterprise,
        "mutation($c: ID!) { cancelCohort(input: {cohort: $c}) { status } }",
        json!({ "c": cancelled }),
    )
    .await;
    let response = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": cancelled, "learner": w.learners[4] } }),
        )
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    let response = app
        .query_as(&w.college, STEP, json!({ "c": cancelled }))
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "status",
        "a cancelled cohort cannot start"
    );

    // Apprentices need a labour contract of a year or more.
    let apprentices = app
        .data_as(
            &w.college,
            CREATE,
            cohort_input(&w, "NEW_APPRENTICESHIP", 5, 18, true),
        )
        .await["createCohort"]["id"]
        .clone();
    let today = Utc::now().date_naive();
    let response = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": apprentices, "learner": w.learners[5] } }),
        )
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "input.contract"
    );
    let short = json!({ "start": today.to_string(), "end": (today + Days::new(200)).to_string() });
    let response = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": apprentices, "learner": w.learners[5], "contract": short } }),
        )
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "input.contract"
    );
    let year = json!({ "start": today.to_string(), "end": (today + Days::new(366)).to_string() });
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": apprentices, "learner": w.learners[5], "contract": year } }),
    )
    .await;

    // Only the cohort's provider enrols.
    let response = app
        .query_as(
            &w.enterprise,
            ENROLL,
            json!({ "i": { "cohort": roomy, "learner": w.learners[6] } }),
        )
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");
}

#[tokio::test]
async fn withdrawal_frees_the_seat_and_completion_needs_a_started_cohort() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let c = new_cohort(&app, &w, 1, false).await;
    let e = app
        .data_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": c, "learner": w.learners[0] } }),
        )
        .await["enrollLearner"]["id"]
        .clone();
    let complete = "mutation($e: ID!) { completeEnrollment(input: {enrollment: $e}) { status } }";
    let response = app.query_as(&w.college, complete, json!({ "e": e })).await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "status",
        "not started yet"
    );
    let withdrawn = app
        .data_as(&w.college, "mutation($e: ID!) { withdrawEnrollment(input: {enrollment: $e, reason: \"moved away\"}) { status endReason } }", json!({ "e": e }))
        .await;
    assert_eq!(
        withdrawn["withdrawEnrollment"],
        json!({ "status": "WITHDRAWN", "endReason": "moved away" })
    );
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": c, "learner": w.learners[1] } }),
    )
    .await;
    app.data_as(&w.college, STEP, json!({ "c": c })).await;
    let counts = app
        .data_with("query($c: ID!) { node(id: $c) { ... on Cohort { freeSeats enrollmentCounts { enrolled completed withdrawn } } } }", json!({ "c": c }))
        .await;
    assert_eq!(
        counts["node"],
        json!({ "freeSeats": 0, "enrollmentCounts": { "enrolled": 1, "completed": 0, "withdrawn": 1 } })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_last_seat_goes_to_exactly_one_of_many_concurrent_enrolments() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let c = new_cohort(&app, &w, 3, false).await;
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": c, "learner": w.learners[0] } }),
    )
    .await;
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": c, "learner": w.learners[1] } }),
    )
    .await;
    // One seat left, six learners at once.
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = w.learners[2..8]
        .iter()
        .map(|learner| {
            let (app, college, c, learner) =
                (app.clone(), w.college.clone(), c.clone(), learner.clone());
            tokio::spawn(async move {
                app.query_as(
                    &college,
                    ENROLL,
                    json!({ "i": { "cohort": c, "learner": learner } }),
                )
                .await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        let response = task.await.expect("task");
        match response.get("errors") {
            None => won += 1,
            Some(_) => assert_eq!(first_code(&response), "CONFLICT", "{response}"),
        }
    }
    assert_eq!(won, 1, "exactly one enrolment takes the last seat");
    let row = cohort::Entity::find_by_id(TestApp::raw_id(&c))
        .one(&app.db.db)
        .await
        .expect("q")
        .expect("cohort");
    assert_eq!(row.enrolled, 3);
    let rows = enrollment::Entity::find().all(&app.db.db).await.expect("q");
    assert_eq!(rows.iter().filter(|e| e.cohort_id == row.id).count(), 3);
}

#[tokio::test]
async fn who_is_enrolled_is_for_those_with_a_purpose() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let c = new_cohort(&app, &w, 5, false).await;
    // A learner registered by another provider, enrolled here.
    let other = who::staff(
        Role::TrainingInstitution,
        TestApp::raw_id(&app.org_id("丹阳市视界眼镜技能培训中心").await),
    );
    let theirs = app
        .data_as(&other, "{ learners(first: 1) { nodes { id } } }", json!({}))
        .await["learners"]["nodes"][0]["id"]
        .clone();
    // Not this college's to enrol until the learner applies to the cohort themself.
    let refused = app
        .query_as(
            &w.college,
            ENROLL,
            json!({ "i": { "cohort": c, "learner": theirs } }),
        )
        .await;
    assert_eq!(first_code(&refused), "FORBIDDEN");
    let learner_token = who::learner(TestApp::raw_id(&theirs));
    app.data_as(
        &learner_token,
        "mutation($c: ID!) { applyToCohort(input: {cohort: $c}) { id } }",
        json!({ "c": c }),
    )
    .await;
    app.data_as(
        &w.college,
        ENROLL,
        json!({ "i": { "cohort": c, "learner": theirs } }),
    )
    .await;

    let q = "query($c: ID!) { node(id: $c) { ... on Cohort { enrollmentCounts { enrolled } enrollments { nodes { learner { id nationalId personalData { nationalId } } } } } } }";
    let public = app.query_with(q, json!({ "c": c })).await;
    assert_eq!(first_code(&public), "UNAUTHENTICATED");
    assert_eq!(
        public["data"]["node"]["enrollmentCounts"]["enrolled"], 1,
        "counts are public"
    );

    // The cohort's provider trains the learner, so it may read the personal data.
    let mine = app.data_as(&w.college, q, json!({ "c": c })).await;
    let learner = &mine["node"]["enrollments"]["nodes"][0]["learner"];
    assert_eq!(learner["id"], theirs);
    assert!(
        learner["nationalId"]
            .as_str()
            .expect("masked")
            .contains('*')
    );
    assert!(
        !learner["personalData"]["nationalId"]
            .as_str()
            .expect("whole")
            .contains('*')
    );
    let listed = app
        .data_as(
            &w.college,
            "{ learners(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert!(
        listed["learners"]["nodes"]
            .as_array()
            .expect("n")
            .iter()
            .any(|n| n["id"] == theirs),
        "its trainees are in its scope"
    );

    // The enterprise sees who its trainees are, as a summary, and no more.
    let masked = "query($c: ID!) { node(id: $c) { ... on Cohort { enrollments { nodes { learner { view name nationalId ageBand targetGroup } } } } } }";
    let seen = app.data_as(&w.enterprise, masked, json!({ "c": c })).await;
    let summary = &seen["node"]["enrollments"]["nodes"][0]["learner"];
    assert_eq!(summary["view"], "SUMMARY");
    assert!(summary["name"].as_str().expect("masked").contains('*'));
    assert_eq!(summary["nationalId"], Value::Null);
    assert_eq!(summary["ageBand"], Value::Null);
    assert_eq!(summary["targetGroup"], Value::Null);
    let response = app.query_as(&w.enterprise, q, json!({ "c": c })).await;
    assert_eq!(
        first_code(&response),
        "FORBIDDEN",
        "no personal data for the enterprise"
    );
    let stranger = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("镇江技师学院").await),
    );
    assert_eq!(
        first_code(&app.query_as(&stranger, masked, json!({ "c": c })).await),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn cohorts_are_listed_across_alliances() {
    let app = TestApp::demo().await;
    let all = app
        .data("{ cohorts(first: 100) { totalCount nodes { status alliance { code } startOn } } }")
        .await;
    let nodes = all["cohorts"]["nodes"].as_array().expect("nodes");
    assert!(nodes.len() >= 9);
    let statuses: std::collections::BTreeSet<&str> = nodes
        .iter()
        .map(|n| n["status"].as_str().expect("s"))
        .collect();
    assert!(
        statuses.contains("RUNNING")
            && statuses.contains("PLANNED")
            && statuses.contains("FINISHED")
    );
    let starts: Vec<&str> = nodes
        .iter()
        .map(|n| n["startOn"].as_str().expect("d"))
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "by start date");
    let eyewear = app.data("{ cohorts(filter: {alliances: [\"zj-eyewear\"], statuses: [PLANNED]}) { totalCount nodes { alliance { code } status } } }").await;
    assert!(eyewear["cohorts"]["totalCount"].as_u64().expect("n") >= 2);
    assert!(
        eyewear["cohorts"]["nodes"]
            .as_array()
            .expect("n")
            .iter()
            .all(|n| n["alliance"]["code"] == "zj-eyewear" && n["status"] == "PLANNED")
    );
}

/// The ID number `world` registered learner `n` with.
fn world_id(n: usize) -> String {
    let first17 = format!("321181199501{:02}{:03}", 10 + n, 200 + n);
    let check =
        skillgraph::domain::kernel::personal::NationalId::check_char(&first17).expect("digits");
    format!("{first17}{check}")
}

const SCHEDULE: &str = "mutation($c: ID!, $d: [ClassDayInput!]!) { scheduleClassDays(input: {cohort: $c, days: $d}) { id day hours } }";
const ATTEND: &str = "mutation($d: ID!, $e: [ID!]!) { recordAttendance(input: {classDay: $d, enrollments: $e}) { attended } }";
const COMPLETE: &str =
    "mutation($e: ID!) { completeEnrollment(input: {enrollment: $e}) { status } }";
const RECORD: &str = "query($e: ID!) { node(id: $e) { ... on Enrollment { attendance { attended held share days onlineMinutes online { platform minutes } } } } }";

/// A RUNNING subsidised cohort planned from 14 days ago (as far back as the rules allow), with
/// `learners` of the world enrolled.
async fn running_cohort(app: &TestApp, w: &World, learners: usize) -> (Value, Vec<Value>) {
    let mut input = cohort_input(w, "ORDER_CLASS", 10, 4, true);
    input["i"]["startOn"] = json!((Utc::now().date_naive() - Days::new(14)).to_string());
    let c = app.data_as(&w.college, CREATE, input).await["createCohort"]["id"].clone();
    confirm(app, w, &c).await;
    let mut enrolments = Vec::new();
    for l in &w.learners[..learners] {
        let e = app
            .data_as(
                &w.college,
                ENROLL,
                json!({ "i": { "cohort": c, "learner": l } }),
            )
            .await;
        enrolments.push(e["enrollLearner"]["id"].clone());
    }
    app.data_as(&w.college, STEP, json!({ "c": c })).await;
    (c, enrolments)
}

fn days_ago(n: u64) -> String {
    (Utc::now().date_naive() - Days::new(n)).to_string()
}

#[tokio::test]
async fn completion_needs_the_attendance_share_and_a_subsidised_cohort_its_class_days() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let (c, e) = running_cohort(&app, &w, 2).await;
    let none = app
        .query_as(&w.college, COMPLETE, json!({ "e": e[0] }))
        .await;
    assert_eq!(
        none["errors"][0]["extensions"]["field"], "input.enrollment",
        "{none}"
    );
    assert!(none.to_string().contains("no class day"), "{none}");

    let day = |n: u64| json!({ "day": days_ago(n), "hours": 6, "topic": "验光实操" });
    let scheduled = app
        .data_as(
            &w.college,
            SCHEDULE,
            json!({ "c": c, "d": (6..=10).rev().map(day).collect::<Vec<_>>() }),
        )
        .await;
    let days: Vec<Value> = scheduled["scheduleClassDays"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| d["id"].clone())
        .collect();
    assert_eq!(days.len(), 5);
    // Refused, each naming what is wrong, and writing nothing.
    let again = app
        .query_as(
            &w.college,
            SCHEDULE,
            json!({ "c": c, "d": [day(11), day(8)] }),
        )
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
    let outside = app
        .query_as(&w.college, SCHEDULE, json!({ "c": c, "d": [day(30)] }))
        .await;
    assert_eq!(
        outside["errors"][0]["extensions"]["field"],
        "input.days[0].day"
    );
    let long = app
        .query_as(
            &w.college,
            SCHEDULE,
            json!({ "c": c, "d": [{ "day": days_ago(12), "hours": 13, "topic": "t" }] }),
        )
        .await;
    assert_eq!(
        long["errors"][0]["extensions"]["field"],
        "input.days[0].hours"
    );
    let institution = who::staff(
        Role::TrainingInstitution,
        TestApp::raw_id(&app.org_id("丹阳市视界眼镜技能培训中心").await),
    );
    let stranger = app
        .query_as(&institution, SCHEDULE, json!({ "c": c, "d": [day(12)] }))
        .await;
    assert_eq!(first_code(&stranger), "FORBIDDEN");
    let held = app
        .data_with(
            "query($c: ID!) { node(id: $c) { ... on Cohort { classDays { day } } } }",
            json!({ "c": c }),
        )
        .await;
    assert_eq!(
        held["node"]["classDays"].as_array().expect("days").len(),
        5,
        "the refused calls wrote nothing"
    );

    // Four of five days for the first learner, three for the second.
    for (i, d) in days.iter().enumerate() {
        let present: Vec<&Value> = e
            .iter()
            .enumerate()
            .filter(|(j, _)| i < 4 - j)
            .map(|(_, x)| x)
            .collect();
        if present.is_empty() {
            continue;
        }
        let r = app
            .data_as(&w.college, ATTEND, json!({ "d": d, "e": present }))
            .await;
        assert_eq!(r["recordAttendance"]["attended"], present.len());
    }
    let twice = app
        .data_as(&w.college, ATTEND, json!({ "d": days[0], "e": [e[0]] }))
        .await;
    assert_eq!(twice["recordAttendance"]["attended"], 1, "recorded once");
    let stranger = app
        .query_as(&institution, ATTEND, json!({ "d": days[0], "e": [e[0]] }))
        .await;
    assert_eq!(first_code(&stranger), "FORBIDDEN");
    let ahead = app.data_as(&w.college, SCHEDULE, json!({ "c": c, "d": [{ "day": (Utc::now().date_naive() + Days::new(3)).to_string(), "hours": 4, "topic": "t" }] })).await;
    let future = app
        .query_as(
            &w.college,
            ATTEND,
            json!({ "d": ahead["scheduleClassDays"][0]["id"], "e": [e[0]] }),
        )
        .await;
    assert_eq!(future["errors"][0]["extensions"]["field"], "input.classDay");
    let record = app.data_as(&w.college, RECORD, json!({ "e": e[1] })).await;
    assert_eq!(
        record["node"]["attendance"],
        json!({ "attended": 3, "held": 5, "share": 0.6, "days": [days_ago(10), days_ago(9), days_ago(8)], "onlineMinutes": 0, "online": [] })
    );

    // 60% is short of 80%; 80% completes.
    let short = app
        .query_as(&w.college, COMPLETE, json!({ "e": e[1] }))
        .await;
    assert!(
        short
            .to_string()
            .contains("attended 3 of 5 class days held; completion needs 80%"),
        "{short}"
    );
    let done = app
        .data_as(&w.college, COMPLETE, json!({ "e": e[0] }))
        .await;
    assert_eq!(done["completeEnrollment"]["status"], "COMPLETED");
    let after = app
        .query_as(&w.college, ATTEND, json!({ "d": days[4], "e": [e[0]] }))
        .await;
    assert_eq!(
        after["errors"][0]["extensions"]["field"], "input.enrollments[0]",
        "a completed learner attends no more"
    );
}

#[tokio::test]
async fn attendance_and_online_hours_import_by_real_name_and_refuse_bad_rows() {
    use base64::Engine;
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let (c, e) = running_cohort(&app, &w, 2).await;
    let day = |n: u64| json!({ "day": days_ago(n), "hours": 6, "topic": "验光实操" });
    app.data_as(
        &w.college,
        SCHEDULE,
        json!({ "c": c, "d": [day(9), day(8), day(7)] }),
    )
    .await;
    let import = |csv: String| json!({ "i": { "cohort": c, "format": "CSV", "contentBase64": base64::engine::general_purpose::STANDARD.encode(csv) } });
    const IMPORT: &str = "mutation($i: ImportTrainingRecordInput!) { importAttendance(input: $i) { rows recorded } }";
    let (d1, d2, d3) = (days_ago(9), days_ago(8), days_ago(7));
    let (id0, id1, stranger) = (world_id(0), world_id(1), world_id(5));
    let bad = format!(
        "日期,身份证号,姓名,签到时间\n{d1},{id0},学员0,08:55\n{d1},{id1},学员9,\n{d2},{stranger},学员5,\n{},{id0},学员0,\n{d1},{id0},学员0,\nyesterday,{id1},学员1,\n{d2},{id1},学员1,25:00\n",
        days_ago(1)
    );
    let refused = app.query_as(&w.college, IMPORT, import(bad)).await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["extensions"]["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        [
            "input.contentBase64.row[3]",
            "input.contentBase64.row[4]",
            "input.contentBase64.row[5]",
            "input.contentBase64.row[6]",
            "input.contentBase64.row[7]",
            "input.contentBase64.row[8]"
        ],
        "{refused}"
    );
    let text = refused.to_string();
    for why in [
        "name does not match",
        "no ENROLLED learner",
        "not a class day",
        "the same learner and day as row 2",
        "a date",
        "a time",
    ] {
        assert!(text.contains(why), "{why}: {text}");
    }
    let record = app.data_as(&w.college, RECORD, json!({ "e": e[0] })).await;
    assert_eq!(
        record["node"]["attendance"]["attended"], 0,
        "a bad file records nothing"
    );

    let good = format!(
        "date,nationalId,name,signedInAt\n{d1},{id0},学员0,08:55\n{d2},{id0},学员0,\n{d1},{id1},学员1,09:01\n"
    );
    let done = app.data_as(&w.college, IMPORT, import(good.clone())).await;
    assert_eq!(
        done["importAttendance"],
        json!({ "rows": 3, "recorded": 3 })
    );
    let again = app.data_as(&w.college, IMPORT, import(good)).await;
    assert_eq!(
        again["importAttendance"],
        json!({ "rows": 3, "recorded": 0 }),
        "imported twice, recorded once"
    );
    let record = app.data_as(&w.college, RECORD, json!({ "e": e[0] })).await;
    assert_eq!(record["node"]["attendance"]["attended"], 2);
    assert_eq!(record["node"]["attendance"]["held"], 3);
    let institution = who::staff(
        Role::TrainingInstitution,
        TestApp::raw_id(&app.org_id("丹阳市视界眼镜技能培训中心").await),
    );
    let stranger = app
        .query_as(
            &institution,
            IMPORT,
            import(format!("日期,身份证号,姓名\n{d3},{id0},学员0\n")),
        )
        .await;
    assert_eq!(first_code(&stranger), "FORBIDDEN");

    const ONLINE: &str =
        "mutation($i: ImportOnlineHoursInput!) { importOnlineHours(input: $i) { rows } }";
    let online = |csv: String| json!({ "i": { "cohort": c, "platform": "江苏职业培训在线", "format": "CSV", "contentBase64": base64::engine::general_purpose::STANDARD.encode(csv) } });
    let zero = app
        .query_as(
            &w.college,
            ONLINE,
            online(format!("日期,身份证号,姓名,分钟\n{d1},{id0},学员0,0\n")),
        )
        .await;
    assert_eq!(
        zero["errors"][0]["extensions"]["field"],
        "input.contentBase64.row[2]"
    );
    app.data_as(
        &w.college,
        ONLINE,
        online(format!(
            "日期,身份证号,姓名,分钟\n{d1},{id0},学员0,90\n{d2},{id0},学员0,30\n"
        )),
    )
    .await;
    app.data_as(
        &w.college,
        ONLINE,
        online(format!("日期,身份证号,姓名,分钟\n{d1},{id0},学员0,60\n")),
    )
    .await;
    let record = app.data_as(&w.college, RECORD, json!({ "e": e[0] })).await;
    assert_eq!(
        record["node"]["attendance"]["onlineMinutes"], 90,
        "a day imported again takes the new figure"
    );
}

#[tokio::test]
async fn a_claim_needs_the_evidence_its_catalogue_item_asks() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let (c, e) = running_cohort(&app, &w, 1).await;
    // The cohort really began on its planned first day, 14 days ago (written as history: the
    // API records the day of startCohort), and held ten class days of ten hours: the minimum
    // of 10 days and 100 hours for level 4.
    let id = TestApp::raw_id(&c);
    entity::cohort::Entity::update_many()
        .col_expr(
            entity::cohort::Column::StartedOn,
            Expr::value(Utc::now().date_naive() - Days::new(14)),
        )
        .filter(entity::cohort::Column::Id.eq(id))
        .exec(&app.db.db)
        .await
        .expect("history");
    let days: Vec<Value> = (1..=10)
        .map(|n| json!({ "day": days_ago(n), "hours": 10, "topic": "验光实操" }))
        .collect();
    let days = app
        .data_as(&w.college, SCHEDULE, json!({ "c": c, "d": days }))
        .await;
    for d in days["scheduleClassDays"].as_array().expect("days") {
        app.data_as(&w.college, ATTEND, json!({ "d": d["id"], "e": [e[0]] }))
            .await;
    }
    app.data_as(&w.college, COMPLETE, json!({ "e": e[0] }))
        .await;
    app.data_as(
        &w.college,
        "mutation($c: ID!) { finishCohort(input: {cohort: $c}) { status } }",
        json!({ "c": c }),
    )
    .await;
    let dates = app
        .data_with(
            "query($c: ID!) { node(id: $c) { ... on Cohort { startOn endOn startedOn finishedOn } } }",
            json!({ "c": c }),
        )
        .await;
    let date = |k: &str| -> chrono::NaiveDate {
        dates["node"][k]
            .as_str()
            .expect("date")
            .parse()
            .expect("date")
    };
    assert_eq!(date("finishedOn"), Utc::now().date_naive());
    // The catalogue of the year the cohort really finished.
    let year: i32 = chrono::Datelike::year(&date("finishedOn"));
    let regulator = who::regulator(app.region_row("321100").await);
    const ITEM: &str = "mutation($y: Int!, $e: ClaimEvidence) { upsertCatalogueItem(input: {occupation: \"4-14-03-03\", level: LEVEL_4, category: SKILL_LEVEL_CERTIFICATE, subsidyFen: 123456, scarce: false, year: $y, evidence: $e}) { subsidyFen evidence } }";
    let item = app
        .data_as(&regulator, ITEM, json!({ "y": year, "e": null }))
        .await;
    assert_eq!(
        item["upsertCatalogueItem"],
        json!({ "subsidyFen": 123456, "evidence": "CERTIFICATE" })
    );
    const SUBMIT: &str = "mutation($c: ID!) { submitSubsidyClaim(input: {cohort: $c}) { claimedFen lines { amountFen evidence } } }";
    let refused = app.query_as(&w.college, SUBMIT, json!({ "c": c })).await;
    assert!(
        refused.to_string().contains("no valid certificate"),
        "{refused}"
    );
    app.data_as(&regulator, ITEM, json!({ "y": year, "e": "COMPLETION" }))
        .await;
    let claimed = app.data_as(&w.college, SUBMIT, json!({ "c": c })).await;
    // Finished before its planned end: the item pro rata, for the 15 of its planned days it ran.
    let planned = (date("endOn") - date("startOn")).num_days() + 1;
    let ran = (date("finishedOn") - date("startedOn")).num_days() + 1;
    assert_eq!(ran, 15);
    let fen = 123456 * ran / planned;
    assert_eq!(
        claimed["submitSubsidyClaim"],
        json!({ "claimedFen": fen, "lines": [{ "amountFen": fen, "evidence": "COMPLETION" }] })
    );
}
