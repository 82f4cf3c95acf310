//! The employment service: recommendations and who moves them, the matching rule, HIRED filling a
//! demand (concurrently too), the backlog, follow-ups and their due days, placement rates against
//! hand-computed figures, the catalogue review, the skills balance and job suggestions.

use chrono::{Months, NaiveDate, NaiveTime, Utc};
use entity::{
    CohortKind, CohortStatus, EnrollmentStatus, SkillLevel, audit_event, catalogue_item, cohort,
    enrollment, learner,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use skillgraph::{
    auth::{Caller, Role},
    graphql::ids::NodeKey,
};

use crate::helpers::{TestApp, first_code, who};

struct People {
    regulator: Caller,
    enterprise: Caller,
    enterprise_id: Value,
    college: Caller,
    institution: Caller,
    eyewear_admin: Caller,
}

async fn people(app: &TestApp) -> People {
    let enterprise_id = app.org_id("丹阳明视眼镜有限公司").await;
    People {
        regulator: who::regulator(app.region_row("321100").await),
        enterprise: who::staff(Role::Enterprise, TestApp::raw_id(&enterprise_id)),
        enterprise_id,
        college: who::staff(
            Role::College,
            TestApp::raw_id(&app.org_id("丹阳中等专业学校").await),
        ),
        institution: who::staff(
            Role::TrainingInstitution,
            TestApp::raw_id(&app.org_id("丹阳市视界眼镜技能培训中心").await),
        ),
        eyewear_admin: who::alliance_admin(&[app.alliance_row("zj-eyewear").await]),
    }
}

fn learner_caller(id: &Value) -> Caller {
    who::learner(TestApp::raw_id(id))
}

/// The learners who completed the demo's past eyewear cohort (trained for 4-14-03-03 at LEVEL_4),
/// with their enrolments and completion days.
async fn eyewear_completers(app: &TestApp, p: &People) -> Vec<(Value, Value, NaiveDate)> {
    let data = app
        .data_as(
            &p.regulator,
            "{ cohorts(filter: {alliances: [\"zj-eyewear\"], statuses: [FINISHED]}, first: 10) { nodes { occupation { code } targetLevel enrollments(first: 100) { nodes { id status endedAt learner { id } } } } } }",
            json!({}),
        )
        .await;
    let cohort = &data["cohorts"]["nodes"][0];
    assert_eq!(cohort["occupation"]["code"], "4-14-03-03");
    assert_eq!(cohort["targetLevel"], "LEVEL_4");
    cohort["enrollments"]["nodes"]
        .as_array()
        .expect("enrollments")
        .iter()
        .map(|e| {
            assert_eq!(e["status"], "COMPLETED");
            let day: NaiveDate = e["endedAt"].as_str().expect("endedAt")[..10]
                .parse()
                .expect("a day");
            (e["learner"]["id"].clone(), e["id"].clone(), day)
        })
        .collect()
}

async fn open_demand(
    app: &TestApp,
    p: &People,
    occupation: &str,
    level: &str,
    headcount: i32,
) -> Value {
    let created = app
        .data_as(
            &p.enterprise,
            &format!(
                "mutation {{ createDemand(input: {{demand: {{alliances: [\"zj-eyewear\"], occupation: \"{occupation}\", level: {level}, kind: JOB, headcount: {headcount}, wageMin: 5000, wageMax: 7000, region: \"321100\", address: \"丹阳市开发区\", validUntil: \"2099-12-31\"}}}}) {{ id }} }}"
            ),
            json!({}),
        )
        .await;
    let id = created["createDemand"]["id"].clone();
    app.data_as(
        &p.enterprise,
        "mutation($d: ID!) { openDemand(input: {id: $d}) { status } }",
        json!({ "d": id }),
    )
    .await;
    id
}

const RECOMMEND: &str =
    "mutation($l: ID!, $d: ID!) { recommendJob(input: {learner: $l, demand: $d}) { id outcome } }";
const RESPOND: &str = "mutation($r: ID!, $o: RecommendationOutcome!, $why: String) { respondToRecommendation(input: {recommendation: $r, outcome: $o, reason: $why}) { id outcome declineReason declinedBy } }";
const EMPLOYER: &str = "mutation($r: ID!, $o: RecommendationOutcome!, $why: String) { recordRecommendationOutcome(input: {recommendation: $r, outcome: $o, reason: $why}) { id outcome declineReason declinedBy } }";

fn field(response: &Value) -> &str {
    response["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn recommendations_move_only_by_their_rules_and_their_people() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    let (learner, _, _) = &completers[7];
    let other_learner = learner_caller(&completers[6].0);
    let me = learner_caller(learner);
    let demand = open_demand(&app, &p, "4-14-03-03", "LEVEL_5", 3).await;
    let rec = app
        .data_as(&p.college, RECOMMEND, json!({ "l": learner, "d": demand }))
        .await["recommendJob"]
        .clone();
    assert_eq!(rec["outcome"], "SENT");
    let r = rec["id"].clone();

    // The employer cannot skip ahead, nor move the learner's steps; the learner not the employer's.
    let skip = app
        .query_as(
            &p.enterprise,
            EMPLOYER,
            json!({ "r": r, "o": "INTERVIEWED" }),
        )
        .await;
    assert_eq!(first_code(&skip), "BAD_USER_INPUT");
    assert_eq!(field(&skip), "input.outcome");
    let wrong_party = app
        .query_as(&p.enterprise, EMPLOYER, json!({ "r": r, "o": "VIEWED" }))
        .await;
    assert_eq!(field(&wrong_party), "input.outcome");
    let hire_self = app
        .query_as(&me, RESPOND, json!({ "r": r, "o": "HIRED" }))
        .await;
    assert_eq!(field(&hire_self), "input.outcome");
    // Nobody else answers for the learner, nor for the employer.
    assert_eq!(
        first_code(
            &app.query_as(&other_learner, RESPOND, json!({ "r": r, "o": "VIEWED" }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(&p.college, EMPLOYER, json!({ "r": r, "o": "INTERVIEWED" }))
                .await
        ),
        "FORBIDDEN"
    );
    let wantong = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳市万通镜片有限公司").await),
    );
    assert_eq!(
        first_code(
            &app.query_as(
                &wantong,
                EMPLOYER,
                json!({ "r": r, "o": "DECLINED", "why": "x" })
            )
            .await
        ),
        "FORBIDDEN"
    );

    // The ladder, step by step.
    let viewed = app
        .data_as(&me, RESPOND, json!({ "r": r, "o": "VIEWED" }))
        .await;
    assert_eq!(viewed["respondToRecommendation"]["outcome"], "VIEWED");
    let again = app
        .query_as(&me, RESPOND, json!({ "r": r, "o": "VIEWED" }))
        .await;
    assert_eq!(field(&again), "input.outcome");
    app.data_as(&me, RESPOND, json!({ "r": r, "o": "APPLIED" }))
        .await;
    app.data_as(
        &p.enterprise,
        EMPLOYER,
        json!({ "r": r, "o": "INTERVIEWED" }),
    )
    .await;
    let hired = app
        .data_as(&p.enterprise, EMPLOYER, json!({ "r": r, "o": "HIRED" }))
        .await;
    assert_eq!(hired["recordRecommendationOutcome"]["outcome"], "HIRED");
    // Closed now: not even a decline.
    let late = app
        .query_as(
            &me,
            RESPOND,
            json!({ "r": r, "o": "DECLINED", "why": "太远" }),
        )
        .await;
    assert_eq!(field(&late), "input.outcome");
    let d = app
        .data_with(
            "query($d: ID!) { node(id: $d) { ... on Demand { hired headcount status } } }",
            json!({ "d": demand }),
        )
        .await;
    assert_eq!(d["node"]["hired"], 1);
    assert_eq!(d["node"]["status"], "OPEN");

    // Declining needs a reason and records who declined.
    let second = app
        .data_as(
            &p.regulator,
            RECOMMEND,
            json!({ "l": completers[6].0, "d": demand }),
        )
        .await["recommendJob"]["id"]
        .clone();
    let silent = app
        .query_as(
            &other_learner,
            RESPOND,
            json!({ "r": second, "o": "DECLINED" }),
        )
        .await;
    assert_eq!(field(&silent), "input.reason");
    let declined = app
        .data_as(
            &other_learner,
            RESPOND,
            json!({ "r": second, "o": "DECLINED", "why": "通勤太远" }),
        )
        .await;
    assert_eq!(
        declined["respondToRecommendation"],
        json!({ "id": second, "outcome": "DECLINED", "declineReason": "通勤太远", "declinedBy": "LEARNER" })
    );
    // Every step is in the audit trail, in order.
    let actions: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::TargetId.eq(r.as_str().expect("id")))
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "recommendJob",
            "respondToRecommendation",
            "respondToRecommendation",
            "recordRecommendationOutcome",
            "recordRecommendationOutcome",
        ]
    );
}

