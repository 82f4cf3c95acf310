//! The authorization matrix: every mutation × every role. Each cell is allowed or refused
//! (`UNAUTHENTICATED` without a token, `FORBIDDEN` otherwise), and a refused call changes nothing.
//! A tenth column is the enterprise of the ENTERPRISE column once it has a training centre (a
//! provider, `policy::may_provide_training`): what the enterprise may, and what a provider may
//! on its own rows, never another provider's.

use entity::{audit_event, demand, learner, membership, organization};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};

use crate::helpers::{TestApp, first_code, who};

/// The rows a mutation may touch, in a comparable form.
async fn snapshot(app: &TestApp) -> String {
    let db = &app.db.db;
    let memberships = membership::Entity::find()
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await
        .expect("memberships");
    let organizations = organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await
        .expect("organizations");
    let learners = learner::Entity::find().count(db).await.expect("learners");
    let cohorts = entity::cohort::Entity::find()
        .order_by_asc(entity::cohort::Column::Id)
        .all(db)
        .await
        .expect("cohorts");
    let enrollments = entity::enrollment::Entity::find()
        .order_by_asc(entity::enrollment::Column::Id)
        .all(db)
        .await
        .expect("enrollments");
    let resources = entity::open_resource::Entity::find()
        .order_by_asc(entity::open_resource::Column::Id)
        .all(db)
        .await
        .expect("resources");
    let catalogue = entity::catalogue_item::Entity::find()
        .order_by_asc(entity::catalogue_item::Column::Id)
        .all(db)
        .await
        .expect("catalogue");
    let plans = entity::training_plan::Entity::find()
        .order_by_asc(entity::training_plan::Column::Id)
        .all(db)
        .await
        .expect("plans");
    let sessions = entity::assessment_session::Entity::find()
        .order_by_asc(entity::assessment_session::Column::Id)
        .all(db)
        .await
        .expect("sessions");
    let bodies = entity::assessment_body::Entity::find()
        .order_by_asc(entity::assessment_body::Column::Id)
        .all(db)
        .await
        .expect("bodies");
    let candidates = entity::candidate::Entity::find()
        .order_by_asc(entity::candidate::Column::Id)
        .all(db)
        .await
        .expect("candidates");
    let certificates = entity::certificate::Entity::find()
        .order_by_asc(entity::certificate::Column::Id)
        .all(db)
        .await
        .expect("certificates");
    let intentions = entity::training_intention::Entity::find()
        .order_by_asc(entity::training_intention::Column::Id)
        .all(db)
        .await
        .expect("intentions");
    let orders = entity::training_order::Entity::find()
        .order_by_asc(entity::training_order::Column::Id)
        .all(db)
        .await
        .expect("orders");
    let demands = demand::Entity::find()
        .order_by_asc(demand::Column::Id)
        .all(db)
        .await
        .expect("demands");
    let recommendations = entity::recommendation::Entity::find()
        .order_by_asc(entity::recommendation::Column::Id)
        .all(db)
        .await
        .expect("recommendations");
    let follow_ups = entity::follow_up::Entity::find()
        .order_by_asc(entity::follow_up::Column::Id)
        .all(db)
        .await
        .expect("follow-ups");
    let trades = (
        entity::work_type::Entity::find()
            .all(db)
            .await
            .expect("work types"),
        entity::special_ability::Entity::find()
            .all(db)
            .await
            .expect("special abilities"),
    );
    let contacts = entity::service_contact::Entity::find()
        .order_by_asc(entity::service_contact::Column::Id)
        .all(db)
        .await
        .expect("service contacts");
    let audit = audit_event::Entity::find().count(db).await.expect("audit");
    let alliances = entity::alliance::Entity::find()
        .order_by_asc(entity::alliance::Column::Id)
        .all(db)
        .await
        .expect("alliances");
    let sign_ins = entity::sign_in::Entity::find()
        .order_by_asc(entity::sign_in::Column::Jti)
        .all(db)
        .await
        .expect("sign-ins");
    let claims = (
        entity::subsidy_standard::Entity::find()
            .all(db)
            .await
            .expect("standards"),
        entity::subsidy_claim::Entity::find()
            .all(db)
            .await
            .expect("claims"),
        entity::claim_line::Entity::find()
            .all(db)
            .await
            .expect("lines"),
    );
    let records = (
        entity::class_day::Entity::find()
            .count(db)
            .await
            .expect("class days"),
        entity::attendance::Entity::find()
            .count(db)
            .await
            .expect("attendance"),
        entity::online_hours::Entity::find()
            .all(db)
            .await
            .expect("online hours"),
    );
    let requests = entity::data_request::Entity::find()
        .order_by_asc(entity::data_request::Column::Id)
        .all(db)
        .await
        .expect("data requests");
    let sealed: Vec<Option<String>> = learner::Entity::find()
        .order_by_asc(learner::Column::Id)
        .all(db)
        .await
        .expect("learners")
        .into_iter()
        .map(|l| l.name_cipher)
        .collect();
    let evaluations = entity::institution_evaluation::Entity::find()
        .order_by_asc(entity::institution_evaluation::Column::Id)
        .all(db)
        .await
        .expect("evaluations");
    let industries = (
        entity::industry::Entity::find()
            .order_by_asc(entity::industry::Column::Id)
            .all(db)
            .await
            .expect("industries"),
        entity::industry_cluster_member::Entity::find()
            .all(db)
            .await
            .expect("clusters"),
    );
    let regions = entity::region::Entity::find()
        .order_by_asc(entity::region::Column::Id)
        .all(db)
        .await
        .expect("regions");
    let programmes = (
        entity::programme::Entity::find()
            .all(db)
            .await
            .expect("programmes"),
        entity::indicator_target::Entity::find()
            .all(db)
            .await
            .expect("targets"),
    );
    let groups = (
        entity::target_group::Entity::find()
            .order_by_asc(entity::target_group::Column::Id)
            .all(db)
            .await
            .expect("target groups"),
        entity::learner_target_group::Entity::find()
            .order_by_asc(entity::learner_target_group::Column::Id)
            .all(db)
            .await
            .expect("memberships"),
    );
    let applications = entity::membership_application::Entity::find()
        .order_by_asc(entity::membership_application::Column::Id)
        .all(db)
        .await
        .expect("applications");
    let competitions = (
        entity::competition::Entity::find()
            .order_by_asc(entity::competition::Column::Id)
            .all(db)
            .await
            .expect("competitions"),
        entity::competition_entrant::Entity::find()
            .order_by_asc(entity::competition_entrant::Column::Id)
            .all(db)
            .await
            .expect("entrants"),
        entity::direct_recognition::Entity::find()
            .order_by_asc(entity::direct_recognition::Column::Id)
            .all(db)
            .await
            .expect("recognitions"),
    );
    let special = (
        entity::special_ability_scope::Entity::find()
            .order_by_asc(entity::special_ability_scope::Column::BodyId)
            .order_by_asc(entity::special_ability_scope::Column::SpecialAbilityId)
            .all(db)
            .await
            .expect("special scopes"),
        entity::special_ability_session::Entity::find()
            .order_by_asc(entity::special_ability_session::Column::Id)
            .all(db)
            .await
            .expect("special sessions"),
        entity::special_ability_candidate::Entity::find()
            .order_by_asc(entity::special_ability_candidate::Column::Id)
            .all(db)
            .await
            .expect("special candidates"),
        entity::special_ability_certificate::Entity::find()
            .order_by_asc(entity::special_ability_certificate::Column::Id)
            .all(db)
            .await
            .expect("special certificates"),
    );
    format!(
        "{special:?}\n{competitions:?}\n{programmes:?}\n{groups:?}\n{industries:?}\n{regions:?}\n{evaluations:?}\n{claims:?}\n{records:?}\n{requests:?}\n{sealed:?}\n{alliances:?}\n{applications:?}\n{sign_ins:?}\n{memberships:?}\n{organizations:?}\n{learners}\n{audit}\n{demands:?}\n{cohorts:?}\n{enrollments:?}\n{resources:?}\n{catalogue:?}\n{plans:?}\n{sessions:?}\n{bodies:?}\n{candidates:?}\n{certificates:?}\n{intentions:?}\n{orders:?}\n{recommendations:?}\n{follow_ups:?}\n{contacts:?}\n{trades:?}"
    )
}

