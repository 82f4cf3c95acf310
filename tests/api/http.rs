//! GraphQL over HTTP on a real socket.

use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::TestServer;

const QUERY: &str = "{ regions { code } }";

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn post_json_negotiates_the_response_type() {
    let server = TestServer::start(1 << 20).await;
    let response = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("application/json"));
    assert!(response.headers().contains_key("x-request-id"));
    let cost: u64 = response.headers()["x-query-cost"]
        .to_str()
        .expect("header")
        .parse()
        .expect("a number");
    assert!(cost > 0, "the computed cost reaches the HTTP layer");
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["data"]["regions"].as_array().expect("regions").len(),
        3
    );

    let response = server
        .client
        .post(server.url("/graphql"))
        .header(
            header::ACCEPT,
            "application/graphql-response+json, application/json;q=0.9",
        )
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("application/graphql-response+json"));

    let response = server
        .client
        .post(server.url("/graphql"))
        .header(header::ACCEPT, "text/plain")
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn bad_requests_get_4xx() {
    let server = TestServer::start(2048).await;
    let post = |body: String, ct: &'static str| {
        server
            .client
            .post(server.url("/graphql"))
            .header(header::CONTENT_TYPE, ct)
            .header(header::ACCEPT, "application/graphql-response+json")
            .body(body)
            .send()
    };

    let r = post(json!({ "query": QUERY }).to_string(), "text/plain")
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let r = post("{ not json".into(), "application/json")
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");

    let r = post(
        json!({ "query": "{ regions { code " }).to_string(),
        "application/json; charset=utf-8",
    )
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    assert!(body.get("data").is_none_or(Value::is_null));

    let r = post(
        json!({ "query": "{ nothing }" }).to_string(),
        "application/json",
    )
    .await
    .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let huge = format!("{{ regions {{ code {} }} }}", " ".repeat(4096));
    let r = post(json!({ "query": huge }).to_string(), "application/json")
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn data_with_errors_is_still_2xx() {
    let server = TestServer::start(1 << 20).await;
    let response = server
        .client
        .post(server.url("/graphql"))
        .header(header::ACCEPT, "application/graphql-response+json")
        .json(&json!({ "query": r#"{ regions { code } region(code: "nope") { code } }"# }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["data"]["regions"].as_array().expect("regions").len(),
        3
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

#[tokio::test]
async fn get_runs_queries_only() {
    let server = TestServer::start(1 << 20).await;
    let response = server
        .client
        .get(server.url("/graphql"))
        .query(&[
            (
                "query",
                "query($c: String!) { alliance(code: $c) { name } }",
            ),
            ("variables", r#"{"c":"zj-eyewear"}"#),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["data"]["alliance"]["name"],
        "镇江市眼镜产业职业培训联盟"
    );

    let response = server
        .client
        .get(server.url("/graphql"))
        .query(&[("query", "mutation { anything }")])
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[header::ALLOW], "POST");

    let response = server
        .client
        .put(server.url("/graphql"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn browsers_get_graphiql() {
    let server = TestServer::start(1 << 20).await;
    let response = server
        .client
        .get(server.url("/graphql"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
    let html = response.text().await.expect("text");
    assert!(html.to_lowercase().contains("graphiql"));
}

#[tokio::test]
async fn health_and_readiness() {
    let server = TestServer::start(1 << 20).await;
    let health: Value = server
        .client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(health["status"], "ok");
    let ready = server
        .client
        .get(server.url("/readyz"))
        .send()
        .await
        .expect("send");
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: Value = ready.json().await.expect("json");
    assert_eq!(ready["database"], "ok");
}
