//! Programmes (专项 / 行动 / 工程 / 计划): kept by the regulator of their region, public as
//! published plans; cohorts, training orders, training plans and claim lines name the programme
//! they belong to, and a cohort joins only one it fits.

use serde_json::{Value, json};
use skillgraph::{auth::Role, domain::kernel::codes::CreditCode};

use crate::helpers::{TestApp, first_code, who};

const UPSERT: &str = "mutation($i: UpsertProgrammeInput!) { upsertProgramme(input: $i) { id code name kind region { code } startsOn endsOn targetGroups { code } occupations modes departments { name } quotas { year indicator target } } }";
const CREATE: &str = "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id mode purpose programme { code } } }";

fn field(response: &Value) -> &Value {
    &response["errors"][0]["extensions"]["field"]
}

/// A GOVERNMENT department of Zhenjiang, registered by its bureau: its global ID.
async fn department(app: &TestApp, name: &str, serial: u32) -> Value {
    let first17 = format!("11321100MB{serial:07}");
    let check = CreditCode::check_char(&first17).expect("alphabet");
    let regulator = who::regulator(app.region_row("321100").await);
    app.data_as(
        &regulator,
        "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { id } }",
        json!({ "i": { "name": name, "kind": "GOVERNMENT", "creditCode": format!("{first17}{}", char::from(check)), "region": "321100" } }),
    )
    .await["registerOrganization"]["id"]
        .clone()
}

/// Zhenjiang's key-groups programme: three years, eyewear occupations, ORDER and POST modes.
fn key_groups(departments: &[Value]) -> Value {
    json!({ "i": {
        "code": "zj-2026-key-groups",
        "name": "重点群体专项",
        "kind": "SPECIAL",
        "startsOn": "2026-01-01",
        "endsOn": "2028-12-31",
        "targetGroups": ["UNPLACED_GRADUATE", "RURAL_MIGRANT_WORKER"],
        "occupations": ["4-14"],
        "modes": ["ORDER", "POST"],
        "departments": departments,
        "quotas": [
            { "year": 2026, "indicator": "TRAINED_PERSON_TIMES", "target": 80000 },
            { "year": 2026, "indicator": "RETENTION_RATE", "target": 9000 },
        ],
    } })
}

