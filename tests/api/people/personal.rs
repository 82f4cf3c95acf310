//! Personal data: stored encrypted, shown masked, unmasked only for a purpose and always audited,
//! and never in a response, the audit trail or a log line for anyone else.

use entity::learner;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};

use crate::helpers::{TestApp, captured_logs, first_code, who};

const ID: &str = "321102198506150023";
const PHONE: &str = "13912345678";
const NAME: &str = "欧阳明华";

const REGISTER: &str = r#"mutation($i: RegisterLearnerInput!) {
  registerLearner(input: $i) { id view name nationalId phone ageBand targetGroup region { code } registeredBy { name } }
}"#;

const EVERYTHING: &str = r#"query($id: ID!) {
  learners(first: 100) { totalCount nodes { id name nationalId phone ageBand } }
  node(id: $id) { ... on Learner { id name nationalId phone } }
}"#;

const PERSONAL: &str = r#"query($id: ID!) { node(id: $id) { ... on Learner { personalData { name nationalId phone } } } }"#;

fn input() -> Value {
    json!({ "i": { "name": NAME, "nationalId": ID, "phone": PHONE, "region": "321100", "targetGroup": "UNEMPLOYED" } })
}

struct People {
    provider: Caller,
    other_provider: Caller,
    regulator: Caller,
    other_regulator: Caller,
    enterprise: Caller,
    admin: Caller,
}

async fn people(app: &TestApp) -> People {
    let org = |name: &'static str| async move { TestApp::raw_id(&app.org_id(name).await) };
    People {
        provider: who::staff(Role::College, org("镇江高等职业技术学校").await),
        other_provider: who::staff(
            Role::TrainingInstitution,
            org("镇江市明德职业培训学校").await,
        ),
        regulator: who::regulator(app.region_row("321100").await),
        other_regulator: who::regulator(app.region_row("320800").await),
        enterprise: who::staff(Role::Enterprise, org("丹阳明视眼镜有限公司").await),
        admin: who::system_admin(),
    }
}

#[tokio::test]
async fn registration_masks_encrypts_and_refuses_duplicates() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let data = app.data_as(&p.provider, REGISTER, input()).await;
    let learner = &data["registerLearner"];
    assert_eq!(learner["name"], "欧***");
    assert_eq!(learner["view"], "FULL");
    assert_eq!(
        learner["nationalId"], "**************0023",
        "only the last four: with an age band nothing narrows the birth date down"
    );
    assert_eq!(learner["phone"], "139****5678");
    assert!(
        matches!(
            learner["ageBand"].as_str(),
            Some("FROM_35_TO_44" | "FROM_45_TO_54")
        ),
        "an age band, never the birth year"
    );
    assert_eq!(learner["registeredBy"]["name"], "镇江高等职业技术学校");

    // Stored: no column holds the number itself.
    let id = TestApp::raw_id(&learner["id"]);
    let row = learner::Entity::find_by_id(id)
        .one(&app.db.db)
        .await
        .expect("row")
        .expect("learner");
    for column in [
        &row.national_id_cipher,
        &row.national_id_hash,
        &row.national_id_masked,
    ] {
        assert!(!column.contains(ID), "{column}");
    }

    // The same number again, in lower case and with spaces, under another name: refused on the
    // name, nothing written.
    let count = learner::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let again = app
        .query_as(
            &p.regulator,
            REGISTER,
            json!({ "i": { "name": "别人", "nationalId": format!(" {} ", ID.to_lowercase()), "phone": "13700000000", "region": "321100", "targetGroup": "OTHER" } }),
        )
        .await;
    assert_eq!(first_code(&again), "BAD_USER_INPUT");
    assert_eq!(again["errors"][0]["extensions"]["field"], "input.name");
    assert!(
        !again.to_string().contains(ID),
        "the number is never echoed"
    );
    assert_eq!(
        learner::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        count
    );
    // Under the same name, at another provider's counter: the same person, linked to that
    // provider (which may now enrol them), not a second learner.
    let linked = app.data_as(&p.other_provider, REGISTER, input()).await;
    assert_eq!(linked["registerLearner"]["id"], learner["id"]);
    assert_eq!(linked["registerLearner"]["view"], "FULL");
    assert_eq!(
        learner::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        count
    );

    for (field, value, name) in [
        ("nationalId", "321102198506150024", "input.nationalId"),
        ("nationalId", "32110219850615002", "input.nationalId"),
        ("phone", "1234", "input.phone"),
        ("name", "  ", "input.name"),
        ("region", "32", "input.region"),
    ] {
        let mut bad = input();
        bad["i"][field] = json!(value);
        let response = app.query_as(&p.provider, REGISTER, bad).await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{field}={value}");
        assert_eq!(response["errors"][0]["extensions"]["field"], name);
        assert!(
            !response.to_string().contains("321102198506150024"),
            "errors never repeat an ID number"
        );
    }
}

