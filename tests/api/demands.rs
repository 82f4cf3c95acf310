//! Demand: posting, versions, the lifecycle, visibility, filters, relations, and the subscription.

use chrono::{Days, Utc};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::helpers::{TestApp, TestServer, first_code, who};

pub(crate) const CREATE: &str = "mutation($d: DemandInput!) { createDemand(input: {demand: $d}) { id status version postedAt alliances { code } occupation { name } enterprise { name } } }";
const UPDATE: &str = "mutation($id: ID!, $v: Int!, $d: DemandInput!) { updateDemand(input: {id: $id, version: $v, demand: $d}) { id version headcount } }";
pub(crate) const OPEN: &str =
    "mutation($id: ID!) { openDemand(input: {id: $id}) { status version postedAt } }";
const CLOSE: &str = "mutation($id: ID!, $r: String!) { closeDemand(input: {id: $id, reason: $r}) { status closeReason } }";
const FILL: &str = "mutation($id: ID!) { markDemandFilled(input: {id: $id}) { status } }";
const NODE: &str = "query($id: ID!) { node(id: $id) { ... on Demand { id status } } }";

pub(crate) fn demand(alliances: &[&str]) -> Value {
    json!({
        "alliances": alliances,
        "occupation": "4-14-03-03",
        "level": "LEVEL_4",
        "kind": "APPRENTICESHIP",
        "headcount": 6,
        "wageMin": 5000,
        "wageMax": 8000,
        "region": "321100",
        "address": "丹阳市眼镜城 1 号",
        "latitude": 32.0,
        "longitude": 119.6,
        "description": "验光师学徒，签订两年劳动合同",
        "validUntil": (Utc::now().date_naive() + Days::new(60)).to_string(),
    })
}

pub(crate) async fn enterprise(app: &TestApp, name: &str) -> Caller {
    who::staff(Role::Enterprise, TestApp::raw_id(&app.org_id(name).await))
}