#[tokio::test]
async fn a_recommendation_must_match_the_learners_certificate_or_training() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    let learner = &completers[7].0;
    // Lens fitting is in the optometrist's major group (4-14), at a lower level: a match.
    let group_lower = open_demand(&app, &p, "4-14-03-04", "LEVEL_5", 2).await;
    // The trained occupation, but above the trained level: no match.
    let too_high = open_demand(&app, &p, "4-14-03-03", "LEVEL_3", 2).await;
    // Welding is another major group: no match.
    let elsewhere = open_demand(&app, &p, "6-18-02-04", "LEVEL_5", 2).await;
    let draft = app
        .data_as(
            &p.enterprise,
            "mutation { createDemand(input: {demand: {alliances: [\"zj-eyewear\"], occupation: \"4-14-03-03\", level: LEVEL_5, kind: JOB, headcount: 2, wageMin: 5000, wageMax: 7000, region: \"321100\", address: \"丹阳市\", validUntil: \"2099-12-31\"}}) { id } }",
            json!({}),
        )
        .await["createDemand"]["id"]
        .clone();
    for (demand, why) in [
        (&too_high, "matches no certificate or completed training"),
        (&elsewhere, "matches no certificate or completed training"),
        (&draft, "only an OPEN demand"),
    ] {
        let refused = app
            .query_as(
                &p.regulator,
                RECOMMEND,
                json!({ "l": learner, "d": demand }),
            )
            .await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused:#}");
        assert_eq!(field(&refused), "input.demand");
        assert!(
            refused["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains(why),
            "{refused:#}"
        );
    }
    // A learner with neither certificate nor completed training matches nothing.
    let untrained = learner::Entity::find()
        .filter(
            learner::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(enrollment::Column::LearnerId)
                    .from(enrollment::Entity)
                    .to_owned(),
            ),
        )
        .filter(
            learner::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(entity::certificate::Column::LearnerId)
                    .from(entity::certificate::Entity)
                    .to_owned(),
            ),
        )
        .filter(learner::Column::RegionId.eq(app.region_row("321100").await))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("an untrained learner in Zhenjiang");
    let refused = app
        .query_as(
            &p.regulator,
            RECOMMEND,
            json!({ "l": NodeKey::Learner(untrained.id).to_id(), "d": group_lower }),
        )
        .await;
    assert_eq!(field(&refused), "input.demand");

    let ok = app
        .data_as(
            &p.regulator,
            RECOMMEND,
            json!({ "l": learner, "d": group_lower }),
        )
        .await;
    assert_eq!(ok["recommendJob"]["outcome"], "SENT");
    let twice = app
        .query_as(
            &p.eyewear_admin,
            RECOMMEND,
            json!({ "l": learner, "d": group_lower }),
        )
        .await;
    assert_eq!(first_code(&twice), "CONFLICT");
    // A provider recommends only learners it registered or trains.
    let other = app
        .query_as(
            &p.institution,
            RECOMMEND,
            json!({ "l": learner, "d": too_high }),
        )
        .await;
    assert_eq!(first_code(&other), "FORBIDDEN");
}