#[tokio::test]
async fn a_bureau_keeps_its_programmes_and_everyone_reads_them() {
    let app = TestApp::demo().await;
    let regulator = who::regulator(app.region_row("321100").await);
    let civil = department(&app, "镇江市民政局", 1).await;
    let before = app.data("{ programmes { totalCount } }").await["programmes"]["totalCount"]
        .as_i64()
        .expect("a count");
    let saved = app
        .data_as(&regulator, UPSERT, key_groups(std::slice::from_ref(&civil)))
        .await;
    let p = &saved["upsertProgramme"];
    assert_eq!(
        (&p["code"], &p["kind"], &p["region"]["code"]),
        (
            &json!("zj-2026-key-groups"),
            &json!("SPECIAL"),
            &json!("321100")
        )
    );
    assert_eq!(
        p["targetGroups"],
        json!([{ "code": "RURAL_MIGRANT_WORKER" }, { "code": "UNPLACED_GRADUATE" }])
    );
    assert_eq!(p["occupations"], json!(["4-14"]));
    assert_eq!(p["modes"], json!(["ORDER", "POST"]));
    assert_eq!(p["departments"], json!([{ "name": "镇江市民政局" }]));
    assert_eq!(
        p["quotas"],
        json!([
            { "year": 2026, "indicator": "RETENTION_RATE", "target": 9000 },
            { "year": 2026, "indicator": "TRAINED_PERSON_TIMES", "target": 80000 },
        ])
    );

    // Public, and filtered by region, year, target group and department (the demo's own
    // programmes beside it: whether this one is listed).
    for (filter, expected) in [
        (json!({ "regions": ["320000"] }), true),
        (json!({ "regions": ["320800"] }), false),
        (json!({ "year": 2027 }), true),
        (json!({ "year": 2030 }), false),
        (json!({ "targetGroups": ["UNPLACED_GRADUATE"] }), true),
        (json!({ "targetGroups": ["RETURNEE"] }), false),
        (json!({ "department": civil }), true),
        (json!({ "kinds": ["PLAN"] }), false),
    ] {
        let listed = app
            .data_with(
                "query($f: ProgrammeFilter) { programmes(filter: $f, first: 100) { totalCount nodes { code } } }",
                json!({ "f": filter }),
            )
            .await;
        let codes: Vec<&str> = listed["programmes"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["code"].as_str().expect("code"))
            .collect();
        assert_eq!(
            codes.contains(&"zj-2026-key-groups"),
            expected,
            "{filter}: {codes:?}"
        );
    }
    let node = app
        .data_with(
            "query($id: ID!) { node(id: $id) { ... on Programme { name } } }",
            json!({ "id": p["id"] }),
        )
        .await;
    assert_eq!(node["node"]["name"], "重点群体专项");

    // Changing it by its code replaces what it serves.
    let changed = app
        .data_as(
            &regulator,
            UPSERT,
            json!({ "i": { "code": "zj-2026-key-groups", "name": "重点群体专项（调整）", "kind": "SPECIAL", "startsOn": "2026-01-01", "endsOn": "2028-12-31", "targetGroups": ["VETERAN"] } }),
        )
        .await;
    assert_eq!(changed["upsertProgramme"]["id"], p["id"]);
    assert_eq!(
        changed["upsertProgramme"]["targetGroups"],
        json!([{ "code": "VETERAN" }])
    );
    assert_eq!(changed["upsertProgramme"]["quotas"], json!([]));

    // Only a regulator keeps programmes, for its own region; bad input names its field and
    // writes nothing.
    let enterprise = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    assert_eq!(
        first_code(&app.query_as(&enterprise, UPSERT, key_groups(&[])).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(&app.query_with(UPSERT, key_groups(&[])).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        first_code(
            &app.query_as(&who::system_admin(), UPSERT, key_groups(&[]))
                .await
        ),
        "FORBIDDEN",
        "a programme is the bureau's own plan"
    );
    let mingshi = app.org_id("丹阳明视眼镜有限公司").await;
    for (change, named) in [
        (json!({ "code": "Bad Code" }), "input.code"),
        (json!({ "endsOn": "2025-12-31" }), "input.endsOn"),
        (json!({ "targetGroups": ["NO_SUCH"] }), "input.targetGroups"),
        (json!({ "occupations": ["x-1"] }), "input.occupations[0]"),
        (json!({ "departments": [mingshi] }), "input.departments"),
        (
            json!({ "quotas": [{ "year": 2030, "indicator": "COMPLETIONS", "target": 1 }] }),
            "input.quotas[0].year",
        ),
        (
            json!({ "quotas": [{ "year": 2026, "indicator": "PLACEMENT_RATE", "target": 12000 }] }),
            "input.quotas[0].target",
        ),
        (
            json!({ "quotas": [
                { "year": 2026, "indicator": "COMPLETIONS", "target": 1 },
                { "year": 2026, "indicator": "COMPLETIONS", "target": 2 },
            ] }),
            "input.quotas[1]",
        ),
    ] {
        let mut input = key_groups(&[]);
        for (k, v) in change.as_object().expect("change") {
            input["i"][k] = v.clone();
        }
        input["i"]["code"] = change.get("code").cloned().unwrap_or(json!("zj-other"));
        let refused = app.query_as(&regulator, UPSERT, input).await;
        assert_eq!(field(&refused), named, "{refused}");
    }
    let all = app.data("{ programmes { totalCount } }").await;
    assert_eq!(
        all["programmes"]["totalCount"],
        before + 1,
        "refusals wrote nothing"
    );
}

#[tokio::test]
async fn cohorts_orders_plans_and_claims_name_the_programme_they_fit() {
    let app = TestApp::demo().await;
    let regulator = who::regulator(app.region_row("321100").await);
    let programme =
        app.data_as(&regulator, UPSERT, key_groups(&[])).await["upsertProgramme"]["id"].clone();
    let college_id = app.org_id("丹阳中等专业学校").await;
    let college = who::staff(Role::College, TestApp::raw_id(&college_id));
    let cohort = |occupation: &str, mode: Option<&str>, start: &str, programme: &Value| {
        json!({ "i": {
            "kind": "PROJECT_TRAINING", "name": "专项验光班", "provider": college_id,
            "alliance": "zj-eyewear", "occupation": occupation, "targetLevel": "LEVEL_4",
            "capacity": 20, "startOn": start,
            "endOn": (start.parse::<chrono::NaiveDate>().expect("a date") + chrono::Days::new(60)).to_string(),
            "programme": programme, "mode": mode, "purpose": "PRE_JOB",
        } })
    };
    let start = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();

    // A cohort that fits joins; one that does not is refused on the field that does not fit.
    let joined = app
        .data_as(
            &college,
            CREATE,
            cohort("4-14-03-03", Some("ORDER"), &start, &programme),
        )
        .await;
    assert_eq!(
        joined["createCohort"],
        json!({ "id": joined["createCohort"]["id"], "mode": "ORDER", "purpose": "PRE_JOB", "programme": { "code": "zj-2026-key-groups" } })
    );
    for (input, named) in [
        (
            cohort("6-18-02-04", Some("ORDER"), &start, &programme),
            "input.programme",
        ),
        (cohort("4-14-03-03", None, &start, &programme), "input.mode"),
        (
            cohort("4-14-03-03", Some("LITERACY"), &start, &programme),
            "input.mode",
        ),
        (
            cohort("4-14-03-03", Some("ORDER"), "2029-01-02", &programme),
            "input.programme",
        ),
    ] {
        let refused = app.query_as(&college, CREATE, input).await;
        assert_eq!(field(&refused), named, "{refused}");
    }
    let huaian = who::regulator(app.region_row("320800").await);
    let theirs = app
        .data_as(
            &huaian,
            UPSERT,
            json!({ "i": { "code": "ha-plan", "name": "淮安计划", "kind": "PLAN", "startsOn": "2026-01-01", "endsOn": "2028-12-31" } }),
        )
        .await["upsertProgramme"]["id"]
        .clone();
    let elsewhere = app
        .query_as(
            &college,
            CREATE,
            cohort("4-14-03-03", Some("ORDER"), &start, &theirs),
        )
        .await;
    assert_eq!(field(&elsewhere), "input.programme", "another region's");

    // The programme's page lists its cohorts; the cohorts list filters by programme and mode.
    let page = app
        .data_with(
            "query($id: ID!) { node(id: $id) { ... on Programme { cohorts { totalCount nodes { id } } } } }",
            json!({ "id": programme }),
        )
        .await;
    assert_eq!(page["node"]["cohorts"]["totalCount"], 1);
    let filtered = app
        .data_with(
            "query($p: ID!) { a: cohorts(filter: {programme: $p, modes: [ORDER]}) { totalCount } b: cohorts(filter: {modes: [POST]}) { totalCount } }",
            json!({ "p": programme }),
        )
        .await;
    assert_eq!(
        (&filtered["a"]["totalCount"], &filtered["b"]["totalCount"]),
        (&json!(1), &json!(0))
    );

    // The bureau moves a cohort out of its programme and back; another bureau may not.
    let assign = "mutation($c: ID!, $p: ID) { assignCohortProgramme(input: {cohort: $c, programme: $p}) { programme { code } } }";
    let cohort_id = joined["createCohort"]["id"].clone();
    assert_eq!(
        first_code(
            &app.query_as(&huaian, assign, json!({ "c": cohort_id, "p": null }))
                .await
        ),
        "FORBIDDEN"
    );
    let out = app
        .data_as(&regulator, assign, json!({ "c": cohort_id, "p": null }))
        .await;
    assert_eq!(out["assignCohortProgramme"]["programme"], Value::Null);
    let back = app
        .data_as(
            &regulator,
            assign,
            json!({ "c": cohort_id, "p": programme }),
        )
        .await;
    assert_eq!(
        back["assignCohortProgramme"]["programme"]["code"],
        "zj-2026-key-groups"
    );

    // A training order names a programme that trains projects; its cohort inherits it.
    let project = app
        .data_as(
            &regulator,
            UPSERT,
            json!({ "i": { "code": "zj-projects", "name": "项目制培训", "kind": "PROJECT", "startsOn": "2026-01-01", "endsOn": "2030-12-31", "modes": ["PROJECT"] } }),
        )
        .await["upsertProgramme"]["id"]
        .clone();
    let open = app
        .data_as(
            &regulator,
            "{ trainingIntentions(statuses: [OPEN], first: 100) { nodes { id occupation } } }",
            json!({}),
        )
        .await;
    let intention = open["trainingIntentions"]["nodes"]
        .as_array()
        .expect("intentions")
        .iter()
        .find(|n| n["occupation"] == "4-14-03-03")
        .expect("an open eyewear intention")["id"]
        .clone();
    let dispatch = "mutation($i: ID!, $p: ID!, $g: ID) { dispatchTrainingOrder(input: {occupation: \"4-14-03-03\", level: LEVEL_4, schedule: EVENING, seats: 5, deadline: \"2099-01-01\", provider: $p, intentions: [$i], programme: $g}) { id programme { code } } }";
    let refused = app
        .query_as(
            &regulator,
            dispatch,
            json!({ "i": intention, "p": college_id, "g": programme }),
        )
        .await;
    assert_eq!(
        field(&refused),
        "input.programme",
        "ORDER and POST only: {refused}"
    );
    let order = app
        .data_as(
            &regulator,
            dispatch,
            json!({ "i": intention, "p": college_id, "g": project }),
        )
        .await;
    assert_eq!(
        order["dispatchTrainingOrder"]["programme"]["code"],
        "zj-projects"
    );
    let accepted = app
        .data_as(
            &college,
            "mutation($o: ID!) { acceptTrainingOrder(input: {order: $o}) { cohort { mode programme { code } } } }",
            json!({ "o": order["dispatchTrainingOrder"]["id"] }),
        )
        .await;
    assert_eq!(
        accepted["acceptTrainingOrder"]["cohort"],
        json!({ "mode": "PROJECT", "programme": { "code": "zj-projects" } })
    );

    // A quarterly plan names one running in its quarter.
    let plan = "mutation($g: ID, $y: Int!) { publishTrainingPlan(input: {region: \"321100\", year: $y, quarter: 1, occupation: \"4-14-03-03\", plannedClasses: 2, plannedHeadcount: 60, subsidyType: EMPLOYMENT_SKILLS, programme: $g}) { programme { code } } }";
    let planned = app
        .data_as(&college, plan, json!({ "g": programme, "y": 2027 }))
        .await;
    assert_eq!(
        planned["publishTrainingPlan"]["programme"]["code"],
        "zj-2026-key-groups"
    );
    let late = app
        .query_as(&college, plan, json!({ "g": programme, "y": 2030 }))
        .await;
    assert_eq!(field(&late), "input.programme");

    // A claim's lines belong to their cohort's programme.
    use chrono::Datelike;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let year = (chrono::Utc::now().date_naive() - chrono::Days::new(10)).year() as i16;
    crate::helpers::listed_special_ability(
        &app,
        "4-14-03-04",
        entity::SkillLevel::Level5,
        90_000,
        year,
    )
    .await;
    let learners = app
        .data_as(
            &college,
            "{ learners(first: 3) { nodes { id } } }",
            json!({}),
        )
        .await["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .map(|n| TestApp::raw_id(&n["id"]))
        .collect::<Vec<_>>();
    let finished =
        crate::helpers::claimable(&app, TestApp::raw_id(&college_id), &learners[..1]).await;
    let mut row: entity::cohort::ActiveModel = entity::cohort::Entity::find_by_id(finished)
        .one(&app.db.db)
        .await
        .expect("read")
        .expect("cohort")
        .into();
    row.programme_id = Set(Some(TestApp::raw_id(&programme)));
    row.update(&app.db.db).await.expect("in the programme");
    let claim = app
        .data_as(
            &college,
            "mutation($c: ID!) { submitSubsidyClaim(input: {cohort: $c}) { lines { programme { code } } } }",
            json!({ "c": skillgraph::graphql::ids::NodeKey::Cohort(finished).to_id().0 }),
        )
        .await;
    assert_eq!(
        claim["submitSubsidyClaim"]["lines"],
        json!([{ "programme": { "code": "zj-2026-key-groups" } }])
    );
}