struct Fixture {
    eyewear: i32,
    zhenjiang: i32,
    enterprise: i32,
    college: i32,
    institution: i32,
    assessment: i32,
    bureau: i32,
    learner: i32,
    outsider: Value,
    lead_membership: Value,
    other_membership: Value,
    enterprise_id: Value,
    draft_demand: Value,
    open_demand: Value,
    college_id: Value,
    cohort: Value,
    spare_cohort: Value,
    pending_contract: Value,
    claim_cohort: Value,
    enrollments: Vec<Value>,
    new_trainee: Value,
    college_resource: Value,
    institution_id: Value,
    catalogue_item: Value,
    csv_base64: String,
    wantong: Value,
    session_a: Value,
    session_b: Value,
    candidate_a: Value,
    employer_certificate: Value,
    open_intention: Value,
    other_intention: Value,
    orders: Vec<Value>,
    sent_recommendation: Value,
    applied_recommendation: Value,
    backlog_learner: Value,
    suggested_demand: Value,
    due_completion: Value,
    review_year: i32,
    new_credit_code: String,
    import_credit_code: String,
    admit_application: Value,
    reject_application: Value,
    /// Invitations of the enterprise to two alliances (one to accept, one to decline).
    invitations: (Value, Value),
    pending_correction: Value,
    pending_erasure: Value,
    pending_lines: Vec<Value>,
    proposed_evaluation: Value,
    class_day: Value,
    free_day: String,
    attendance_csv: String,
    online_csv: String,
    /// The demo's competition under way, one of its entrants, an apprentice of the employer
    /// body, and the direct recognition waiting for the bureau.
    competition: Value,
    entrant: Value,
    apprentice: Value,
    proposed_recognition: Value,
    /// Special-ability sessions and a certificate of the eyewear centre's.
    special: crate::special_abilities::MatrixRows,
}