#[tokio::test]
async fn hired_fills_the_demand_and_the_last_place_goes_once() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    let demand = open_demand(&app, &p, "4-14-03-03", "LEVEL_4", 2).await;
    let mut interviewed = Vec::new();
    for (learner, _, _) in completers.iter().take(4) {
        let r = app
            .data_as(&p.college, RECOMMEND, json!({ "l": learner, "d": demand }))
            .await["recommendJob"]["id"]
            .clone();
        app.data_as(
            &learner_caller(learner),
            RESPOND,
            json!({ "r": r, "o": "APPLIED" }),
        )
        .await;
        app.data_as(
            &p.enterprise,
            EMPLOYER,
            json!({ "r": r, "o": "INTERVIEWED" }),
        )
        .await;
        interviewed.push(r);
    }
    let app = std::sync::Arc::new(app);
    let handles: Vec<_> = interviewed
        .iter()
        .cloned()
        .map(|r| {
            let app = app.clone();
            let who = p.enterprise.clone();
            tokio::spawn(async move {
                app.query_as(&who, EMPLOYER, json!({ "r": r, "o": "HIRED" }))
                    .await
            })
        })
        .collect();
    let mut hired = 0;
    let mut conflicts = 0;
    for h in handles {
        let response = h.await.expect("task");
        if response.get("errors").is_none() {
            hired += 1;
        } else {
            assert_eq!(first_code(&response), "CONFLICT", "{response:#}");
            conflicts += 1;
        }
    }
    assert_eq!((hired, conflicts), (2, 2), "two places, four hires");
    let d = app
        .data_as(
            &p.enterprise,
            "query($d: ID!) { node(id: $d) { ... on Demand { hired status recommendations { outcome } } } }",
            json!({ "d": demand }),
        )
        .await;
    assert_eq!(d["node"]["hired"], 2);
    assert_eq!(d["node"]["status"], "FILLED");
    let outcomes: Vec<&str> = d["node"]["recommendations"]
        .as_array()
        .expect("recs")
        .iter()
        .map(|r| r["outcome"].as_str().expect("o"))
        .collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "HIRED").count(), 2);
    assert_eq!(
        outcomes.iter().filter(|o| **o == "INTERVIEWED").count(),
        2,
        "the refused hires changed nothing"
    );
    let filled = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("markDemandFilled"))
        .filter(audit_event::Column::TargetId.eq(demand.as_str().expect("id")))
        .count(&app.db.db)
        .await
        .expect("audit");
    assert_eq!(filled, 1);
    // FILLED demand is no longer recommended.
    let late = app
        .query_as(
            &p.regulator,
            RECOMMEND,
            json!({ "l": completers[5].0, "d": demand }),
        )
        .await;
    assert_eq!(field(&late), "input.demand");
}