#[tokio::test]
async fn a_demand_is_private_until_opened_and_versioned() {
    let app = TestApp::demo().await;
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let created = app
        .data_as(&me, CREATE, json!({ "d": demand(&["zj-eyewear"]) }))
        .await;
    let d = &created["createDemand"];
    insta::assert_json_snapshot!("a_created_demand", d, { ".id" => "[id]" });
    let id = d["id"].clone();

    // A draft is invisible to the public, and listed for its enterprise.
    assert_eq!(
        app.data_with(NODE, json!({ "id": id })).await["node"],
        Value::Null
    );
    let mine = app
        .data_as(
            &me,
            "{ demands(filter: {statuses: [DRAFT]}) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert!(
        mine["demands"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n["id"] == id)
    );
    let public = app
        .data("{ demands(filter: {statuses: [DRAFT]}) { totalCount } }")
        .await;
    assert_eq!(
        public["demands"]["totalCount"], 0,
        "the public sees no drafts"
    );

    // A stale version is a CONFLICT and changes nothing.
    let mut changed = demand(&["zj-eyewear"]);
    changed["headcount"] = json!(9);
    let updated = app
        .data_as(&me, UPDATE, json!({ "id": id, "v": 1, "d": changed }))
        .await;
    assert_eq!(updated["updateDemand"]["version"], 2);
    let mut stale = demand(&["zj-eyewear"]);
    stale["headcount"] = json!(99);
    let response = app
        .query_as(&me, UPDATE, json!({ "id": id, "v": 1, "d": stale }))
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    let now = app
        .data_as(
            &me,
            "query($id: ID!) { node(id: $id) { ... on Demand { headcount version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(now["node"], json!({ "headcount": 9, "version": 2 }));

    let opened = app.data_as(&me, OPEN, json!({ "id": id })).await;
    assert_eq!(opened["openDemand"]["status"], "OPEN");
    assert_eq!(opened["openDemand"]["version"], 3);
    assert!(opened["openDemand"]["postedAt"].is_string());
    assert_eq!(
        app.data_with(NODE, json!({ "id": id })).await["node"]["status"],
        "OPEN"
    );

    // Another enterprise cannot touch it.
    let other = enterprise(&app, "江苏晶亮光学科技有限公司").await;
    let response = app
        .query_as(&other, CLOSE, json!({ "id": id, "r": "no" }))
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");

    let regulator = who::regulator(app.region_row("321100").await);
    let trail = app
        .data_as(
            &regulator,
            "query($t: ID!) { auditEvents(filter: {target: $t}) { nodes { action } } }",
            json!({ "t": id }),
        )
        .await;
    let actions: Vec<&str> = trail["auditEvents"]["nodes"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().expect("a"))
        .collect();
    assert_eq!(actions, ["openDemand", "updateDemand", "createDemand"]);
}

#[tokio::test]
async fn the_lifecycle_refuses_impossible_steps() {
    let app = TestApp::demo().await;
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let id = app
        .data_as(&me, CREATE, json!({ "d": demand(&["zj-eyewear"]) }))
        .await["createDemand"]["id"]
        .clone();

    let response = app.query_as(&me, FILL, json!({ "id": id })).await;
    assert_eq!(
        first_code(&response),
        "BAD_USER_INPUT",
        "a draft cannot be filled"
    );
    assert_eq!(response["errors"][0]["extensions"]["field"], "status");

    app.data_as(&me, OPEN, json!({ "id": id })).await;
    let response = app.query_as(&me, OPEN, json!({ "id": id })).await;
    assert_eq!(
        first_code(&response),
        "BAD_USER_INPUT",
        "an open demand cannot be opened again"
    );

    let filled = app.data_as(&me, FILL, json!({ "id": id })).await;
    assert_eq!(filled["markDemandFilled"]["status"], "FILLED");
    for query in [OPEN, FILL] {
        assert_eq!(
            first_code(&app.query_as(&me, query, json!({ "id": id })).await),
            "BAD_USER_INPUT"
        );
    }
    let response = app
        .query_as(&me, CLOSE, json!({ "id": id, "r": "x" }))
        .await;
    assert_eq!(
        first_code(&response),
        "BAD_USER_INPUT",
        "a filled demand cannot be closed"
    );

    let other = app
        .data_as(&me, CREATE, json!({ "d": demand(&["zj-eyewear"]) }))
        .await["createDemand"]["id"]
        .clone();
    let closed = app
        .data_as(&me, CLOSE, json!({ "id": other, "r": "岗位取消" }))
        .await;
    assert_eq!(
        closed["closeDemand"],
        json!({ "status": "CLOSED", "closeReason": "岗位取消" })
    );
    let response = app
        .query_as(&me, CLOSE, json!({ "id": other, "r": " " }))
        .await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_reason_is_one_to_500_characters_and_a_refused_close_changes_nothing() {
    let app = TestApp::demo().await;
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let id = app
        .data_as(&me, CREATE, json!({ "d": demand(&["zj-eyewear"]) }))
        .await["createDemand"]["id"]
        .clone();
    app.data_as(&me, OPEN, json!({ "id": id })).await;
    for bad in ["岗".repeat(501), "a\u{0}b".to_owned(), "\t\n ".to_owned()] {
        let response = app
            .query_as(&me, CLOSE, json!({ "id": id, "r": bad }))
            .await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{response}");
        assert_eq!(
            response["errors"][0]["extensions"]["field"], "input.reason",
            "{response}"
        );
        let node = app.data_as(&me, NODE, json!({ "id": id })).await;
        assert_eq!(node["node"]["status"], "OPEN", "a refused close wrote");
    }
    let longest = format!("  {}  ", "岗".repeat(500));
    let closed = app
        .data_as(&me, CLOSE, json!({ "id": id, "r": longest }))
        .await;
    assert_eq!(closed["closeDemand"]["status"], "CLOSED");
    assert_eq!(closed["closeDemand"]["closeReason"], "岗".repeat(500));
}

#[tokio::test]
async fn demand_input_is_validated_field_by_field() {
    let app = TestApp::demo().await;
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let before = app
        .data_as(
            &me,
            "{ demands(filter: {statuses: [DRAFT, OPEN, FILLED, CLOSED]}) { totalCount } }",
            json!({}),
        )
        .await;
    let yesterday = (Utc::now().date_naive() - Days::new(1)).to_string();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("occupation", json!("6-18-02-99"), "input.occupation"),
        ("occupation", json!("6-18"), "input.occupation"),
        ("alliances", json!(["zj-culinary"]), "input.alliances[0]"),
        ("alliances", json!([]), "input.alliances"),
        ("validUntil", json!(yesterday), "input.validUntil"),
        ("headcount", json!(0), "input.headcount"),
        ("headcount", json!(10_001), "input.headcount"),
        ("wageMin", json!(9000), "input.wage"),
        ("latitude", json!(120.0), "input.location"),
        ("region", json!("999999"), "input.region"),
    ];
    for (field, value, name) in cases {
        let mut bad = demand(&["zj-eyewear"]);
        bad[field] = value.clone();
        let response = app.query_as(&me, CREATE, json!({ "d": bad })).await;
        assert_eq!(
            first_code(&response),
            "BAD_USER_INPUT",
            "{field}={value}: {response}"
        );
        assert_eq!(
            response["errors"][0]["extensions"]["field"], name,
            "{field}={value}"
        );
    }
    let after = app
        .data_as(
            &me,
            "{ demands(filter: {statuses: [DRAFT, OPEN, FILLED, CLOSED]}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(before, after, "nothing was written");

    // Only enterprises post demand.
    let college = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("丹阳中等专业学校").await),
    );
    assert_eq!(
        first_code(
            &app.query_as(&college, CREATE, json!({ "d": demand(&["zj-eyewear"]) }))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(
                &Caller::public(),
                CREATE,
                json!({ "d": demand(&["zj-eyewear"]) })
            )
            .await
        ),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn open_demand_is_found_across_alliances() {
    let app = TestApp::demo().await;
    let all = app
        .data("{ demands(first: 100) { totalCount nodes { id level kind wageMax headcount description status region { code } occupation { code } alliances { code } postedAt } } }")
        .await;
    let nodes = all["demands"]["nodes"].as_array().expect("nodes").clone();
    assert!(nodes.len() >= 24, "open demand in every alliance");
    assert!(nodes.iter().all(|n| n["status"] == "OPEN"));
    let per_alliance = |code: &str| {
        nodes
            .iter()
            .filter(|n| {
                n["alliances"]
                    .as_array()
                    .expect("a")
                    .iter()
                    .any(|a| a["code"] == code)
            })
            .count()
    };
    for code in [
        "zj-eyewear",
        "zj-marine-equipment",
        "zj-digital-skills",
        "ha-food-processing",
        "lyg-biomedicine",
    ] {
        assert!(per_alliance(code) >= 1, "{code}");
    }

    let count = |filter: &str| {
        let app = &app;
        let query = format!("{{ demands(filter: {filter}) {{ totalCount }} }}");
        async move {
            app.data(&query).await["demands"]["totalCount"]
                .as_u64()
                .expect("count") as usize
        }
    };
    let level_rank = |l: &str| {
        [
            "APPRENTICE",
            "LEVEL_5",
            "LEVEL_4",
            "LEVEL_3",
            "LEVEL_2",
            "LEVEL_1",
        ]
        .iter()
        .position(|x| *x == l)
        .expect("level")
    };
    assert_eq!(
        count("{minLevel: LEVEL_4}").await,
        nodes
            .iter()
            .filter(|n| level_rank(n["level"].as_str().expect("l")) >= 2)
            .count()
    );
    assert_eq!(
        count("{kind: APPRENTICESHIP}").await,
        nodes
            .iter()
            .filter(|n| n["kind"] == "APPRENTICESHIP")
            .count()
    );
    assert_eq!(
        count("{region: \"320800\"}").await,
        nodes
            .iter()
            .filter(|n| n["region"]["code"] == "320800")
            .count()
    );
    assert_eq!(
        count("{occupation: \"6-18\"}").await,
        nodes
            .iter()
            .filter(|n| n["occupation"]["code"]
                .as_str()
                .expect("c")
                .starts_with("6-18-"))
            .count()
    );
    assert_eq!(
        count("{wageAtLeast: 9000}").await,
        nodes
            .iter()
            .filter(|n| n["wageMax"].as_i64().expect("w") >= 9000)
            .count()
    );
    assert_eq!(
        count("{text: \"学徒制\"}").await,
        nodes
            .iter()
            .filter(|n| n["description"].as_str().expect("d").contains("学徒制"))
            .count()
    );
    assert_eq!(
        count("{alliances: [\"zj-eyewear\", \"lyg-biomedicine\"]}").await,
        nodes
            .iter()
            .filter(|n| n["alliances"]
                .as_array()
                .expect("a")
                .iter()
                .any(|a| a["code"] == "zj-eyewear" || a["code"] == "lyg-biomedicine"))
            .count()
    );
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    assert_eq!(count(&format!("{{postedSince: \"{tomorrow}\"}}")).await, 0);

    let by_wage = app
        .data("{ demands(first: 100, orderBy: {field: WAGE}) { nodes { wageMax } } }")
        .await;
    let wages: Vec<i64> = by_wage["demands"]["nodes"]
        .as_array()
        .expect("n")
        .iter()
        .map(|n| n["wageMax"].as_i64().expect("w"))
        .collect();
    let mut sorted = wages.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(wages, sorted, "best paid first by default");

    // Relations list the same OPEN demand.
    let rel = app
        .data(r#"{ alliance(code: "zj-eyewear") { demands { totalCount } } occupation(code: "4-14-03-03") { demands { totalCount } } }"#)
        .await;
    assert_eq!(
        rel["alliance"]["demands"]["totalCount"]
            .as_u64()
            .expect("n") as usize,
        per_alliance("zj-eyewear")
    );
    assert_eq!(
        rel["occupation"]["demands"]["totalCount"]
            .as_u64()
            .expect("n") as usize,
        nodes
            .iter()
            .filter(|n| n["occupation"]["code"] == "4-14-03-03")
            .count()
    );
}

#[tokio::test]
async fn supervisors_see_drafts_in_their_scope() {
    let app = TestApp::demo().await;
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    app.data_as(&me, CREATE, json!({ "d": demand(&["zj-eyewear"]) }))
        .await;
    let drafts = "{ demands(filter: {statuses: [DRAFT]}) { totalCount } }";
    let n = |v: Value| v["demands"]["totalCount"].as_u64().expect("count");
    let eyewear_admin = who::alliance_admin(&[app.alliance_row("zj-eyewear").await]);
    let culinary_admin = who::alliance_admin(&[app.alliance_row("zj-culinary").await]);
    let zj = who::regulator(app.region_row("321100").await);
    let ha = who::regulator(app.region_row("320800").await);
    assert!(n(app.data_as(&eyewear_admin, drafts, json!({})).await) >= 2);
    assert_eq!(n(app.data_as(&culinary_admin, drafts, json!({})).await), 0);
    assert!(n(app.data_as(&zj, drafts, json!({})).await) >= 2);
    assert_eq!(n(app.data_as(&ha, drafts, json!({})).await), 0);
}

#[tokio::test]
async fn demand_posted_arrives_over_a_websocket() {
    let server = TestServer::start(1 << 20).await;
    // An enterprise token for 丹阳明视 (zj-eyewear) and one for a Huai'an enterprise.
    let token = |name: &'static str| {
        let server = &server;
        async move {
            let org = server
                .client
                .post(server.url("/graphql"))
                .json(&json!({ "query": "query($n: String!) { organizations(filter: {nameContains: $n}) { nodes { id } } }", "variables": { "n": name } }))
                .send()
                .await
                .expect("send")
                .json::<Value>()
                .await
                .expect("json")["data"]["organizations"]["nodes"][0]["id"]
                .as_str()
                .expect("id")
                .to_owned();
            crate::auth::enterprise_token(&org)
        }
    };
    let eyewear = token("丹阳明视眼镜有限公司").await;
    let food = token("淮安淮扬食品集团有限公司").await;

    let mut request = server
        .url("/graphql/ws")
        .replace("http://", "ws://")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": {} }).to_string(),
        ))
        .await
        .expect("init");
    let _ack = socket.next().await;
    socket
        .send(Message::text(
            json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription { demandPosted(alliances: [\"zj-eyewear\"], occupationPrefix: \"4-14\") { occupation { code } enterprise { name } status } }" } })
                .to_string(),
        ))
        .await
        .expect("subscribe");
    // Give the server a moment to register the subscription before anything is published.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let post = |token: String, alliance: &'static str, occupation: &'static str| {
        let server = &server;
        async move {
            let mut d = demand(&[alliance]);
            d["occupation"] = json!(occupation);
            let created: Value = server
                .client
                .post(server.url("/graphql"))
                .bearer_auth(&token)
                .json(&json!({ "query": CREATE, "variables": { "d": d } }))
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            let id = created["data"]["createDemand"]["id"].clone();
            let opened: Value = server
                .client
                .post(server.url("/graphql"))
                .bearer_auth(&token)
                .json(&json!({ "query": OPEN, "variables": { "id": id } }))
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            assert_eq!(opened["data"]["openDemand"]["status"], "OPEN", "{opened}");
        }
    };
    // Neither of these matches the subscription; the third does.
    post(food, "ha-food-processing", "6-02-03-02").await;
    post(eyewear.clone(), "zj-eyewear", "6-18-02-04").await;
    post(eyewear, "zj-eyewear", "4-14-03-04").await;

    let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("a demand within 10 s")
        .expect("a frame")
        .expect("a message");
    let Message::Text(text) = message else {
        panic!("unexpected {message:?}")
    };
    let next: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(next["type"], "next", "{next}");
    assert_eq!(
        next["payload"]["data"]["demandPosted"],
        json!({ "occupation": { "code": "4-14-03-04" }, "enterprise": { "name": "丹阳明视眼镜有限公司" }, "status": "OPEN" })
    );
}