async fn fixture(app: &TestApp) -> Fixture {
    let data = app
        .data(r#"{ alliance(code: "zj-eyewear") { members(first: 100) { nodes { id role organization { name } } } } }"#)
        .await;
    let members = data["alliance"]["members"]["nodes"]
        .as_array()
        .expect("members")
        .clone();
    let membership_of = |name: &str| {
        members
            .iter()
            .find(|m| m["organization"]["name"] == name)
            .unwrap_or_else(|| panic!("{name} in zj-eyewear"))["id"]
            .clone()
    };
    let enterprise_id = app.org_id("丹阳明视眼镜有限公司").await;
    let pending: Vec<Value> = app
        .data_as(
            &who::system_admin(),
            r#"{ membershipApplications(filter: {statuses: [PENDING], alliance: "zj-eyewear"}) { nodes { id } } }"#,
            json!({}),
        )
        .await["membershipApplications"]["nodes"]
        .as_array()
        .expect("the demo's pending applications")
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    assert_eq!(pending.len(), 2, "two pending applications to zj-eyewear");
    let learner = {
        let admin = who::system_admin();
        let data = app
            .data_as(&admin, "{ learners(first: 1) { nodes { id } } }", json!({}))
            .await;
        TestApp::raw_id(&data["learners"]["nodes"][0]["id"])
    };
    let enterprise_caller = who::staff(Role::Enterprise, TestApp::raw_id(&enterprise_id));
    let drafts = app
        .data_as(
            &enterprise_caller,
            "{ demands(filter: {statuses: [DRAFT]}) { nodes { id } } }",
            json!({}),
        )
        .await;
    let open = app
        .data_with(
            "query($o: ID!) { node(id: $o) { ... on Organization { demands { nodes { id } } } } }",
            json!({ "o": enterprise_id }),
        )
        .await;
    let college_id = app.org_id("丹阳中等专业学校").await;
    let college_caller = who::staff(Role::College, TestApp::raw_id(&college_id));
    let cohorts = app
        .data_as(
            &college_caller,
            "query($p: ID!) { cohorts(filter: {provider: $p}) { nodes { id name enrollments { nodes { id learner { id } } } } } }",
            json!({ "p": college_id }),
        )
        .await;
    let cohort_nodes = cohorts["cohorts"]["nodes"]
        .as_array()
        .expect("cohorts")
        .clone();
    let main_cohort = cohort_nodes
        .iter()
        .find(|c| {
            let name = c["name"].as_str().expect("n");
            !name.contains("预备") && !name.contains("届")
        })
        .expect("the demo cohort");
    let spare_cohort = cohort_nodes
        .iter()
        .find(|c| c["name"].as_str().expect("n").contains("预备"))
        .expect("the spare cohort");
    let enrolled: Vec<Value> = main_cohort["enrollments"]["nodes"]
        .as_array()
        .expect("e")
        .iter()
        .map(|e| e["learner"]["id"].clone())
        .collect();
    let trainees = app
        .data_as(
            &college_caller,
            "{ learners(first: 100) { nodes { id registeredBy { name } } } }",
            json!({}),
        )
        .await;
    let new_trainee = trainees["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .filter(|l| l["registeredBy"]["name"] == "丹阳中等专业学校")
        .map(|l| l["id"].clone())
        .find(|id| !enrolled.contains(id))
        .expect("a learner not yet enrolled");
    let college_resource = app
        .data_with("query($o: ID!) { node(id: $o) { ... on Organization { openResources { nodes { id } } } } }", json!({ "o": college_id }))
        .await["node"]["openResources"]["nodes"][0]["id"]
        .clone();
    let catalogue_item = app
        .data("{ catalogueItems(filter: {region: \"321100\"}, first: 1) { nodes { id } } }")
        .await["catalogueItems"]["nodes"][0]["id"]
        .clone();
    let csv_base64 = {
        use base64::Engine;
        let csv = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/api/fixtures/resources.csv"
        ))
        .expect("fixture");
        base64::engine::general_purpose::STANDARD.encode(csv)
    };
    let centre = who::staff(
        Role::AssessmentBody,
        TestApp::raw_id(&app.org_id("江苏眼镜行业职业技能评价中心").await),
    );
    let sessions = app
        .data("{ assessmentSessions(first: 100) { nodes { id level body { organization { name } } } } }")
        .await;
    let centre_sessions: Vec<Value> = sessions["assessmentSessions"]["nodes"]
        .as_array()
        .expect("sessions")
        .iter()
        .filter(|s| s["body"]["organization"]["name"] == "江苏眼镜行业职业技能评价中心")
        .cloned()
        .collect();
    let session_a = centre_sessions
        .iter()
        .find(|s| s["level"] == "LEVEL_5")
        .expect("the LEVEL_5 session")["id"]
        .clone();
    let session_b = centre_sessions
        .iter()
        .find(|s| s["level"] == "LEVEL_4")
        .expect("the LEVEL_4 session")["id"]
        .clone();
    let candidate_a = app
        .data_as(
            &centre,
            "query($s: ID!) { node(id: $s) { ... on AssessmentSession { candidates { id } } } }",
            json!({ "s": session_a }),
        )
        .await["node"]["candidates"][0]["id"]
        .clone();
    let zj_regulator = who::regulator(app.region_row("321100").await);
    let certificates = app
        .data_as(
            &zj_regulator,
            "{ learners(first: 100) { nodes { certificates { id number status } } } }",
            json!({}),
        )
        .await;
    let employer_certificate = certificates["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .flat_map(|l| l["certificates"].as_array().expect("c").clone())
        .find(|c| c["status"] == "VALID" && c["number"].as_str().expect("n").starts_with('Y'))
        .expect("the employer's valid certificate")["id"]
        .clone();
    let intentions = app
        .data_as(
            &zj_regulator,
            "{ trainingIntentions(statuses: [OPEN], first: 100) { nodes { id occupation } } }",
            json!({}),
        )
        .await;
    let eyewear_intentions: Vec<Value> = intentions["trainingIntentions"]["nodes"]
        .as_array()
        .expect("intentions")
        .iter()
        .filter(|i| i["occupation"] == "4-14-03-03")
        .map(|i| i["id"].clone())
        .collect();
    let open_intention = eyewear_intentions[0].clone();
    let other_intention = eyewear_intentions[1].clone();
    let orders: Vec<Value> = app
        .data_as(
            &zj_regulator,
            "{ trainingOrders(first: 100) { nodes { id status provider { name } } } }",
            json!({}),
        )
        .await["trainingOrders"]["nodes"]
        .as_array()
        .expect("orders")
        .iter()
        .filter(|o| o["status"] == "DISPATCHED" && o["provider"]["name"] == "丹阳中等专业学校")
        .map(|o| o["id"].clone())
        .collect();
    assert_eq!(orders.len(), 2, "two demo orders to the college");
    let sent_recommendation = app
        .data_as(
            &zj_regulator,
            "query($l: ID!) { node(id: $l) { ... on Learner { recommendations { id outcome } } } }",
            json!({ "l": skillgraph::graphql::ids::NodeKey::Learner(learner).to_id() }),
        )
        .await["node"]["recommendations"]
        .as_array()
        .expect("recommendations")
        .iter()
        .find(|r| r["outcome"] == "SENT")
        .expect("a SENT recommendation to the first learner")["id"]
        .clone();
    let applied_recommendation = app
        .data_as(
            &enterprise_caller,
            "query($d: ID!) { node(id: $d) { ... on Demand { recommendations { id outcome } } } }",
            json!({ "d": open["node"]["demands"]["nodes"][0]["id"] }),
        )
        .await["node"]["recommendations"]
        .as_array()
        .expect("recommendations")
        .iter()
        .find(|r| r["outcome"] == "APPLIED")
        .expect("an APPLIED recommendation on the enterprise's demand")["id"]
        .clone();
    let backlog = app
        .data_as(
            &zj_regulator,
            "{ recommendationBacklog(filter: {alliance: \"zj-eyewear\"}, first: 100) { nodes { recommendationCount learner { id registeredBy { name } jobSuggestions(first: 1) { demand { id } } } } } }",
            json!({}),
        )
        .await;
    let candidate = backlog["recommendationBacklog"]["nodes"]
        .as_array()
        .expect("backlog")
        .iter()
        .find(|e| {
            e["recommendationCount"] == 0
                && e["learner"]["registeredBy"]["name"] != "丹阳市视界眼镜技能培训中心"
                && !e["learner"]["jobSuggestions"]
                    .as_array()
                    .expect("s")
                    .is_empty()
        })
        .expect("a trained learner without recommendations who fits an open demand")
        .clone();
    let backlog_learner = candidate["learner"]["id"].clone();
    let due = app
        .data_as(
            &zj_regulator,
            "{ followUpsDue(filter: {alliance: \"zj-eyewear\", months: [6]}, first: 1) { nodes { completion { id endedAt } } } }",
            json!({}),
        )
        .await;
    let due_completion = due["followUpsDue"]["nodes"][0]["completion"].clone();
    let review_year: i32 = due_completion["endedAt"].as_str().expect("endedAt")[..4]
        .parse()
        .expect("a year");
    let competition = app
        .data_as(
            &zj_regulator,
            "{ competitions(filter: {status: SCHEDULED}) { nodes { id entrants { id learner { id } } } } }",
            json!({}),
        )
        .await["competitions"]["nodes"][0]
        .clone();
    let record = training_record(
        app,
        &main_cohort["id"],
        &main_cohort["enrollments"]["nodes"][0]["id"],
    )
    .await;
    Fixture {
        sent_recommendation,
        applied_recommendation,
        backlog_learner: backlog_learner.clone(),
        suggested_demand: candidate["learner"]["jobSuggestions"][0]["demand"]["id"].clone(),
        due_completion: due_completion["id"].clone(),
        review_year,
        open_intention,
        other_intention,
        orders,
        wantong: app.org_id("丹阳市万通镜片有限公司").await,
        session_a,
        session_b,
        candidate_a,
        employer_certificate,
        college_resource,
        institution_id: app.org_id("丹阳市视界眼镜技能培训中心").await,
        catalogue_item,
        csv_base64,
        college_id: college_id.clone(),
        cohort: main_cohort["id"].clone(),
        spare_cohort: spare_cohort["id"].clone(),
        pending_contract: spare_cohort["enrollments"]["nodes"][0]["id"].clone(),
        claim_cohort: Value::Null,
        enrollments: main_cohort["enrollments"]["nodes"]
            .as_array()
            .expect("e")
            .iter()
            .map(|e| e["id"].clone())
            .collect(),
        new_trainee,
        draft_demand: drafts["demands"]["nodes"][0]["id"].clone(),
        open_demand: open["node"]["demands"]["nodes"][0]["id"].clone(),
        eyewear: app.alliance_row("zj-eyewear").await,
        zhenjiang: app.region_row("321100").await,
        enterprise: TestApp::raw_id(&enterprise_id),
        college: TestApp::raw_id(&app.org_id("丹阳中等专业学校").await),
        institution: TestApp::raw_id(&app.org_id("丹阳市视界眼镜技能培训中心").await),
        assessment: TestApp::raw_id(&app.org_id("江苏眼镜行业职业技能评价中心").await),
        bureau: TestApp::raw_id(&app.org_id("镇江市人力资源和社会保障局").await),
        learner,
        outsider: app.org_id("镇江云启数字科技有限公司").await,
        lead_membership: membership_of("丹阳明视眼镜有限公司"),
        other_membership: membership_of("丹阳市万通镜片有限公司"),
        enterprise_id,
        new_credit_code: {
            let first17 = "91321100MA1XY0001";
            let check = skillgraph::domain::kernel::codes::CreditCode::check_char(first17)
                .expect("alphabet");
            format!("{first17}{}", char::from(check))
        },
        import_credit_code: {
            let first17 = "91321100MA1XY0002";
            let check = skillgraph::domain::kernel::codes::CreditCode::check_char(first17)
                .expect("alphabet");
            format!("{first17}{}", char::from(check))
        },
        class_day: record.class_day,
        pending_lines: entity::claim_line::Entity::find()
            .filter(entity::claim_line::Column::Status.eq(entity::ClaimLineStatus::Pending))
            .order_by_asc(entity::claim_line::Column::Id)
            .all(&app.db.db)
            .await
            .expect("claim lines")
            .into_iter()
            .map(|l| json!(skillgraph::graphql::ids::NodeKey::ClaimLine(l.id).to_id()))
            .collect(),
        proposed_evaluation: {
            let proposed = entity::institution_evaluation::Entity::find()
                .filter(
                    entity::institution_evaluation::Column::Status
                        .eq(entity::EvaluationStatus::Proposed),
                )
                .one(&app.db.db)
                .await
                .expect("evaluations")
                .expect("the demo's proposed evaluation");
            json!(skillgraph::graphql::ids::NodeKey::InstitutionEvaluation(proposed.id).to_id())
        },
        free_day: record.free_day,
        attendance_csv: record.attendance_csv,
        online_csv: record.online_csv,
        competition: competition["id"].clone(),
        entrant: competition["entrants"][0]["id"].clone(),
        apprentice: competition["entrants"][0]["learner"]["id"].clone(),
        proposed_recognition: app
            .data_as(
                &zj_regulator,
                "{ directRecognitions(filter: {status: PROPOSED}) { nodes { id } } }",
                json!({}),
            )
            .await["directRecognitions"]["nodes"][0]["id"]
            .clone(),
        special: Default::default(),
        pending_correction: pending_request(app, "CORRECTION").await,
        pending_erasure: pending_request(app, "ERASURE").await,
        admit_application: pending[0].clone(),
        reject_application: pending[1].clone(),
        invitations: (Value::Null, Value::Null),
    }
}

struct Record {
    class_day: Value,
    free_day: String,
    attendance_csv: String,
    online_csv: String,
}

/// A held class day of the cohort, a weekend day of its past not scheduled, an attendance file
/// naming the learner of `enrollment` by real name on every class day held (so they may
/// complete), and a one-row online-hours file.
async fn training_record(app: &TestApp, cohort: &Value, enrollment: &Value) -> Record {
    use base64::Engine;
    use chrono::Datelike;
    let days = app
        .data_with(
            "query($c: ID!) { node(id: $c) { ... on Cohort { classDays { id day } } } }",
            json!({ "c": cohort }),
        )
        .await;
    let days = days["node"]["classDays"]
        .as_array()
        .expect("class days")
        .clone();
    let first = &days[0];
    let first_day: chrono::NaiveDate = first["day"].as_str().expect("day").parse().expect("date");
    let free_day = first_day
        .iter_days()
        .find(|d| d.weekday().number_from_monday() > 5)
        .expect("a weekend");
    let id = skillgraph::graphql::ids::NodeKey::enrollment("e", enrollment.as_str().expect("id"))
        .expect("enrolment");
    let learner_id = entity::enrollment::Entity::find_by_id(id)
        .one(&app.db.db)
        .await
        .expect("enrolment")
        .expect("row")
        .learner_id;
    let row = learner::Entity::find_by_id(learner_id)
        .one(&app.db.db)
        .await
        .expect("learner")
        .expect("row");
    let person = crate::helpers::test_personal_key()
        .open(&row)
        .expect("open");
    let b64 = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
    Record {
        class_day: first["id"].clone(),
        free_day: free_day.to_string(),
        attendance_csv: b64(days
            .iter()
            .map(|d| d["day"].as_str().expect("day").to_owned())
            .filter(|d| d.as_str() <= chrono::Utc::now().date_naive().to_string().as_str())
            .fold("日期,身份证号,姓名\n".to_owned(), |csv, d| {
                format!("{csv}{d},{},{}\n", person.national_id.reveal(), person.name)
            })),
        online_csv: b64(format!(
            "日期,身份证号,姓名,分钟\n{first_day},{},{},45\n",
            person.national_id.reveal(),
            person.name
        )),
    }
}

/// The demo's one pending request of `kind` about personal data, in Zhenjiang.
async fn pending_request(app: &TestApp, kind: &str) -> Value {
    let zj = app.region_row("321100").await;
    let data = app
        .data_as(
            &who::regulator(zj),
            "query($k: DataRequestKind!) { dataRequests(filter: {statuses: [PENDING], kind: $k}) { nodes { id } } }",
            json!({ "k": kind }),
        )
        .await;
    let nodes = data["dataRequests"]["nodes"].as_array().expect("requests");
    assert_eq!(nodes.len(), 1, "one pending {kind} in the demo: {data}");
    nodes[0]["id"].clone()
}

/// Who calls: one column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// A role, acting for the fixture's organization of that role.
    Role(Role),
    /// The fixture's enterprise with a registered training centre, its token resolved as a
    /// request's is.
    TrainingEnterprise,
}

