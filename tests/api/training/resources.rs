//! Open-resource lists: atomic, versioned publication; imports from CSV and XLSX; the filters,
//! the distance ordering; institutions' standing; the catalogue and plans; the subscription.

use async_graphql::futures_util::StreamExt;
use base64::Engine;
use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};

use crate::helpers::{TestApp, first_code, who};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/fixtures");
const PUBLISH: &str = "mutation($items: [ResourceItemInput!]!) { publishResourceList(input: {items: $items}) { id listVersion status title } }";
const LIST: &str = "query($o: ID!, $v: Int) { node(id: $o) { ... on Organization { resourceList(version: $v) { listVersion status title } } } }";
const IMPORT: &str = "mutation($f: ImportFormat!, $c: String!) { importResourceList(input: {format: $f, contentBase64: $c}) { title schedule fee fundingMode subsidyEligible seats seatsTaken startOn endOn latitude occupations { code level } } }";

fn item(title: &str, point: Option<(f64, f64)>) -> Value {
    let mut item = json!({
        "kind": "COURSE", "title": title,
        "occupations": [{ "code": "4-14-03-03", "level": "LEVEL_4" }],
        "schedule": "EVENING", "seats": 20, "seatsTaken": 5, "fee": 0,
        "fundingMode": "GOVERNMENT_PURCHASE", "subsidyEligible": true, "region": "321100",
        "address": "丹阳市", "startOn": "2026-09-01", "endOn": "2026-12-31", "contact": "王老师",
    });
    if let Some((lat, lng)) = point {
        item["latitude"] = json!(lat);
        item["longitude"] = json!(lng);
    }
    item
}

async fn college(app: &TestApp) -> (Caller, Value) {
    let id = app.org_id("丹阳中等专业学校").await;
    (who::staff(Role::College, TestApp::raw_id(&id)), id)
}

fn file(name: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture"))
}

async fn versions(app: &TestApp, org: &Value, version: Option<i64>) -> Value {
    app.data_with(LIST, json!({ "o": org, "v": version })).await["node"]["resourceList"].clone()
}

#[tokio::test]
async fn a_list_is_published_whole_or_not_at_all_and_versions_stay_readable() {
    let app = TestApp::demo().await;
    let (me, org) = college(&app).await;
    let v1 = versions(&app, &org, None).await;
    let first_version = v1[0]["listVersion"].as_i64().expect("a demo list");

    let published = app
        .data_as(
            &me,
            PUBLISH,
            json!({ "items": [item("A", None), item("B", None)] }),
        )
        .await;
    let items = published["publishResourceList"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|i| i["listVersion"] == first_version + 1 && i["status"] == "PUBLISHED")
    );
    let old = versions(&app, &org, Some(first_version)).await;
    assert!(
        old.as_array()
            .expect("old")
            .iter()
            .all(|i| i["status"] == "SUPERSEDED"),
        "{old}"
    );

    // Two bad items: both named, nothing published.
    let mut bad_seats = item("C", None);
    bad_seats["seats"] = json!(0);
    bad_seats["seatsTaken"] = json!(0);
    let mut bad_code = item("D", None);
    bad_code["occupations"] = json!([{ "code": "6-18-02-99", "level": "LEVEL_5" }]);
    let response = app
        .query_as(
            &me,
            PUBLISH,
            json!({ "items": [item("ok", None), bad_seats, bad_code] }),
        )
        .await;
    let fields: Vec<&str> = response["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["extensions"]["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        ["input.items[1].seats", "input.items[2].occupations[0]"]
    );
    assert!(
        response["errors"]
            .as_array()
            .expect("e")
            .iter()
            .all(|e| e["extensions"]["code"] == "BAD_USER_INPUT")
    );
    let current = versions(&app, &org, None).await;
    let titles: Vec<&str> = current
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["title"].as_str().expect("t"))
        .collect();
    assert_eq!(
        titles,
        ["A", "B"],
        "the old list is still the published one"
    );

    // Withdrawing takes one item off the public list.
    let id = items[0]["id"].clone();
    let withdrawn = app
        .data_as(
            &me,
            "mutation($r: ID!) { withdrawResource(input: {resource: $r}) { status } }",
            json!({ "r": id }),
        )
        .await;
    assert_eq!(withdrawn["withdrawResource"]["status"], "WITHDRAWN");
    let public = app.data_with("query($o: ID!) { node(id: $o) { ... on Organization { openResources { nodes { title } } } } }", json!({ "o": org })).await;
    assert_eq!(
        public["node"]["openResources"]["nodes"],
        json!([{ "title": "B" }])
    );
}

