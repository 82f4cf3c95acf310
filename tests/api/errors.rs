//! Every error carries a stable `extensions.code`; internal causes never reach the client.

use sea_orm::ConnectionTrait;
use serde_json::Value;
use skillgraph::graphql::{SchemaLimits, build_schema};

use crate::helpers::{TestApp, errors, first_code};

#[tokio::test]
async fn documents_that_do_not_parse_or_fit_the_schema() {
    let app = TestApp::empty().await;
    let response = app.query("{ regions { code ").await;
    assert_eq!(first_code(&response), "GRAPHQL_PARSE_FAILED");
    assert_eq!(response["data"], Value::Null);

    let response = app.query("{ regions { nonsense } }").await;
    assert_eq!(first_code(&response), "GRAPHQL_VALIDATION_FAILED");

    let response = app
        .query("{ alliances(filter: {industry: SPACEFLIGHT}) { totalCount } }")
        .await;
    assert_eq!(first_code(&response), "GRAPHQL_VALIDATION_FAILED");

    // Issue 33: an unknown directive is refused wherever it stands, `__typename` included, and
    // nothing runs; @skip and @include still work there.
    for document in [
        "{ __typename @anyUnknownDirective }",
        "{ __typename @anyUnknownDirective(if: true) }",
        "query Q @nope { __typename }",
        "{ ... on Query @nope { __typename } }",
        "{ ...F @nope } fragment F on Query { __typename }",
        "{ ...F } fragment F on Query @nope { __typename }",
        "query($v: Int @nope) { __typename }",
        "{ regions { code @nope } }",
    ] {
        let response = app.query(document).await;
        assert_eq!(
            first_code(&response),
            "GRAPHQL_VALIDATION_FAILED",
            "{document}: {response}"
        );
        assert!(
            response.get("data").is_none_or(Value::is_null),
            "{document}: {response}"
        );
        assert!(
            response.to_string().contains("Unknown directive"),
            "{response}"
        );
    }
    let kept = app
        .data("{ a: __typename @include(if: true) b: __typename @skip(if: true) }")
        .await;
    assert_eq!(kept, serde_json::json!({ "a": "Query" }));
}

#[tokio::test]
async fn variables_of_the_wrong_type_are_bad_user_input() {
    let app = TestApp::empty().await;
    let response = app
        .query_with(
            "query($n: Int) { occupations(first: $n) { totalCount } }",
            serde_json::json!({ "n": "ten" }),
        )
        .await;
    let code = first_code(&response);
    assert!(
        code == "BAD_USER_INPUT" || code == "GRAPHQL_VALIDATION_FAILED",
        "{response:#}"
    );
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let app = TestApp::demo().await;
    let cases = [
        (
            r#"{ alliances(filter: {region: "32110"}) { totalCount } }"#,
            "filter.region",
        ),
        (
            r#"{ organizations(filter: {alliances: ["zj-eyewear", "not a code"]}) { totalCount } }"#,
            "filter.alliances[1]",
        ),
        (
            r#"{ organizations(filter: {nameContains: "   "}) { totalCount } }"#,
            "filter.nameContains",
        ),
        (
            r#"{ organizations(filter: {minAlliances: -1}) { totalCount } }"#,
            "filter.minAlliances",
        ),
        (r#"{ region(code: "abc") { code } }"#, "code"),
    ];
    let mut answers = Vec::new();
    for (query, field) in cases {
        let response = app.query(query).await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{query}");
        let error = &errors(&response)[0];
        assert_eq!(error["extensions"]["field"], field, "{query}");
        assert!(
            error["message"]
                .as_str()
                .expect("message")
                .starts_with(field),
            "the message names the field: {error}"
        );
        answers.push(serde_json::json!({ "query": query, "response": response }));
    }
    // The whole answers: no data, one error each, its message, path and extensions.
    insta::assert_json_snapshot!("validation_errors_name_the_field", answers);
}

fn deep_query(levels: usize) -> String {
    let mut q = String::from("code");
    for _ in 0..levels {
        q = format!("region {{ alliances {{ nodes {{ {q} }} }} }}");
    }
    format!("{{ alliance(code: \"zj-eyewear\") {{ {q} }} }}")
}

#[tokio::test]
async fn depth_and_complexity_limits_have_clear_errors() {
    let app = TestApp::demo().await;
    let response = app.query(&deep_query(6)).await;
    assert_eq!(first_code(&response), "QUERY_TOO_DEEP");
    assert!(
        errors(&response)[0]["message"]
            .as_str()
            .expect("message")
            .contains("16"),
        "names the limit"
    );
    assert!(app.query(&deep_query(3)).await.get("errors").is_none());

    let strict = build_schema(
        app.db.db.clone(),
        crate::helpers::test_personal_key(),
        std::sync::Arc::new(skillgraph::events::InProcessBroker::default()),
        SchemaLimits {
            max_complexity: 10,
            ..crate::helpers::test_limits()
        },
    );
    let response = strict
        .execute("{ regions { code name nameEn id alliances { totalCount nodes { code name nameEn id } } } }")
        .await;
    let response = serde_json::to_value(&response).expect("json");
    assert_eq!(first_code(&response), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn internal_errors_are_opaque() {
    let app = TestApp::demo().await;
    app.db
        .db
        .execute_unprepared("DROP TABLE memberships")
        .await
        .expect("drop");
    let response = app
        .query(r#"{ alliance(code: "zj-eyewear") { code members { totalCount } } }"#)
        .await;
    assert_eq!(first_code(&response), "INTERNAL");
    let text = response.to_string();
    assert!(!text.contains("memberships"), "no SQL detail: {text}");
    assert!(
        !text.to_lowercase().contains("table"),
        "no SQL detail: {text}"
    );
    assert_eq!(errors(&response)[0]["message"], "internal error");
}

#[tokio::test]
async fn an_absent_or_null_variable_takes_the_default_or_is_refused_by_name() {
    let app = TestApp::demo().await;
    let regulator = crate::helpers::who::regulator(app.region_row("321100").await);
    let query = "query($n: Int) { subsidySupervision { flags(first: $n) { kind } } }";
    for variables in [serde_json::json!({}), serde_json::json!({ "n": null })] {
        let answer = app.query_as(&regulator, query, variables).await;
        assert!(answer.get("errors").is_none(), "{answer}");
    }
    // A field of an input object with a default, its variable left out or null: never INTERNAL.
    let ordered = "query($d: SortDirection) { demands(first: 2, orderBy: {field: WAGE, direction: $d}) { nodes { id } } }";
    for variables in [serde_json::json!({}), serde_json::json!({ "d": null })] {
        let answer = app.query_with(ordered, variables.clone()).await;
        if answer.get("errors").is_some() {
            assert_ne!(crate::helpers::first_code(&answer), "INTERNAL", "{answer}");
        }
    }
}
