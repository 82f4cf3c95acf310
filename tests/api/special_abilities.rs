//! Special-ability certificates (专项职业能力, issue 38): a body filed for an ability on its
//! city's list schedules a session, registers candidates (each person through the gate),
//! publishes every candidate's result once, and each pass is a certificate whose number (level
//! digit 0) verifies, holder-checks and revokes like any other.

use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};

use crate::helpers::{TestApp, first_code, who};

const FILE: &str = "mutation($i: FileAssessmentBodyInput!) { fileAssessmentBody(input: $i) { specialAbilities { code } } }";
const SCHEDULE: &str = "mutation($i: ScheduleSpecialAbilitySessionInput!) { scheduleSpecialAbilitySession(input: $i) { id status openSeats specialAbility { code } region { code } body { organization { name } } } }";
const REGISTER: &str = "mutation($s: ID!, $l: ID!) { registerSpecialAbilityCandidate(input: {session: $s, learner: $l}) { id passed learner { id } } }";
const PUBLISH: &str = "mutation($i: PublishSpecialAbilityResultsInput!) { publishSpecialAbilityResults(input: $i) { session { status } certificates { id number status specialAbility { code } body { organization { name } } } } }";
const CANDIDATES: &str = "query($s: ID!) { node(id: $s) { ... on SpecialAbilitySession { candidates { id passed learner { id } certificate { number } } } } }";
const VERIFY: &str = "query($n: String!) { verifyCertificate(number: $n) { status level route occupation { code } specialAbility { code name } body { name } } }";
const CHECK: &str = "mutation($n: String!, $name: String!, $id: String!) { checkCertificateHolder(input: {number: $n, name: $name, nationalId: $id}) { result } }";
const REVOKE: &str = "mutation($c: ID!) { revokeSpecialAbilityCertificate(input: {certificate: $c, reason: \"考核舞弊\"}) { status revokedReason } }";
const HUAIAN_CENTRE: &str = "淮安市职业技能评价服务中心";

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

fn crab_session(capacity: i32) -> Value {
    json!({ "i": {
        "specialAbility": "HA_CRAB_FARMING", "examDate": today(), "registrationDeadline": today(),
        "region": "320800", "address": "淮安市洪泽区湖滨大道88号", "capacity": capacity,
    } })
}

/// Huai'an's learners as its regulator sees them: id, name and ID number, oldest first.
async fn huaian_learners(app: &TestApp, hq: &Caller) -> Vec<(Value, String, String)> {
    let mut found: Vec<(Value, String, String)> = app
        .data_as(
            hq,
            "{ learners(region: \"320800\", first: 100) { nodes { id personalData { name nationalId } } } }",
            json!({}),
        )
        .await["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .map(|l| {
            (
                l["id"].clone(),
                l["personalData"]["name"].as_str().expect("name").to_owned(),
                l["personalData"]["nationalId"]
                    .as_str()
                    .expect("id")
                    .to_owned(),
            )
        })
        .collect();
    found.sort_by_key(|l| TestApp::raw_id(&l.0));
    found
}

