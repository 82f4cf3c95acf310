//! Cost-based rate limits: each request is charged its cost before it runs, per caller, in the
//! process or in Redis shared by instances.

use std::sync::Arc;

use async_graphql::Request;
use reqwest::StatusCode;
use serde_json::Value;
use skillgraph::{
    auth::Role,
    graphql::{AppSchema, ClientAddress},
    redis_link::RedisLink,
    throttle::{Budget, MemoryLimiter, RateLimiter, RateLimits, RedisLimiter},
};

use crate::helpers::{TestApp, TestServer, who};

const QUERY: &str = "{ alliances(first: 5) { nodes { code } } }";

fn limits(limiter: Arc<dyn RateLimiter>, maximum: u64, fail_closed: bool) -> RateLimits {
    let budget = Budget {
        maximum,
        // Slow enough that nothing refills during a test.
        restore_per_second: 1,
    };
    RateLimits {
        limiter,
        anonymous: budget,
        authenticated: budget,
        // The bureau is not limited.
        by_role: [(
            Role::Regulator,
            Budget {
                maximum,
                restore_per_second: 0,
            },
        )]
        .into(),
        fail_closed,
    }
}

async fn run(schema: &AppSchema, request: Request) -> Value {
    serde_json::to_value(schema.execute(request).await).expect("json")
}

fn from(address: &str) -> Request {
    Request::new(QUERY).data(ClientAddress(address.parse().expect("ip")))
}

/// The cost of [`QUERY`], as the server reports it.
async fn cost_of_query(app: &TestApp) -> u64 {
    let response = run(&app.schema, Request::new(QUERY)).await;
    response["extensions"]["cost"]["requestedQueryCost"]
        .as_u64()
        .expect("every response says what it cost")
}

#[tokio::test]
async fn a_caller_spends_its_budget_and_then_waits() {
    let app = TestApp::demo().await;
    let cost = cost_of_query(&app).await;
    let schema = app.schema.clone().with_rate_limits(limits(
        Arc::new(MemoryLimiter::default()),
        cost * 3,
        false,
    ));
    for left in [2, 1, 0] {
        let ran = run(&schema, from("10.0.0.1")).await;
        assert!(ran.get("errors").is_none(), "{ran}");
        let status = &ran["extensions"]["cost"]["throttleStatus"];
        assert_eq!(status["maximumAvailable"], cost * 3);
        assert_eq!(status["currentlyAvailable"], cost * left, "{ran}");
        assert_eq!(status["restoreRate"], 1);
    }
    let refused = run(&schema, from("10.0.0.1")).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "THROTTLED",
        "{refused}"
    );
    assert!(refused["data"].is_null(), "not executed");
    assert!(
        refused["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .expect("retry")
            >= 1
    );
    assert_eq!(refused["extensions"]["cost"]["requestedQueryCost"], cost);
    assert!(
        schema
            .metrics()
            .render(None)
            .contains("skillgraph_rate_limit_refusals_total 1\n"),
        "the refusal is counted"
    );
    // Another address, and a signed-in caller, have budgets of their own.
    assert!(run(&schema, from("10.0.0.2")).await.get("errors").is_none());
    let college = who::staff(Role::College, 1);
    let signed_in = run(&schema, from("10.0.0.1").data(college.clone())).await;
    assert!(signed_in.get("errors").is_none(), "{signed_in}");
    for _ in 0..2 {
        let ran = run(&schema, from("10.0.0.1").data(college.clone())).await;
        assert!(ran.get("errors").is_none(), "{ran}");
    }
    let college_refused = run(&schema, from("10.0.0.1").data(college)).await;
    assert_eq!(
        college_refused["errors"][0]["extensions"]["code"],
        "THROTTLED"
    );
    // A role with a budget of its own: the bureau's is unlimited here.
    let bureau = who::regulator(1);
    for _ in 0..5 {
        let ran = run(&schema, from("10.0.0.1").data(bureau.clone())).await;
        assert!(ran.get("errors").is_none(), "{ran}");
    }
}

#[tokio::test]
#[ignore = "needs Redis: SKILLGRAPH_TEST_REDIS_URL"]
async fn the_budget_spent_on_one_instance_is_spent_on_another() {
    let url = crate::helpers::redis_url();
    let app = TestApp::demo().await;
    let cost = cost_of_query(&app).await;
    let prefix = crate::helpers::redis_prefix();
    let instance = || {
        let link = Arc::new(RedisLink::new(&url, &prefix).expect("link"));
        app.schema.clone().with_rate_limits(limits(
            Arc::new(RedisLimiter::new(link)),
            cost * 2,
            false,
        ))
    };
    let (a, b) = (instance(), instance());
    assert!(run(&a, from("10.1.0.1")).await.get("errors").is_none());
    let on_b = run(&b, from("10.1.0.1")).await;
    assert!(on_b.get("errors").is_none(), "{on_b}");
    assert_eq!(
        on_b["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"],
        0
    );
    for schema in [&a, &b] {
        let refused = run(schema, from("10.1.0.1")).await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "THROTTLED",
            "{refused}"
        );
    }

    // Redis out of reach: open by default (the request runs), closed when configured.
    let down = || {
        Arc::new(RedisLimiter::new(Arc::new(
            RedisLink::new("redis://127.0.0.1:1", &prefix).expect("link"),
        )))
    };
    let open = app
        .schema
        .clone()
        .with_rate_limits(limits(down(), cost, false));
    for _ in 0..3 {
        assert!(run(&open, from("10.1.0.2")).await.get("errors").is_none());
    }
    let closed = app
        .schema
        .clone()
        .with_rate_limits(limits(down(), cost, true));
    let refused = run(&closed, from("10.1.0.2")).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "THROTTLED",
        "{refused}"
    );
}