#[tokio::test]
async fn spreadsheets_import_in_chinese_and_english_or_name_every_bad_row() {
    let app = TestApp::demo().await;
    let (me, org) = college(&app).await;

    let csv = app
        .data_as(
            &me,
            IMPORT,
            json!({ "f": "CSV", "c": file("resources.csv") }),
        )
        .await;
    let items = csv["importResourceList"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["title"], "眼镜验光技能夜校");
    assert_eq!(items[0]["schedule"], "EVENING");
    assert_eq!(items[0]["fundingMode"], "GOVERNMENT_PURCHASE");
    assert_eq!(items[0]["subsidyEligible"], true);
    assert_eq!(items[0]["seatsTaken"], 12);
    assert_eq!(
        items[0]["occupations"],
        json!([{ "code": "4-14-03-03", "level": "LEVEL_4" }, { "code": "4-14-03-03", "level": "LEVEL_3" }])
    );
    assert_eq!(items[1]["endOn"], Value::Null);
    assert_eq!(items[2]["latitude"], Value::Null);

    let xlsx = app
        .data_as(
            &me,
            IMPORT,
            json!({ "f": "XLSX", "c": file("resources.xlsx") }),
        )
        .await;
    let items = xlsx["importResourceList"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["startOn"], "2026-03-01",
        "Excel dates are read as dates"
    );
    assert_eq!(items[1]["fee"], 200);
    let version = versions(&app, &org, None).await[0]["listVersion"].clone();

    let response = app
        .query_as(
            &me,
            IMPORT,
            json!({ "f": "XLSX", "c": file("resources-bad.xlsx") }),
        )
        .await;
    let messages: Vec<String> = response["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["message"].as_str().expect("m").to_owned())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("row 3") && messages[0].contains("kind"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("row 4") && messages[1].contains("occupations"),
        "{messages:?}"
    );

    let csv = String::from_utf8(std::fs::read(format!("{FIXTURES}/resources.csv")).expect("csv"))
        .expect("utf-8");
    let broken = csv
        .replacen(",夜校,", ",半夜,", 1)
        .replacen(",200,", ",两百,", 1);
    let response = app
        .query_as(
            &me,
            IMPORT,
            json!({ "f": "CSV", "c": base64::engine::general_purpose::STANDARD.encode(broken) }),
        )
        .await;
    let messages: Vec<String> = response["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["message"].as_str().expect("m").to_owned())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("row 2") && m.contains("时段")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("row 3") && m.contains("费用")),
        "{messages:?}"
    );
    assert_eq!(
        versions(&app, &org, None).await[0]["listVersion"],
        version,
        "a bad file publishes nothing"
    );
}

#[tokio::test]
async fn the_command_line_import_reports_rows_and_publishes_nothing_on_error() {
    let app = TestApp::demo().await;
    let (_, org) = college(&app).await;
    let run = |name: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
            .args([
                "import",
                "resources",
                "--org",
                org.as_str().expect("id"),
                &format!("{FIXTURES}/{name}"),
            ])
            .env("DATABASE_URL", &app.db.url)
            .env("SKILLGRAPH_CONFIG", "/nonexistent/skillgraph.toml")
            .env("SKILLGRAPH_LOG", "warn")
            .output()
            .expect("the binary runs")
    };
    let bad = run("resources-bad.xlsx");
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("row 3")
            && stderr.contains("row 4")
            && stderr.contains("nothing was published"),
        "{stderr}"
    );
    let good = run("resources.csv");
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(String::from_utf8_lossy(&good.stdout).contains("3 items"));
}

