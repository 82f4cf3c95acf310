//! Issue 33, money: a claim pays only for training that happened. The attack, step by step: a
//! college forms a three-year subsidised apprenticeship dated a year back, states the labour
//! contract itself, starts it, holds one class day, finishes it the same day and claims three
//! years of the yearly standard. Each step is now refused or priced from what happened, and the
//! supervision flags what the rules let through.

use std::sync::Arc;

use chrono::{Days, Utc};
use serde_json::{Value, json};
use skillgraph::{
    auth::{Caller, Role},
    domain::training::cohorts::TrainingRules,
    graphql::{AppSchema, build_schema, ids::NodeKey},
};

use crate::helpers::{
    TestApp, claimable, first_code, listed_special_ability, test_limits, test_personal_key, who,
};

const CREATE: &str = "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id status employerConfirmation } }";
const START: &str = "mutation($c: ID!) { startCohort(input: {cohort: $c}) { status startedOn } }";
const FINISH: &str =
    "mutation($c: ID!) { finishCohort(input: {cohort: $c}) { status startedOn finishedOn } }";
const SUBMIT: &str = "mutation($c: ID!) { submitSubsidyClaim(input: {cohort: $c}) { id claimedFen lines { amountFen } } }";
const FLAGS: &str = "query($k: [SupervisionFlagKind!]) { subsidySupervision { flags(kinds: $k, first: 200) { kind claimId cohort { id } line { id } detail } } }";
const AWAITING: &str = "query($e: ID!) { cohorts(filter: {enterprise: $e, awaitingConfirmation: true}) { nodes { id employerConfirmation } } }";

/// The same database served under other training rules (a region that asks less).
fn schema_with_rules(app: &TestApp, training: TrainingRules) -> AppSchema {
    build_schema(
        app.db.db.clone(),
        test_personal_key(),
        Arc::new(skillgraph::events::InProcessBroker::default()),
        skillgraph::graphql::SchemaLimits {
            training,
            ..test_limits()
        },
    )
}

async fn run(schema: &AppSchema, who: &Caller, query: &str, variables: Value) -> Value {
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(who.clone());
    serde_json::to_value(schema.execute(request).await).expect("json")
}

fn field(response: &Value) -> &Value {
    &response["errors"][0]["extensions"]["field"]
}

