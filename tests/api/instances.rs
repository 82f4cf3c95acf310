//! Several instances, one service: what instances share through Redis (events now), with two or
//! three application instances in one process over one database.

use std::{sync::Arc, time::Duration};

use async_graphql::Request;
use futures_util::{Stream, StreamExt};
use serde_json::{Value, json};
use skillgraph::events::{EventBroker, RedisBroker};

use crate::{
    demands::{CREATE, OPEN, demand, enterprise},
    helpers::{TestApp, redis_prefix, redis_url},
};

/// Held by the tests that subscribe through the real Redis: one of them cuts every pub/sub
/// connection of the server, which the others must not be in the middle of.
static PUBSUB: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const POSTED: &str = "subscription { demandPosted(alliances: [\"zj-eyewear\"]) { occupation { code } enterprise { name } status } }";

/// The next response of a subscription within `wait`, as JSON.
async fn next_within(
    stream: &mut (impl Stream<Item = async_graphql::Response> + Unpin),
    wait: Duration,
) -> Option<Value> {
    tokio::time::timeout(wait, stream.next())
        .await
        .ok()
        .flatten()
        .map(|r| serde_json::to_value(r).expect("json"))
}

/// Opens one demand of the eyewear enterprise through `schema`.
async fn open_demand(app: &TestApp, schema: &skillgraph::graphql::AppSchema) {
    let me = enterprise(app, "丹阳明视眼镜有限公司").await;
    let run = |query: &str, variables: Value| {
        let request = Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(me.clone());
        schema.execute(request)
    };
    let created = run(CREATE, json!({ "d": demand(&["zj-eyewear"]) })).await;
    assert!(created.errors.is_empty(), "{:?}", created.errors);
    let id = created.data.into_json().expect("json")["createDemand"]["id"].clone();
    let opened = run(OPEN, json!({ "id": id })).await;
    assert!(opened.errors.is_empty(), "{:?}", opened.errors);
}

#[tokio::test]
#[ignore = "needs Redis: SKILLGRAPH_TEST_REDIS_URL"]
async fn a_demand_opened_on_one_instance_reaches_every_instances_subscribers_once() {
    let url = crate::helpers::redis_url();
    let _alone = PUBSUB.lock().await;
    let app = TestApp::demo().await;
    let shared = redis_prefix();
    let (a, b) = (
        Arc::new(RedisBroker::start(&url, &shared).expect("broker")),
        Arc::new(RedisBroker::start(&url, &shared).expect("broker")),
    );
    // Another deployment on the same Redis, under its own prefix.
    let other = Arc::new(RedisBroker::start(&url, &redis_prefix()).expect("broker"));
    for broker in [&a, &b, &other] {
        assert!(broker.wait_subscribed(Duration::from_secs(5)).await);
        assert_eq!(broker.status(), ("redis", true));
    }
    let on_a = app.schema_with(a.clone());
    let on_b = app.schema_with(b.clone());
    let on_other = app.schema_with(other.clone());
    let mut heard_on_a = on_a.execute_stream(Request::new(POSTED));
    let mut heard_on_b = on_b.execute_stream(Request::new(POSTED));
    let mut heard_elsewhere = on_other.execute_stream(Request::new(POSTED));
    // A subscription starts when its stream is first polled: poll each before publishing.
    for stream in [&mut heard_on_a, &mut heard_on_b, &mut heard_elsewhere] {
        assert!(
            next_within(stream, Duration::from_millis(200))
                .await
                .is_none()
        );
    }

    open_demand(&app, &on_a).await;
    let expected = json!({ "demandPosted": { "occupation": { "code": "4-14-03-03" }, "enterprise": { "name": "丹阳明视眼镜有限公司" }, "status": "OPEN" } });
    for (name, stream) in [("B", &mut heard_on_b), ("A", &mut heard_on_a)] {
        let got = next_within(stream, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("instance {name} heard nothing"));
        assert_eq!(got["data"], expected, "{name}: {got}");
    }
    for (name, stream) in [("B", &mut heard_on_b), ("A", &mut heard_on_a)] {
        assert!(
            next_within(stream, Duration::from_millis(300))
                .await
                .is_none(),
            "instance {name} heard it once"
        );
    }
    assert!(
        next_within(&mut heard_elsewhere, Duration::from_millis(300))
            .await
            .is_none(),
        "another prefix hears nothing"
    );

    // Events keep their order across instances.
    let mut heard = b.subscribe();
    for demand_id in 0..50 {
        a.publish(skillgraph::events::Event::CohortPlanned {
            cohort_id: demand_id,
        });
    }
    for expected in 0..50 {
        let event = tokio::time::timeout(Duration::from_secs(5), heard.next())
            .await
            .expect("in time")
            .expect("an event");
        assert_eq!(
            event,
            skillgraph::events::Event::CohortPlanned {
                cohort_id: expected
            }
        );
    }
}

