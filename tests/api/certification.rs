//! Skill evaluation: bodies and scope, sessions, every registration refusal, batch results,
//! idempotent publication, certificate numbers, public verification, statistics.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use skillgraph::{
    auth::{Caller, Role},
    domain::kernel::codes::CertificateNumber,
};

use crate::helpers::{TestApp, first_code, who};

const SCHEDULE: &str =
    "mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id status openSeats } }";
const REGISTER: &str = "mutation($s: ID!, $l: ID!, $a: String) { registerCandidate(input: {session: $s, learner: $l, attestation: $a}) { id } }";
const RECORD: &str = "mutation($s: ID!, $r: [ResultInput!]!) { recordResults(input: {session: $s, results: $r}) { status } }";
const PUBLISH: &str =
    "mutation($s: ID!) { publishResults(input: {session: $s}) { number level status } }";
const VERIFY: &str = "query($n: String!) { verifyCertificate(number: $n) { number status level route issuedOn occupation { code } body { name } } }";

struct World {
    centre: Caller,
    employer: Caller,
    college: Caller,
    regulator: Caller,
    trainees: Vec<Value>,
}

async fn world(app: &TestApp) -> World {
    let org = |name: &'static str| async move { TestApp::raw_id(&app.org_id(name).await) };
    let college = who::staff(Role::College, org("镇江高等职业技术学校").await);
    let trainees = app
        .data_as(
            &college,
            "{ learners(first: 100) { nodes { id } } }",
            json!({}),
        )
        .await["learners"]["nodes"]
        .as_array()
        .expect("trainees")
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    World {
        centre: who::staff(Role::AssessmentBody, org("镇江数字技能评价中心").await),
        employer: who::staff(Role::Enterprise, org("丹阳明视眼镜有限公司").await),
        college,
        regulator: who::regulator(app.region_row("321100").await),
        trainees,
    }
}

fn session(occupation: &str, level: &str, capacity: i32) -> Value {
    let day = |d: u64| (chrono::Utc::now().date_naive() + chrono::Days::new(d)).to_string();
    json!({ "i": {
        "occupation": occupation, "level": level, "examDate": day(30), "registrationDeadline": day(20),
        "region": "321100", "address": "镇江市考点", "latitude": 32.2, "longitude": 119.45, "capacity": capacity,
    } })
}

async fn new_session(app: &TestApp, w: &World, capacity: i32) -> Value {
    app.data_as(
        &w.centre,
        SCHEDULE,
        session("4-04-05-05", "LEVEL_3", capacity),
    )
    .await["scheduleSession"]["id"]
        .clone()
}