#[tokio::test]
async fn the_backlog_lists_learners_short_of_three_recommendations_oldest_first() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    const BACKLOG: &str = "query($f: RecommendationBacklogFilter) { recommendationBacklog(filter: $f, first: 100) { totalCount nodes { learner { id } qualifiedOn recommendationCount missing dueOn overdue } } }";
    let listed = |data: &Value| -> Vec<Value> {
        data["recommendationBacklog"]["nodes"]
            .as_array()
            .expect("nodes")
            .clone()
    };
    let eyewear = app
        .data_as(
            &p.regulator,
            BACKLOG,
            json!({ "f": { "alliance": "zj-eyewear" } }),
        )
        .await;
    let rows = listed(&eyewear);
    // Seven of the eight completers: the one hired through a recommendation is done.
    assert_eq!(rows.len(), 7, "{eyewear:#}");
    let last = rows
        .iter()
        .find(|r| r["learner"]["id"] == completers[7].0)
        .expect("the completer without recommendations");
    let qualified: NaiveDate = last["qualifiedOn"]
        .as_str()
        .expect("day")
        .parse()
        .expect("day");
    assert_eq!(qualified, completers[7].2);
    assert_eq!(last["recommendationCount"], 0);
    assert_eq!(last["missing"], 3);
    assert_eq!(
        last["dueOn"],
        (qualified + chrono::Days::new(30)).to_string(),
        "the configured 30 days"
    );
    assert_eq!(last["overdue"], true);
    let days: Vec<&str> = rows
        .iter()
        .map(|r| r["qualifiedOn"].as_str().expect("d"))
        .collect();
    let mut sorted = days.clone();
    sorted.sort();
    assert_eq!(days, sorted, "oldest first");
    // A longer window: not overdue yet; overdueOnly drops them.
    let patient = app
        .data_as(
            &p.regulator,
            BACKLOG,
            json!({ "f": { "alliance": "zj-eyewear", "withinDays": 3000, "overdueOnly": true } }),
        )
        .await;
    assert_eq!(listed(&patient).len(), 0);

    // Three recommendations take the learner off the list.
    for code in ["4-14-03-03", "4-14-03-04", "4-14-03-03"] {
        let d = open_demand(&app, &p, code, "LEVEL_5", 1).await;
        app.data_as(
            &p.regulator,
            RECOMMEND,
            json!({ "l": completers[7].0, "d": d }),
        )
        .await;
    }
    let after = app
        .data_as(
            &p.eyewear_admin,
            BACKLOG,
            json!({ "f": { "alliance": "zj-eyewear" } }),
        )
        .await;
    assert!(
        listed(&after)
            .iter()
            .all(|r| r["learner"]["id"] != completers[7].0)
    );
    assert_eq!(listed(&after).len(), 6);

    // Who may read it.
    assert_eq!(
        first_code(&app.query_as(&p.college, BACKLOG, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(
                &p.eyewear_admin,
                BACKLOG,
                json!({ "f": { "alliance": "zj-culinary" } })
            )
            .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(&app.query_as(&Caller::public(), BACKLOG, json!({})).await),
        "UNAUTHENTICATED"
    );
}

const DUE: &str = "query($at: Date, $f: FollowUpsDueFilter) { followUpsDue(asOf: $at, filter: $f, first: 100) { totalCount nodes { completion { id } month dueOn daysOverdue } } }";
const RECORD: &str = "mutation($i: RecordFollowUpInput!) { recordFollowUp(input: $i) { id month employed employerName occupationMatch wageBand fullTime } }";

#[tokio::test]
async fn follow_ups_are_one_per_month_and_due_by_the_calendar() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    let today = Utc::now().date_naive();
    let due = app
        .data_as(
            &p.college,
            DUE,
            json!({ "f": { "alliance": "zj-eyewear" } }),
        )
        .await;
    let nodes = due["followUpsDue"]["nodes"].as_array().expect("nodes");
    // The demo reached everyone at month 1, all but one at month 3, all but two at month 6.
    let mut found: Vec<(Value, i64)> = nodes
        .iter()
        .map(|n| {
            (
                n["completion"]["id"].clone(),
                n["month"].as_i64().expect("m"),
            )
        })
        .collect();
    found.sort_by_key(|(_, m)| *m);
    let mut expected = vec![
        (completers[7].1.clone(), 3),
        (completers[6].1.clone(), 6),
        (completers[7].1.clone(), 6),
    ];
    expected.sort_by_key(|(_, m)| *m);
    assert_eq!(found.len(), 3, "{due:#}");
    for e in &expected {
        assert!(found.contains(e), "{e:?} in {found:?}");
    }
    let month6 = nodes
        .iter()
        .find(|n| n["month"] == 6)
        .expect("a month-6 follow-up");
    let done = completers[7].2;
    let due_on = done.checked_add_months(Months::new(6)).expect("day");
    let completion_of_month6 = &month6["completion"]["id"];
    let day_of = completers
        .iter()
        .find(|c| &c.1 == completion_of_month6)
        .expect("c")
        .2;
    assert_eq!(
        month6["dueOn"],
        day_of
            .checked_add_months(Months::new(6))
            .expect("d")
            .to_string()
    );
    assert_eq!(
        month6["daysOverdue"],
        (today - day_of.checked_add_months(Months::new(6)).expect("d")).num_days()
    );
    // Before the sixth month nothing of month 6 is due.
    let early = app
        .data_as(
            &p.college,
            DUE,
            json!({ "at": (due_on - chrono::Days::new(1)).to_string(), "f": { "alliance": "zj-eyewear", "months": [6] } }),
        )
        .await;
    assert!(
        early["followUpsDue"]["nodes"]
            .as_array()
            .expect("n")
            .iter()
            .all(|n| n["completion"]["id"] != completers[7].1)
    );

    // Recording it takes it off the list; a second for the month is a conflict.
    let input = json!({ "completion": completers[7].1, "month": 6, "contactedOn": today.to_string(), "employed": true, "employer": p.enterprise_id, "occupationMatch": true, "wageBand": "FROM_5000_TO_7999", "fullTime": true });
    let saved = app.data_as(&p.college, RECORD, json!({ "i": input })).await;
    assert_eq!(
        saved["recordFollowUp"]["employerName"],
        "丹阳明视眼镜有限公司"
    );
    assert_eq!(saved["recordFollowUp"]["fullTime"], true);
    let twice = app
        .query_as(&p.regulator, RECORD, json!({ "i": input }))
        .await;
    assert_eq!(first_code(&twice), "CONFLICT");
    let after = app
        .data_as(
            &p.college,
            DUE,
            json!({ "f": { "alliance": "zj-eyewear", "months": [6] } }),
        )
        .await;
    assert_eq!(after["followUpsDue"]["totalCount"], 1);

    // Bad input names its field and writes nothing.
    let before = entity::follow_up::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let base = json!({ "completion": completers[7].1, "month": 5, "contactedOn": today.to_string(), "employed": false });
    for (change, expected_field) in [
        (json!({ "month": 7 }), "input.month"),
        (
            json!({ "contactedOn": (done - chrono::Days::new(1)).to_string() }),
            "input.contactedOn",
        ),
        (json!({ "employed": true }), "input.employer"),
        (json!({ "wageBand": "UNDER_3000" }), "input.wageBand"),
        (json!({ "fullTime": false }), "input.fullTime"),
        (
            json!({ "employed": true, "employer": p.enterprise_id, "employerName": "x" }),
            "input.employerName",
        ),
    ] {
        let mut i = base.clone();
        for (k, v) in change.as_object().expect("o") {
            i[k] = v.clone();
        }
        let refused = app.query_as(&p.college, RECORD, json!({ "i": i })).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused:#}");
        assert_eq!(field(&refused), expected_field);
    }
    assert_eq!(
        entity::follow_up::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        before
    );
    // Only the provider and the bureau.
    for who in [&p.enterprise, &p.institution, &p.eyewear_admin] {
        let refused = app.query_as(who, RECORD, json!({ "i": base })).await;
        assert_eq!(first_code(&refused), "FORBIDDEN");
    }
    for who in [&p.enterprise, &p.eyewear_admin] {
        assert_eq!(
            first_code(&app.query_as(who, DUE, json!({})).await),
            "FORBIDDEN"
        );
    }
    // Another provider sees only its own cohorts' completers.
    let theirs = app
        .data_as(
            &p.institution,
            DUE,
            json!({ "f": { "alliance": "zj-eyewear" } }),
        )
        .await;
    assert_eq!(theirs["followUpsDue"]["totalCount"], 0);
}

