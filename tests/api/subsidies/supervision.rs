//! Supervision of subsidy claims (issue 23): the demo's claims at every status added up by
//! provider, alliance and quarter against hand-computed figures, who may supervise, and each
//! flag on constructed cases (and not on the honest ones beside them).

use chrono::{Datelike, Days, Utc};
use entity::{
    ClaimStatus, EnrollmentStatus, attendance, claim_line, class_day, cohort, enrollment,
    follow_up, subsidy_claim,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use skillgraph::{auth::Role, graphql::ids::NodeKey};

use crate::helpers::{TestApp, first_code, who};

const SUMMARY: &str = "query($r: String, $f: SubsidySupervisionFilter) { subsidySupervision(region: $r, filter: $f) { region { code } rows { provider { name } alliance { code } year quarter claims claimedFen byStatus { status lines amountFen amountYuan } } totals { status lines amountFen } } }";
const FLAGS: &str = "query($k: [SupervisionFlagKind!]) { subsidySupervision { flags(kinds: $k) { kind claimId cohort { id } line { id } learner { id view } day otherCohort { id } detail } } }";

async fn zhenjiang(app: &TestApp) -> skillgraph::auth::Caller {
    who::regulator(app.region_row("321100").await)
}

fn this_quarter() -> (i32, u32) {
    let local = Utc::now() + chrono::Duration::hours(8);
    (local.year(), (local.month() - 1) / 3 + 1)
}

#[tokio::test]
async fn claims_add_up_by_provider_alliance_and_quarter_for_the_regulator_only() {
    let app = TestApp::demo().await;
    let regulator = zhenjiang(&app).await;
    let statuses: Vec<ClaimStatus> = subsidy_claim::Entity::find()
        .order_by_asc(subsidy_claim::Column::Id)
        .all(&app.db.db)
        .await
        .expect("claims")
        .into_iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(
        statuses,
        [
            ClaimStatus::Pending,
            ClaimStatus::Decided,
            ClaimStatus::Settled
        ],
        "the demo has a claim at every status"
    );
    let data = app.data_as(&regulator, SUMMARY, json!({})).await;
    let view = &data["subsidySupervision"];
    assert_eq!(view["region"]["code"], "321100");
    let rows = view["rows"].as_array().expect("rows");
    // One provider claimed three times for cohorts of one alliance, all this quarter.
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (year, quarter) = this_quarter();
    assert_eq!(rows[0]["year"], year);
    assert_eq!(rows[0]["quarter"], quarter);
    assert_eq!(rows[0]["claims"], 3);
    // By hand: the PENDING claim has 3 lines of 2,160 CNY (1 paid, 2 pending); the DECIDED one
    // 3 lines of 1,200 CNY (2 approved, 1 rejected); the SETTLED one 3 paid lines of 1,200 CNY.
    assert_eq!(
        rows[0]["byStatus"],
        json!([
            { "status": "PENDING", "lines": 2, "amountFen": 432_000, "amountYuan": "4320.00" },
            { "status": "APPROVED", "lines": 2, "amountFen": 240_000, "amountYuan": "2400.00" },
            { "status": "REJECTED", "lines": 1, "amountFen": 120_000, "amountYuan": "1200.00" },
            { "status": "PAID", "lines": 4, "amountFen": 576_000, "amountYuan": "5760.00" },
        ])
    );
    assert_eq!(rows[0]["claimedFen"], 1_368_000);
    assert_eq!(
        view["totals"],
        json!([
            { "status": "PENDING", "lines": 2, "amountFen": 432_000 },
            { "status": "APPROVED", "lines": 2, "amountFen": 240_000 },
            { "status": "REJECTED", "lines": 1, "amountFen": 120_000 },
            { "status": "PAID", "lines": 4, "amountFen": 576_000 },
        ])
    );
    // The figures agree with the claims' own.
    let claims = app
        .data_as(
            &regulator,
            "{ subsidyClaims { nodes { claimedFen paidFen } } }",
            json!({}),
        )
        .await;
    let nodes = claims["subsidyClaims"]["nodes"].as_array().expect("nodes");
    let claimed: i64 = nodes
        .iter()
        .map(|n| n["claimedFen"].as_i64().expect("fen"))
        .sum();
    let paid: i64 = nodes
        .iter()
        .map(|n| n["paidFen"].as_i64().expect("fen"))
        .sum();
    assert_eq!((claimed, paid), (1_368_000, 576_000));

    // Narrowed: this quarter holds them, another quarter or alliance none.
    let narrowed = |f: Value| {
        let app = &app;
        let regulator = &regulator;
        async move {
            app.data_as(regulator, SUMMARY, json!({ "f": f })).await["subsidySupervision"]["rows"]
                .as_array()
                .expect("rows")
                .len()
        }
    };
    assert_eq!(
        narrowed(json!({ "year": year, "quarter": quarter })).await,
        1
    );
    assert_eq!(
        narrowed(json!({ "year": year, "quarter": quarter % 4 + 1 })).await,
        0
    );
    assert_eq!(narrowed(json!({ "alliance": "zj-digital" })).await, 0);
    let provider = app.org_id("丹阳中等专业学校").await;
    assert_eq!(narrowed(json!({ "provider": provider })).await, 0);
    let bad = app
        .query_as(&regulator, SUMMARY, json!({ "f": { "quarter": 2 } }))
        .await;
    assert_eq!(first_code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "filter.quarter");

    // Who may not: another region's regulator naming this region, a provider, no token; a
    // system administrator names the region.
    let huaian = who::regulator(app.region_row("320800").await);
    assert_eq!(
        first_code(
            &app.query_as(&huaian, SUMMARY, json!({ "r": "321100" }))
                .await
        ),
        "FORBIDDEN"
    );
    let theirs = app.data_as(&huaian, SUMMARY, json!({})).await;
    assert_eq!(theirs["subsidySupervision"]["rows"], json!([]));
    let college = who::staff(Role::College, TestApp::raw_id(&provider));
    assert_eq!(
        first_code(&app.query_as(&college, SUMMARY, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(&skillgraph::auth::Caller::public(), SUMMARY, json!({}))
                .await
        ),
        "UNAUTHENTICATED"
    );
    let admin = who::system_admin();
    assert_eq!(
        first_code(&app.query_as(&admin, SUMMARY, json!({})).await),
        "BAD_USER_INPUT"
    );
    let named = app.data_as(&admin, SUMMARY, json!({ "r": "321100" })).await;
    assert_eq!(
        named["subsidySupervision"]["rows"],
        data["subsidySupervision"]["rows"]
    );
}

/// The demo's claims by status, and the lines of each.
async fn claims_and_lines(app: &TestApp) -> Vec<(subsidy_claim::Model, Vec<claim_line::Model>)> {
    let db = &app.db.db;
    let mut out = Vec::new();
    for c in subsidy_claim::Entity::find()
        .order_by_asc(subsidy_claim::Column::Id)
        .all(db)
        .await
        .expect("claims")
    {
        let lines = claim_line::Entity::find()
            .filter(claim_line::Column::ClaimId.eq(c.id))
            .order_by_asc(claim_line::Column::Id)
            .all(db)
            .await
            .expect("lines");
        out.push((c, lines));
    }
    out
}

fn gid(key: NodeKey) -> Value {
    json!(key.to_id())
}

#[tokio::test]
async fn flags_point_at_copied_attendance_two_places_on_one_day_and_jobs_elsewhere() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let regulator = zhenjiang(&app).await;
    let claims = claims_and_lines(&app).await;
    let (pending, pending_lines) = &claims[0];
    let (decided, decided_lines) = &claims[1];
    let (settled, settled_lines) = &claims[2];
    let flags = |kinds: Value| {
        let app = &app;
        let regulator = &regulator;
        async move {
            app.data_as(regulator, FLAGS, json!({ "k": kinds })).await["subsidySupervision"]
                ["flags"]
                .as_array()
                .expect("flags")
                .clone()
        }
    };

    // 1. Identical attendance: the SETTLED claim's three learners attended every day alike;
    //    in the other two claims somebody missed days, so they are not flagged.
    let identical = flags(json!(["IDENTICAL_ATTENDANCE"])).await;
    assert_eq!(identical.len(), 1, "{identical:?}");
    assert_eq!(
        identical[0]["claimId"],
        gid(NodeKey::SubsidyClaim(settled.id))
    );
    assert_eq!(
        identical[0]["cohort"]["id"],
        gid(NodeKey::Cohort(settled.cohort_id))
    );
    assert_eq!(identical[0]["line"], Value::Null);
    assert_eq!(identical[0]["learner"], Value::Null);
    assert!(
        identical[0]["detail"]
            .as_str()
            .expect("detail")
            .contains("all 3 learners"),
        "{identical:?}"
    );
    // Where the record has sign-in times, a different minute makes a different pattern.
    let one = attendance::Entity::find()
        .filter(attendance::Column::EnrollmentId.eq(settled_lines[0].enrollment_id))
        .one(db)
        .await
        .expect("q")
        .expect("an attendance row");
    let mut signed: attendance::ActiveModel = one.into();
    signed.signed_in_at = Set(Some(Utc::now()));
    signed.update(db).await.expect("signed in");
    assert_eq!(
        flags(json!(["IDENTICAL_ATTENDANCE"])).await,
        Vec::<Value>::new()
    );

    // 2. Two places on one day. The demo's provider trains the same learners in the cohorts of
    //    each of its alliances at once, so the PENDING claim's learners are flagged already: one
    //    flag per learner and other cohort, every clash counted.
    let before = flags(json!(["TWO_PLACES_ONE_DAY"])).await;
    assert!(
        before
            .iter()
            .all(|f| f["claimId"] == gid(NodeKey::SubsidyClaim(pending.id))),
        "{before:?}"
    );
    let mut pairs: Vec<(Value, Value)> = before
        .iter()
        .map(|f| (f["line"]["id"].clone(), f["otherCohort"]["id"].clone()))
        .collect();
    let n = pairs.len();
    pairs.sort_by_key(|p| p.0.to_string() + &p.1.to_string());
    pairs.dedup();
    assert_eq!(pairs.len(), n, "one flag per line and other cohort");
    // A constructed case: a learner of the claim recorded at another provider on a day they
    // attended the claimed cohort.
    let line = &pending_lines[1];
    let attended = attendance::Entity::find()
        .filter(attendance::Column::EnrollmentId.eq(line.enrollment_id))
        .order_by_asc(attendance::Column::Day)
        .one(db)
        .await
        .expect("q")
        .expect("attended");
    let claimed_cohort = cohort::Entity::find_by_id(pending.cohort_id)
        .one(db)
        .await
        .expect("q")
        .expect("cohort");
    let elsewhere = cohort::Entity::find()
        .filter(cohort::Column::Id.ne(claimed_cohort.id))
        .filter(cohort::Column::ProviderId.ne(claimed_cohort.provider_id))
        .one(db)
        .await
        .expect("q")
        .expect("another provider's cohort");
    let day = class_day::Entity::insert(class_day::ActiveModel {
        cohort_id: Set(elsewhere.id),
        day: Set(attended.day),
        hours: Set(6),
        topic: Set("另一处的课".to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            class_day::Column::CohortId,
            class_day::Column::Day,
        ])
        .update_column(class_day::Column::Topic)
        .to_owned(),
    )
    .exec_with_returning(db)
    .await
    .expect("a class day elsewhere");
    let there = enrollment::Entity::insert(enrollment::ActiveModel {
        cohort_id: Set(elsewhere.id),
        learner_id: Set(line.learner_id),
        status: Set(EnrollmentStatus::Enrolled),
        contract_start: Set(None),
        contract_end: Set(None),
        enrolled_at: Set(Utc::now()),
        ended_at: Set(None),
        end_reason: Set(None),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("an enrolment elsewhere");
    attendance::Entity::insert(attendance::ActiveModel {
        class_day_id: Set(day.id),
        enrollment_id: Set(there.id),
        learner_id: Set(line.learner_id),
        day: Set(attended.day),
        signed_in_at: Set(None),
        source: Set(entity::AttendanceSource::Recorded),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await
    .expect("attended elsewhere");
    let after = flags(json!(["TWO_PLACES_ONE_DAY"])).await;
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    let two: Vec<&Value> = after
        .iter()
        .filter(|f| f["otherCohort"]["id"] == gid(NodeKey::Cohort(elsewhere.id)))
        .collect();
    assert_eq!(two.len(), 1, "{two:?}");
    assert!(
        two[0]["detail"]
            .as_str()
            .expect("detail")
            .contains("on 1 of the days"),
        "{two:?}"
    );
    assert_eq!(two[0]["claimId"], gid(NodeKey::SubsidyClaim(pending.id)));
    assert_eq!(two[0]["line"]["id"], gid(NodeKey::ClaimLine(line.id)));
    assert_eq!(two[0]["day"], attended.day.to_string());
    assert_eq!(
        two[0]["otherCohort"]["id"],
        gid(NodeKey::Cohort(elsewhere.id))
    );
    // The learner as the policy shows them to this regulator, exactly as their node does.
    let learner = gid(NodeKey::Learner(line.learner_id));
    let node = app
        .data_as(
            &regulator,
            "query($l: ID!) { node(id: $l) { ... on Learner { id view } } }",
            json!({ "l": learner }),
        )
        .await;
    assert_eq!(two[0]["learner"], node["node"]);

    // 3. Employed full-time elsewhere during the training: a follow-up of the learner's other
    //    training, inside the DECIDED cohort's dates, by an employer that is not the cohort's.
    //    The demo's completers were followed up employed full-time (by an employer that is
    //    not the later cohorts') and then trained again, so the demo is flagged already; the
    //    constructed cases add to that.
    let employed_before = flags(json!(["EMPLOYED_ELSEWHERE"])).await;
    let worker = &decided_lines[0];
    let decided_cohort = cohort::Entity::find_by_id(decided.cohort_id)
        .one(db)
        .await
        .expect("q")
        .expect("cohort");
    let other_training = enrollment::Entity::find()
        .filter(enrollment::Column::LearnerId.eq(worker.learner_id))
        .filter(enrollment::Column::Id.ne(worker.enrollment_id))
        .one(db)
        .await
        .expect("q")
        .expect("the learner's other training");
    let job = |month: i16, on: chrono::NaiveDate, full_time: Option<bool>| follow_up::ActiveModel {
        enrollment_id: Set(other_training.id),
        learner_id: Set(worker.learner_id),
        month: Set(month),
        contacted_on: Set(on),
        employed: Set(true),
        employer_id: Set(None),
        employer_name: Set(Some("外地某物流公司".to_owned())),
        occupation_match: Set(false),
        wage_band: Set(None),
        full_time: Set(full_time),
        note: Set(String::new()),
        recorded_by_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let during = decided_cohort.start_on + Days::new(10);
    for honest in [
        // Part-time during the training, and full-time only after it: nothing to flag.
        job(2, during, Some(false)),
        job(4, decided_cohort.end_on + Days::new(5), Some(true)),
    ] {
        follow_up::Entity::insert(honest)
            .exec(db)
            .await
            .expect("a follow-up");
    }
    assert_eq!(flags(json!(["EMPLOYED_ELSEWHERE"])).await, employed_before);
    follow_up::Entity::insert(job(5, during, Some(true)))
        .exec(db)
        .await
        .expect("a follow-up");
    let employed: Vec<Value> = flags(json!(["EMPLOYED_ELSEWHERE"]))
        .await
        .into_iter()
        .filter(|f| !employed_before.contains(f))
        .collect();
    assert_eq!(employed.len(), 1, "{employed:?}");
    assert_eq!(
        employed[0]["claimId"],
        gid(NodeKey::SubsidyClaim(decided.id))
    );
    assert_eq!(
        employed[0]["line"]["id"],
        gid(NodeKey::ClaimLine(worker.id))
    );
    assert_eq!(employed[0]["day"], during.to_string());
    assert!(
        !employed[0]["detail"]
            .as_str()
            .expect("detail")
            .contains("外地某物流公司"),
        "the flag names no employer"
    );

    // Every kind at once, and the limits of a request.
    let all = flags(Value::Null).await;
    assert_eq!(
        all.len(),
        after.len() + employed_before.len() + 1,
        "{all:?}"
    );
    let too_many = app
        .query_as(
            &regulator,
            "{ subsidySupervision { flags(first: 201) { kind } } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&too_many), "BAD_USER_INPUT", "{too_many}");
}