#[tokio::test]
async fn distance_filter_and_ordering_match_hand_computed_distances() {
    let app = TestApp::demo().await;
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    // Great-circle distances from (31.5, 120.5), computed by hand with the haversine formula
    // (R = 6371.0088 km): far from every demo demand.
    let places = [
        ("north", Some((31.59, 120.5)), 10.0076),
        ("east", Some((31.5, 120.7)), 18.9619),
        ("diagonal", Some((31.6, 120.6)), 14.6094),
        ("far", Some((31.8, 120.5)), 33.3585),
        ("nowhere", None, 0.0),
    ];
    for (label, point, _) in places {
        let mut d = demand(&["zj-eyewear"]);
        d["description"] = json!(label);
        match point {
            Some((lat, lng)) => {
                d["latitude"] = json!(lat);
                d["longitude"] = json!(lng);
            }
            None => {
                d["latitude"] = Value::Null;
                d["longitude"] = Value::Null;
            }
        }
        let id = app.data_as(&me, CREATE, json!({ "d": d })).await["createDemand"]["id"].clone();
        app.data_as(&me, OPEN, json!({ "id": id })).await;
    }
    let query = "query($r: Float!, $dir: SortDirection!, $after: String, $first: Int) {
        demands(filter: {near: {latitude: 31.5, longitude: 120.5, radiusKm: $r}}, orderBy: {field: DISTANCE, direction: $dir}, first: $first, after: $after) {
          totalCount nodes { description location { distanceKm(latitude: 31.5, longitude: 120.5) } } pageInfo { endCursor hasNextPage } } }";
    let run = |r: f64, dir: &'static str| {
        let app = &app;
        async move {
            app.data_with(query, json!({ "r": r, "dir": dir, "first": 10 }))
                .await
        }
    };
    let within30 = run(30.0, "ASC").await;
    let nodes = within30["demands"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    let labels: Vec<&str> = nodes
        .iter()
        .map(|n| n["description"].as_str().expect("d"))
        .collect();
    assert_eq!(
        labels,
        ["north", "diagonal", "east"],
        "nearest first, the far and the unplaced left out"
    );
    for node in &nodes {
        let label = node["description"].as_str().expect("d");
        let expected = places.iter().find(|p| p.0 == label).expect("place").2;
        let got = node["location"]["distanceKm"].as_f64().expect("km");
        assert!(
            (got - expected).abs() / expected < 0.002,
            "{label}: {got} km, by hand {expected} km"
        );
    }
    let desc = run(30.0, "DESC").await;
    let labels: Vec<&str> = desc["demands"]["nodes"]
        .as_array()
        .expect("n")
        .iter()
        .map(|n| n["description"].as_str().expect("d"))
        .collect();
    assert_eq!(labels, ["east", "diagonal", "north"]);
    assert_eq!(
        run(12.0, "ASC").await["demands"]["totalCount"],
        1,
        "only north within 12 km"
    );

    // Paging by distance, one at a time.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .data_with(
                query,
                json!({ "r": 30.0, "dir": "ASC", "first": 1, "after": after }),
            )
            .await;
        seen.push(
            page["demands"]["nodes"][0]["description"]
                .as_str()
                .expect("d")
                .to_owned(),
        );
        if page["demands"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["demands"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, ["north", "diagonal", "east"]);

    let response = app
        .query("{ demands(orderBy: {field: DISTANCE}) { totalCount } }")
        .await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT");
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "orderBy.field"
    );
    let response = app.query("{ demands(filter: {near: {latitude: 31.5, longitude: 120.5, radiusKm: 0}}) { totalCount } }").await;
    assert_eq!(
        response["errors"][0]["extensions"]["field"],
        "filter.near.radiusKm"
    );
}