#[tokio::test]
async fn sessions_stay_within_the_bodys_scope_and_standing() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let response = app
        .query_as(&w.centre, SCHEDULE, session("6-18-02-04", "LEVEL_5", 10))
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.occupation",
        "outside the scope"
    );
    let response = app
        .query_as(&w.centre, SCHEDULE, session("4-04-05-05", "LEVEL_2", 10))
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.level",
        "above the scope's highest level"
    );
    let college = app
        .query_as(&w.college, SCHEDULE, session("4-04-05-05", "LEVEL_5", 10))
        .await;
    assert_eq!(first_code(&college), "FORBIDDEN", "not a filed body");

    let centre_org = app.org_id("镇江数字技能评价中心").await;
    app.data_as(&w.regulator, "mutation($o: ID!) { setAssessmentBodyStatus(input: {organization: $o, status: SUSPENDED, reason: \"核查\"}) { status } }", json!({ "o": centre_org })).await;
    assert_eq!(
        first_code(
            &app.query_as(&w.centre, SCHEDULE, session("4-04-05-05", "LEVEL_5", 10))
                .await
        ),
        "FORBIDDEN"
    );
    let public = app.data_with("query($o: ID!) { node(id: $o) { ... on Organization { assessmentBody { bodyType status scope { occupationCode maxLevel } } } } }", json!({ "o": centre_org })).await;
    assert_eq!(public["node"]["assessmentBody"]["bodyType"], "SOCIAL");
    assert_eq!(public["node"]["assessmentBody"]["status"], "SUSPENDED");
    assert_eq!(
        public["node"]["assessmentBody"]["scope"][0],
        json!({ "occupationCode": "4-01-06-02", "maxLevel": "LEVEL_3" })
    );

    // Filing: the regulator of the organization's region, an enterprise for EMPLOYER.
    let file = "mutation($o: ID!, $t: BodyType!) { fileAssessmentBody(input: {organization: $o, type: $t, bodyCode: \"0099\", siteSerial: \"000777\", scope: [{occupation: \"4-14-03-04\", maxLevel: LEVEL_4}]}) { bodyType status } }";
    let wantong = app.org_id("丹阳市万通镜片有限公司").await;
    let huaian = who::regulator(app.region_row("320800").await);
    assert_eq!(
        first_code(
            &app.query_as(&huaian, file, json!({ "o": wantong, "t": "EMPLOYER" }))
                .await
        ),
        "FORBIDDEN"
    );
    let social = app
        .query_as(&w.regulator, file, json!({ "o": wantong, "t": "SOCIAL" }))
        .await;
    assert_eq!(social["errors"][0]["extensions"]["field"], "input.type");
    let filed = app
        .data_as(&w.regulator, file, json!({ "o": wantong, "t": "EMPLOYER" }))
        .await;
    assert_eq!(
        filed["fileAssessmentBody"],
        json!({ "bodyType": "EMPLOYER", "status": "ACTIVE" })
    );
}

#[tokio::test]
async fn registration_refusals_write_nothing() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let one = new_session(&app, &w, 1).await;
    app.data_as(
        &w.college,
        REGISTER,
        json!({ "s": one, "l": w.trainees[0] }),
    )
    .await;
    let full = app
        .query_as(&w.centre, REGISTER, json!({ "s": one, "l": w.trainees[1] }))
        .await;
    assert_eq!(first_code(&full), "CONFLICT");
    assert!(
        full["errors"][0]["message"]
            .as_str()
            .expect("m")
            .contains("full")
    );

    let roomy = new_session(&app, &w, 10).await;
    app.data_as(
        &w.centre,
        REGISTER,
        json!({ "s": roomy, "l": w.trainees[1] }),
    )
    .await;
    assert_eq!(
        first_code(
            &app.query_as(
                &w.centre,
                REGISTER,
                json!({ "s": roomy, "l": w.trainees[1] })
            )
            .await
        ),
        "CONFLICT",
        "twice"
    );
    let seats = app
        .data_with(
            "query($s: ID!) { node(id: $s) { ... on AssessmentSession { openSeats } } }",
            json!({ "s": roomy }),
        )
        .await;
    assert_eq!(seats["node"]["openSeats"], 9, "refusals take no place");

    // A learner who already holds a valid certificate at this level or higher.
    let demo_holder = app
        .data_as(&w.regulator, "{ learners(first: 100) { nodes { id certificates { status level occupation { code } } } } }", json!({}))
        .await["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .find(|l| l["certificates"].as_array().expect("c").iter().any(|c| c["status"] == "VALID" && c["occupation"]["code"] == "4-04-05-05"))
        .expect("a demo holder")["id"]
        .clone();
    let lower = app
        .data_as(&w.centre, SCHEDULE, session("4-04-05-05", "LEVEL_5", 10))
        .await["scheduleSession"]["id"]
        .clone();
    let response = app
        .query_as(&w.centre, REGISTER, json!({ "s": lower, "l": demo_holder }))
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .expect("m")
            .contains("certificate")
    );

    // Past the deadline, and no longer scheduled.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let id = TestApp::raw_id(&roomy);
    let mut row: entity::assessment_session::ActiveModel =
        entity::assessment_session::Entity::find_by_id(id)
            .one(&app.db.db)
            .await
            .expect("q")
            .expect("s")
            .into();
    row.registration_deadline = Set(chrono::Utc::now().date_naive() - chrono::Days::new(1));
    row.update(&app.db.db).await.expect("update");
    let late = app
        .query_as(
            &w.centre,
            REGISTER,
            json!({ "s": roomy, "l": w.trainees[2] }),
        )
        .await;
    assert!(
        late["errors"][0]["message"]
            .as_str()
            .expect("m")
            .contains("deadline")
    );
    app.data_as(&w.centre, RECORD, json!({ "s": one, "r": [{ "candidate": candidate_of(&app, &w.centre, &one).await, "theoryScore": 70, "practicalScore": 70 }] })).await;
    let held = app
        .query_as(&w.centre, REGISTER, json!({ "s": one, "l": w.trainees[3] }))
        .await;
    assert_eq!(first_code(&held), "CONFLICT", "a held session takes nobody");

    // Nobody else registers: an enterprise that is not the body nor the provider.
    assert_eq!(
        first_code(
            &app.query_as(
                &w.employer,
                REGISTER,
                json!({ "s": lower, "l": w.trainees[3] })
            )
            .await
        ),
        "FORBIDDEN"
    );

    // An employer body registers only its own employees, with its attestation.
    let employer_session = app
        .data_as(&w.employer, SCHEDULE, session("4-14-03-04", "LEVEL_5", 10))
        .await["scheduleSession"]["id"]
        .clone();
    let stranger = app
        .query_as(
            &w.employer,
            REGISTER,
            json!({ "s": employer_session, "l": w.trainees[3] }),
        )
        .await;
    assert_eq!(
        stranger["errors"][0]["extensions"]["field"],
        "input.learner"
    );
    let dy_college = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("丹阳中等专业学校").await),
    );
    let apprentice = app
        .data_as(
            &dy_college,
            "{ learners(first: 100) { nodes { id registeredBy { name } } } }",
            json!({}),
        )
        .await["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .find(|l| l["registeredBy"]["name"] == "丹阳中等专业学校")
        .expect("a learner the college registered")["id"]
        .clone();
    let unattested = app
        .query_as(
            &w.employer,
            REGISTER,
            json!({ "s": employer_session, "l": apprentice }),
        )
        .await;
    assert_eq!(
        unattested["errors"][0]["extensions"]["field"],
        "input.attestation"
    );
    app.data_as(
        &w.employer,
        REGISTER,
        json!({ "s": employer_session, "l": apprentice, "a": "本企业学徒" }),
    )
    .await;
}