#[tokio::test]
async fn personal_data_is_for_a_purpose_and_every_read_is_audited() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    let data = app.data_as(&p.provider, REGISTER, input()).await;
    let id = data["registerLearner"]["id"].clone();
    let learner_row = TestApp::raw_id(&id);
    let me = who::learner(learner_row);

    for (who, label) in [
        (&p.provider, "its provider"),
        (&p.regulator, "its regulator"),
        (&me, "the learner"),
    ] {
        let data = app.data_as(who, PERSONAL, json!({ "id": id })).await;
        assert_eq!(
            data["node"]["personalData"],
            json!({ "name": NAME, "nationalId": ID, "phone": PHONE }),
            "{label}"
        );
    }

    // Roles without the purpose: a summary at most (its personal data refused), or nothing at
    // all (the node is null, as for an ID that does not exist).
    for (who, label, code) in [
        (&p.other_provider, "another provider", None),
        (&p.other_regulator, "another region's regulator", None),
        (&p.enterprise, "an enterprise", None),
        (&p.admin, "a system administrator", Some("FORBIDDEN")),
        (&Caller::public(), "the public", None),
    ] {
        let response = app.query_as(who, PERSONAL, json!({ "id": id })).await;
        match code {
            Some(code) => assert_eq!(first_code(&response), code, "{label}"),
            None => {
                assert!(response.get("errors").is_none(), "{label}: {response}");
                assert_eq!(response["data"]["node"], Value::Null, "{label}");
            }
        }
        let everything = app.query_as(who, EVERYTHING, json!({ "id": id })).await;
        let text = format!("{response}{everything}");
        assert!(
            !text.contains(ID) && !text.contains(PHONE) && !text.contains(NAME),
            "{label}: {text}"
        );
    }
    // A system administrator lists learners, masked.
    let listed = app
        .data_as(
            &p.admin,
            "{ learners(first: 100) { totalCount nodes { nationalId } } }",
            json!({}),
        )
        .await;
    assert!(listed["learners"]["totalCount"].as_i64().expect("count") > 100);

    let trail = app
        .data_as(
            &p.regulator,
            "query($t: ID!) { auditEvents(filter: {target: $t}, first: 100) { nodes { action role actor changes } } }",
            json!({ "t": id }),
        )
        .await;
    let events = trail["auditEvents"]["nodes"].as_array().expect("events");
    let reads: Vec<&str> = events
        .iter()
        .filter(|e| e["action"] == "readLearnerPersonalData")
        .map(|e| e["role"].as_str().expect("role"))
        .collect();
    assert_eq!(
        reads,
        ["LEARNER", "REGULATOR", "COLLEGE"],
        "one event per read, newest first, refused reads none"
    );
    let registration = events
        .iter()
        .find(|e| e["action"] == "registerLearner")
        .expect("registration");
    assert_eq!(registration["changes"]["nationalId"], "321102********0023");
    assert_eq!(registration["changes"]["name"], "欧***");

    // The whole trail, as its widest reader sees it, holds no personal data.
    let all = app
        .data_as(
            &p.admin,
            "{ auditEvents(first: 100) { nodes { actor action targetId changes } } }",
            json!({}),
        )
        .await;
    let text = all.to_string();
    assert!(!text.contains(ID) && !text.contains(PHONE) && !text.contains(NAME));
    // Nor does anything the server logged during the whole test run.
    let logs = captured_logs();
    assert!(
        !logs.contains(ID) && !logs.contains(PHONE),
        "personal data in the logs"
    );
}

