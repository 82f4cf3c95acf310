//! Training intentions, suggestions that explain themselves, and training orders.

use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};

use crate::helpers::{TestApp, first_code, who};

const SUBMIT: &str = "mutation($i: SubmitTrainingIntentionInput!) { submitTrainingIntention(input: $i) { id status } }";
const PUBLISH: &str = "mutation($items: [ResourceItemInput!]!) { publishResourceList(input: {items: $items}) { id } }";
const SUGGEST: &str = "query($i: ID!) { node(id: $i) { ... on TrainingIntention { suggestions(first: 10) { score resource { title } cohort { name } reasons { criterion points weight value text } } } } }";

fn item(title: &str, schedule: &str, lat: f64, lng: f64, eligible: bool, taken: i32) -> Value {
    json!({
        "kind": "COURSE", "title": title, "occupations": [{ "code": "4-14-03-03", "level": "LEVEL_4" }],
        "schedule": schedule, "seats": 10, "seatsTaken": taken, "fee": 0, "fundingMode": "PUBLIC_GOOD",
        "subsidyEligible": eligible, "region": "321100", "address": "测试地址", "latitude": lat, "longitude": lng,
        "startOn": (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string(), "contact": "测试",
    })
}

async fn provider(app: &TestApp, name: &str, role: Role) -> (Caller, Value) {
    let id = app.org_id(name).await;
    (who::staff(role, TestApp::raw_id(&id)), id)
}

#[tokio::test]
async fn suggestions_rank_the_closer_better_rated_subsidised_course_first_and_explain_it() {
    let app = TestApp::demo().await;
    let regulator = who::regulator(app.region_row("321100").await);
    let (college, _) = provider(&app, "丹阳中等专业学校", Role::College).await;
    let (shijie, shijie_id) = provider(
        &app,
        "丹阳市视界眼镜技能培训中心",
        Role::TrainingInstitution,
    )
    .await;
    let (xincheng, xincheng_id) =
        provider(&app, "镇江新程职业技能培训学校", Role::TrainingInstitution).await;
    app.data_as(
        &regulator,
        "mutation($i: ID!) { rateInstitution(input: {institution: $i, stars: 2}) { id } }",
        json!({ "i": shijie_id }),
    )
    .await;
    // Far from every demo item: (31.5, 120.5). A is 0.045° north (≈5.0 km), B 0.18° north (≈20.0 km).
    app.data_as(&college, PUBLISH, json!({ "items": [item("A", "EVENING", 31.545, 120.5, true, 0), item("full", "EVENING", 31.51, 120.5, true, 10)] })).await;
    app.data_as(
        &shijie,
        PUBLISH,
        json!({ "items": [item("B", "WEEKEND", 31.68, 120.5, false, 0)] }),
    )
    .await;
    app.data_as(
        &xincheng,
        PUBLISH,
        json!({ "items": [item("suspended", "EVENING", 31.5, 120.5, true, 0)] }),
    )
    .await;
    app.data_as(&regulator, "mutation($i: ID!) { setInstitutionStatus(input: {institution: $i, status: SUSPENDED, reason: \"核查\"}) { id } }", json!({ "i": xincheng_id })).await;

    let learner = app
        .data_as(
            &college,
            "{ learners(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["learners"]["nodes"][0]["id"]
        .clone();
    let intention = app
        .data_as(&college, SUBMIT, json!({ "i": { "learner": learner, "occupation": "4-14-03-03", "level": "LEVEL_4", "schedules": ["EVENING", "WEEKEND"], "region": "321100", "latitude": 31.5, "longitude": 120.5, "maxDistanceKm": 30 } }))
        .await["submitTrainingIntention"]["id"]
        .clone();
    let first = app
        .data_as(&college, SUGGEST, json!({ "i": intention }))
        .await;
    let again = app
        .data_as(&college, SUGGEST, json!({ "i": intention }))
        .await;
    assert_eq!(first, again, "same inputs, same ranking");
    let suggestions = first["node"]["suggestions"]
        .as_array()
        .expect("suggestions");
    let titles: Vec<&str> = suggestions
        .iter()
        .map(|s| s["resource"]["title"].as_str().expect("a resource"))
        .collect();
    assert_eq!(
        titles,
        ["A", "B"],
        "the full and the suspended provider's courses never appear"
    );

    // A: occupation 30 + level 20 + distance 20×(1−5.0/30) + first schedule 10 + a college's 3 stars 6 + subsidy 10.
    let a = &suggestions[0];
    let points = |s: &Value, c: &str| {
        s["reasons"]
            .as_array()
            .expect("r")
            .iter()
            .find(|r| r["criterion"] == c)
            .expect(c)["points"]
            .as_f64()
            .expect("p")
    };
    assert_eq!(points(a, "OCCUPATION"), 30.0);
    assert_eq!(points(a, "LEVEL"), 20.0);
    assert!(
        (points(a, "DISTANCE") - 16.66).abs() < 0.1,
        "{}",
        points(a, "DISTANCE")
    );
    assert_eq!(points(a, "SCHEDULE"), 10.0);
    assert_eq!(points(a, "PROVIDER"), 6.0);
    assert_eq!(points(a, "SUBSIDY"), 10.0);
    let b = &suggestions[1];
    assert!((points(b, "DISTANCE") - 6.66).abs() < 0.1);
    assert_eq!(points(b, "SCHEDULE"), 6.0, "second preference");
    assert_eq!(points(b, "PROVIDER"), 4.0, "two stars");
    assert_eq!(points(b, "SUBSIDY"), 0.0);
    for s in suggestions {
        let sum: f64 = s["reasons"]
            .as_array()
            .expect("r")
            .iter()
            .map(|r| r["points"].as_f64().expect("p"))
            .sum();
        assert!(
            (sum - s["score"].as_f64().expect("score")).abs() < 0.05,
            "the score is the sum of its reasons"
        );
        assert!(
            s["reasons"]
                .as_array()
                .expect("r")
                .iter()
                .all(|r| !r["text"].as_str().expect("t").is_empty()
                    && r["points"].as_f64() <= r["weight"].as_f64())
        );
    }
    assert!(
        a["reasons"]
            .as_array()
            .expect("r")
            .iter()
            .any(|r| r["criterion"] == "DISTANCE" && r["value"] == "5.0 km")
    );
}

#[tokio::test]
async fn dispatch_accept_decline_and_the_deadline() {
    let app = TestApp::demo().await;
    let regulator = who::regulator(app.region_row("321100").await);
    let (college, college_id) = provider(&app, "丹阳中等专业学校", Role::College).await;
    let open = app
        .data_as(&regulator, "{ trainingIntentions(statuses: [OPEN], first: 100) { nodes { id occupation level } } }", json!({}))
        .await;
    let eyewear: Vec<Value> = open["trainingIntentions"]["nodes"]
        .as_array()
        .expect("n")
        .iter()
        .filter(|n| n["occupation"] == "4-14-03-03")
        .map(|n| n["id"].clone())
        .collect();
    assert_eq!(eyewear.len(), 2);
    let dispatch = "mutation($i: [ID!]!, $p: ID!, $o: String!) { dispatchTrainingOrder(input: {occupation: $o, level: LEVEL_4, schedule: EVENING, seats: 5, deadline: \"2099-01-01\", provider: $p, intentions: $i}) { id status } }";
    let wrong = app
        .query_as(
            &regulator,
            dispatch,
            json!({ "i": eyewear, "p": college_id, "o": "4-14-03-04" }),
        )
        .await;
    assert_eq!(
        wrong["errors"][0]["extensions"]["field"], "input.intentions[0]",
        "another occupation"
    );
    let huaian_college = app.org_id("淮安技师学院").await;
    let outside = app
        .query_as(
            &regulator,
            dispatch,
            json!({ "i": eyewear, "p": huaian_college, "o": "4-14-03-03" }),
        )
        .await;
    assert_eq!(
        outside["errors"][0]["extensions"]["field"], "input.provider",
        "not in the region's alliances"
    );

    let order = app
        .data_as(
            &regulator,
            dispatch,
            json!({ "i": [eyewear[0].clone()], "p": college_id, "o": "4-14-03-03" }),
        )
        .await["dispatchTrainingOrder"]["id"]
        .clone();
    let status = |id: Value| {
        let app = &app;
        let regulator = regulator.clone();
        async move {
            app.data_as(
                &regulator,
                "query($i: ID!) { node(id: $i) { ... on TrainingIntention { status } } }",
                json!({ "i": id }),
            )
            .await["node"]["status"]
                .clone()
        }
    };
    assert_eq!(status(eyewear[0].clone()).await, "DISPATCHED");
    let accepted = app
        .data_as(&college, "mutation($o: ID!) { acceptTrainingOrder(input: {order: $o}) { status cohort { kind status capacity enrollmentCounts { enrolled } } } }", json!({ "o": order }))
        .await;
    assert_eq!(accepted["acceptTrainingOrder"]["status"], "ACCEPTED");
    assert_eq!(
        accepted["acceptTrainingOrder"]["cohort"],
        json!({ "kind": "PROJECT_TRAINING", "status": "PLANNED", "capacity": 5, "enrollmentCounts": { "enrolled": 1 } })
    );
    assert_eq!(status(eyewear[0].clone()).await, "MATCHED");
    let twice = app
        .query_as(
            &college,
            "mutation($o: ID!) { acceptTrainingOrder(input: {order: $o}) { status } }",
            json!({ "o": order }),
        )
        .await;
    assert_eq!(first_code(&twice), "CONFLICT", "accepted already");

    let second = app
        .data_as(
            &regulator,
            dispatch,
            json!({ "i": [eyewear[1].clone()], "p": college_id, "o": "4-14-03-03" }),
        )
        .await["dispatchTrainingOrder"]["id"]
        .clone();
    let other_provider = provider(
        &app,
        "丹阳市视界眼镜技能培训中心",
        Role::TrainingInstitution,
    )
    .await
    .0;
    assert_eq!(first_code(&app.query_as(&other_provider, "mutation($o: ID!) { declineTrainingOrder(input: {order: $o, reason: \"x\"}) { status } }", json!({ "o": second })).await), "FORBIDDEN");
    let declined = app.data_as(&college, "mutation($o: ID!) { declineTrainingOrder(input: {order: $o, reason: \"师资不足\"}) { status declineReason } }", json!({ "o": second })).await;
    assert_eq!(
        declined["declineTrainingOrder"],
        json!({ "status": "DECLINED", "declineReason": "师资不足" })
    );
    assert_eq!(
        status(eyewear[1].clone()).await,
        "OPEN",
        "a declined order's intentions open again"
    );

    // Past the deadline an order expires and cannot be taken.
    let third = app
        .data_as(
            &regulator,
            dispatch,
            json!({ "i": [eyewear[1].clone()], "p": college_id, "o": "4-14-03-03" }),
        )
        .await["dispatchTrainingOrder"]["id"]
        .clone();
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let mut row: entity::training_order::ActiveModel =
        entity::training_order::Entity::find_by_id(TestApp::raw_id(&third))
            .one(&app.db.db)
            .await
            .expect("q")
            .expect("o")
            .into();
    row.deadline = Set(chrono::Utc::now().date_naive() - chrono::Days::new(1));
    row.update(&app.db.db).await.expect("update");
    let late = app
        .query_as(
            &college,
            "mutation($o: ID!) { acceptTrainingOrder(input: {order: $o}) { status } }",
            json!({ "o": third }),
        )
        .await;
    assert_eq!(first_code(&late), "CONFLICT", "expired: {late}");
    assert_eq!(
        status(eyewear[1].clone()).await,
        "OPEN",
        "an expired order's intentions open again"
    );
}

#[tokio::test]
async fn intentions_are_limited_scoped_and_counted_without_people() {
    let app = TestApp::demo().await;
    let (college, _) = provider(&app, "丹阳中等专业学校", Role::College).await;
    let learner = app
        .data_as(
            &college,
            "{ learners(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["learners"]["nodes"][0]["id"]
        .clone();
    let input = |occupation: &str| json!({ "i": { "learner": learner, "occupation": occupation, "level": "LEVEL_5", "schedules": ["WEEKEND"], "region": "321100" } });
    for occupation in ["6-18-02-04", "6-18-01-01", "6-31-01-03"] {
        app.data_as(&college, SUBMIT, input(occupation)).await;
    }
    assert_eq!(
        first_code(&app.query_as(&college, SUBMIT, input("6-31-07-03")).await),
        "CONFLICT",
        "at most three open intentions"
    );
    let stranger = who::staff(
        Role::TrainingInstitution,
        TestApp::raw_id(&app.org_id("镇江新程职业技能培训学校").await),
    );
    assert_eq!(
        first_code(&app.query_as(&stranger, SUBMIT, input("6-31-07-03")).await),
        "FORBIDDEN",
        "not the learner's provider"
    );
    let enterprise = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    assert_eq!(
        first_code(&app.query_as(&enterprise, SUBMIT, input("6-31-07-03")).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(&Caller::public(), SUBMIT, input("6-31-07-03"))
                .await
        ),
        "UNAUTHENTICATED"
    );

    let regulator = who::regulator(app.region_row("321100").await);
    let demand = app
        .data_as(
            &regulator,
            "{ intentionDemand(region: \"321100\", occupation: \"6-18\") { occupation level schedule count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        demand["intentionDemand"],
        json!([
            { "occupation": "6-18-01-01", "level": "LEVEL_5", "schedule": "WEEKEND", "count": 1 },
            { "occupation": "6-18-02-04", "level": "LEVEL_5", "schedule": "WEEKEND", "count": 1 },
        ])
    );
    let fields = app
        .data("{ __type(name: \"IntentionDemandGroup\") { fields { name } } }")
        .await;
    let names: Vec<&str> = fields["__type"]["fields"]
        .as_array()
        .expect("f")
        .iter()
        .map(|f| f["name"].as_str().expect("n"))
        .collect();
    assert_eq!(
        names,
        ["region", "occupation", "level", "schedule", "count"],
        "counts only, no learner"
    );
}

#[tokio::test]
async fn suggestion_available_arrives_over_a_websocket() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

    let server = crate::helpers::TestServer::start(1 << 20).await;
    let post = |token: String, query: &'static str, variables: Value| {
        let server = &server;
        async move {
            let body: Value = server
                .client
                .post(server.url("/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            assert!(body.get("errors").is_none(), "{body}");
            body["data"].clone()
        }
    };
    let org = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ organizations(filter: {nameContains: \"丹阳中等\"}) { nodes { id } } }" }))
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json")["data"]["organizations"]["nodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let token = crate::auth::token_for("COLLEGE", &org);
    let learner = post(
        token.clone(),
        "{ learners(first: 1) { nodes { id } } }",
        json!({}),
    )
    .await["learners"]["nodes"][0]["id"]
        .clone();
    let intention = post(
        token.clone(),
        SUBMIT,
        json!({ "i": { "learner": learner, "occupation": "4-14-03-03", "level": "LEVEL_4", "schedules": ["EVENING"], "region": "321100", "latitude": 31.5, "longitude": 120.5, "maxDistanceKm": 30 } }),
    )
    .await["submitTrainingIntention"]["id"]
    .clone();

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
        .send(Message::text(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }).to_string()))
        .await
        .expect("init");
    let _ack = socket.next().await;
    socket
        .send(Message::text(
            json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription($i: ID!) { suggestionAvailable(intention: $i) { score resource { title } } }", "variables": { "i": intention } } }).to_string(),
        ))
        .await
        .expect("subscribe");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let mut other = item("elsewhere", "EVENING", 33.0, 120.5, true, 0);
    other["title"] = json!("far away");
    post(token.clone(), PUBLISH, json!({ "items": [other, item("nearby evening class", "EVENING", 31.545, 120.5, true, 0)] })).await;

    let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("a suggestion within 10 s")
        .expect("a frame")
        .expect("a message");
    let Message::Text(text) = message else {
        panic!("unexpected {message:?}")
    };
    let next: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        next["payload"]["data"]["suggestionAvailable"]["resource"]["title"], "nearby evening class",
        "{next}"
    );
    assert!(
        next["payload"]["data"]["suggestionAvailable"]["score"]
            .as_f64()
            .expect("score")
            > 80.0
    );
}