#[tokio::test]
async fn a_pass_is_a_certificate_that_verifies_without_a_level() {
    let app = TestApp::demo().await;
    let hq = who::regulator(app.region_row("320800").await);
    let centre_org = app.org_id(HUAIAN_CENTRE).await;
    let centre = who::staff(Role::AssessmentBody, TestApp::raw_id(&centre_org));
    let zhenjiang_centre = who::staff(
        Role::AssessmentBody,
        TestApp::raw_id(&app.org_id("镇江数字技能评价中心").await),
    );
    let people = huaian_learners(&app, &hq).await;
    assert!(people.len() >= 5, "{}", people.len());

    // A body is filed for abilities on the national list or its city's only.
    let refused = app
        .query_as(
            &hq,
            FILE,
            json!({ "i": { "organization": centre_org, "type": "SOCIAL", "bodyCode": "0000",
                "siteSerial": "000412", "scope": [], "specialAbilities": ["ZJ_NEW_MEDIA"] } }),
        )
        .await;
    assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["field"],
        "input.specialAbilities[0]"
    );
    let register = app
        .data(&format!(
            "{{ assessmentBodies(filter: {{ text: \"{HUAIAN_CENTRE}\" }}) {{ nodes {{ specialAbilities {{ code }} scope {{ occupationCode }} }} }} }}"
        ))
        .await;
    assert_eq!(
        register["assessmentBodies"]["nodes"][0]["specialAbilities"],
        json!([{ "code": "HA_CRAB_FARMING" }]),
        "the public register shows the abilities; the refused filing changed nothing: {register}"
    );
    assert_ne!(register["assessmentBodies"]["nodes"][0]["scope"], json!([]));
    let assessors = app
        .data("{ assessmentBodies(filter: { specialAbility: \"HA_CRAB_FARMING\" }) { nodes { organization { name } } } }")
        .await;
    assert_eq!(
        assessors["assessmentBodies"]["nodes"],
        json!([{ "organization": { "name": HUAIAN_CENTRE } }]),
        "searchable by the ability"
    );

    // Sessions for an ability of the body's scope only.
    let mut seaweed = crab_session(2);
    seaweed["i"]["specialAbility"] = json!("LYG_SEAWEED_FARMING");
    let refused = app.query_as(&centre, SCHEDULE, seaweed).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "input.specialAbility",
        "{refused}"
    );
    let session =
        app.data_as(&centre, SCHEDULE, crab_session(2)).await["scheduleSpecialAbilitySession"]
            .clone();
    assert_eq!(session["specialAbility"]["code"], "HA_CRAB_FARMING");
    assert_eq!(session["region"]["code"], "320800");
    let s = session["id"].clone();
    let listed = app
        .data(
            "{ specialAbilitySessions(filter: { region: \"320800\", specialAbility: \"HA_CRAB_FARMING\" }) { totalCount nodes { id openSeats } } }",
        )
        .await;
    assert!(
        listed["specialAbilitySessions"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["id"] == s && n["openSeats"] == 2),
        "{listed}"
    );

    // Registration: not a holder of the ability (the demo's first Huai'an learner passed
    // today), not by an unrelated body, not past capacity.
    let holder = &people[0];
    let again = app
        .query_as(&centre, REGISTER, json!({ "s": s, "l": holder.0 }))
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
    let stranger = app
        .query_as(
            &zhenjiang_centre,
            REGISTER,
            json!({ "s": s, "l": people[2].0 }),
        )
        .await;
    assert_eq!(first_code(&stranger), "FORBIDDEN", "{stranger}");
    let mut candidates = Vec::new();
    for person in &people[2..4] {
        let c = app
            .data_as(&centre, REGISTER, json!({ "s": s, "l": person.0 }))
            .await["registerSpecialAbilityCandidate"]
            .clone();
        assert_eq!(
            c["learner"]["id"], person.0,
            "the body now sees its candidate"
        );
        assert_eq!(c["passed"], Value::Null);
        candidates.push(c["id"].clone());
    }
    let full = app
        .query_as(&centre, REGISTER, json!({ "s": s, "l": people[4].0 }))
        .await;
    assert_eq!(first_code(&full), "CONFLICT", "{full}");

    // The candidates are the body's and the regulator's to see.
    for outsider in [&zhenjiang_centre, &Caller::public()] {
        let refused = app.query_as(outsider, CANDIDATES, json!({ "s": s })).await;
        assert_eq!(first_code(&refused), "FORBIDDEN", "{refused}");
        let node = app
            .data_as(
                outsider,
                "query($c: ID!) { node(id: $c) { id } }",
                json!({ "c": candidates[0] }),
            )
            .await;
        assert_eq!(node["node"], Value::Null, "{node}");
    }
    assert_eq!(
        app.data_as(&hq, CANDIDATES, json!({ "s": s })).await["node"]["candidates"]
            .as_array()
            .expect("candidates")
            .len(),
        2
    );

    // Publishing: every candidate once, candidates of this session only, by its body.
    let results = |rows: Value| json!({ "i": { "session": s, "results": rows } });
    let refused = app
        .query_as(
            &centre,
            PUBLISH,
            results(json!([{ "candidate": candidates[0], "passed": true }])),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "input.results",
        "{refused}"
    );
    let seeded = app
        .data_as(
            &centre,
            "{ specialAbilitySessions(filter: { statuses: [RESULTS_PUBLISHED], region: \"320800\" }) { nodes { candidates { id } } } }",
            json!({}),
        )
        .await;
    let foreign = seeded["specialAbilitySessions"]["nodes"][0]["candidates"][0]["id"].clone();
    let refused = app
        .query_as(
            &centre,
            PUBLISH,
            results(json!([
                { "candidate": foreign, "passed": true },
                { "candidate": candidates[0], "passed": true },
                { "candidate": candidates[0], "passed": true },
            ])),
        )
        .await;
    let fields: Vec<&Value> = refused["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| &e["extensions"]["field"])
        .collect();
    assert_eq!(
        fields,
        [
            &json!("input.results[0].candidate"),
            &json!("input.results[2].candidate")
        ],
        "{refused}"
    );
    let rows = json!([
        { "candidate": candidates[0], "passed": true },
        { "candidate": candidates[1], "passed": false },
    ]);
    assert_eq!(
        first_code(
            &app.query_as(&zhenjiang_centre, PUBLISH, results(rows.clone()))
                .await
        ),
        "FORBIDDEN"
    );
    let published =
        app.data_as(&centre, PUBLISH, results(rows.clone())).await["publishSpecialAbilityResults"]
            .clone();
    assert_eq!(published["session"]["status"], "RESULTS_PUBLISHED");
    let certificates = published["certificates"].as_array().expect("certificates");
    assert_eq!(
        certificates.len(),
        1,
        "one pass, one certificate: {published}"
    );
    let number = certificates[0]["number"]
        .as_str()
        .expect("number")
        .to_owned();
    assert_eq!(number.len(), 22);
    assert!(number.starts_with("S000032000412"), "{number}");
    assert_eq!(&number[15..16], "0", "the level digit of a special ability");
    assert_eq!(certificates[0]["specialAbility"]["code"], "HA_CRAB_FARMING");
    let twice = app.query_as(&centre, PUBLISH, results(rows)).await;
    assert_eq!(first_code(&twice), "CONFLICT", "{twice}");
    let seen = app.data_as(&centre, CANDIDATES, json!({ "s": s })).await;
    let listed = seen["node"]["candidates"].as_array().expect("candidates");
    assert_eq!(listed[0]["passed"], true);
    assert_eq!(listed[0]["certificate"]["number"], number.as_str());
    assert_eq!(listed[1]["passed"], false);
    assert_eq!(listed[1]["certificate"], Value::Null);

    // It verifies by number, names no one, and has no level.
    let verified = app
        .data_with(VERIFY, json!({ "n": number.to_lowercase() }))
        .await;
    assert_eq!(
        verified["verifyCertificate"],
        json!({ "status": "VALID", "level": null, "route": null, "occupation": null,
            "specialAbility": { "code": "HA_CRAB_FARMING", "name": "螃蟹养殖" },
            "body": { "name": HUAIAN_CENTRE } })
    );
    let passer = &people[2];
    let check = |name: &str| json!({ "n": number, "name": name, "id": passer.2 });
    assert_eq!(
        app.data_with(CHECK, check(&passer.1)).await["checkCertificateHolder"]["result"],
        "MATCH"
    );
    assert_eq!(
        app.data_with(CHECK, check("王某某")).await["checkCertificateHolder"]["result"],
        "NO_MATCH"
    );
    // The holder sees it on their record, as does their region's regulator.
    let own = "query($l: ID!) { node(id: $l) { ... on Learner { specialAbilityCertificates { number status specialAbility { code } } } } }";
    for viewer in [&who::learner(TestApp::raw_id(&passer.0)), &hq] {
        let record = app.data_as(viewer, own, json!({ "l": passer.0 })).await;
        assert_eq!(
            record["node"]["specialAbilityCertificates"],
            json!([{ "number": number, "status": "VALID", "specialAbility": { "code": "HA_CRAB_FARMING" } }])
        );
    }
    assert_eq!(
        app.data_as(
            &zhenjiang_centre,
            "query($c: ID!) { node(id: $c) { id } }",
            json!({ "c": certificates[0]["id"] })
        )
        .await["node"],
        Value::Null,
        "the certificate is shown with its holder in full only"
    );

    // Revoked by its body (not by another region's regulator), once; verification says so.
    let c = certificates[0]["id"].clone();
    let zhenjiang = who::regulator(app.region_row("321100").await);
    assert_eq!(
        first_code(&app.query_as(&zhenjiang, REVOKE, json!({ "c": c })).await),
        "FORBIDDEN"
    );
    assert_eq!(
        app.data_as(&centre, REVOKE, json!({ "c": c })).await["revokeSpecialAbilityCertificate"]["status"],
        "REVOKED"
    );
    assert_eq!(
        first_code(&app.query_as(&centre, REVOKE, json!({ "c": c })).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.data_with(VERIFY, json!({ "n": number })).await["verifyCertificate"]["status"],
        "REVOKED"
    );
}

#[tokio::test]
async fn an_employer_body_assesses_its_own_employees_and_a_provider_registers_its_trainees() {
    let app = TestApp::demo().await;
    let hq = who::regulator(app.region_row("320800").await);
    // 淮安淮扬食品集团 (an employer body) is filed for 螃蟹养殖 too.
    let employer_org = app.org_id("淮安淮扬食品集团有限公司").await;
    let filed = app
        .data_as(
            &hq,
            FILE,
            json!({ "i": { "organization": employer_org, "type": "EMPLOYER", "bodyCode": "0042",
                "siteSerial": "000305", "scope": [{ "occupation": "6-02-03-02", "maxLevel": "LEVEL_3" }],
                "specialAbilities": ["HA_CRAB_FARMING", "HA_CRAB_FARMING"] } }),
        )
        .await;
    assert_eq!(
        filed["fileAssessmentBody"]["specialAbilities"],
        json!([{ "code": "HA_CRAB_FARMING" }])
    );
    let employer = who::staff(Role::Enterprise, TestApp::raw_id(&employer_org));
    let s = app.data_as(&employer, SCHEDULE, crab_session(10)).await["scheduleSpecialAbilitySession"]
        ["id"]
        .clone();
    let people = huaian_learners(&app, &hq).await;
    // Nobody in the demo works for it under a contract in Huai'an's first learners: refused,
    // naming the learner.
    let refused = app
        .query_as(&employer, REGISTER, json!({ "s": s, "l": people[3].0 }))
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "input.learner",
        "{refused}"
    );
    // The learner's provider registers them with the social centre.
    let centre = who::staff(
        Role::AssessmentBody,
        TestApp::raw_id(&app.org_id(HUAIAN_CENTRE).await),
    );
    let centre_session = app.data_as(&centre, SCHEDULE, crab_session(10)).await
        ["scheduleSpecialAbilitySession"]["id"]
        .clone();
    let trainees = app
        .data_as(
            &hq,
            "{ learners(region: \"320800\", first: 100) { nodes { id registeredBy { id } } } }",
            json!({}),
        )
        .await;
    // One the demo's session did not assess.
    let trainee = trainees["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .find(|l| l["id"] == people[5].0)
        .expect("a learner a college registered")
        .clone();
    let provider = who::staff(
        Role::College,
        TestApp::raw_id(&trainee["registeredBy"]["id"]),
    );
    let registered = app
        .data_as(
            &provider,
            REGISTER,
            json!({ "s": centre_session, "l": trainee["id"] }),
        )
        .await;
    assert_eq!(
        registered["registerSpecialAbilityCandidate"]["learner"]["id"],
        trainee["id"]
    );
    // A provider that does not train the learner may not.
    let other = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("镇江高等职业技术学校").await),
    );
    assert_eq!(
        first_code(
            &app.query_as(
                &other,
                REGISTER,
                json!({ "s": centre_session, "l": people[3].0 })
            )
            .await
        ),
        "FORBIDDEN"
    );
}