#[tokio::test]
async fn nearest_best_rated_cheapest_and_free_seats() {
    let app = TestApp::demo().await;
    let (me, _) = college(&app).await;
    // Great-circle distances from (31.5, 120.5) computed by hand (haversine, R = 6371.0088 km).
    let mut full = item("full", Some((31.59, 120.5)));
    full["seatsTaken"] = json!(20);
    let mut pricey = item("east", Some((31.5, 120.7)));
    pricey["fee"] = json!(900);
    let items = json!([
        full,
        pricey,
        item("diagonal", Some((31.6, 120.6))),
        item("far", Some((31.8, 120.5)))
    ]);
    app.data_as(&me, PUBLISH, json!({ "items": items })).await;
    let q = "query($f: OpenResourceFilter, $o: OpenResourceOrder) { openResources(filter: $f, orderBy: $o, first: 100) {
        totalCount nodes { title fee freeSeats providerStars distanceKm(latitude: 31.5, longitude: 120.5) } } }";
    let near = json!({ "latitude": 31.5, "longitude": 120.5, "radiusKm": 30 });
    let data = app
        .data_with(
            q,
            json!({ "f": { "near": near }, "o": { "field": "DISTANCE" } }),
        )
        .await;
    let nodes = data["openResources"]["nodes"].as_array().expect("nodes");
    let titles: Vec<&str> = nodes
        .iter()
        .map(|n| n["title"].as_str().expect("t"))
        .collect();
    assert_eq!(titles, ["full", "diagonal", "east"]);
    for (node, km) in nodes.iter().zip([10.0076, 14.6094, 18.9619]) {
        let got = node["distanceKm"].as_f64().expect("km");
        assert!((got - km).abs() / km < 0.002, "{got} km, by hand {km}");
    }
    let free = app
        .data_with(
            q,
            json!({ "f": { "near": near, "freeSeatsOnly": true, "feeAtMost": 500 } }),
        )
        .await;
    let titles: Vec<&str> = free["openResources"]["nodes"]
        .as_array()
        .expect("n")
        .iter()
        .map(|n| n["title"].as_str().expect("t"))
        .collect();
    assert_eq!(titles, ["diagonal"], "the full and the expensive left out");

    let rated = app
        .data_with(
            q,
            json!({ "o": { "field": "CREDIT_STARS", "direction": "DESC" } }),
        )
        .await;
    let stars: Vec<i64> = rated["openResources"]["nodes"]
        .as_array()
        .expect("n")
        .iter()
        .map(|n| n["providerStars"].as_i64().expect("s"))
        .collect();
    assert!(
        stars.windows(2).all(|w| w[0] >= w[1]) && stars[0] == 5,
        "{stars:?}"
    );
    let cheap = app.data_with(q, json!({ "o": { "field": "FEE" } })).await;
    let fees: Vec<i64> = cheap["openResources"]["nodes"]
        .as_array()
        .expect("n")
        .iter()
        .map(|n| n["fee"].as_i64().expect("f"))
        .collect();
    assert!(fees.windows(2).all(|w| w[0] <= w[1]));

    let filtered = app
        .data("{ openResources(filter: {alliances: [\"zj-eyewear\"], occupation: \"4-14-03\", level: LEVEL_4, schedules: [EVENING]}) { nodes { schedule occupations { code level } } } }")
        .await;
    let nodes = filtered["openResources"]["nodes"].as_array().expect("n");
    assert!(!nodes.is_empty());
    assert!(nodes.iter().all(|n| {
        n["schedule"] == "EVENING"
            && n["occupations"].as_array().expect("o").iter().any(|o| {
                o["code"].as_str().expect("c").starts_with("4-14-03-") && o["level"] == "LEVEL_4"
            })
    }));
}