#[tokio::test]
async fn without_redis_an_instance_serves_and_delivers_its_own_events() {
    // Nothing listens on port 1: Redis out of reach from the start.
    let broker =
        Arc::new(RedisBroker::start("redis://127.0.0.1:1", &redis_prefix()).expect("broker"));
    assert!(!broker.wait_subscribed(Duration::from_millis(300)).await);
    assert_eq!(broker.status(), ("redis", false));
    let app = TestApp::demo().await;
    let schema = app.schema_with(broker.clone());
    let mut heard = schema.execute_stream(Request::new(POSTED));
    // A subscription starts when its stream is first polled.
    assert!(
        next_within(&mut heard, Duration::from_millis(200))
            .await
            .is_none()
    );
    let started = std::time::Instant::now();
    open_demand(&app, &schema).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "writes do not wait on Redis"
    );
    let got = next_within(&mut heard, Duration::from_secs(5))
        .await
        .expect("the instance's own subscriber hears it");
    assert_eq!(got["data"]["demandPosted"]["status"], "OPEN", "{got}");
    assert!(
        next_within(&mut heard, Duration::from_millis(300))
            .await
            .is_none()
    );
    // Queries are untouched.
    let regions = schema.execute("{ regions { code } }").await;
    assert!(regions.errors.is_empty());
}

/// What `/readyz` answers of a server using the Redis at `url`.
async fn readiness_with_redis(url: &str) -> Value {
    let mut settings = crate::helpers::TestServer::settings();
    settings.redis.url = Some(url.into());
    settings.redis.prefix = redis_prefix();
    let server = crate::helpers::TestServer::start_with(settings).await;
    server
        .client
        .get(server.url("/readyz"))
        .send()
        .await
        .expect("readyz")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn readiness_says_degraded_while_redis_is_out_of_reach() {
    let ready = readiness_with_redis("redis://127.0.0.1:1").await;
    assert_eq!(
        ready,
        json!({ "status": "degraded", "database": "ok", "broker": "redis", "events": "degraded" })
    );
}

#[tokio::test]
#[ignore = "needs Redis: SKILLGRAPH_TEST_REDIS_URL"]
async fn readiness_says_ready_with_redis_in_reach() {
    let url = redis_url();
    let _alone = PUBSUB.lock().await;
    let ready = readiness_with_redis(&url).await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["events"], "ok");
}

#[tokio::test]
#[ignore = "needs Redis: SKILLGRAPH_TEST_REDIS_URL"]
async fn an_instance_that_loses_redis_subscribes_again_and_resumes() {
    let url = crate::helpers::redis_url();
    let _alone = PUBSUB.lock().await;
    let shared = redis_prefix();
    let a = RedisBroker::start(&url, &shared).expect("broker");
    let b = RedisBroker::start(&url, &shared).expect("broker");
    assert!(a.wait_subscribed(Duration::from_secs(5)).await);
    assert!(b.wait_subscribed(Duration::from_secs(5)).await);
    // Redis drops every subscriber connection (as a restart or a network cut would).
    let client = redis::Client::open(url.as_str()).expect("client");
    let mut admin = client
        .get_multiplexed_async_connection()
        .await
        .expect("admin connection");
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("TYPE")
        .arg("pubsub")
        .query_async(&mut admin)
        .await
        .expect("client kill");
    assert!(killed >= 2, "killed {killed}");
    // Each notices, and subscribes again by itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while b.is_subscribed() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(a.wait_subscribed(Duration::from_secs(10)).await);
    assert!(b.wait_subscribed(Duration::from_secs(10)).await);
    let mut heard = b.subscribe();
    let mut own = a.subscribe();
    let event = skillgraph::events::Event::CohortPlanned { cohort_id: 42 };
    a.publish(event.clone());
    for stream in [&mut heard, &mut own] {
        let got = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("in time");
        assert_eq!(got, Some(event.clone()));
        assert!(
            tokio::time::timeout(Duration::from_millis(300), stream.next())
                .await
                .is_err(),
            "once"
        );
    }
}

/// Runs `query` on `schema` as the system administrator, or as the public, and answers its data.
async fn data_on(schema: &skillgraph::graphql::AppSchema, query: &str, admin: bool) -> Value {
    let mut request = Request::new(query);
    if admin {
        request = request.data(crate::helpers::who::system_admin());
    }
    let response = schema.execute(request).await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    response.data.into_json().expect("json")
}

#[tokio::test]
#[ignore = "needs Redis: SKILLGRAPH_TEST_REDIS_URL"]
async fn a_region_renamed_on_one_instance_reads_renamed_on_every_instance() {
    let url = redis_url();
    let _alone = PUBSUB.lock().await;
    let app = TestApp::demo().await;
    let shared = redis_prefix();
    let (a, b) = (
        Arc::new(RedisBroker::start(&url, &shared).expect("broker")),
        Arc::new(RedisBroker::start(&url, &shared).expect("broker")),
    );
    for broker in [&a, &b] {
        assert!(broker.wait_subscribed(Duration::from_secs(5)).await);
    }
    let (on_a, on_b) = (app.schema_with(a.clone()), app.schema_with(b.clone()));
    // Instance B holds the regions in memory: Danyang's parent is read from there.
    const PARENT: &str = r#"{ region(code: "321181") { parent { name } } }"#;
    assert_eq!(
        data_on(&on_b, PARENT, false).await["region"]["parent"]["name"],
        "镇江市"
    );
    data_on(
        &on_a,
        r#"mutation { upsertRegion(input: {code: "321100", name: "镇江市（新）", nameEn: "Zhenjiang", level: CITY, parent: "320000"}) { code } }"#,
        true,
    )
    .await;
    // B heard that the tree changed and reads it again.
    let mut seen = Value::Null;
    for _ in 0..50 {
        seen = data_on(&on_b, PARENT, false).await["region"]["parent"]["name"].clone();
        if seen == "镇江市（新）" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, "镇江市（新）");
}