async fn candidate_of(app: &TestApp, body: &Caller, session: &Value) -> Value {
    app.data_as(
        body,
        "query($s: ID!) { node(id: $s) { ... on AssessmentSession { candidates { id } } } }",
        json!({ "s": session }),
    )
    .await["node"]["candidates"][0]["id"]
        .clone()
}

#[tokio::test]
async fn results_are_validated_as_a_batch_and_published_once() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let s = new_session(&app, &w, 10).await;
    for t in &w.trainees[..3] {
        app.data_as(&w.college, REGISTER, json!({ "s": s, "l": t }))
            .await;
    }
    let candidates: Vec<Value> = app
        .data_as(
            &w.centre,
            "query($s: ID!) { node(id: $s) { ... on AssessmentSession { candidates { id } } } }",
            json!({ "s": s }),
        )
        .await["node"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    let bad = json!([
        { "candidate": candidates[0], "theoryScore": 101, "practicalScore": 80 },
        { "candidate": candidates[1], "theoryScore": 70, "practicalScore": -1 },
        { "candidate": candidates[1], "theoryScore": 70, "practicalScore": 70 },
    ]);
    let response = app
        .query_as(&w.centre, RECORD, json!({ "s": s, "r": bad }))
        .await;
    let fields: Vec<&str> = response["errors"]
        .as_array()
        .expect("e")
        .iter()
        .map(|e| e["extensions"]["field"].as_str().expect("f"))
        .collect();
    assert_eq!(
        fields,
        [
            "input.results[0].theoryScore",
            "input.results[1].practicalScore",
            "input.results[2].candidate"
        ]
    );
    let scores = app.data_as(&w.centre, "query($s: ID!) { node(id: $s) { ... on AssessmentSession { status candidates { theoryScore } } } }", json!({ "s": s })).await;
    assert_eq!(scores["node"]["status"], "SCHEDULED", "nothing written");
    assert!(
        scores["node"]["candidates"]
            .as_array()
            .expect("c")
            .iter()
            .all(|c| c["theoryScore"].is_null())
    );

    let good = json!([
        { "candidate": candidates[0], "theoryScore": 60, "practicalScore": 60 },
        { "candidate": candidates[1], "theoryScore": 59, "practicalScore": 95 },
        { "candidate": candidates[2], "theoryScore": 90, "practicalScore": 61 },
    ]);
    assert_eq!(
        app.data_as(&w.centre, RECORD, json!({ "s": s, "r": good }))
            .await["recordResults"]["status"],
        "HELD"
    );
    let issued = app.data_as(&w.centre, PUBLISH, json!({ "s": s })).await;
    let numbers: Vec<CertificateNumber> = issued["publishResults"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| {
            CertificateNumber::parse(c["number"].as_str().expect("n")).expect("a valid number")
        })
        .collect();
    assert_eq!(numbers.len(), 2, "two passed (60/60 passes, 59 does not)");
    let yy = format!("{:02}", chrono::Datelike::year(&chrono::Utc::now()) % 100);
    for n in &numbers {
        assert!(
            n.as_str().starts_with(&format!("S000032000156{yy}3")),
            "{n}"
        );
    }
    assert_ne!(numbers[0], numbers[1]);
    for n in &numbers {
        let v = app.data_with(VERIFY, json!({ "n": n.as_str() })).await;
        assert_eq!(v["verifyCertificate"]["status"], "VALID", "{n}");
        assert_eq!(v["verifyCertificate"]["route"], "EXAM", "{n}");
    }
    // The body counted them after the demo's certificates of this year; the serials it printed
    // are that count enciphered (see `serials`), not the count.
    let counted = entity::assessment_body::Entity::find()
        .filter(entity::assessment_body::Column::SiteSerial.eq("000156"))
        .one(&app.db.db)
        .await
        .expect("read")
        .expect("the centre's body");
    let key = &counted.serial_key;
    assert_eq!(key.len(), 64, "a key of 32 bytes");
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let expected: Vec<u32> = (counted.last_serial - 1..=counted.last_serial)
        .map(|count| {
            skillgraph::domain::certification::serials::serial(key, year, count as u32)
                .expect("a serial")
        })
        .collect();
    assert_eq!(
        numbers
            .iter()
            .map(CertificateNumber::serial)
            .collect::<Vec<_>>(),
        expected
    );
    let again = app.data_as(&w.centre, PUBLISH, json!({ "s": s })).await;
    assert_eq!(
        again["publishResults"],
        json!([]),
        "publishing twice issues nothing new"
    );
    assert_eq!(
        first_code(&app.query_as(&w.employer, PUBLISH, json!({ "s": s })).await),
        "FORBIDDEN",
        "another body's session"
    );
}