/// What the authorization matrix acts on: Zhenjiang's eyewear centre and 丹阳明视's body filed
/// for 数字新媒体制作 too; a session of the centre's open for registration; one with a candidate
/// (`learner`) waiting for results; and a certificate of the centre's (held by `holder`).
#[derive(Debug, Default, PartialEq)]
pub struct MatrixRows {
    /// A session open for registration.
    pub open_session: Value,
    /// A session with one candidate, today, results not published.
    pub waiting_session: Value,
    /// That candidate.
    pub waiting_candidate: Value,
    /// A VALID certificate the centre issued.
    pub certificate: Value,
}

pub async fn matrix_rows(app: &TestApp, learner: &Value, holder: &Value) -> MatrixRows {
    let zhenjiang = who::regulator(app.region_row("321100").await);
    for (name, kind, code, serial, scope) in [
        (
            "江苏眼镜行业职业技能评价中心",
            "SOCIAL",
            "0000",
            "000101",
            json!([{ "occupation": "4-14-03-03", "maxLevel": "LEVEL_2" }, { "occupation": "4-14-03-04", "maxLevel": "LEVEL_2" }]),
        ),
        (
            "丹阳明视眼镜有限公司",
            "EMPLOYER",
            "0021",
            "000118",
            json!([{ "occupation": "4-14-03-03", "maxLevel": "LEVEL_3" }, { "occupation": "4-14-03-04", "maxLevel": "LEVEL_4" }]),
        ),
    ] {
        app.data_as(
            &zhenjiang,
            FILE,
            json!({ "i": { "organization": app.org_id(name).await, "type": kind, "bodyCode": code,
                "siteSerial": serial, "scope": scope, "specialAbilities": ["ZJ_NEW_MEDIA"] } }),
        )
        .await;
    }
    let centre = who::staff(
        Role::AssessmentBody,
        TestApp::raw_id(&app.org_id("江苏眼镜行业职业技能评价中心").await),
    );
    let mut vars = crab_session(10);
    vars["i"]["specialAbility"] = json!("ZJ_NEW_MEDIA");
    vars["i"]["region"] = json!("321100");
    vars["i"]["address"] = json!("丹阳市开发区眼镜城");
    let mut sessions = Vec::new();
    for _ in 0..3 {
        sessions.push(
            app.data_as(&centre, SCHEDULE, vars.clone()).await["scheduleSpecialAbilitySession"]
                ["id"]
                .clone(),
        );
    }
    let (open_session, waiting_session, done) = (
        sessions[0].clone(),
        sessions[1].clone(),
        sessions[2].clone(),
    );
    let mut candidates = Vec::new();
    for (s, l) in [(&waiting_session, learner), (&done, holder)] {
        candidates.push(
            app.data_as(&centre, REGISTER, json!({ "s": s, "l": l }))
                .await["registerSpecialAbilityCandidate"]["id"]
                .clone(),
        );
    }
    let (waiting_candidate, passed) = (candidates[0].clone(), candidates[1].clone());
    let certificate = app
        .data_as(
            &centre,
            PUBLISH,
            json!({ "i": { "session": done, "results": [{ "candidate": passed, "passed": true }] } }),
        )
        .await["publishSpecialAbilityResults"]["certificates"][0]["id"]
        .clone();
    MatrixRows {
        open_session,
        waiting_session,
        waiting_candidate,
        certificate,
    }
}