/// A past cohort in `alliance`, its `learners` completed on `ended` (and one more withdrawn), as
/// records: the figures below are computed by hand from these.
async fn past_cohort(
    app: &TestApp,
    alliance: &str,
    provider: &str,
    occupation: &str,
    kind: CohortKind,
    ended: NaiveDate,
    learners: &[i32],
) -> Vec<Value> {
    let at = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    let c = cohort::Entity::insert(cohort::ActiveModel {
        kind: Set(kind),
        name: Set(format!("{alliance} {ended}")),
        enterprise_id: Set(None),
        provider_id: Set(TestApp::raw_id(&app.org_id(provider).await)),
        alliance_id: Set(app.alliance_row(alliance).await),
        occupation_code: Set(occupation.to_owned()),
        target_level: Set(SkillLevel::Level4),
        capacity: Set(20),
        enrolled: Set(learners.len() as i32),
        start_on: Set(ended - chrono::Days::new(90)),
        end_on: Set(ended),
        subsidized: Set(true),
        status: Set(CohortStatus::Finished),
        created_at: Set(at(ended)),
        updated_at: Set(at(ended)),
        ..Default::default()
    })
    .exec_with_returning(&app.db.db)
    .await
    .expect("cohort");
    let mut ids = Vec::new();
    for (i, l) in learners.iter().enumerate() {
        let e = enrollment::Entity::insert(enrollment::ActiveModel {
            cohort_id: Set(c.id),
            learner_id: Set(*l),
            status: Set(if i == learners.len() - 1 {
                EnrollmentStatus::Withdrawn
            } else {
                EnrollmentStatus::Completed
            }),
            enrolled_at: Set(at(ended - chrono::Days::new(90))),
            ended_at: Set(Some(at(ended))),
            ..Default::default()
        })
        .exec_with_returning(&app.db.db)
        .await
        .expect("enrollment");
        ids.push(NodeKey::Enrollment(e.id).to_id().0.into());
    }
    ids.pop();
    ids
}

/// Records (month, employed, matched) for each completion in turn; `None` skips one.
async fn follow(
    app: &TestApp,
    who: &Caller,
    completions: &[Value],
    month: i32,
    plan: &[Option<(bool, bool)>],
) {
    for (c, p) in completions.iter().zip(plan) {
        let Some((employed, matched)) = p else {
            continue;
        };
        let mut input = json!({ "completion": c, "month": month, "contactedOn": "2021-10-20", "employed": employed, "occupationMatch": matched });
        if *employed {
            input["employerName"] = json!("某某公司");
        }
        app.data_as(who, RECORD, json!({ "i": input })).await;
    }
}

struct Placement {
    eyewear: Vec<Value>,
    culinary: Vec<Value>,
}

/// 2021 in Zhenjiang: six eyewear completers (one more withdrew) and four culinary ones.
async fn placement_fixture(app: &TestApp, regulator: &Caller) -> Placement {
    let ids: Vec<i32> = learner::Entity::find()
        .order_by_asc(learner::Column::Id)
        .all(&app.db.db)
        .await
        .expect("learners")
        .into_iter()
        .map(|l| l.id)
        .collect();
    let eyewear = past_cohort(
        app,
        "zj-eyewear",
        "丹阳中等专业学校",
        "4-14-03-03",
        CohortKind::OrderClass,
        NaiveDate::from_ymd_opt(2021, 3, 15).expect("day"),
        &ids[20..27],
    )
    .await;
    let culinary_code = app
        .data("{ alliance(code: \"zj-culinary\") { code } }")
        .await["alliance"]["code"]
        .clone();
    assert_eq!(culinary_code, "zj-culinary");
    let culinary = past_cohort(
        app,
        "zj-culinary",
        "丹阳中等专业学校",
        "4-03-02-01",
        CohortKind::ProjectTraining,
        NaiveDate::from_ymd_opt(2021, 5, 10).expect("day"),
        &ids[30..35],
    )
    .await;
    assert_eq!((eyewear.len(), culinary.len()), (6, 4));
    let t = Some((true, true));
    let e = Some((true, false));
    let n = Some((false, false));
    // Month 3: four of six reached, three employed, two of them in the trade.
    follow(app, regulator, &eyewear, 3, &[t, t, e, n, None, None]).await;
    // Month 6: five reached, four employed.
    follow(app, regulator, &eyewear, 6, &[t, t, e, e, n, None]).await;
    follow(app, regulator, &culinary, 3, &[t, n, None, None]).await;
    Placement { eyewear, culinary }
}

const RATES: &str = "query($f: PlacementRateFilter!, $g: [PlacementDimension!]) { placementRates(filter: $f, groupBy: $g) { alliance { code } quarter cohortKind occupationCode suppressed completers followedUpMonth3 employedMonth3 matchedMonth3 placementRateMonth3 followedUpMonth6 employedMonth6 matchedMonth6 placementRateMonth6 } }";