#[tokio::test]
async fn learners_are_listed_within_scope() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    app.data_as(&p.provider, REGISTER, input()).await;

    let mine = app.data_as(&p.provider, "{ learners(first: 100) { totalCount nodes { id registeredBy { name } region { code } } } }", json!({})).await;
    let nodes = mine["learners"]["nodes"].as_array().expect("nodes");
    assert!(!nodes.is_empty());
    // Its own registrations, and the learners it trains (registered by others).
    let provider = app.org_id("镇江高等职业技术学校").await;
    let trained = app
        .data_as(
            &p.provider,
            "query($p: ID!) { cohorts(filter: {provider: $p}, first: 100) { nodes { enrollments(first: 100) { nodes { learner { id } } } } } }",
            json!({ "p": provider }),
        )
        .await;
    let trained: Vec<Value> = trained["cohorts"]["nodes"]
        .as_array()
        .expect("cohorts")
        .iter()
        .flat_map(|c| c["enrollments"]["nodes"].as_array().expect("e").clone())
        .map(|e| e["learner"]["id"].clone())
        .collect();
    assert!(
        nodes
            .iter()
            .all(|n| n["registeredBy"]["name"] == "镇江高等职业技术学校"
                || trained.contains(&n["id"])),
        "a provider sees the learners it registered or trains"
    );
    assert!(
        nodes
            .iter()
            .any(|n| n["registeredBy"]["name"] == "镇江高等职业技术学校"),
        "including its own registrations"
    );

    let region = app
        .data_as(
            &p.other_regulator,
            "{ learners(first: 100) { nodes { region { code } } } }",
            json!({}),
        )
        .await;
    let nodes = region["learners"]["nodes"].as_array().expect("nodes");
    assert!(!nodes.is_empty());
    assert!(
        nodes.iter().all(|n| n["region"]["code"] == "320800"),
        "a regulator sees its region"
    );

    for (who, code) in [
        (&p.enterprise, "FORBIDDEN"),
        (&Caller::public(), "UNAUTHENTICATED"),
    ] {
        let response = app
            .query_as(who, "{ learners { totalCount } }", json!({}))
            .await;
        assert_eq!(first_code(&response), code);
    }

    // Another region's learner by ID is null, as if there were none.
    let theirs = app
        .data_as(
            &p.other_regulator,
            "{ learners(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let response = app
        .data_as(
            &p.regulator,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": theirs["learners"]["nodes"][0]["id"] }),
        )
        .await;
    assert_eq!(response["node"], Value::Null);
}

#[tokio::test]
async fn the_audit_trail_is_read_only_and_scoped() {
    let app = TestApp::demo().await;
    let p = people(&app).await;
    // No mutation can change or delete it.
    let schema = app
        .data("{ __schema { mutationType { fields(includeDeprecated: true) { name } } } }")
        .await;
    let names: Vec<String> = schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_lowercase())
        .collect();
    assert!(names.iter().all(|n| !n.contains("audit")), "{names:?}");

    for (who, code) in [
        (&p.enterprise, "FORBIDDEN"),
        (&p.provider, "FORBIDDEN"),
        (&Caller::public(), "UNAUTHENTICATED"),
    ] {
        let response = app
            .query_as(who, "{ auditEvents { totalCount } }", json!({}))
            .await;
        assert_eq!(first_code(&response), code);
    }
    // The demo registrations are in the trail; each regulator sees its own region's.
    let zj = app
        .data_as(
            &p.regulator,
            "{ auditEvents(filter: {actions: [\"registerLearner\"]}) { totalCount } }",
            json!({}),
        )
        .await;
    let ha = app
        .data_as(
            &p.other_regulator,
            "{ auditEvents(filter: {actions: [\"registerLearner\"]}) { totalCount } }",
            json!({}),
        )
        .await;
    let all = app
        .data_as(
            &p.admin,
            "{ auditEvents(filter: {actions: [\"registerLearner\"]}) { totalCount } }",
            json!({}),
        )
        .await;
    let (zj, ha, all) = (
        zj["auditEvents"]["totalCount"].as_i64().expect("n"),
        ha["auditEvents"]["totalCount"].as_i64().expect("n"),
        all["auditEvents"]["totalCount"].as_i64().expect("n"),
    );
    assert!(
        zj > 0 && ha > 0 && zj + ha < all,
        "zj {zj}, ha {ha}, all {all}"
    );
}