impl Column {
    fn role(self) -> Role {
        match self {
            Self::Role(role) => role,
            Self::TrainingEnterprise => Role::Enterprise,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Role(role) => role.as_str(),
            Self::TrainingEnterprise => "ENTERPRISE+TRAINS",
        }
    }

    /// Whether the matrix allows `cell` for this column.
    fn allowed(self, cell: &Cell) -> bool {
        cell.allowed.contains(&self.role())
            || (self == Self::TrainingEnterprise && AS_PROVIDER.contains(&cell.name))
    }
}

/// What the enterprise with a training centre may beyond the enterprise: a provider's acts on
/// nobody else's rows (registering people, publishing its own list). Every cell about the
/// college's cohorts, claims, orders and learners stays refused.
const AS_PROVIDER: &[&str] = &[
    "registerLearner",
    "publishResourceList",
    "importResourceList",
    "publishTrainingPlan",
];

fn callers(f: &Fixture) -> Vec<(Column, Caller)> {
    vec![
        (Column::Role(Role::Public), Caller::public()),
        (Column::Role(Role::Learner), who::learner(f.learner)),
        (
            Column::Role(Role::Enterprise),
            who::staff(Role::Enterprise, f.enterprise),
        ),
        (
            Column::Role(Role::College),
            who::staff(Role::College, f.college),
        ),
        (
            Column::Role(Role::TrainingInstitution),
            who::staff(Role::TrainingInstitution, f.institution),
        ),
        (
            Column::Role(Role::AssessmentBody),
            who::staff(Role::AssessmentBody, f.assessment),
        ),
        (
            Column::Role(Role::AllianceAdmin),
            who::alliance_admin(&[f.eyewear]),
        ),
        (
            Column::Role(Role::Regulator),
            who::bureau(f.zhenjiang, f.bureau),
        ),
        (Column::Role(Role::SystemAdmin), who::system_admin()),
        // A department writes nothing: it reads its programmes' figures and learners.
        (
            Column::Role(Role::Department),
            who::staff(Role::Department, f.bureau),
        ),
        // Resolved in its own database, once the centre is recorded there.
        (Column::TrainingEnterprise, Caller::public()),
    ]
}

struct Cell {
    name: &'static str,
    query: &'static str,
    variables: fn(&Fixture) -> Value,
    allowed: &'static [Role],
}