#[tokio::test]
async fn a_suspended_institution_neither_publishes_nor_trains() {
    let app = TestApp::demo().await;
    let institution = app.org_id("丹阳市视界眼镜技能培训中心").await;
    let regulator = who::regulator(app.region_row("321100").await);
    let other_regulator = who::regulator(app.region_row("320800").await);
    let rate = "mutation($i: ID!, $s: Int!) { rateInstitution(input: {institution: $i, stars: $s}) { creditStars } }";
    assert_eq!(
        first_code(
            &app.query_as(&other_regulator, rate, json!({ "i": institution, "s": 1 }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(&regulator, rate, json!({ "i": institution, "s": 6 }))
                .await
        ),
        "BAD_USER_INPUT"
    );
    app.data_as(&regulator, rate, json!({ "i": institution, "s": 2 }))
        .await;
    let items = app.data_with("query($o: ID!) { node(id: $o) { ... on Organization { creditStars openResources { nodes { providerStars } } } } }", json!({ "o": institution })).await;
    assert_eq!(items["node"]["creditStars"], 2);
    assert!(
        items["node"]["openResources"]["nodes"]
            .as_array()
            .expect("n")
            .iter()
            .all(|n| n["providerStars"] == 2),
        "rating reaches the items"
    );

    app.data_as(&regulator, "mutation($i: ID!) { setInstitutionStatus(input: {institution: $i, status: SUSPENDED, reason: \"虚假培训核查\"}) { catalogueStatus } }", json!({ "i": institution })).await;
    let me = who::staff(Role::TrainingInstitution, TestApp::raw_id(&institution));
    let response = app
        .query_as(&me, PUBLISH, json!({ "items": [item("x", None)] }))
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");
    let cohort = json!({ "i": {
        "kind": "ORDER_CLASS", "name": "班", "enterprise": app.org_id("丹阳明视眼镜有限公司").await, "provider": institution,
        "alliance": "zj-eyewear", "occupation": "4-14-03-03", "targetLevel": "LEVEL_4", "capacity": 5,
        "startOn": "2099-01-01", "endOn": "2099-06-01" } });
    let response = app
        .query_as(
            &me,
            "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id } }",
            cohort,
        )
        .await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"], "input.provider",
        "{response}"
    );
}

#[tokio::test]
async fn the_catalogue_and_plans_are_kept_and_public() {
    let app = TestApp::demo().await;
    let regulator = who::regulator(app.region_row("321100").await);
    let upsert = "mutation($a: Int!) { upsertCatalogueItem(input: {occupation: \"6-18-02-04\", level: LEVEL_2, category: SKILL_LEVEL_CERTIFICATE, subsidyAmount: $a, scarce: true, year: 2035}) { id subsidyAmount status region { code } } }";
    let first = app.data_as(&regulator, upsert, json!({ "a": 3000 })).await;
    let again = app.data_as(&regulator, upsert, json!({ "a": 3500 })).await;
    assert_eq!(
        first["upsertCatalogueItem"]["id"], again["upsertCatalogueItem"]["id"],
        "the same item, updated"
    );
    assert_eq!(again["upsertCatalogueItem"]["subsidyAmount"], 3500);
    let id = again["upsertCatalogueItem"]["id"].clone();
    let reviewed = app
        .data_as(&regulator, "mutation($i: ID!) { setCatalogueItemStatus(input: {item: $i, status: UNDER_REVIEW, reason: \"就业率低于 45%\"}) { status reason } }", json!({ "i": id }))
        .await;
    assert_eq!(
        reviewed["setCatalogueItemStatus"],
        json!({ "status": "UNDER_REVIEW", "reason": "就业率低于 45%" })
    );
    let listed = app
        .data("{ catalogueItems(filter: {year: 2035}) { totalCount } }")
        .await;
    assert_eq!(
        listed["catalogueItems"]["totalCount"], 0,
        "LISTED items by default"
    );
    let review = app.data("{ catalogueItems(filter: {year: 2035, statuses: [UNDER_REVIEW], scarce: true}) { nodes { occupation { name } level } } }").await;
    assert_eq!(
        review["catalogueItems"]["nodes"],
        json!([{ "occupation": { "name": "焊工" }, "level": "LEVEL_2" }])
    );
    let bad = app.query_as(&regulator, upsert, json!({ "a": -1 })).await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "input.subsidyAmount"
    );

    let (me, org) = college(&app).await;
    let plan = app
        .data_as(&me, "mutation { publishTrainingPlan(input: {region: \"321100\", year: 2027, quarter: 3, occupation: \"4-14-03-03\", plannedClasses: 3, plannedHeadcount: 90, subsidyType: NEW_APPRENTICESHIP}) { quarter plannedHeadcount provider { name } } }", json!({}))
        .await;
    assert_eq!(
        plan["publishTrainingPlan"]["provider"]["name"],
        "丹阳中等专业学校"
    );
    let plans = app.data_with("query($p: ID!) { trainingPlans(filter: {provider: $p, year: 2027}) { nodes { quarter subsidyType } } }", json!({ "p": org })).await;
    assert_eq!(
        plans["trainingPlans"]["nodes"],
        json!([{ "quarter": 3, "subsidyType": "NEW_APPRENTICESHIP" }])
    );
    let bad = app
        .query_as(&me, "mutation { publishTrainingPlan(input: {region: \"321100\", year: 2027, quarter: 5, occupation: \"4-14-03-03\", plannedClasses: 3, plannedHeadcount: 90, subsidyType: SKILL_UPGRADE}) { id } }", json!({}))
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.quarter");
}

#[tokio::test]
async fn resource_published_reaches_subscribers_of_the_providers_alliances() {
    let app = TestApp::demo().await;
    let (me, _) = college(&app).await;
    let mut eyewear = app.schema.execute_stream(async_graphql::Request::new(
        "subscription { resourcePublished(alliances: [\"zj-eyewear\"]) { title provider { name } } }",
    ));
    let mut culinary = app.schema.execute_stream(async_graphql::Request::new(
        "subscription { resourcePublished(alliances: [\"zj-culinary\"]) { title } }",
    ));
    // Let both subscriptions register before anything is published.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let publish = app.data_as(&me, PUBLISH, json!({ "items": [item("新课", None)] }));
    let received = async { eyewear.next().await };
    let (_, received) = tokio::join!(publish, received);
    let received = serde_json::to_value(received.expect("an item")).expect("json");
    assert_eq!(
        received["data"]["resourcePublished"],
        json!({ "title": "新课", "provider": { "name": "丹阳中等专业学校" } })
    );
    let nothing =
        tokio::time::timeout(std::time::Duration::from_millis(300), culinary.next()).await;
    assert!(
        nothing.is_err(),
        "the college is not in the culinary alliance"
    );
}