#[tokio::test]
async fn one_day_of_training_is_not_three_years_of_apprenticeship() {
    let app = TestApp::demo().await;
    let college_id = app.org_id("丹阳中等专业学校").await;
    let enterprise_id = app.org_id("丹阳明视眼镜有限公司").await;
    let college = who::staff(Role::College, TestApp::raw_id(&college_id));
    let enterprise = who::staff(Role::Enterprise, TestApp::raw_id(&enterprise_id));
    let first17 = "32118119950301777";
    let check =
        skillgraph::domain::kernel::personal::NationalId::check_char(first17).expect("digits");
    let learner = app
        .data_as(
            &college,
            "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
            json!({ "i": { "name": "甲学徒", "nationalId": format!("{first17}{check}"), "phone": "13900009999", "region": "321100", "targetGroup": "OTHER" } }),
        )
        .await["registerLearner"]["id"]
        .clone();
    let input = |start: chrono::NaiveDate, end: chrono::NaiveDate| {
        json!({ "i": {
            "kind": "NEW_APPRENTICESHIP", "name": "一日学徒班", "enterprise": enterprise_id,
            "provider": college_id, "alliance": "zj-eyewear", "occupation": "4-14-03-03",
            "targetLevel": "LEVEL_4", "capacity": 5, "startOn": start.to_string(),
            "endOn": end.to_string(), "subsidized": true,
        } })
    };
    let today = Utc::now().date_naive();

    // Dated a year back: refused, naming startOn, and nothing is written.
    let cohorts_before = app.data("{ cohorts { totalCount } }").await;
    let backdated = app
        .query_as(
            &college,
            CREATE,
            input(today - Days::new(370), today + Days::new(700)),
        )
        .await;
    assert_eq!(field(&backdated), "input.startOn", "{backdated}");
    assert_eq!(app.data("{ cohorts { totalCount } }").await, cohorts_before);

    // Formed from today: the enterprise has not vouched for it yet.
    let end = today + Days::new(1000);
    let created = app.data_as(&college, CREATE, input(today, end)).await["createCohort"].clone();
    assert_eq!(created["employerConfirmation"], "PENDING");
    let c = created["id"].clone();
    let awaiting = app
        .data_as(&enterprise, AWAITING, json!({ "e": enterprise_id }))
        .await;
    assert!(
        awaiting["cohorts"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["id"] == c),
        "the cohort is on the enterprise's work list: {awaiting}"
    );
    // The contract as the college states it.
    let enrolment = app
        .data_as(
            &college,
            "mutation($c: ID!, $l: ID!, $s: Date!, $e: Date!) { enrollLearner(input: {cohort: $c, learner: $l, contract: {start: $s, end: $e}}) { id contractConfirmation } }",
            json!({ "c": c, "l": learner, "s": today.to_string(), "e": (today + Days::new(1100)).to_string() }),
        )
        .await["enrollLearner"]
        .clone();
    assert_eq!(enrolment["contractConfirmation"], "PENDING");
    let e = enrolment["id"].clone();

    // It does not start on the college's word.
    let refused = app.query_as(&college, START, json!({ "c": c })).await;
    assert_eq!(field(&refused), "input.cohort", "{refused}");
    assert!(refused.to_string().contains("confirmCohort"), "{refused}");
    // Only the enterprise itself confirms: not the college, not another enterprise.
    const CONFIRM: &str =
        "mutation($c: ID!) { confirmCohort(input: {cohort: $c}) { employerConfirmation } }";
    const CONTRACT: &str = "mutation($e: ID!) { confirmLabourContract(input: {enrollment: $e}) { contractConfirmation } }";
    let other = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("镇江云启数字科技有限公司").await),
    );
    for who in [&college, &other] {
        assert_eq!(
            first_code(&app.query_as(who, CONFIRM, json!({ "c": c })).await),
            "FORBIDDEN"
        );
        assert_eq!(
            first_code(&app.query_as(who, CONTRACT, json!({ "e": e })).await),
            "FORBIDDEN"
        );
    }
    assert_eq!(
        app.data_as(&enterprise, CONFIRM, json!({ "c": c })).await["confirmCohort"]["employerConfirmation"],
        "CONFIRMED"
    );
    assert_eq!(
        first_code(&app.query_as(&enterprise, CONFIRM, json!({ "c": c })).await),
        "CONFLICT",
        "once"
    );
    // The cohort is confirmed; the apprentice's contract is not yet.
    let refused = app.query_as(&college, START, json!({ "c": c })).await;
    assert!(refused.to_string().contains("labour contract"), "{refused}");
    assert_eq!(
        app.data_as(&enterprise, CONTRACT, json!({ "e": e })).await["confirmLabourContract"]["contractConfirmation"],
        "CONFIRMED"
    );
    let awaiting = app
        .data_as(&enterprise, AWAITING, json!({ "e": enterprise_id }))
        .await;
    assert!(
        !awaiting["cohorts"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["id"] == c),
        "off the work list once confirmed"
    );
    let started = app.data_as(&college, START, json!({ "c": c })).await;
    assert_eq!(started["startCohort"]["startedOn"], today.to_string());

    // One class day, attended; completed; finished the same day.
    let day = app
        .data_as(
            &college,
            "mutation($c: ID!, $d: Date!) { scheduleClassDays(input: {cohort: $c, days: [{day: $d, hours: 8, topic: \"入职培训\"}]}) { id } }",
            json!({ "c": c, "d": today.to_string() }),
        )
        .await["scheduleClassDays"][0]["id"]
        .clone();
    app.data_as(
        &college,
        "mutation($d: ID!, $e: [ID!]!) { recordAttendance(input: {classDay: $d, enrollments: $e}) { attended } }",
        json!({ "d": day, "e": [e] }),
    )
    .await;
    app.data_as(
        &college,
        "mutation($e: ID!) { completeEnrollment(input: {enrollment: $e}) { status } }",
        json!({ "e": e }),
    )
    .await;
    let finished = app.data_as(&college, FINISH, json!({ "c": c })).await;
    assert_eq!(finished["finishCohort"]["finishedOn"], today.to_string());

    // The claim: refused under the bureau's minimums (10 days, 100 hours at level 4), and
    // nothing is written.
    let regulator = who::regulator(app.region_row("321100").await);
    let claims_before = app
        .data_as(&regulator, "{ subsidyClaims { totalCount } }", json!({}))
        .await;
    let refused = app.query_as(&college, SUBMIT, json!({ "c": c })).await;
    assert_eq!(field(&refused), "input.cohort", "{refused}");
    assert!(
        refused
            .to_string()
            .contains("held 1 class days and 8 teaching hours"),
        "{refused}"
    );
    assert_eq!(
        app.data_as(&regulator, "{ subsidyClaims { totalCount } }", json!({}))
            .await,
        claims_before
    );

    // A region whose rules ask for one class day still pays only the month attended: the demo's
    // 6,000 CNY a year, one twelfth, not 3 × 6,000.
    let lenient = schema_with_rules(
        &app,
        TrainingRules {
            min_class_days: 1,
            min_hours: [1, 1, 1, 1],
            ..Default::default()
        },
    );
    let claimed = run(&lenient, &college, SUBMIT, json!({ "c": c })).await;
    assert!(claimed.get("errors").is_none(), "{claimed}");
    assert_eq!(claimed["data"]["submitSubsidyClaim"]["claimedFen"], 50_000);
    assert_eq!(
        claimed["data"]["submitSubsidyClaim"]["lines"],
        json!([{ "amountFen": 50_000 }])
    );
    let claim_id = claimed["data"]["submitSubsidyClaim"]["id"].clone();

    // The bureau's supervision, under its own rules, flags what the lenient rules let through.
    let flags = app
        .data_as(
            &regulator,
            FLAGS,
            json!({ "k": ["FINISHED_EARLY", "FEW_CLASS_DAYS", "UNCONFIRMED_EMPLOYER", "BACKDATED_START"] }),
        )
        .await;
    let flags = flags["subsidySupervision"]["flags"]
        .as_array()
        .expect("flags")
        .clone();
    let ours: Vec<&str> = flags
        .iter()
        .filter(|f| f["claimId"] == claim_id)
        .map(|f| f["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(ours, ["FINISHED_EARLY", "FEW_CLASS_DAYS"], "{flags:#?}");
    assert!(
        flags.iter().all(|f| f["claimId"] == claim_id),
        "the demo's honest claims raise none of these: {flags:#?}"
    );
}

#[tokio::test]
async fn supervision_flags_an_unconfirmed_employer_and_a_backdated_start_beside_honest_claims() {
    use chrono::Datelike;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::demo().await;
    let college = TestApp::raw_id(&app.org_id("丹阳中等专业学校").await);
    let year = (Utc::now().date_naive() - Days::new(10)).year() as i16;
    listed_special_ability(&app, "4-14-03-04", entity::SkillLevel::Level5, 90_000, year).await;
    let learners: Vec<i32> = entity::learner::Entity::find()
        .all(&app.db.db)
        .await
        .expect("learners")
        .into_iter()
        .map(|l| l.id)
        .take(3)
        .collect();
    // Three cohorts that really ran and kept their records: an honest one; one naming an
    // enterprise that never confirmed it (a row from before confirmations, or written around
    // the API); one recorded a month after its stated start.
    let honest = claimable(&app, college, &learners[..1]).await;
    let unconfirmed = claimable(&app, college, &learners[1..2]).await;
    let backdated = claimable(&app, college, &learners[2..3]).await;
    let enterprise = TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await);
    entity::cohort::Entity::update_many()
        .col_expr(
            entity::cohort::Column::EnterpriseId,
            Expr::value(enterprise),
        )
        .filter(entity::cohort::Column::Id.eq(unconfirmed))
        .exec(&app.db.db)
        .await
        .expect("no confirmation");
    entity::cohort::Entity::update_many()
        .col_expr(entity::cohort::Column::CreatedAt, Expr::value(Utc::now()))
        .filter(entity::cohort::Column::Id.eq(backdated))
        .exec(&app.db.db)
        .await
        .expect("recorded late");
    let owner = who::staff(Role::College, college);
    let mut claims = Vec::new();
    for c in [honest, unconfirmed, backdated] {
        let claimed = app
            .data_as(&owner, SUBMIT, json!({ "c": NodeKey::Cohort(c).to_id() }))
            .await;
        // Each really ran as planned: the item's full amount.
        assert_eq!(claimed["submitSubsidyClaim"]["claimedFen"], 90_000);
        claims.push(claimed["submitSubsidyClaim"]["id"].clone());
    }
    let regulator = who::regulator(app.region_row("321100").await);
    let flags = app
        .data_as(
            &regulator,
            FLAGS,
            json!({ "k": ["FINISHED_EARLY", "FEW_CLASS_DAYS", "UNCONFIRMED_EMPLOYER", "BACKDATED_START"] }),
        )
        .await;
    let flags = flags["subsidySupervision"]["flags"]
        .as_array()
        .expect("flags")
        .clone();
    let of = |claim: &Value| -> Vec<String> {
        flags
            .iter()
            .filter(|f| f["claimId"] == *claim)
            .map(|f| f["kind"].as_str().expect("kind").to_owned())
            .collect()
    };
    assert!(of(&claims[0]).is_empty(), "the honest claim: {flags:#?}");
    assert_eq!(of(&claims[1]), ["UNCONFIRMED_EMPLOYER"]);
    assert_eq!(of(&claims[2]), ["BACKDATED_START"]);
    assert_eq!(flags.len(), 2, "nothing else in the demo: {flags:#?}");
}
