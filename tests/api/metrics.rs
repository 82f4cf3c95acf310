//! `/metrics`: Prometheus's text format, parsed by a Prometheus text parser, its counters moving
//! with the requests an instance serves.

use async_graphql::Request;
use futures_util::StreamExt;
use prometheus_parse::{Scrape, Value as Sample};
use serde_json::json;

use crate::helpers::{TestApp, TestServer};

async fn scrape(server: &TestServer) -> Scrape {
    let response = server
        .client
        .get(&server.metrics)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let text = response.text().await.expect("text");
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("Prometheus text")
}

/// The value of the series `name` whose labels include `labels` (0 when absent); a histogram's
/// count of observations.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|s| s.metric == name)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Sample::Counter(v) | Sample::Gauge(v) | Sample::Untyped(v) => *v,
            Sample::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            Sample::Summary(_) => 0.0,
        })
        .sum()
}

#[tokio::test]
async fn metrics_count_requests_outcomes_cost_statements_and_the_cache() {
    let server = TestServer::start(1 << 20).await;
    let before = scrape(&server).await;
    let post = |query: &str| {
        server
            .client
            .post(server.url("/graphql"))
            .json(&json!({ "query": query }))
            .send()
    };
    for _ in 0..2 {
        post("query Portal { alliances(first: 3) { totalCount nodes { code } } }")
            .await
            .expect("send");
    }
    post("{ nothing }").await.expect("send");
    let after = scrape(&server).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    let portal = [
        ("operation", "Portal"),
        ("kind", "query"),
        ("outcome", "ok"),
    ];
    assert_eq!(moved("skillgraph_graphql_requests_total", &portal), 2.0);
    assert_eq!(
        moved(
            "skillgraph_graphql_requests_total",
            &[("operation", "anonymous"), ("outcome", "refused")]
        ),
        1.0
    );
    // The second is served from the public cache (anonymous, within its time to live).
    assert_eq!(
        moved(
            "skillgraph_public_cache_lookups_total",
            &[("result", "hit")]
        ),
        1.0
    );
    // The first, and the document validation refuses (it is looked up before it validates).
    assert_eq!(
        moved(
            "skillgraph_public_cache_lookups_total",
            &[("result", "miss")]
        ),
        2.0
    );
    assert!(
        moved(
            "skillgraph_graphql_request_duration_seconds",
            &[("kind", "query")]
        ) >= 2.0
    );
    assert!(moved("skillgraph_graphql_query_cost", &[]) >= 3.0);
    assert!(moved("skillgraph_sql_statements_per_request", &[]) >= 2.0);
    assert!(value(&after, "skillgraph_db_pool_max_connections", &[]) >= 1.0);
    assert!(
        after
            .samples
            .iter()
            .any(|s| s.metric == "skillgraph_db_pool_connections"),
        "the pool's state is there"
    );
}

/// Statements are counted with the batched loads a request starts, and subscriptions while they
/// stream.
#[tokio::test]
async fn statements_and_open_subscriptions_are_counted_per_instance() {
    let app = TestApp::demo().await;
    let text = |app: &TestApp| app.schema.metrics().render(None);
    let parse = |text: String| {
        Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("Prometheus text")
    };
    let before = app.db.statements();
    let response = app
        .schema
        .execute("{ alliances(first: 5) { nodes { region { code } members(first: 5) { nodes { organization { name } } } } } }")
        .await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let ran = app.db.statements() - before;
    let scrape = parse(text(&app));
    let sum = scrape
        .samples
        .iter()
        .find(|s| s.metric == "skillgraph_sql_statements_per_request_sum")
        .map(|s| match s.value {
            Sample::Untyped(v) | Sample::Counter(v) | Sample::Gauge(v) => v,
            _ => 0.0,
        });
    assert_eq!(
        sum,
        Some(ran as f64),
        "every statement the request ran, the loaders' included"
    );

    let subscription = app
        .schema
        .execute_stream(Request::new("subscription { demandPosted { id } }"));
    // A stream starts when polled.
    let mut subscription = Box::pin(subscription);
    let _ = tokio::time::timeout(std::time::Duration::from_millis(200), subscription.next()).await;
    assert_eq!(
        value(&parse(text(&app)), "skillgraph_subscriptions_open", &[]),
        1.0
    );
    drop(subscription);
    assert_eq!(
        value(&parse(text(&app)), "skillgraph_subscriptions_open", &[]),
        0.0
    );
}

/// Issue 34: an operation over a socket walks the same stages as one over HTTP, so it is
/// counted too — once, at its first answer, with its outcome (it was not counted at all).
#[tokio::test]
async fn operations_over_a_socket_are_counted_like_requests() {
    let app = TestApp::demo().await;
    let text = |app: &TestApp| {
        Scrape::parse(
            app.schema
                .metrics()
                .render(None)
                .lines()
                .map(|l| Ok(l.to_owned())),
        )
        .expect("Prometheus text")
    };
    let ran = [
        ("operation", "Portal"),
        ("kind", "query"),
        ("outcome", "ok"),
    ];
    let before = value(&text(&app), "skillgraph_graphql_requests_total", &ran);
    let statements_before = value(&text(&app), "skillgraph_sql_statements_per_request", &[]);
    let answers: Vec<_> = app
        .schema
        .execute_stream(Request::new(
            "query Portal { alliances(first: 2) { nodes { code } } }",
        ))
        .collect()
        .await;
    assert_eq!(answers.len(), 1);
    assert!(answers[0].errors.is_empty(), "{:?}", answers[0].errors);
    let refused: Vec<_> = app
        .schema
        .execute_stream(Request::new("{ nothing }"))
        .collect()
        .await;
    assert_eq!(refused.len(), 1);
    let after = text(&app);
    assert_eq!(
        value(&after, "skillgraph_graphql_requests_total", &ran) - before,
        1.0
    );
    // A socket's operations are not counted statement by statement (they share the
    // connection's task): they add no observation of zero statements to the histogram.
    assert_eq!(
        value(&after, "skillgraph_sql_statements_per_request", &[]),
        statements_before
    );
    assert_eq!(
        value(
            &after,
            "skillgraph_graphql_requests_total",
            &[("outcome", "refused")]
        ),
        1.0
    );
}

/// Issue 33: `/metrics` was public on the API port, and any caller could use up its 200
/// operation-name labels. It is served on a listener of its own, and only operations that ran
/// become labels.
#[tokio::test]
async fn metrics_live_apart_and_label_only_operations_that_ran() {
    let server = TestServer::start(1 << 20).await;
    let on_api = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("send");
    assert_eq!(on_api.status(), reqwest::StatusCode::NOT_FOUND);
    for i in 0..30 {
        server
            .client
            .post(server.url("/graphql"))
            .json(&json!({ "query": format!("query Invented{i} {{ nothing }}") }))
            .send()
            .await
            .expect("send");
    }
    server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "query Ran { __typename }" }))
        .send()
        .await
        .expect("send");
    let scraped = scrape(&server).await;
    let operations: std::collections::BTreeSet<&str> = scraped
        .samples
        .iter()
        .filter(|s| s.metric == "skillgraph_graphql_requests_total")
        .filter_map(|s| s.labels.get("operation"))
        .collect();
    assert!(operations.contains("Ran"), "{operations:?}");
    assert!(
        !operations.iter().any(|o| o.starts_with("Invented")),
        "{operations:?}"
    );
    assert_eq!(
        value(
            &scraped,
            "skillgraph_graphql_requests_total",
            &[("operation", "not-run"), ("outcome", "refused")]
        ),
        30.0
    );
}