/// Whether a list of nodes holds the node `id` (exactly: one global ID can begin another).
fn has(nodes: &Value, id: &str) -> bool {
    nodes
        .as_array()
        .expect("nodes")
        .iter()
        .any(|n| n["id"].as_str() == Some(id))
}

#[tokio::test]
async fn a_demand_past_its_last_day_and_a_resource_past_its_end_leave_the_public_lists() {
    use entity::{demand, open_resource};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::demo().await;
    let zj = who::regulator(app.region_row("321100").await);
    // A learner the backlog says fits an open demand.
    let backlog = app
        .data_as(
            &zj,
            "{ recommendationBacklog(filter: {alliance: \"zj-eyewear\"}, first: 100) { nodes { recommendationCount learner { id } } } }",
            json!({}),
        )
        .await;
    let mut pair = None;
    for entry in backlog["recommendationBacklog"]["nodes"]
        .as_array()
        .expect("backlog")
    {
        let s = app
            .data_as(
                &zj,
                "query($l: ID!) { node(id: $l) { ... on Learner { jobSuggestions(first: 1) { demand { id } } } } }",
                json!({ "l": entry["learner"]["id"] }),
            )
            .await;
        if let Some(d) = s["node"]["jobSuggestions"][0]["demand"]["id"].as_str() {
            pair = Some((entry["learner"]["id"].clone(), d.to_owned()));
            break;
        }
    }
    let (learner, demand_id) = pair.expect("a learner with a suggested demand");
    let raw = TestApp::raw_id(&json!(demand_id));
    let before = app.data("{ demands(first: 100) { totalCount } }").await["demands"]["totalCount"]
        .as_i64()
        .expect("count");
    let yesterday = Utc::now().date_naive() - Days::new(1);
    demand::Entity::update_many()
        .col_expr(demand::Column::ValidUntil, Expr::value(yesterday))
        .filter(demand::Column::Id.eq(raw))
        .exec(&app.db.db)
        .await
        .expect("age the demand");
    let after = app
        .data("{ demands(first: 100) { totalCount nodes { id } } }")
        .await;
    assert_eq!(after["demands"]["totalCount"], before - 1);
    assert!(
        !has(&after["demands"]["nodes"], &demand_id),
        "off the public list"
    );
    let public = app
        .data_with(
            "query($d: ID!) { node(id: $d) { id } }",
            json!({ "d": demand_id }),
        )
        .await;
    assert_eq!(public["node"], Value::Null, "and off the public graph");
    let seen = app
        .data_as(&zj, "query($d: ID!) { node(id: $d) { ... on Demand { status enterprise { demands { nodes { id } } } } } }", json!({ "d": demand_id }))
        .await;
    assert_eq!(
        seen["node"]["status"], "EXPIRED",
        "its regulator sees it, EXPIRED"
    );
    assert!(!has(
        &seen["node"]["enterprise"]["demands"]["nodes"],
        &demand_id
    ));
    let expired = app
        .data_as(
            &zj,
            "{ demands(filter: {statuses: [EXPIRED]}, first: 100) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert!(has(&expired["demands"]["nodes"], &demand_id), "{expired}");
    let refused = app
        .query_as(
            &zj,
            "mutation($l: ID!, $d: ID!) { recommendJob(input: {learner: $l, demand: $d}) { id } }",
            json!({ "l": learner, "d": demand_id }),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["field"], "input.demand");
    assert!(refused.to_string().contains("expired"), "{refused}");

    // A published resource whose end date passed leaves the lists too.
    let resource = open_resource::Entity::find()
        .filter(open_resource::Column::Status.eq(entity::ResourceStatus::Published))
        .one(&app.db.db)
        .await
        .expect("resources")
        .expect("a published resource");
    let gid = skillgraph::graphql::ids::NodeKey::OpenResource(resource.id)
        .to_id()
        .0;
    let listed = app
        .data("{ openResources(first: 100) { nodes { id } } }")
        .await;
    assert!(has(&listed["openResources"]["nodes"], &gid));
    open_resource::Entity::update_many()
        .col_expr(open_resource::Column::EndOn, Expr::value(Some(yesterday)))
        .filter(open_resource::Column::Id.eq(resource.id))
        .exec(&app.db.db)
        .await
        .expect("end the resource");
    // (A different document: the public cache keeps the first answer until a mutation.)
    let listed = app
        .data("{ openResources(first: 100) { totalCount nodes { id } } }")
        .await;
    assert!(
        !has(&listed["openResources"]["nodes"], &gid),
        "off the list the day after its end"
    );
    let nested = app
        .data_with(
            "query($o: ID!) { node(id: $o) { ... on Organization { openResources { nodes { id } } } } }",
            json!({ "o": skillgraph::graphql::ids::NodeKey::Organization(resource.provider_id).to_id() }),
        )
        .await;
    assert!(!has(&nested["node"]["openResources"]["nodes"], &gid));
}