#[tokio::test]
async fn placement_rates_match_hand_computed_figures_and_suppress_small_groups() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let fixture = placement_fixture(&app, &p.regulator).await;
    assert_eq!(fixture.eyewear.len() + fixture.culinary.len(), 10);
    let period = json!({ "completedFrom": "2021-01-01", "completedTo": "2021-12-31" });

    let data = app
        .data_with(RATES, json!({ "f": period, "g": ["ALLIANCE"] }))
        .await;
    let rows = data["placementRates"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{data:#}");
    let eyewear = rows
        .iter()
        .find(|r| r["alliance"]["code"] == "zj-eyewear")
        .expect("eyewear");
    assert_eq!(
        eyewear,
        &json!({
            "alliance": { "code": "zj-eyewear" }, "quarter": null, "cohortKind": null, "occupationCode": null,
            "suppressed": false, "completers": 6,
            "followedUpMonth3": 4, "employedMonth3": 3, "matchedMonth3": 2, "placementRateMonth3": 0.5,
            "followedUpMonth6": 5, "employedMonth6": 4, "matchedMonth6": 2, "placementRateMonth6": 4.0 / 6.0,
        })
    );
    let culinary = rows
        .iter()
        .find(|r| r["alliance"]["code"] == "zj-culinary")
        .expect("culinary");
    assert_eq!(
        culinary,
        &json!({
            "alliance": { "code": "zj-culinary" }, "quarter": null, "cohortKind": null, "occupationCode": null,
            "suppressed": true, "completers": null,
            "followedUpMonth3": null, "employedMonth3": null, "matchedMonth3": null, "placementRateMonth3": null,
            "followedUpMonth6": null, "employedMonth6": null, "matchedMonth6": null, "placementRateMonth6": null,
        })
    );

    // One total: ten completers, four employed at month 3.
    let total = app
        .data_as(&p.regulator, RATES, json!({ "f": period }))
        .await;
    let total = &total["placementRates"][0];
    assert_eq!(total["completers"], 10);
    assert_eq!(total["employedMonth3"], 4);
    assert_eq!(total["placementRateMonth3"], 0.4);
    assert_eq!(total["followedUpMonth3"], 6);

    // By quarter and kind: the culinary quarter is too small.
    let quarters = app
        .data_as(
            &p.regulator,
            RATES,
            json!({ "f": period, "g": ["QUARTER", "COHORT_KIND", "OCCUPATION"] }),
        )
        .await;
    let rows = quarters["placementRates"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    let q1 = rows.iter().find(|r| r["quarter"] == "2021-Q1").expect("Q1");
    assert_eq!(q1["cohortKind"], "ORDER_CLASS");
    assert_eq!(q1["occupationCode"], "4-14-03-03");
    assert_eq!(q1["completers"], 6);
    let q2 = rows.iter().find(|r| r["quarter"] == "2021-Q2").expect("Q2");
    assert_eq!(q2["suppressed"], true);
    assert_eq!(q2["occupationCode"], "4-03-02-01");

    // Filters narrow; a period outside has nothing.
    let narrowed = app
        .data_as(
            &p.regulator,
            RATES,
            json!({ "f": { "completedFrom": "2021-01-01", "completedTo": "2021-12-31", "cohortKinds": ["ORDER_CLASS"], "regions": ["321100"], "occupation": "4-14" } }),
        )
        .await;
    assert_eq!(narrowed["placementRates"][0]["completers"], 6);
    let nothing = app
        .data_as(
            &p.regulator,
            RATES,
            json!({ "f": { "completedFrom": "2020-01-01", "completedTo": "2020-12-31" } }),
        )
        .await;
    assert_eq!(nothing["placementRates"], json!([]));
    let backwards = app
        .query_with(
            RATES,
            json!({ "f": { "completedFrom": "2021-12-31", "completedTo": "2021-01-01" } }),
        )
        .await;
    assert_eq!(field(&backwards), "filter.to");

    // Aggregates only: no learner, no name, no ID of a person anywhere in the answers.
    let names: Vec<String> = learner::Entity::find()
        .all(&app.db.db)
        .await
        .expect("learners")
        .into_iter()
        .map(|l| crate::helpers::real_name(&l))
        .collect();
    for response in [&data, &quarters] {
        let text = response.to_string();
        assert!(!names.iter().any(|n| text.contains(n.as_str())));
        assert!(!text.contains("Learner"));
    }
}

#[tokio::test]
async fn the_catalogue_review_moves_items_below_the_threshold_once() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    placement_fixture(&app, &p.regulator).await;
    for (code, level) in [("4-14-03-03", "LEVEL_4"), ("4-03-02-01", "LEVEL_4")] {
        app.data_as(
            &p.regulator,
            &format!("mutation {{ upsertCatalogueItem(input: {{occupation: \"{code}\", level: {level}, category: SKILL_LEVEL_CERTIFICATE, subsidyAmount: 2000, year: 2021}}) {{ id }} }}"),
            json!({}),
        )
        .await;
    }
    const REVIEW: &str = "mutation($t: Float!) { reviewCatalogue(input: {year: 2021, minPlacementRate: $t}) { year minPlacementRate region { code } items { item { occupation { code } status reason } completers employedMonth3 placementRate changed } providers { provider { name } completers employedMonth3 placementRate } } }";
    // At 40% the eyewear item (50%) passes; the culinary one is too small to judge.
    let lenient = app.data_as(&p.regulator, REVIEW, json!({ "t": 0.4 })).await;
    assert_eq!(lenient["reviewCatalogue"]["items"], json!([]));
    let first = app.data_as(&p.regulator, REVIEW, json!({ "t": 0.6 })).await;
    let report = &first["reviewCatalogue"];
    assert_eq!(report["region"]["code"], "321100");
    assert_eq!(
        report["items"],
        json!([{
            "item": { "occupation": { "code": "4-14-03-03" }, "status": "UNDER_REVIEW",
                      "reason": "placement rate 50.0% in 2021 (3 of 6 completers employed at month 3) is below the 60.0% threshold" },
            "completers": 6, "employedMonth3": 3, "placementRate": 0.5, "changed": true,
        }])
    );
    // The college's 2021 completers: ten, four employed.
    assert_eq!(
        report["providers"],
        json!([{ "provider": { "name": "丹阳中等专业学校" }, "completers": 10, "employedMonth3": 4, "placementRate": 0.4 }])
    );
    let culinary = catalogue_item::Entity::find()
        .filter(catalogue_item::Column::OccupationCode.eq("4-03-02-01"))
        .filter(catalogue_item::Column::Year.eq(2021))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("item");
    assert_eq!(culinary.status, entity::CatalogueItemStatus::Listed);

    // Again: the same report, nothing more changes.
    let rows_before = catalogue_item::Entity::find()
        .order_by_asc(catalogue_item::Column::Id)
        .all(&app.db.db)
        .await
        .expect("items");
    let audit_before = audit_event::Entity::find()
        .count(&app.db.db)
        .await
        .expect("audit");
    let second = app.data_as(&p.regulator, REVIEW, json!({ "t": 0.6 })).await;
    assert_eq!(second["reviewCatalogue"]["items"][0]["changed"], false);
    assert_eq!(
        second["reviewCatalogue"]["items"][0]["item"],
        report["items"][0]["item"]
    );
    assert_eq!(
        catalogue_item::Entity::find()
            .order_by_asc(catalogue_item::Column::Id)
            .all(&app.db.db)
            .await
            .expect("items"),
        rows_before
    );
    assert_eq!(
        audit_event::Entity::find()
            .count(&app.db.db)
            .await
            .expect("audit"),
        audit_before
    );
    // Bad thresholds name the field; another region's bureau changes nothing here.
    let bad = app
        .query_as(&p.regulator, REVIEW, json!({ "t": 1.5 }))
        .await;
    assert_eq!(field(&bad), "input.minPlacementRate");
    let huaian = who::regulator(app.region_row("320800").await);
    let theirs = app.data_as(&huaian, REVIEW, json!({ "t": 1.0 })).await;
    assert!(
        theirs["reviewCatalogue"]["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["item"]["occupation"]["code"] != "4-14-03-03")
    );
}

#[tokio::test]
async fn the_skills_balance_adds_up_supply_and_demand_per_occupation() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    // One more hire on a fresh demand, so every column has something.
    let demand = open_demand(&app, &p, "4-14-03-03", "LEVEL_4", 5).await;
    let r = app
        .data_as(
            &p.regulator,
            RECOMMEND,
            json!({ "l": completers[7].0, "d": demand }),
        )
        .await["recommendJob"]["id"]
        .clone();
    app.data_as(
        &learner_caller(&completers[7].0),
        RESPOND,
        json!({ "r": r, "o": "APPLIED" }),
    )
    .await;
    for o in ["INTERVIEWED", "HIRED"] {
        app.data_as(&p.enterprise, EMPLOYER, json!({ "r": r, "o": o }))
            .await;
    }
    let data = app
        .data_as(&p.regulator, "{ skillsBalance(filter: {occupation: \"4-14-03-03\"}) { occupationCode occupation { code } openHeadcount plannedSeats runningSeats certificatesIssued hires } }", json!({}))
        .await;
    let rows = data["skillsBalance"].as_array().expect("rows");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    // The same figures, counted row by row.
    let db = &app.db.db;
    let demands = entity::demand::Entity::find()
        .filter(entity::demand::Column::OccupationCode.eq("4-14-03-03"))
        .filter(entity::demand::Column::Status.eq(entity::DemandStatus::Open))
        .all(db)
        .await
        .expect("demands");
    let open: i32 = demands.iter().map(|d| d.headcount - d.hired).sum();
    let cohorts = cohort::Entity::find()
        .filter(cohort::Column::OccupationCode.eq("4-14-03-03"))
        .all(db)
        .await
        .expect("cohorts");
    let seats = |s: CohortStatus| -> i32 {
        cohorts
            .iter()
            .filter(|c| c.status == s)
            .map(|c| c.capacity)
            .sum()
    };
    let certificates = entity::certificate::Entity::find()
        .filter(entity::certificate::Column::OccupationCode.eq("4-14-03-03"))
        .filter(entity::certificate::Column::Status.eq(entity::CertificateStatus::Valid))
        .count(db)
        .await
        .expect("certificates");
    let hires: usize = {
        let all = entity::recommendation::Entity::find()
            .filter(
                entity::recommendation::Column::Outcome.eq(entity::RecommendationOutcome::Hired),
            )
            .all(db)
            .await
            .expect("recs");
        let mut n = 0;
        for r in all {
            let d = entity::demand::Entity::find_by_id(r.demand_id)
                .one(db)
                .await
                .expect("d")
                .expect("d");
            if d.occupation_code == "4-14-03-03" {
                n += 1;
            }
        }
        n
    };
    assert!(hires >= 2, "the demo's hire and this one");
    assert_eq!(
        row,
        &json!({
            "occupationCode": "4-14-03-03", "occupation": { "code": "4-14-03-03" },
            "openHeadcount": open, "plannedSeats": seats(CohortStatus::Planned),
            "runningSeats": seats(CohortStatus::Running), "certificatesIssued": certificates,
            "hires": hires,
        })
    );
    // Narrowed to an alliance with none of it: nothing.
    let none = app
        .data("{ skillsBalance(filter: {alliances: [\"zj-culinary\"], occupation: \"4-14-03-03\"}) { occupationCode } }")
        .await;
    assert_eq!(none["skillsBalance"], json!([]));
}

#[tokio::test]
async fn job_suggestions_are_ranked_explained_and_deterministic() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    let learner = &completers[7].0;
    let far_group = open_demand(&app, &p, "4-14-03-04", "LEVEL_5", 2).await;
    let _welding = open_demand(&app, &p, "6-18-02-04", "LEVEL_5", 2).await;
    const SUGGEST: &str = "query($l: ID!) { node(id: $l) { ... on Learner { jobSuggestions(first: 50) { score demand { id occupation { code } level } reasons { criterion points weight } } } } }";
    let first = app
        .data_as(&p.regulator, SUGGEST, json!({ "l": learner }))
        .await;
    let again = app
        .data_as(&p.regulator, SUGGEST, json!({ "l": learner }))
        .await;
    assert_eq!(first, again, "deterministic");
    let list = first["node"]["jobSuggestions"].as_array().expect("list");
    assert!(!list.is_empty());
    let mut previous = f64::MAX;
    for s in list {
        let code = s["demand"]["occupation"]["code"].as_str().expect("code");
        assert!(
            code.starts_with("4-14-"),
            "{code} is outside the major group"
        );
        assert!(
            ["LEVEL_5", "LEVEL_4", "APPRENTICE"]
                .contains(&s["demand"]["level"].as_str().expect("l")),
            "never above the trained LEVEL_4"
        );
        let reasons = s["reasons"].as_array().expect("reasons");
        let criteria: Vec<&str> = reasons
            .iter()
            .map(|r| r["criterion"].as_str().expect("c"))
            .collect();
        assert_eq!(
            criteria,
            ["OCCUPATION", "LEVEL", "DISTANCE", "WAGE", "RECENCY"]
        );
        let sum: f64 = reasons
            .iter()
            .map(|r| r["points"].as_f64().expect("p"))
            .sum();
        let score = s["score"].as_f64().expect("score");
        assert!((sum - score).abs() < 0.01);
        assert!(score <= previous, "best first");
        previous = score;
        for r in reasons {
            assert!(r["points"].as_f64().expect("p") <= r["weight"].as_f64().expect("w"));
        }
    }
    // The exact occupation scores its full 40; a group match 25.
    let group = list
        .iter()
        .find(|s| s["demand"]["id"] == far_group)
        .expect("the lens-fitting demand");
    assert_eq!(group["reasons"][0]["points"], 25.0);
    assert_eq!(group["reasons"][1]["points"], 14.0, "one level below");
    // Once recommended, a demand is no longer suggested.
    app.data_as(
        &p.regulator,
        RECOMMEND,
        json!({ "l": learner, "d": far_group }),
    )
    .await;
    let after = app
        .data_as(&p.regulator, SUGGEST, json!({ "l": learner }))
        .await;
    assert!(
        after["node"]["jobSuggestions"]
            .as_array()
            .expect("list")
            .iter()
            .all(|s| s["demand"]["id"] != far_group)
    );
}