#[tokio::test]
async fn a_learner_copies_their_whole_record_and_only_they_can() {
    use sea_orm::{ConnectionTrait, EntityTrait};
    use skillgraph::domain::people::my_data::TABLES;

    // Every table with a learner column is in the export.
    let mut with_learner = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/entity/src");
    for entry in std::fs::read_dir(dir).expect("entity sources") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
        if text.contains("pub learner_id") {
            let table = text
                .split("table_name = \"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("a table name")
                .to_owned();
            with_learner.push(table);
        }
    }
    with_learner.sort();
    let mut exported: Vec<String> = TABLES.iter().map(|t| (*t).to_owned()).collect();
    exported.sort();
    assert_eq!(
        exported, with_learner,
        "a table refers to learners but is not exported"
    );

    let app = TestApp::demo().await;
    let certified = entity::certificate::Entity::find()
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("a demo certificate");
    let id = certified.learner_id;
    let learner = entity::learner::Entity::find_by_id(id)
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("the learner");
    let kind =
        entity::organization::Entity::find_by_id(learner.registered_by_id.expect("a provider"))
            .one(&app.db.db)
            .await
            .expect("query")
            .expect("the provider")
            .kind;
    let role = if kind == entity::OrganizationKind::College {
        Role::College
    } else {
        Role::TrainingInstitution
    };
    let provider = who::staff(
        role,
        learner.registered_by_id.expect("registered by a provider"),
    );
    let global = skillgraph::domain::kernel::ids::NodeKey::Learner(id)
        .to_id()
        .0;
    let read = app
        .query_as(&provider, PERSONAL, json!({ "id": global }))
        .await;
    let national_id = read["data"]["node"]["personalData"]["nationalId"].clone();

    let me = who::learner(id);
    let data = app.data_as(&me, "{ myData }", json!({})).await;
    let doc = &data["myData"];
    assert_eq!(doc["learner"]["id"], global.as_str());
    assert!(national_id.is_string(), "the provider read it: {read}");
    assert_eq!(
        doc["learner"]["nationalId"], national_id,
        "in clear, as the provider read it"
    );
    let reads = doc["personalDataReads"].as_array().expect("reads");
    assert_eq!(reads.len(), 1, "the provider's read is listed: {reads:?}");
    assert_eq!(reads[0]["role"], role.as_str());
    assert!(reads[0]["organization"].is_string());
    assert_eq!(doc["learner"]["name"], crate::helpers::real_name(&learner));
    for table in TABLES {
        let rows = doc[*table]
            .as_array()
            .unwrap_or_else(|| panic!("{table} in the export"));
        let counted = app
            .db
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table} WHERE learner_id = {id}"),
            ))
            .await
            .expect("count")
            .expect("a row")
            .try_get_by_index::<i64>(0)
            .expect("n");
        assert_eq!(rows.len() as i64, counted, "every row of {table}");
    }
    assert!(
        !doc["certificates"]
            .as_array()
            .expect("certificates")
            .is_empty()
    );
    assert!(
        !doc.to_string().contains(&learner.national_id_cipher),
        "no ciphertext in the copy"
    );

    // Nobody else copies it: not the provider, not the regulator, not the public.
    let regulator = who::regulator(learner.region_id);
    for who in [&provider, &regulator] {
        let response = app.query_as(who, "{ myData }", json!({})).await;
        assert_eq!(
            first_code(&response),
            "FORBIDDEN",
            "{:?}",
            who.viewer.role()
        );
    }
    let anonymous = app.query("{ myData }").await;
    assert_eq!(first_code(&anonymous), "UNAUTHENTICATED");
}
