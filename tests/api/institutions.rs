//! Institution evaluation (issue 23): credit stars from the four dimensions against hand-computed
//! figures, the regulator's confirmation taking the institution off (and back onto) the public
//! lists at once, who sees what, and one proposed evaluation under concurrency.

use chrono::{Days, Utc};
use entity::{
    CertificateStatus, CohortKind, CohortStatus, EnrollmentStatus, EvaluationStatus,
    OrganizationKind, certificate, cohort, enrollment, follow_up, institution_evaluation,
    organization,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use skillgraph::{auth::Role, graphql::ids::NodeKey};

use crate::helpers::{TestApp, first_code, who};

const EVALUATE: &str = "mutation($i: ID!, $q: Int!, $t: Int!, $f: Int!) { evaluateInstitution(input: {institution: $i, qualificationScore: $q, teachersScore: $t, facilitiesScore: $f, note: \"现场核查\"}) { id status qualificationScore teachersScore facilitiesScore resultsScore totalScore stars proposedStanding standing results { endedEnrollments completed certified placed completionRate certificationRate placementRate } } }";
const CONFIRM: &str = "mutation($e: ID!, $s: InstitutionStatus) { confirmInstitutionEvaluation(input: {evaluation: $e, standing: $s, reason: \"年度评估\"}) { status standing stars } }";

/// A Zhenjiang training institution with no finished cohort of its own in the demo.
async fn fresh_institution(app: &TestApp) -> organization::Model {
    let db = &app.db.db;
    let zhenjiang = app.region_row("321100").await;
    for org in organization::Entity::find()
        .filter(organization::Column::Kind.eq(OrganizationKind::TrainingInstitution))
        .filter(organization::Column::RegionId.eq(zhenjiang))
        .all(db)
        .await
        .expect("institutions")
    {
        let finished = cohort::Entity::find()
            .filter(cohort::Column::ProviderId.eq(org.id))
            .filter(cohort::Column::Status.eq(CohortStatus::Finished))
            .count(db)
            .await
            .expect("cohorts");
        if finished == 0 {
            return org;
        }
    }
    panic!("a Zhenjiang institution without finished cohorts");
}

/// A FINISHED cohort of the institution for `occupation` and `level`, begun on `start`.
async fn finished_cohort(
    app: &TestApp,
    provider: i32,
    occupation: &str,
    level: entity::SkillLevel,
    start: chrono::NaiveDate,
) -> cohort::Model {
    let alliance = app.alliance_row("zj-eyewear").await;
    cohort::Entity::insert(cohort::ActiveModel {
        kind: Set(CohortKind::ProjectTraining),
        name: Set(format!("评估用班 {occupation}")),
        enterprise_id: Set(None),
        provider_id: Set(provider),
        alliance_id: Set(alliance),
        occupation_code: Set(occupation.to_owned()),
        target_level: Set(level),
        capacity: Set(10),
        enrolled: Set(0),
        start_on: Set(start),
        end_on: Set(start + Days::new(30)),
        subsidized: Set(false),
        status: Set(CohortStatus::Finished),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(&app.db.db)
    .await
    .expect("a cohort")
}

async fn ended(app: &TestApp, cohort: i32, learner: i32, status: EnrollmentStatus) -> i32 {
    enrollment::Entity::insert(enrollment::ActiveModel {
        cohort_id: Set(cohort),
        learner_id: Set(learner),
        status: Set(status),
        contract_start: Set(None),
        contract_end: Set(None),
        enrolled_at: Set(Utc::now()),
        ended_at: Set(Some(Utc::now())),
        end_reason: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&app.db.db)
    .await
    .expect("an enrolment")
    .id
}

async fn followed_up(app: &TestApp, enrollment: i32, learner: i32, employed: bool) {
    follow_up::Entity::insert(follow_up::ActiveModel {
        enrollment_id: Set(enrollment),
        learner_id: Set(learner),
        month: Set(3),
        contacted_on: Set(Utc::now().date_naive()),
        employed: Set(employed),
        employer_id: Set(None),
        employer_name: Set(employed.then(|| "某公司".to_owned())),
        occupation_match: Set(employed),
        wage_band: Set(None),
        full_time: Set(employed.then_some(true)),
        note: Set(String::new()),
        recorded_by_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&app.db.db)
    .await
    .expect("a follow-up");
}

/// Training results built by hand: five enrolments ended, four completed, two of them certified
/// in the occupation and level since their cohort began, one employed at a follow-up.
async fn results_by_hand(app: &TestApp, institution: i32) {
    let db = &app.db.db;
    let mut valid: Vec<certificate::Model> = certificate::Entity::find()
        .filter(certificate::Column::Status.eq(CertificateStatus::Valid))
        .all(db)
        .await
        .expect("certificates");
    valid.sort_by_key(|c| (c.learner_id, c.id));
    valid.dedup_by_key(|c| c.learner_id);
    assert!(valid.len() >= 3, "three certified demo learners");
    // Certified: two cohorts that began before the certificate was issued.
    for c in &valid[..2] {
        let k = finished_cohort(
            app,
            institution,
            &c.occupation_code,
            c.level,
            c.issued_on - Days::new(60),
        )
        .await;
        ended(app, k.id, c.learner_id, EnrollmentStatus::Completed).await;
    }
    // Not certified by this training: the certificate came before the cohort began.
    let late = &valid[2];
    let k = finished_cohort(
        app,
        institution,
        &late.occupation_code,
        late.level,
        late.issued_on + Days::new(1),
    )
    .await;
    let placed = ended(app, k.id, late.learner_id, EnrollmentStatus::Completed).await;
    followed_up(app, placed, late.learner_id, true).await;
    // A completion without a certificate and not employed, and a withdrawal.
    let others: Vec<i32> = entity::learner::Entity::find()
        .all(db)
        .await
        .expect("learners")
        .into_iter()
        .map(|l| l.id)
        .filter(|id| valid.iter().all(|c| c.learner_id != *id))
        .take(2)
        .collect();
    let k = finished_cohort(
        app,
        institution,
        "4-14-03-03",
        entity::SkillLevel::Level2,
        Utc::now().date_naive() - Days::new(90),
    )
    .await;
    let unemployed = ended(app, k.id, others[0], EnrollmentStatus::Completed).await;
    followed_up(app, unemployed, others[0], false).await;
    ended(app, k.id, others[1], EnrollmentStatus::Withdrawn).await;
}

async fn visible(app: &TestApp, institution: &Value) -> (i64, bool, bool) {
    // A token's answers are not shared by the public cache, so each read is fresh.
    let enterprise = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let data = app
        .data_as(
            &enterprise,
            "query($o: ID!) { node(id: $o) { ... on Organization { openResources { totalCount } } } openResources(first: 100, filter: {region: \"321100\"}) { nodes { provider { id } } } trainingPlans(first: 100, filter: {provider: $o}) { totalCount } }",
            json!({ "o": institution }),
        )
        .await;
    let listed = data["openResources"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .any(|n| n["provider"]["id"] == *institution);
    (
        data["node"]["openResources"]["totalCount"]
            .as_i64()
            .expect("count"),
        listed,
        data["trainingPlans"]["totalCount"].as_i64().expect("count") > 0,
    )
}

#[tokio::test]
async fn stars_come_from_four_dimensions_and_the_confirmed_standing_takes_effect_at_once() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let org = fresh_institution(&app).await;
    let institution = json!(NodeKey::Organization(org.id).to_id());
    results_by_hand(&app, org.id).await;
    let regulator = who::regulator(app.region_row("321100").await);
    let own = who::staff(Role::TrainingInstitution, org.id);
    // The institution publishes a plan; its items are on the public lists.
    app.data_as(
        &own,
        "mutation { publishTrainingPlan(input: {region: \"321100\", year: 2099, quarter: 1, occupation: \"4-14-03-03\", plannedClasses: 2, plannedHeadcount: 60, subsidyType: EMPLOYMENT_SKILLS}) { id } }",
        json!({}),
    )
    .await;
    let (items, listed, planned) = visible(&app, &institution).await;
    assert!(items > 0 && listed && planned, "published before");

    // Who may not evaluate: the institution itself, another region's regulator, no token.
    let huaian = who::regulator(app.region_row("320800").await);
    let scores = json!({ "i": institution, "q": 80, "t": 70, "f": 60 });
    assert_eq!(
        first_code(&app.query_as(&own, EVALUATE, scores.clone()).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(&app.query_as(&huaian, EVALUATE, scores.clone()).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(
                &skillgraph::auth::Caller::public(),
                EVALUATE,
                scores.clone()
            )
            .await
        ),
        "UNAUTHENTICATED"
    );
    let bad = app
        .query_as(
            &regulator,
            EVALUATE,
            json!({ "i": institution, "q": 101, "t": 70, "f": 60 }),
        )
        .await;
    assert_eq!(first_code(&bad), "BAD_USER_INPUT");
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "input.qualificationScore"
    );

    let evaluated = app.data_as(&regulator, EVALUATE, scores).await["evaluateInstitution"].clone();
    // Results: 40 × 4/5 + 30 × 2/4 + 30 × 1/4 = 32 + 15 + 7.5 = 54.5, half up 55.
    assert_eq!(
        evaluated["results"],
        json!({ "endedEnrollments": 5, "completed": 4, "certified": 2, "placed": 1,
                "completionRate": 0.8, "certificationRate": 0.5, "placementRate": 0.25 })
    );
    assert_eq!(evaluated["resultsScore"], 55);
    // Total: (80 + 70 + 60 + 55) / 4 = 66.25 → 66: two stars, SUSPENDED proposed.
    assert_eq!(evaluated["totalScore"], 66);
    assert_eq!(evaluated["stars"], 2);
    assert_eq!(evaluated["proposedStanding"], "SUSPENDED");
    assert_eq!(evaluated["status"], "PROPOSED");
    assert_eq!(evaluated["standing"], Value::Null);
    // Proposed, nothing changed yet: the lists and the rating are as they were.
    assert_eq!(visible(&app, &institution).await, (items, listed, planned));
    let row = organization::Entity::find_by_id(org.id)
        .one(db)
        .await
        .expect("q")
        .expect("row");
    assert_eq!(row.credit_stars, org.credit_stars);

    // A PROPOSED evaluation is for the regulator and the institution only.
    let node = "query($e: ID!) { node(id: $e) { ... on InstitutionEvaluation { stars note results { completed } } } }";
    let e = json!({ "e": evaluated["id"] });
    assert_eq!(app.data_with(node, e.clone()).await["node"], Value::Null);
    assert_eq!(
        app.data_as(&huaian, node, e.clone()).await["node"],
        Value::Null
    );
    let mine = app.data_as(&own, node, e.clone()).await;
    assert_eq!(mine["node"]["note"], "现场核查");
    assert_eq!(mine["node"]["results"]["completed"], 4);
    let list =
        "{ institutionEvaluations(filter: {statuses: [PROPOSED]}) { totalCount nodes { id } } }";
    let theirs = app.data_as(&huaian, list, json!({})).await;
    assert!(
        theirs["institutionEvaluations"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["id"] != evaluated["id"])
    );
    let work = app.data_as(&regulator, list, json!({})).await;
    assert!(
        work["institutionEvaluations"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["id"] == evaluated["id"])
    );
    assert_eq!(
        first_code(
            &app.query_as(&skillgraph::auth::Caller::public(), list, json!({}))
                .await
        ),
        "UNAUTHENTICATED"
    );

    // Confirmed as proposed: two stars and SUSPENDED, off every public list at once.
    assert_eq!(
        first_code(&app.query_as(&huaian, CONFIRM, e.clone()).await),
        "FORBIDDEN"
    );
    let confirmed = app.data_as(&regulator, CONFIRM, e.clone()).await;
    assert_eq!(
        confirmed["confirmInstitutionEvaluation"],
        json!({ "status": "CONFIRMED", "standing": "SUSPENDED", "stars": 2 })
    );
    assert_eq!(
        first_code(&app.query_as(&regulator, CONFIRM, e.clone()).await),
        "CONFLICT",
        "confirmed once"
    );
    assert_eq!(visible(&app, &institution).await, (0, false, false));
    let public = app
        .data_with(
            "query($o: ID!) { node(id: $o) { ... on Organization { creditStars catalogueStatus creditEvaluation { stars totalScore qualificationScore resultsScore standing reason note results { completed } } } } }",
            json!({ "o": institution }),
        )
        .await;
    assert_eq!(
        public["node"],
        json!({ "creditStars": 2, "catalogueStatus": "SUSPENDED", "creditEvaluation": {
            "stars": 2, "totalScore": 66, "qualificationScore": 80, "resultsScore": 55,
            "standing": "SUSPENDED", "reason": "年度评估", "note": null, "results": null } }),
        "the confirmed rating and its parts are public, the counts of people and the notes are not"
    );

    // Evaluated again after improving, and confirmed: four stars, ADMITTED, back on the lists.
    let again = app
        .data_as(
            &regulator,
            EVALUATE,
            json!({ "i": institution, "q": 90, "t": 90, "f": 90 }),
        )
        .await["evaluateInstitution"]
        .clone();
    // (90 + 90 + 90 + 55) / 4 = 81.25 → 81: four stars.
    assert_eq!(again["totalScore"], 81);
    assert_eq!(again["stars"], 4);
    assert_eq!(again["proposedStanding"], "ADMITTED");
    app.data_as(&regulator, CONFIRM, json!({ "e": again["id"] }))
        .await;
    assert_eq!(visible(&app, &institution).await, (items, listed, planned));
    let stars = app
        .data_with(
            "query($o: ID!) { node(id: $o) { ... on Organization { creditStars openResources { nodes { providerStars } } } } }",
            json!({ "o": institution }),
        )
        .await;
    assert_eq!(stars["node"]["creditStars"], 4);
    assert!(
        stars["node"]["openResources"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["providerStars"] == 4)
    );

    // The regulator may decide otherwise than proposed, saying why.
    let low = app
        .data_as(
            &regulator,
            EVALUATE,
            json!({ "i": institution, "q": 20, "t": 20, "f": 20 }),
        )
        .await["evaluateInstitution"]
        .clone();
    assert_eq!(low["proposedStanding"], "EXITED");
    let kept = app
        .data_as(
            &regulator,
            CONFIRM,
            json!({ "e": low["id"], "s": "ADMITTED" }),
        )
        .await;
    assert_eq!(kept["confirmInstitutionEvaluation"]["standing"], "ADMITTED");
    assert_eq!(visible(&app, &institution).await, (items, listed, planned));
}

#[tokio::test]
async fn an_institution_has_one_proposed_evaluation_whatever_the_concurrency() {
    let app = TestApp::demo().await;
    let org = fresh_institution(&app).await;
    let institution = json!(NodeKey::Organization(org.id).to_id());
    let regulator = who::regulator(app.region_row("321100").await);
    let first = app
        .data_as(
            &regulator,
            EVALUATE,
            json!({ "i": institution, "q": 70, "t": 70, "f": 70 }),
        )
        .await["evaluateInstitution"]["id"]
        .clone();
    let scores = |q: i32| json!({ "i": institution, "q": q, "t": 70, "f": 70 });
    let (a, b, c) = tokio::join!(
        app.query_as(&regulator, EVALUATE, scores(71)),
        app.query_as(&regulator, EVALUATE, scores(72)),
        app.query_as(&regulator, EVALUATE, scores(73)),
    );
    for r in [&a, &b, &c] {
        if r.get("errors").is_some() {
            assert_eq!(first_code(r), "CONFLICT", "{r}");
        }
    }
    assert!(
        [&a, &b, &c].iter().any(|r| r.get("errors").is_none()),
        "one of them is proposed"
    );
    let rows = institution_evaluation::Entity::find()
        .filter(institution_evaluation::Column::InstitutionId.eq(org.id))
        .all(&app.db.db)
        .await
        .expect("evaluations");
    assert_eq!(
        rows.iter()
            .filter(|r| r.status == EvaluationStatus::Proposed)
            .count(),
        1,
        "{rows:?}"
    );
    // The first was superseded and can no longer be confirmed.
    let superseded = app
        .query_as(&regulator, CONFIRM, json!({ "e": first }))
        .await;
    assert_eq!(first_code(&superseded), "CONFLICT", "{superseded}");
}

/// Issue 33: a public evaluation's results score rests on at least five ended enrolments; below
/// that one person's employment moves it, so the public sees neither it nor the total that would
/// give it away, while the regulator and the institution see both.
#[tokio::test]
async fn a_results_score_from_fewer_than_five_people_is_not_public() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::demo().await;
    let confirmed = entity::institution_evaluation::Entity::find()
        .filter(
            entity::institution_evaluation::Column::Status.eq(entity::EvaluationStatus::Confirmed),
        )
        .one(&app.db.db)
        .await
        .expect("read")
        .expect("a confirmed evaluation");
    // Its results computed from the outcomes of a few people.
    entity::institution_evaluation::Entity::update_many()
        .col_expr(
            entity::institution_evaluation::Column::ResultsScore,
            Expr::value(70),
        )
        .filter(entity::institution_evaluation::Column::Id.eq(confirmed.id))
        .exec(&app.db.db)
        .await
        .expect("constructed");
    let institution = json!(NodeKey::Organization(confirmed.institution_id).to_id().0);
    const READ: &str = "query($o: ID!) { node(id: $o) { ... on Organization { creditEvaluation { id stars totalScore resultsScore } } } }";
    let regulator = who::regulator(confirmed.region_id);
    let institution_itself = who::staff(Role::TrainingInstitution, confirmed.institution_id);
    for ended in [1, 4, 5] {
        entity::institution_evaluation::Entity::update_many()
            .col_expr(
                entity::institution_evaluation::Column::EndedEnrollments,
                Expr::value(ended),
            )
            .filter(entity::institution_evaluation::Column::Id.eq(confirmed.id))
            .exec(&app.db.db)
            .await
            .expect("constructed");
        let public = app.data_with(READ, json!({ "o": institution })).await;
        let shown = &public["node"]["creditEvaluation"];
        assert_eq!(
            shown["stars"],
            i32::from(confirmed.stars),
            "the stars stay public"
        );
        if ended < 5 {
            assert_eq!(
                shown["resultsScore"],
                Value::Null,
                "{ended} ended: {public}"
            );
            assert_eq!(shown["totalScore"], Value::Null, "{ended} ended: {public}");
        } else {
            assert_eq!(shown["resultsScore"], 70);
            assert_eq!(shown["totalScore"], i32::from(confirmed.total_score));
        }
        for who in [&regulator, &institution_itself] {
            let full = app.data_as(who, READ, json!({ "o": institution })).await;
            assert_eq!(
                full["node"]["creditEvaluation"]["resultsScore"], 70,
                "{ended} ended"
            );
        }
    }
}