#[tokio::test]
async fn recommendations_and_follow_ups_are_nodes_for_those_who_may_see_them() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    let (learner, completion, _) = &completers[0];
    let me = learner_caller(learner);
    let mine = app.data_as(&me, "{ viewer { role } }", json!({})).await;
    assert_eq!(mine["viewer"]["role"], "LEARNER");
    let listed = app
        .data_as(
            &me,
            "query($l: ID!) { node(id: $l) { ... on Learner { recommendations { id candidateName learner { id } demand { enterprise { name } } } followUps { id month completion { id } } } } }",
            json!({ "l": learner }),
        )
        .await;
    let rec = listed["node"]["recommendations"][0].clone();
    assert_eq!(rec["learner"]["id"], *learner);
    let follow_up = listed["node"]["followUps"][0].clone();
    assert_eq!(follow_up["completion"]["id"], *completion);
    const NODE: &str = "query($id: ID!) { node(id: $id) { id ... on Recommendation { outcome candidateName learner { id view targetGroup } } ... on FollowUp { month } } }";
    // The learner and the employer see the recommendation; the employer only a summary of the
    // learner.
    let as_learner = app.data_as(&me, NODE, json!({ "id": rec["id"] })).await;
    assert_eq!(as_learner["node"]["id"], rec["id"]);
    let as_employer = app
        .data_as(&p.enterprise, NODE, json!({ "id": rec["id"] }))
        .await;
    assert_eq!(as_employer["node"]["learner"]["view"], "SUMMARY");
    assert_eq!(as_employer["node"]["learner"]["targetGroup"], Value::Null);
    assert!(
        as_employer["node"]["candidateName"]
            .as_str()
            .expect("name")
            .contains('*'),
        "masked"
    );
    let wantong = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳市万通镜片有限公司").await),
    );
    assert_eq!(
        app.data_as(&wantong, NODE, json!({ "id": rec["id"] }))
            .await["node"],
        Value::Null,
        "another enterprise: nothing, as if there were no such node"
    );
    // A follow-up: the learner and the provider; not another learner.
    let fu = app
        .data_as(&p.college, NODE, json!({ "id": follow_up["id"] }))
        .await;
    assert_eq!(fu["node"]["month"], follow_up["month"]);
    let stranger = learner_caller(&completers[1].0);
    assert_eq!(
        app.data_as(&stranger, NODE, json!({ "id": follow_up["id"] }))
            .await["node"],
        Value::Null
    );
}