#[tokio::test]
async fn over_http_a_throttled_request_gets_429_and_every_answer_its_rate_limit() {
    let mut settings = TestServer::settings();
    settings.rate_limit.maximum = 200;
    settings.rate_limit.restore_anonymous = 1;
    let server = TestServer::start_with(settings).await;
    let post = || {
        server
            .client
            .post(server.url("/graphql"))
            .json(&serde_json::json!({ "query": "{ regions { code } }" }))
            .send()
    };
    let first = post().await.expect("send");
    assert_eq!(first.status(), StatusCode::OK);
    let limit = |r: &reqwest::Response, name: &str| -> u64 {
        r.headers()[name]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("number")
    };
    assert_eq!(limit(&first, "ratelimit-limit"), 200);
    let remaining = limit(&first, "ratelimit-remaining");
    assert!(remaining < 200);
    assert_eq!(limit(&first, "ratelimit-reset"), 200 - remaining);
    let mut refused = None;
    for _ in 0..200 {
        let response = post().await.expect("send");
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::OK);
    }
    let refused = refused.expect("the budget runs out");
    assert!(limit(&refused, "retry-after") >= 1);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "THROTTLED");
    assert!(body.get("data").is_none_or(Value::is_null));
}

/// `actualQueryCost` counts what came back: each item of a list, not the page asked for.
#[tokio::test]
async fn the_actual_cost_counts_what_came_back() {
    let app = TestApp::demo().await;
    let query = "{ alliances(first: 20) { totalCount nodes { code members(first: 20) { nodes { role } } } } }";
    let response = run(&app.schema, Request::new(query)).await;
    assert!(response.get("errors").is_none(), "{response}");
    let alliances = response["data"]["alliances"]["nodes"]
        .as_array()
        .expect("alliances");
    assert!(!alliances.is_empty());
    // alliances, totalCount (5), nodes; per alliance code, members, nodes, and a role per member.
    let members: u64 = alliances
        .iter()
        .map(|a| a["members"]["nodes"].as_array().expect("members").len() as u64)
        .sum();
    let expected = 1 + 5 + 1 + 3 * alliances.len() as u64 + members;
    let cost = &response["extensions"]["cost"];
    assert_eq!(cost["actualQueryCost"], expected, "{cost}");
    assert!(
        cost["requestedQueryCost"].as_u64().expect("requested") > expected,
        "pages came back shorter than asked: {cost}"
    );

    // An empty list costs its field and nothing under it.
    let none = run(
        &app.schema,
        Request::new(
            "{ demands(first: 5, filter: {wageAtLeast: 999999999}) { nodes { id headcount } } }",
        ),
    )
    .await;
    assert_eq!(
        none["data"]["demands"]["nodes"],
        serde_json::json!([]),
        "{none}"
    );
    assert_eq!(none["extensions"]["cost"]["actualQueryCost"], 2, "{none}");
    // A document that never ran has no actual cost.
    let refused = run(
        &app.schema,
        Request::new("{ demands { nodes { nonsense } } }"),
    )
    .await;
    assert!(
        refused["extensions"]["cost"]["requestedQueryCost"].is_u64(),
        "{refused}"
    );
    assert!(
        refused["extensions"]["cost"]
            .get("actualQueryCost")
            .is_none(),
        "{refused}"
    );
}

/// Issue 33: over a socket each operation is charged to the socket's caller and peer address,
/// as over HTTP. An anonymous socket that spends its address's budget throttles neither a
/// regulator's socket nor an anonymous socket from another address.
#[tokio::test]
async fn socket_operations_are_charged_to_the_sockets_caller_and_address() {
    use futures_util::StreamExt;
    let app = TestApp::demo().await;
    let cost = cost_of_query(&app).await;
    let schema = app.schema.clone().with_rate_limits(limits(
        Arc::new(MemoryLimiter::default()),
        cost * 2,
        false,
    ));
    // What a socket's connection_init leaves for its operations.
    let socket = |who: skillgraph::auth::Caller, address: &str| {
        let mut data = async_graphql::Data::default();
        data.insert(who);
        data.insert(ClientAddress(address.parse().expect("ip")));
        Arc::new(data)
    };
    let over = |data: Arc<async_graphql::Data>| {
        let schema = schema.clone();
        async move {
            let response = schema
                .execute_stream_with_session_data(Request::new(QUERY), Some(data))
                .next()
                .await
                .expect("a response");
            serde_json::to_value(response).expect("json")
        }
    };
    let anonymous = socket(skillgraph::auth::Caller::public(), "10.0.0.7");
    for _ in 0..2 {
        let ran = over(anonymous.clone()).await;
        assert!(ran.get("errors").is_none(), "{ran}");
    }
    let refused = over(anonymous.clone()).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "THROTTLED",
        "{refused}"
    );
    // Not charged to one shared budget: another address and the bureau are still served.
    let elsewhere = over(socket(skillgraph::auth::Caller::public(), "10.0.0.8")).await;
    assert!(elsewhere.get("errors").is_none(), "{elsewhere}");
    let bureau = over(socket(who::regulator(1), "10.0.0.7")).await;
    assert!(bureau.get("errors").is_none(), "{bureau}");
    // A signed-in socket spends its own subject's budget, not the address's.
    let college = socket(who::staff(Role::College, 1), "10.0.0.7");
    for _ in 0..2 {
        let ran = over(college.clone()).await;
        assert!(ran.get("errors").is_none(), "{ran}");
    }
    assert_eq!(
        over(college).await["errors"][0]["extensions"]["code"],
        "THROTTLED"
    );
}