const CELLS: &[Cell] = &[
    Cell {
        name: "registerOrganization",
        query: "mutation($c: String!) { registerOrganization(input: {name: \"矩阵测试企业\", kind: ENTERPRISE, creditCode: $c, region: \"321100\"}) { id } }",
        variables: |f| json!({ "c": f.new_credit_code }),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "importOrganizations",
        query: "mutation($f: String!) { importOrganizations(input: {format: CSV, contentBase64: $f}) { id } }",
        variables: |f| {
            use base64::Engine;
            json!({ "f": base64::engine::general_purpose::STANDARD.encode(format!("name,kind,creditCode,region\n矩阵导入企业,ENTERPRISE,{},321100\n", f.import_credit_code)) })
        },
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "foundAlliance",
        query: "mutation($o: ID!) { foundAlliance(input: {code: \"zj-matrix\", name: \"镇江矩阵联盟\", nameEn: \"Matrix Alliance\", industry: EYEWEAR, region: \"321100\", foundedOn: \"2026-01-01\", leads: [$o]}) { id } }",
        variables: |f| json!({ "o": f.enterprise_id }),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "upsertRegion",
        query: "mutation { upsertRegion(input: {code: \"321190\", name: \"矩阵测试区\", level: COUNTY, parent: \"321100\"}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::SystemAdmin],
    },
    Cell {
        name: "retireRegion",
        query: "mutation { retireRegion(input: {code: \"321171\", successor: \"321102\"}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::SystemAdmin],
    },
    Cell {
        name: "upsertIndustry",
        query: "mutation { upsertIndustry(input: {code: \"MATRIX_SHIPBUILDING\", name: \"矩阵船舶\", section: \"C\"}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "upsertWorkType",
        query: "mutation { upsertWorkType(input: {code: \"MATRIX_WELDER\", name: \"矩阵电焊工\", occupation: \"6-18-02-04\"}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "upsertSpecialAbility",
        query: "mutation { upsertSpecialAbility(input: {code: \"MATRIX_CRAB\", name: \"矩阵螃蟹养殖\"}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "upsertIndustryCluster",
        query: "mutation { upsertIndustryCluster(input: {code: \"zj-matrix\", name: \"矩阵集群\", region: \"321100\", industries: [\"EYEWEAR\"]}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "setOrganizationAttributes",
        query: "mutation($o: ID!) { setOrganizationAttributes(input: {organization: $o, aboveScale: true, ownership: PRIVATE}) { id } }",
        variables: |f| json!({ "o": f.enterprise_id }),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "applyForMembership",
        query: "mutation { applyForMembership(input: {alliance: \"ha-elderly-care\", note: \"矩阵\"}) { id status } }",
        variables: |_| json!({}),
        allowed: &[
            Role::Enterprise,
            Role::College,
            Role::TrainingInstitution,
            Role::AssessmentBody,
            Role::Regulator,
        ],
    },
    Cell {
        name: "revokeSignIn",
        query: "mutation { revokeSignIn(input: {jti: \"matrix-sign-in\", reason: \"left the company\"}) { revokedAt } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "acceptInvitation",
        query: "mutation($a: ID!) { acceptInvitation(input: {application: $a}) { status } }",
        variables: |f| json!({ "a": f.invitations.0 }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "declineInvitation",
        query: "mutation($a: ID!) { declineInvitation(input: {application: $a, reason: \"不参与\"}) { status } }",
        variables: |f| json!({ "a": f.invitations.1 }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "revokeSubject",
        query: "mutation { revokeSubject(input: {subject: \"matrix-subject\", reason: \"left the company\"}) { signIns } }",
        variables: |_| json!({}),
        allowed: &[Role::SystemAdmin],
    },
    Cell {
        name: "admitMembershipApplication",
        query: "mutation($a: ID!) { admitMembershipApplication(input: {application: $a}) { status } }",
        variables: |f| json!({ "a": f.admit_application }),
        allowed: &[Role::AllianceAdmin, Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "rejectMembershipApplication",
        query: "mutation($a: ID!) { rejectMembershipApplication(input: {application: $a, reason: \"资料不全\"}) { status } }",
        variables: |f| json!({ "a": f.reject_application }),
        allowed: &[Role::AllianceAdmin, Role::Regulator, Role::SystemAdmin],
    },
    Cell {
        name: "admitMember",
        query: "mutation($org: ID!) { admitMember(input: {alliance: \"zj-eyewear\", organization: $org}) { id role } }",
        variables: |f| json!({ "org": f.outsider }),
        allowed: &[Role::AllianceAdmin, Role::SystemAdmin],
    },
    Cell {
        name: "changeMemberRole",
        query: "mutation($m: ID!) { changeMemberRole(input: {membership: $m, role: MEMBER}) { id role } }",
        variables: |f| json!({ "m": f.lead_membership }),
        allowed: &[Role::AllianceAdmin, Role::SystemAdmin],
    },
    Cell {
        name: "removeMember",
        query: "mutation($m: ID!) { removeMember(input: {membership: $m}) { id isCurrent } }",
        variables: |f| json!({ "m": f.other_membership }),
        allowed: &[Role::AllianceAdmin, Role::SystemAdmin],
    },
    Cell {
        name: "updateOrganizationProfile",
        query: "mutation($o: ID!) { updateOrganizationProfile(input: {organization: $o, website: \"https://mingshi.example\"}) { id website } }",
        variables: |f| json!({ "o": f.enterprise_id }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "registerLearner",
        query: "mutation { registerLearner(input: {name: \"测试学员\", nationalId: \"321102199001010011\", phone: \"13900001111\", region: \"321100\", targetGroup: GRADUATE}) { id nationalId } }",
        variables: |_| json!({}),
        allowed: &[Role::College, Role::TrainingInstitution, Role::Regulator],
    },
    Cell {
        name: "createDemand",
        query: "mutation { createDemand(input: {demand: {alliances: [\"zj-eyewear\"], occupation: \"4-14-03-03\", level: LEVEL_4, kind: JOB, headcount: 2, wageMin: 5000, wageMax: 7000, region: \"321100\", address: \"丹阳市\", validUntil: \"2099-12-31\"}}) { id status } }",
        variables: |_| json!({}),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "updateDemand",
        query: "mutation($d: ID!) { updateDemand(input: {id: $d, version: 1, demand: {alliances: [\"zj-eyewear\"], occupation: \"4-14-03-04\", level: LEVEL_3, kind: APPRENTICESHIP, headcount: 4, wageMin: 5000, wageMax: 7000, region: \"321100\", address: \"丹阳市\", validUntil: \"2099-12-31\"}}) { id version } }",
        variables: |f| json!({ "d": f.draft_demand }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "openDemand",
        query: "mutation($d: ID!) { openDemand(input: {id: $d}) { id status } }",
        variables: |f| json!({ "d": f.draft_demand }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "markDemandFilled",
        query: "mutation($d: ID!) { markDemandFilled(input: {id: $d}) { id status } }",
        variables: |f| json!({ "d": f.open_demand }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "closeDemand",
        query: "mutation($d: ID!) { closeDemand(input: {id: $d, reason: \"filled internally\"}) { id status } }",
        variables: |f| json!({ "d": f.draft_demand }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "withdrawResource",
        query: "mutation($r: ID!) { withdrawResource(input: {resource: $r}) { status } }",
        variables: |f| json!({ "r": f.college_resource }),
        allowed: &[Role::College],
    },
    Cell {
        name: "publishResourceList",
        query: "mutation { publishResourceList(input: {items: [{kind: COURSE, title: \"矩阵课程\", occupations: [{code: \"4-14-03-03\", level: LEVEL_4}], schedule: EVENING, seats: 10, fee: 0, fundingMode: PUBLIC_GOOD, subsidyEligible: true, region: \"321100\", address: \"丹阳\", startOn: \"2099-01-01\", contact: \"王老师\"}]}) { id listVersion } }",
        variables: |_| json!({}),
        allowed: &[Role::College, Role::TrainingInstitution],
    },
    Cell {
        name: "importResourceList",
        query: "mutation($c: String!) { importResourceList(input: {format: CSV, contentBase64: $c}) { id } }",
        variables: |f| json!({ "c": f.csv_base64 }),
        allowed: &[Role::College, Role::TrainingInstitution],
    },
    Cell {
        name: "publishTrainingPlan",
        query: "mutation { publishTrainingPlan(input: {region: \"321100\", year: 2099, quarter: 1, occupation: \"4-14-03-03\", plannedClasses: 2, plannedHeadcount: 60, subsidyType: EMPLOYMENT_SKILLS}) { id } }",
        variables: |_| json!({}),
        allowed: &[Role::College, Role::TrainingInstitution],
    },
    Cell {
        name: "rateInstitution",
        query: "mutation($i: ID!) { rateInstitution(input: {institution: $i, stars: 1}) { creditStars } }",
        variables: |f| json!({ "i": f.institution_id }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "setInstitutionStatus",
        query: "mutation($i: ID!) { setInstitutionStatus(input: {institution: $i, status: EXITED, reason: \"closed\"}) { catalogueStatus } }",
        variables: |f| json!({ "i": f.institution_id }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "upsertCatalogueItem",
        query: "mutation { upsertCatalogueItem(input: {occupation: \"4-14-03-03\", level: LEVEL_2, category: SKILL_LEVEL_CERTIFICATE, subsidyAmount: 3000, year: 2099}) { id } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "setCatalogueItemStatus",
        query: "mutation($i: ID!) { setCatalogueItemStatus(input: {item: $i, status: UNDER_REVIEW, reason: \"placement below target\"}) { status } }",
        variables: |f| json!({ "i": f.catalogue_item }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "fileAssessmentBody",
        query: "mutation($o: ID!) { fileAssessmentBody(input: {organization: $o, type: EMPLOYER, bodyCode: \"0099\", siteSerial: \"000777\", scope: [{occupation: \"4-14-03-04\", maxLevel: LEVEL_4}]}) { status } }",
        variables: |f| json!({ "o": f.wantong }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "setAssessmentBodyStatus",
        query: "mutation($o: ID!) { setAssessmentBodyStatus(input: {organization: $o, status: ACTIVE, reason: \"年度复核\"}) { status } }",
        variables: |f| json!({ "o": f.enterprise_id }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "scheduleSession",
        query: "mutation { scheduleSession(input: {occupation: \"4-14-03-03\", level: LEVEL_5, examDate: \"2099-03-01\", registrationDeadline: \"2099-02-01\", region: \"321100\", address: \"丹阳考点\", capacity: 10}) { id } }",
        variables: |_| json!({}),
        allowed: &[Role::Enterprise, Role::AssessmentBody],
    },
    Cell {
        name: "registerCandidate",
        query: "mutation($s: ID!, $l: ID!) { registerCandidate(input: {session: $s, learner: $l}) { id } }",
        variables: |f| json!({ "s": f.session_b, "l": f.new_trainee }),
        allowed: &[Role::College, Role::AssessmentBody],
    },
    Cell {
        name: "recordResults",
        query: "mutation($s: ID!, $c: ID!) { recordResults(input: {session: $s, results: [{candidate: $c, theoryScore: 80, practicalScore: 85}]}) { status } }",
        variables: |f| json!({ "s": f.session_a, "c": f.candidate_a }),
        allowed: &[Role::AssessmentBody],
    },
    Cell {
        name: "publishResults",
        query: "mutation($s: ID!) { publishResults(input: {session: $s}) { number } }",
        variables: |f| json!({ "s": f.session_a }),
        allowed: &[Role::AssessmentBody],
    },
    Cell {
        name: "revokeCertificate",
        query: "mutation($c: ID!) { revokeCertificate(input: {certificate: $c, reason: \"复核\"}) { status } }",
        variables: |f| json!({ "c": f.employer_certificate }),
        allowed: &[Role::Enterprise, Role::Regulator],
    },
    // Public: anyone may ask whether a named person holds a certificate (each check is audited).
    Cell {
        name: "checkCertificateHolder",
        query: "mutation { checkCertificateHolder(input: {number: \"S000032000156264999999\", name: \"张三\", nationalId: \"11010519491231002X\"}) { result } }",
        variables: |_| json!({}),
        allowed: &Role::ALL,
    },
    Cell {
        name: "scheduleSpecialAbilitySession",
        query: "mutation { scheduleSpecialAbilitySession(input: {specialAbility: \"ZJ_NEW_MEDIA\", examDate: \"2099-03-01\", registrationDeadline: \"2099-02-01\", region: \"321100\", address: \"丹阳考点\", capacity: 10}) { id } }",
        variables: |_| json!({}),
        allowed: &[Role::Enterprise, Role::AssessmentBody],
    },
    Cell {
        name: "registerSpecialAbilityCandidate",
        query: "mutation($s: ID!, $l: ID!) { registerSpecialAbilityCandidate(input: {session: $s, learner: $l}) { id } }",
        variables: |f| json!({ "s": f.special.open_session, "l": f.new_trainee }),
        allowed: &[Role::College, Role::AssessmentBody],
    },
    Cell {
        name: "publishSpecialAbilityResults",
        query: "mutation($s: ID!, $c: ID!) { publishSpecialAbilityResults(input: {session: $s, results: [{candidate: $c, passed: true}]}) { session { status } } }",
        variables: |f| json!({ "s": f.special.waiting_session, "c": f.special.waiting_candidate }),
        allowed: &[Role::AssessmentBody],
    },
    Cell {
        name: "revokeSpecialAbilityCertificate",
        query: "mutation($c: ID!) { revokeSpecialAbilityCertificate(input: {certificate: $c, reason: \"复核\"}) { status } }",
        variables: |f| json!({ "c": f.special.certificate }),
        allowed: &[Role::AssessmentBody, Role::Regulator],
    },
    // The holder alone makes a link to their certificate's credential (the matrix's learner
    // holds the centre's special-ability certificate).
    Cell {
        name: "shareCertificate",
        query: "mutation($c: ID!) { shareCertificate(input: {certificate: $c}) { url } }",
        variables: |f| json!({ "c": f.special.certificate }),
        allowed: &[Role::Learner],
    },
    Cell {
        name: "announceCompetition",
        query: "mutation { announceCompetition(input: {name: \"矩阵竞赛\", level: CITY_CLASS1, occupations: [\"4-14-03-03\"], startsOn: \"2099-01-01\", endsOn: \"2099-01-02\", venue: \"镇江\"}) { id } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "enterCompetition",
        query: "mutation($c: ID!, $l: ID!) { enterCompetition(input: {competition: $c, learner: $l, occupation: \"4-14-03-04\"}) { id } }",
        variables: |f| json!({ "c": f.competition, "l": f.new_trainee }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "publishCompetitionResults",
        query: "mutation($c: ID!, $e: ID!) { publishCompetitionResults(input: {competition: $c, results: [{entrant: $e, rank: 1, award: GOLD}]}) { competition { status } } }",
        variables: |f| json!({ "c": f.competition, "e": f.entrant }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "appointTechnician",
        query: "mutation($l: ID!) { appointTechnician(input: {learner: $l, title: SPECIAL_TECHNICIAN, occupation: \"4-14-03-03\", startsOn: \"2099-01-01\", endsOn: \"2099-12-31\"}) { title } }",
        variables: |f| json!({ "l": f.apprentice }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "proposeDirectRecognition",
        query: "mutation($l: ID!) { proposeDirectRecognition(input: {learner: $l, occupation: \"4-14-03-04\", level: LEVEL_4, justification: \"一线验光八年\"}) { id } }",
        variables: |f| json!({ "l": f.apprentice }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "decideDirectRecognition",
        query: "mutation($r: ID!) { decideDirectRecognition(input: {recognition: $r, approve: false, reason: \"材料不全\"}) { status } }",
        variables: |f| json!({ "r": f.proposed_recognition }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "recordHonour",
        query: "mutation($l: ID!) { recordHonour(input: {learner: $l, title: \"镇江工匠\", level: CITY, year: 2025, awardFen: 5000000}) { title } }",
        variables: |f| json!({ "l": f.new_trainee }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "submitTrainingIntention",
        query: "mutation($l: ID!) { submitTrainingIntention(input: {learner: $l, occupation: \"4-14-03\", level: LEVEL_5, schedules: [EVENING], region: \"321100\"}) { id } }",
        variables: |f| json!({ "l": f.new_trainee }),
        allowed: &[Role::College, Role::Regulator],
    },
    Cell {
        name: "withdrawTrainingIntention",
        query: "mutation($i: ID!) { withdrawTrainingIntention(input: {intention: $i}) { status } }",
        variables: |f| json!({ "i": f.other_intention }),
        allowed: &[Role::TrainingInstitution, Role::Regulator],
    },
    Cell {
        name: "dispatchTrainingOrder",
        query: "mutation($i: ID!, $p: ID!) { dispatchTrainingOrder(input: {occupation: \"4-14-03-03\", level: LEVEL_4, schedule: EVENING, seats: 5, deadline: \"2099-01-01\", provider: $p, intentions: [$i]}) { id } }",
        variables: |f| json!({ "i": f.open_intention, "p": f.college_id }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "acceptTrainingOrder",
        query: "mutation($o: ID!) { acceptTrainingOrder(input: {order: $o}) { status } }",
        variables: |f| json!({ "o": f.orders[0] }),
        allowed: &[Role::College],
    },
    Cell {
        name: "declineTrainingOrder",
        query: "mutation($o: ID!) { declineTrainingOrder(input: {order: $o, reason: \"师资不足\"}) { status } }",
        variables: |f| json!({ "o": f.orders[1] }),
        allowed: &[Role::College],
    },
    Cell {
        name: "createCohort",
        query: "mutation($p: ID!, $e: ID!) { createCohort(input: {kind: ORDER_CLASS, name: \"矩阵班\", enterprise: $e, provider: $p, alliance: \"zj-eyewear\", occupation: \"4-14-03-03\", targetLevel: LEVEL_4, capacity: 5, startOn: \"2099-01-01\", endOn: \"2099-06-01\"}) { id } }",
        variables: |f| json!({ "p": f.college_id, "e": f.enterprise_id }),
        allowed: &[Role::College, Role::Enterprise],
    },
    Cell {
        name: "confirmCohort",
        query: "mutation($c: ID!) { confirmCohort(input: {cohort: $c}) { employerConfirmation } }",
        variables: |f| json!({ "c": f.spare_cohort }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "confirmLabourContract",
        query: "mutation($e: ID!) { confirmLabourContract(input: {enrollment: $e}) { contractConfirmation } }",
        variables: |f| json!({ "e": f.pending_contract }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "startCohort",
        query: "mutation($c: ID!) { startCohort(input: {cohort: $c}) { status } }",
        variables: |f| json!({ "c": f.cohort }),
        allowed: &[Role::College, Role::Enterprise],
    },
    Cell {
        name: "enrollLearner",
        query: "mutation($c: ID!, $l: ID!) { enrollLearner(input: {cohort: $c, learner: $l, contract: {start: \"2026-01-01\", end: \"2028-01-01\"}}) { id } }",
        variables: |f| json!({ "c": f.cohort, "l": f.new_trainee }),
        allowed: &[Role::College],
    },
    Cell {
        name: "applyToCohort",
        query: "mutation($c: ID!) { applyToCohort(input: {cohort: $c}) { id } }",
        variables: |f| json!({ "c": f.cohort }),
        allowed: &[Role::Learner],
    },
    Cell {
        name: "scheduleClassDays",
        query: "mutation($c: ID!, $d: Date!) { scheduleClassDays(input: {cohort: $c, days: [{day: $d, hours: 4, topic: \"周末实训\"}]}) { id } }",
        variables: |f| json!({ "c": f.cohort, "d": f.free_day }),
        allowed: &[Role::College],
    },
    Cell {
        name: "recordAttendance",
        query: "mutation($d: ID!, $e: ID!) { recordAttendance(input: {classDay: $d, enrollments: [$e]}) { attended } }",
        variables: |f| json!({ "d": f.class_day, "e": f.enrollments[2] }),
        allowed: &[Role::College],
    },
    Cell {
        name: "importAttendance",
        query: "mutation($c: ID!, $f: String!) { importAttendance(input: {cohort: $c, format: CSV, contentBase64: $f}) { rows } }",
        variables: |f| json!({ "c": f.cohort, "f": f.attendance_csv }),
        allowed: &[Role::College],
    },
    Cell {
        name: "importOnlineHours",
        query: "mutation($c: ID!, $f: String!) { importOnlineHours(input: {cohort: $c, platform: \"学习强国\", format: CSV, contentBase64: $f}) { rows } }",
        variables: |f| json!({ "c": f.cohort, "f": f.online_csv }),
        allowed: &[Role::College],
    },
    Cell {
        name: "completeEnrollment",
        query: "mutation($e: ID!) { completeEnrollment(input: {enrollment: $e}) { status } }",
        variables: |f| json!({ "e": f.enrollments[0] }),
        allowed: &[Role::College],
    },
    Cell {
        name: "withdrawEnrollment",
        query: "mutation($e: ID!) { withdrawEnrollment(input: {enrollment: $e, reason: \"moved\"}) { status } }",
        variables: |f| json!({ "e": f.enrollments[1] }),
        allowed: &[Role::College],
    },
    Cell {
        name: "finishCohort",
        query: "mutation($c: ID!) { finishCohort(input: {cohort: $c}) { status } }",
        variables: |f| json!({ "c": f.cohort }),
        allowed: &[Role::College, Role::Enterprise],
    },
    Cell {
        name: "cancelCohort",
        query: "mutation($c: ID!) { cancelCohort(input: {cohort: $c}) { status } }",
        variables: |f| json!({ "c": f.spare_cohort }),
        allowed: &[Role::College, Role::Enterprise],
    },
    Cell {
        name: "recommendJob",
        query: "mutation($l: ID!, $d: ID!) { recommendJob(input: {learner: $l, demand: $d, note: \"试试这个岗位\"}) { id outcome } }",
        variables: |f| json!({ "l": f.backlog_learner, "d": f.suggested_demand }),
        allowed: &[Role::College, Role::AllianceAdmin, Role::Regulator],
    },
    Cell {
        name: "respondToRecommendation",
        query: "mutation($r: ID!) { respondToRecommendation(input: {recommendation: $r, outcome: VIEWED}) { id outcome } }",
        variables: |f| json!({ "r": f.sent_recommendation }),
        allowed: &[Role::Learner],
    },
    Cell {
        name: "recordRecommendationOutcome",
        query: "mutation($r: ID!) { recordRecommendationOutcome(input: {recommendation: $r, outcome: INTERVIEWED}) { id outcome } }",
        variables: |f| json!({ "r": f.applied_recommendation }),
        allowed: &[Role::Enterprise],
    },
    Cell {
        name: "recordFollowUp",
        query: "mutation($c: ID!, $on: Date!) { recordFollowUp(input: {completion: $c, month: 6, contactedOn: $on, employed: false}) { id month } }",
        variables: |f| json!({ "c": f.due_completion, "on": chrono::Utc::now().date_naive().to_string() }),
        allowed: &[Role::College, Role::Regulator],
    },
    Cell {
        name: "recordServiceContact",
        query: "mutation($l: ID!, $on: Date!) { recordServiceContact(input: {learner: $l, kind: POLICY_BRIEFING, channel: PHONE, contactedOn: $on, note: \"讲解培训补贴政策\"}) { id kind } }",
        variables: |f| json!({ "l": f.backlog_learner, "on": chrono::Utc::now().date_naive().to_string() }),
        allowed: &[Role::College, Role::AllianceAdmin, Role::Regulator],
    },
    Cell {
        name: "reviewCatalogue",
        query: "mutation($y: Int!) { reviewCatalogue(input: {year: $y, minPlacementRate: 1.0}) { year items { changed } } }",
        variables: |f| json!({ "y": f.review_year }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "requestDataCorrection",
        query: "mutation { requestDataCorrection(input: {field: PHONE, value: \"13912345678\", reason: \"换了号码\"}) { status } }",
        variables: |_| json!({}),
        allowed: &[Role::Learner],
    },
    Cell {
        name: "requestDataErasure",
        query: "mutation { requestDataErasure(input: {reason: \"不再需要\"}) { status } }",
        variables: |_| json!({}),
        allowed: &[Role::Learner],
    },
    Cell {
        name: "approveDataRequest",
        query: "mutation($r: ID!) { approveDataRequest(input: {request: $r, reason: \"已核实\"}) { status } }",
        variables: |f| json!({ "r": f.pending_correction }),
        allowed: &[Role::College, Role::Regulator],
    },
    Cell {
        name: "rejectDataRequest",
        query: "mutation($r: ID!) { rejectDataRequest(input: {request: $r, reason: \"仍在培训中\"}) { status } }",
        variables: |f| json!({ "r": f.pending_erasure }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "approveClaimLine",
        query: "mutation($l: ID!) { approveClaimLine(input: {line: $l, note: \"考勤齐全\"}) { status } }",
        variables: |f| json!({ "l": f.pending_lines[0] }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "rejectClaimLine",
        query: "mutation($l: ID!) { rejectClaimLine(input: {line: $l, reason: \"签到记录与课表不符\"}) { status } }",
        variables: |f| json!({ "l": f.pending_lines[1] }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "markClaimLinesPaid",
        query: "mutation($l: ID!) { markClaimLinesPaid(input: {lines: [$l], paymentReference: \"ZJCZ-2026-000200\"}) { status } }",
        variables: |f| json!({ "l": f.pending_lines[0] }),
        allowed: &[Role::Regulator],
    },
    // Confirmed before the next cell evaluates (and so supersedes) anything.
    Cell {
        name: "confirmInstitutionEvaluation",
        query: "mutation($e: ID!) { confirmInstitutionEvaluation(input: {evaluation: $e, reason: \"复评通过\"}) { status stars } }",
        variables: |f| json!({ "e": f.proposed_evaluation }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "evaluateInstitution",
        query: "mutation($i: ID!) { evaluateInstitution(input: {institution: $i, qualificationScore: 70, teachersScore: 70, facilitiesScore: 70}) { status stars } }",
        variables: |f| json!({ "i": f.institution_id }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "setSubsidyStandard",
        query: "mutation { setSubsidyStandard(input: {year: 2031, scarceUpliftPercent: 15, apprenticeshipFenPerYear: 550000}) { year } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "submitSubsidyClaim",
        query: "mutation($c: ID!) { submitSubsidyClaim(input: {cohort: $c}) { status claimedFen } }",
        variables: |f| json!({ "c": f.claim_cohort }),
        allowed: &[Role::College],
    },
    Cell {
        name: "upsertTargetGroup",
        query: "mutation { upsertTargetGroup(input: {code: \"MATRIX_GROUP\", name: \"矩阵群体\"}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator, Role::SystemAdmin],
    },
    // Whoever sees the person in full for a purpose: the provider that registered them, the
    // regulator of their region; the next cell removes what this one recorded.
    Cell {
        name: "recordTargetGroup",
        query: "mutation($l: ID!) { recordTargetGroup(input: {learner: $l, group: \"LEFT_BEHIND_WOMEN\", since: \"2025-03-01\", basis: \"村委会证明\"}) { since } }",
        variables: |f| json!({ "l": f.new_trainee }),
        allowed: &[Role::College, Role::Regulator],
    },
    Cell {
        name: "removeTargetGroup",
        query: "mutation($l: ID!) { removeTargetGroup(input: {learner: $l, group: \"LEFT_BEHIND_WOMEN\"}) { since } }",
        variables: |f| json!({ "l": f.new_trainee }),
        allowed: &[Role::College, Role::Regulator],
    },
    // The bureau's own plan: its regulator alone, the system administrator included out.
    Cell {
        name: "upsertProgramme",
        query: "mutation { upsertProgramme(input: {code: \"zj-matrix\", name: \"矩阵专项\", kind: SPECIAL, startsOn: \"2026-01-01\", endsOn: \"2028-12-31\"}) { code } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "assignCohortProgramme",
        query: "mutation($c: ID!) { assignCohortProgramme(input: {cohort: $c, programme: null}) { id } }",
        variables: |f| json!({ "c": f.spare_cohort }),
        allowed: &[Role::Regulator],
    },
    Cell {
        name: "setIndicatorTarget",
        query: "mutation { setIndicatorTarget(input: {indicator: COMPLETIONS, fromYear: 2026, target: 100}) { target } }",
        variables: |_| json!({}),
        allowed: &[Role::Regulator],
    },
];

/// A finished cohort of the college that really ran, with its record and a catalogue item, for
/// `submitSubsidyClaim`.
async fn ready_to_claim(app: &TestApp, f: &Fixture) -> Value {
    use chrono::Datelike;
    let year = (chrono::Utc::now().date_naive() - chrono::Days::new(10)).year() as i16;
    crate::helpers::listed_special_ability(
        app,
        "4-14-03-04",
        entity::SkillLevel::Level5,
        90_000,
        year,
    )
    .await;
    let id = crate::helpers::claimable(app, f.college, &[f.learner]).await;
    json!(skillgraph::graphql::ids::NodeKey::Cohort(id).to_id().0)
}

/// A sign-in of another user of the enterprise, for `revokeSignIn`.
/// Two invitations of the enterprise, to the first two alliances it neither belongs to nor
/// applied to (the same rows, with the same IDs, in every role's database).
async fn invitations_of(app: &TestApp, enterprise: i32) -> (Value, Value) {
    use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let taken: Vec<i32> = entity::membership::Entity::find()
        .filter(entity::membership::Column::OrganizationId.eq(enterprise))
        .all(&app.db.db)
        .await
        .expect("memberships")
        .into_iter()
        .map(|m| m.alliance_id)
        .chain(
            entity::membership_application::Entity::find()
                .filter(entity::membership_application::Column::OrganizationId.eq(enterprise))
                .all(&app.db.db)
                .await
                .expect("applications")
                .into_iter()
                .map(|a| a.alliance_id),
        )
        .collect();
    let free: Vec<i32> = entity::alliance::Entity::find()
        .order_by_asc(entity::alliance::Column::Id)
        .all(&app.db.db)
        .await
        .expect("alliances")
        .into_iter()
        .map(|a| a.id)
        .filter(|id| !taken.contains(id))
        .take(2)
        .collect();
    assert_eq!(free.len(), 2, "two alliances to invite the enterprise to");
    let mut ids = Vec::new();
    for alliance in free {
        let saved = entity::membership_application::Entity::insert(
            entity::membership_application::ActiveModel {
                alliance_id: Set(alliance),
                organization_id: Set(enterprise),
                note: Set(String::new()),
                status: Set(entity::ApplicationStatus::Pending),
                created_at: Set(chrono::Utc::now()),
                invited_as: Set(Some(entity::MembershipRole::Lead)),
                ..Default::default()
            },
        )
        .exec_with_returning(&app.db.db)
        .await
        .expect("an invitation");
        ids.push(json!(
            skillgraph::graphql::ids::NodeKey::MembershipApplication(saved.id).to_id()
        ));
    }
    (ids[0].clone(), ids[1].clone())
}

async fn sign_in_of_another(app: &TestApp, enterprise: i32, region: i32) {
    use sea_orm::ActiveValue::Set;
    entity::sign_in::Entity::insert(entity::sign_in::ActiveModel {
        jti: Set("matrix-sign-in".to_owned()),
        subject: Set("another-user".to_owned()),
        role: Set("ENTERPRISE".to_owned()),
        organization_id: Set(Some(enterprise)),
        region_id: Set(Some(region)),
        first_seen_at: Set(chrono::Utc::now()),
        expires_at: Set(chrono::Utc::now() + chrono::Duration::hours(1)),
        revoked_at: Set(None),
        revoked_by: Set(None),
        reason: Set(None),
    })
    .exec(&app.db.db)
    .await
    .expect("a sign-in");
}

/// The special-ability rows the matrix acts on, written alike in every role's database.
async fn special_rows(app: &TestApp, f: &Fixture) -> crate::special_abilities::MatrixRows {
    crate::special_abilities::matrix_rows(
        app,
        &f.backlog_learner,
        &json!(skillgraph::graphql::ids::NodeKey::Learner(f.learner).to_id()),
    )
    .await
}

#[tokio::test]
async fn every_mutation_for_every_role() {
    // One database per role; each role's five calls touch different rows.
    let template = TestApp::demo().await;
    // The matrix covers every mutation the schema has.
    let schema = template
        .data("{ __schema { mutationType { fields(includeDeprecated: true) { name } } } }")
        .await;
    let mut in_schema: Vec<String> = schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_owned())
        .collect();
    let mut in_matrix: Vec<String> = CELLS.iter().map(|c| c.name.to_owned()).collect();
    in_schema.sort();
    in_matrix.sort();
    assert_eq!(
        in_matrix, in_schema,
        "a mutation without a row in the matrix"
    );
    let mut f = fixture(&template).await;
    f.claim_cohort = ready_to_claim(&template, &f).await;
    f.invitations = invitations_of(&template, f.enterprise).await;
    f.special = special_rows(&template, &f).await;
    let roles = callers(&f);
    drop(template);
    let mut matrix = Vec::new();
    let mut wrong = Vec::new();
    for (column, caller) in roles {
        let role = column.role();
        let label = column.label();
        let app = TestApp::demo().await;
        let caller = if column == Column::TrainingEnterprise {
            let found = organization::Entity::find_by_id(f.enterprise)
                .one(&app.db.db)
                .await
                .expect("read")
                .expect("the enterprise");
            let mut centre: organization::ActiveModel = found.into();
            centre.training_centre = sea_orm::ActiveValue::Set(true);
            sea_orm::ActiveModelTrait::update(centre, &app.db.db)
                .await
                .expect("a training centre");
            let resolved = who::resolved(&app.db.db, Role::Enterprise, f.enterprise).await;
            assert_eq!(
                resolved.viewer.actor.provider(),
                Some((f.enterprise, skillgraph::auth::Reach::Anyone)),
                "its token is a provider's"
            );
            resolved
        } else {
            caller
        };
        sign_in_of_another(&app, f.enterprise, f.zhenjiang).await;
        crate::competitions::level_one(&app, TestApp::raw_id(&f.apprentice), "4-14-03-03").await;
        assert_eq!(
            ready_to_claim(&app, &f).await,
            f.claim_cohort,
            "the same rows in every role's database"
        );
        assert_eq!(
            invitations_of(&app, f.enterprise).await,
            f.invitations,
            "the same invitations in every role's database"
        );
        assert_eq!(
            special_rows(&app, &f).await,
            f.special,
            "the same special-ability rows in every role's database"
        );
        for cell in CELLS {
            let before = snapshot(&app).await;
            let response = app
                .query_as(&caller, cell.query, (cell.variables)(&f))
                .await;
            let after = snapshot(&app).await;
            let expected_allowed = column.allowed(cell);
            if expected_allowed {
                if response.get("errors").is_some() {
                    wrong.push(format!(
                        "{} as {label} should be allowed: {response}",
                        cell.name
                    ));
                } else if before == after {
                    wrong.push(format!("{} as {label} changed nothing", cell.name));
                }
            } else {
                let expected = if role == Role::Public {
                    "UNAUTHENTICATED"
                } else {
                    "FORBIDDEN"
                };
                let code = response["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or("no error");
                if code != expected {
                    wrong.push(format!(
                        "{} as {label} should be {expected}: {response}",
                        cell.name
                    ));
                }
                if before != after {
                    wrong.push(format!(
                        "a refused {} as {label} changed something",
                        cell.name
                    ));
                }
            }
            matrix.push(format!(
                "{:<26} {:<21} {}",
                cell.name,
                label,
                if expected_allowed {
                    "allowed"
                } else {
                    "refused"
                }
            ));
        }
    }
    assert!(wrong.is_empty(), "cells that broke:\n{}", wrong.join("\n"));
    assert_eq!(matrix.len(), CELLS.len() * (Role::ALL.len() + 1));
}

#[tokio::test]
async fn scopes_hold_inside_a_role() {
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let huaian = app.region_row("320800").await;
    let before = snapshot(&app).await;

    // An alliance admin of the eyewear alliance cannot touch the culinary alliance.
    let admin = who::alliance_admin(&[f.eyewear]);
    let response = app
        .query_as(
            &admin,
            "mutation($org: ID!) { admitMember(input: {alliance: \"zj-culinary\", organization: $org}) { id } }",
            json!({ "org": f.outsider }),
        )
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");

    // A regulator registers learners of its own region only.
    let regulator = who::regulator(huaian);
    let response = app
        .query_as(
            &regulator,
            "mutation { registerLearner(input: {name: \"测试\", nationalId: \"321102199001010011\", phone: \"13900001111\", region: \"321100\", targetGroup: OTHER}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");

    // A college cannot change another organization's profile.
    let college = who::staff(Role::College, f.college);
    let response = app
        .query_as(
            &college,
            "mutation($o: ID!) { updateOrganizationProfile(input: {organization: $o, address: \"x\"}) { id } }",
            json!({ "o": f.enterprise_id }),
        )
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");
    assert_eq!(before, snapshot(&app).await, "refusals change nothing");
}

#[tokio::test]
async fn membership_mutations_do_what_they_say_and_audit_it() {
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let admin = who::alliance_admin(&[f.eyewear]);

    let admitted = app
        .data_as(
            &admin,
            "mutation($org: ID!) { admitMember(input: {alliance: \"zj-eyewear\", organization: $org, role: LEAD, joinedOn: \"2025-01-02\"}) { id role joinedOn isCurrent organization { name } alliance { code } } }",
            json!({ "org": f.outsider }),
        )
        .await;
    let m = &admitted["admitMember"];
    assert_eq!(m["role"], "LEAD");
    assert_eq!(m["joinedOn"], "2025-01-02");
    assert_eq!(m["organization"]["name"], "镇江云启数字科技有限公司");

    let again = app
        .query_as(
            &admin,
            "mutation($org: ID!) { admitMember(input: {alliance: \"zj-eyewear\", organization: $org}) { id } }",
            json!({ "org": f.outsider }),
        )
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "already a member");

    let early = app
        .query_as(
            &admin,
            "mutation($org: ID!) { admitMember(input: {alliance: \"zj-eyewear\", organization: $org, joinedOn: \"1999-01-01\"}) { id } }",
            json!({ "org": app.org_id("镇江新碳材料有限公司").await }),
        )
        .await;
    assert_eq!(first_code(&early), "BAD_USER_INPUT");
    assert_eq!(early["errors"][0]["extensions"]["field"], "input.joinedOn");

    let removed = app
        .data_as(
            &admin,
            "mutation($m: ID!) { removeMember(input: {membership: $m, leftOn: \"2026-01-31\"}) { isCurrent leftOn } }",
            json!({ "m": m["id"] }),
        )
        .await;
    assert_eq!(
        removed["removeMember"],
        json!({ "isCurrent": false, "leftOn": "2026-01-31" })
    );
    let twice = app
        .query_as(
            &admin,
            "mutation($m: ID!) { removeMember(input: {membership: $m}) { id } }",
            json!({ "m": m["id"] }),
        )
        .await;
    assert_eq!(first_code(&twice), "CONFLICT");

    // Re-admitting a former member reuses its membership.
    let back = app
        .data_as(
            &admin,
            "mutation($org: ID!) { admitMember(input: {alliance: \"zj-eyewear\", organization: $org}) { id isCurrent role } }",
            json!({ "org": f.outsider }),
        )
        .await;
    assert_eq!(back["admitMember"]["id"], m["id"]);
    assert_eq!(back["admitMember"]["isCurrent"], true);

    let regulator = who::regulator(f.zhenjiang);
    let trail = app
        .data_as(
            &regulator,
            "query($t: ID!) { auditEvents(filter: {target: $t}) { totalCount nodes { action role actor changes requestId } } }",
            json!({ "t": m["id"] }),
        )
        .await;
    let actions: Vec<&str> = trail["auditEvents"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        ["admitMember", "removeMember", "admitMember"],
        "newest first"
    );
    // The whole trail, newest first: who did what, as which role, in which request.
    insta::assert_json_snapshot!("a_membership_audit_trail", trail, {
        ".auditEvents.nodes[].actor" => "[actor]",
        ".auditEvents.nodes[0].changes.joinedOn" => "[today]",
        ".auditEvents.nodes[].changes.organization" => "[organization id]",
        ".auditEvents.nodes[].changes.membership" => "[membership id]",
    });
}

#[tokio::test]
async fn a_change_and_its_audit_event_commit_together() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let admin = who::alliance_admin(&[f.eyewear]);
    let memberships_before = membership::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    // Without a trail to write to, the change itself must not happen.
    app.db
        .db
        .execute_unprepared("DROP TABLE audit_events")
        .await
        .expect("drop");
    let response = app
        .query_as(
            &admin,
            "mutation($org: ID!) { admitMember(input: {alliance: \"zj-eyewear\", organization: $org}) { id } }",
            json!({ "org": f.outsider }),
        )
        .await;
    assert_eq!(first_code(&response), "INTERNAL");
    assert_eq!(
        membership::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        memberships_before,
        "no membership without its audit event"
    );
}

#[tokio::test]
async fn profile_updates_validate_and_clear() {
    let app = TestApp::demo().await;
    let f = fixture(&app).await;
    let me = who::staff(Role::Enterprise, f.enterprise);
    let q = "mutation($i: UpdateOrganizationProfileInput!) { updateOrganizationProfile(input: $i) { website address nameEn } }";
    let updated = app
        .data_as(&me, q, json!({ "i": { "organization": f.enterprise_id, "website": "https://mingshi.example", "address": "丹阳市开发区" } }))
        .await;
    assert_eq!(
        updated["updateOrganizationProfile"]["website"],
        "https://mingshi.example"
    );
    let cleared = app
        .data_as(
            &me,
            q,
            json!({ "i": { "organization": f.enterprise_id, "address": null } }),
        )
        .await;
    assert_eq!(cleared["updateOrganizationProfile"]["address"], Value::Null);
    assert_eq!(
        cleared["updateOrganizationProfile"]["website"], "https://mingshi.example",
        "left out, left alone"
    );
    let bad = app
        .query_as(
            &me,
            q,
            json!({ "i": { "organization": f.enterprise_id, "website": "ftp://x" } }),
        )
        .await;
    assert_eq!(first_code(&bad), "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.website");
}