/// A follow-up records the outcome as the cities count it, agreeing with `employed`; a business
/// started carries the jobs it created, and nothing else does.
#[tokio::test]
async fn follow_ups_record_the_outcome_as_the_cities_count_it() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let completers = eyewear_completers(&app, &p).await;
    let today = Utc::now().date_naive().to_string();
    let record = "mutation($i: RecordFollowUpInput!) { recordFollowUp(input: $i) { employed outcome jobsCreated employerName } }";
    let base = json!({ "completion": completers[7].1, "month": 6, "contactedOn": today });
    let with = |extra: Value| {
        let mut input = base.clone();
        for (k, v) in extra.as_object().expect("extra") {
            input[k] = v.clone();
        }
        json!({ "i": input })
    };
    for (extra, named) in [
        (
            json!({ "employed": false, "outcome": "SELF_EMPLOYED" }),
            "input.outcome",
        ),
        (
            json!({ "employed": true, "employerName": "x", "outcome": "FURTHER_STUDY" }),
            "input.outcome",
        ),
        (
            json!({ "employed": true, "employerName": "x", "outcome": "EMPLOYED", "jobsCreated": 3 }),
            "input.jobsCreated",
        ),
        (
            json!({ "employed": true, "employerName": "x", "outcome": "BUSINESS_STARTED", "jobsCreated": -1 }),
            "input.jobsCreated",
        ),
    ] {
        let refused = app.query_as(&p.college, record, with(extra)).await;
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], named,
            "{refused}"
        );
    }
    let saved = app
        .data_as(
            &p.college,
            record,
            with(json!({ "employed": true, "employerName": "镜界小店", "outcome": "BUSINESS_STARTED", "jobsCreated": 3 })),
        )
        .await;
    assert_eq!(
        saved["recordFollowUp"],
        json!({ "employed": true, "outcome": "BUSINESS_STARTED", "jobsCreated": 3, "employerName": "镜界小店" })
    );
    // Left out, the outcome is what `employed` says.
    let plain = app
        .data_as(
            &p.college,
            record,
            json!({ "i": { "completion": completers[7].1, "month": 3, "contactedOn": today, "employed": false } }),
        )
        .await;
    assert_eq!(plain["recordFollowUp"]["outcome"], "NOT_WORKING");
}