#[tokio::test]
async fn verification_is_public_and_names_no_one() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let holders = app
        .data_as(&w.regulator, "{ learners(first: 100) { nodes { certificates { number status route } personalData { name nationalId phone } } } }", json!({}))
        .await;
    let mut found = std::collections::HashMap::new();
    for learner in holders["learners"]["nodes"].as_array().expect("learners") {
        for c in learner["certificates"].as_array().expect("c") {
            if c["route"] != "EXAM" {
                continue;
            }
            found.insert(
                c["status"].as_str().expect("s").to_owned(),
                (
                    c["number"].as_str().expect("n").to_owned(),
                    learner["personalData"].clone(),
                ),
            );
        }
    }
    for status in ["VALID", "REVOKED"] {
        let (number, personal) = &found[status];
        let response = app
            .query_with(
                VERIFY,
                json!({ "n": format!("  {}  ", number.to_lowercase()) }),
            )
            .await;
        let v = &response["data"]["verifyCertificate"];
        assert_eq!(v["status"], status);
        assert_eq!(v["number"], number.as_str());
        assert_eq!(v["route"], "EXAM");
        let name = personal["name"].as_str().expect("name");
        let masked: String = name
            .chars()
            .take(1)
            .chain(name.chars().skip(1).map(|_| '*'))
            .collect();
        let text = response.to_string();
        for secret in [
            personal["nationalId"].as_str().expect("id"),
            personal["phone"].as_str().expect("phone"),
            name,
            &masked,
        ] {
            assert!(!text.contains(secret), "verification leaked {secret}");
        }
    }
    let unknown = app
        .query_with(VERIFY, json!({ "n": "S000032000156264999999" }))
        .await;
    insta::assert_json_snapshot!("an_unknown_certificate", unknown);
    for bad in [
        "S00003200015626999999",
        "X000032000156269999999",
        "S000032000156269999A99",
    ] {
        let response = app.query_with(VERIFY, json!({ "n": bad })).await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{bad}");
        assert_eq!(response["errors"][0]["extensions"]["field"], "number");
    }

    // Revocation: by the issuing body or its region's regulator.
    let (valid, _) = &found["VALID"];
    let cert = app
        .data_as(
            &w.regulator,
            "{ learners(first: 100) { nodes { certificates { id number } } } }",
            json!({}),
        )
        .await;
    let id = cert["learners"]["nodes"]
        .as_array()
        .expect("l")
        .iter()
        .flat_map(|l| l["certificates"].as_array().expect("c").clone())
        .find(|c| c["number"] == valid.as_str())
        .expect("cert")["id"]
        .clone();
    let revoke = "mutation($c: ID!) { revokeCertificate(input: {certificate: $c, reason: \"复核不合格\"}) { status revokedReason } }";
    let huaian = who::regulator(app.region_row("320800").await);
    assert_eq!(
        first_code(&app.query_as(&huaian, revoke, json!({ "c": id })).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(&Caller::public(), revoke, json!({ "c": id }))
                .await
        ),
        "UNAUTHENTICATED"
    );
    app.data_as(&w.regulator, revoke, json!({ "c": id })).await;
    assert_eq!(
        app.data_with(VERIFY, json!({ "n": valid })).await["verifyCertificate"]["status"],
        "REVOKED"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_last_place_goes_to_exactly_one_of_many_concurrent_registrations() {
    let app = TestApp::demo().await;
    let w = world(&app).await;
    let s = new_session(&app, &w, 2).await;
    app.data_as(&w.college, REGISTER, json!({ "s": s, "l": w.trainees[0] }))
        .await;
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = w.trainees[1..4]
        .iter()
        .map(|t| {
            let (app, college, s, t) = (app.clone(), w.college.clone(), s.clone(), t.clone());
            tokio::spawn(async move {
                app.query_as(&college, REGISTER, json!({ "s": s, "l": t }))
                    .await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        let response = task.await.expect("task");
        if response.get("errors").is_none() {
            won += 1;
        } else {
            assert_eq!(first_code(&response), "CONFLICT", "{response}");
        }
    }
    assert_eq!(won, 1);
    let seats = app
        .data_with(
            "query($s: ID!) { node(id: $s) { ... on AssessmentSession { openSeats } } }",
            json!({ "s": s }),
        )
        .await;
    assert_eq!(seats["node"]["openSeats"], 0);
}

#[tokio::test]
async fn the_evaluation_map_and_the_statistics() {
    let app = TestApp::demo().await;
    let all = app.data("{ assessmentSessions(first: 100) { totalCount nodes { status examDate body { bodyType } region { code } } } }").await;
    let nodes = all["assessmentSessions"]["nodes"].as_array().expect("n");
    assert!(
        nodes.len() >= 12 && nodes.iter().all(|n| n["status"] == "SCHEDULED"),
        "scheduled sessions by default"
    );
    let dates: Vec<&str> = nodes
        .iter()
        .map(|n| n["examDate"].as_str().expect("d"))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "by date");
    let employer = app.data("{ assessmentSessions(filter: {bodyType: EMPLOYER, region: \"320800\"}) { nodes { body { bodyType } region { code } } } }").await;
    let employer = employer["assessmentSessions"]["nodes"]
        .as_array()
        .expect("n");
    assert!(
        !employer.is_empty()
            && employer
                .iter()
                .all(|n| n["body"]["bodyType"] == "EMPLOYER" && n["region"]["code"] == "320800")
    );
    let eyewear = app.data("{ assessmentSessions(filter: {alliances: [\"zj-eyewear\"], occupation: \"4-14\"}) { totalCount } }").await;
    assert!(
        eyewear["assessmentSessions"]["totalCount"]
            .as_i64()
            .expect("n")
            >= 4
    );
    let near = app.data("{ assessmentSessions(filter: {near: {latitude: 32.18, longitude: 119.47, radiusKm: 5}}, orderBy: {field: DISTANCE}) { nodes { distanceKm(latitude: 32.18, longitude: 119.47) } } }").await;
    let km: Vec<f64> = near["assessmentSessions"]["nodes"]
        .as_array()
        .expect("n")
        .iter()
        .map(|n| n["distanceKm"].as_f64().expect("km"))
        .collect();
    assert!(
        !km.is_empty() && km.windows(2).all(|w| w[0] <= w[1]) && km.iter().all(|k| *k <= 5.0),
        "{km:?}"
    );

    let regulator = who::regulator(app.region_row("321100").await);
    let stats = app.data_as(&regulator, "{ total: certificateStats { count } byType: certificateStats(groupBy: [BODY_TYPE]) { bodyType count } advanced: certificateStats(filter: {minLevel: LEVEL_3}) { count } withRevoked: certificateStats(filter: {includeRevoked: true}) { count } byAlliance: certificateStats(groupBy: [ALLIANCE, YEAR]) { alliance { code } year count } byRoute: certificateStats(groupBy: [ROUTE, LEVEL]) { route level count } direct: certificateStats(filter: {route: DIRECT}) { count } }", json!({})).await;
    // Counted by how each level was reached: three by exam, one by the demo's competition, one
    // by direct recognition.
    assert_eq!(
        stats["byRoute"],
        json!([
            { "route": "COMPETITION", "level": "LEVEL_4", "count": 1 },
            { "route": "DIRECT", "level": "LEVEL_4", "count": 1 },
            { "route": "EXAM", "level": "LEVEL_4", "count": 3 },
        ])
    );
    assert_eq!(stats["direct"], json!([{ "count": 1 }]));
    assert_eq!(
        stats["total"],
        json!([{ "count": 5 }]),
        "five valid demo certificates"
    );
    assert_eq!(stats["withRevoked"], json!([{ "count": 6 }]));
    assert_eq!(
        stats["advanced"],
        json!([{ "count": 0 }]),
        "the demo certificates are LEVEL_4"
    );
    assert_eq!(
        stats["byType"],
        json!([{ "bodyType": "EMPLOYER", "count": 2 }, { "bodyType": "SOCIAL", "count": 3 }])
    );
    let by_alliance = stats["byAlliance"].as_array().expect("rows");
    assert!(
        by_alliance
            .iter()
            .any(|r| r["alliance"]["code"] == "zj-eyewear" && r["count"] == 2)
    );
    assert!(
        by_alliance
            .iter()
            .any(|r| r["alliance"]["code"] == "zj-digital-skills" && r["count"] == 3)
    );
    // The statistics type has no field that could carry a learner.
    let fields = app
        .data("{ __type(name: \"CertificateStatsRow\") { fields { name } } }")
        .await;
    let names: Vec<&str> = fields["__type"]["fields"]
        .as_array()
        .expect("f")
        .iter()
        .map(|f| f["name"].as_str().expect("n"))
        .collect();
    assert_eq!(
        names,
        [
            "alliance",
            "region",
            "occupationCode",
            "level",
            "bodyType",
            "year",
            "route",
            "count"
        ]
    );
}
