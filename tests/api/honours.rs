//! Honours (江苏工匠, 大连工匠 …): recorded by the regulator of the person's region, validated,
//! once a title a year, shown on the person's full record and in their own copy of it.

use serde_json::{Value, json};
use skillgraph::auth::Caller;

use crate::helpers::{TestApp, first_code, who};

const RECORD: &str = "mutation($i: RecordHonourInput!) { recordHonour(input: $i) { title level year awardFen employer { name } region { code } } }";
const HONOURS: &str = "query($l: ID!) { node(id: $l) { ... on Learner { honours { title level year awardFen employer { name } } } } }";

#[tokio::test]
async fn an_honour_is_recorded_once_by_the_regulator_of_the_persons_region() {
    let app = TestApp::demo().await;
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let learner = app
        .data_as(
            &zhenjiang,
            "{ learners(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["learners"]["nodes"][0]["id"]
        .clone();
    let employer = app.org_id("丹阳明视眼镜有限公司").await;
    let input = |title: &str, year: i32, award: Value, employer: &Value| {
        json!({ "i": { "learner": learner, "title": title, "level": "PROVINCIAL", "year": year,
            "awardFen": award, "employer": employer } })
    };
    let recorded = app
        .data_as(
            &zhenjiang,
            RECORD,
            input(" 江苏工匠 ", 2025, json!(12_000_000), &employer),
        )
        .await;
    assert_eq!(
        recorded["recordHonour"],
        json!({ "title": "江苏工匠", "level": "PROVINCIAL", "year": 2025, "awardFen": 12_000_000,
            "employer": { "name": "丹阳明视眼镜有限公司" }, "region": { "code": "321100" } })
    );

    // The same title in the same year again; every bad field; another region; no token.
    let again = app
        .query_as(
            &zhenjiang,
            RECORD,
            input("江苏工匠", 2025, Value::Null, &Value::Null),
        )
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
    let college = app.org_id("镇江高等职业技术学校").await;
    for (vars, field) in [
        (input(" ", 2025, Value::Null, &Value::Null), "input.title"),
        (
            input(&"匠".repeat(51), 2025, Value::Null, &Value::Null),
            "input.title",
        ),
        (
            input("镇江工匠", 1900, Value::Null, &Value::Null),
            "input.year",
        ),
        (
            input("镇江工匠", 2025, json!(-1), &Value::Null),
            "input.awardFen",
        ),
        (
            input("镇江工匠", 2025, Value::Null, &college),
            "input.employer",
        ),
    ] {
        let refused = app.query_as(&zhenjiang, RECORD, vars).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field);
    }
    let huaian = who::regulator(app.region_row("320800").await);
    let elsewhere = app
        .query_as(
            &huaian,
            RECORD,
            input("淮安工匠", 2025, Value::Null, &Value::Null),
        )
        .await;
    assert_eq!(first_code(&elsewhere), "FORBIDDEN", "{elsewhere}");
    let anonymous = app
        .query_as(
            &Caller::public(),
            RECORD,
            input("淮安工匠", 2025, Value::Null, &Value::Null),
        )
        .await;
    assert_eq!(first_code(&anonymous), "UNAUTHENTICATED");
    let shown = app
        .data_as(&zhenjiang, HONOURS, json!({ "l": learner }))
        .await;
    assert_eq!(
        shown["node"]["honours"],
        json!([{ "title": "江苏工匠", "level": "PROVINCIAL", "year": 2025, "awardFen": 12_000_000,
            "employer": { "name": "丹阳明视眼镜有限公司" } }]),
        "one honour, nothing more written"
    );

    // The person's own copy of their record holds it.
    let me = who::learner(TestApp::raw_id(&learner));
    let mine = app.data_as(&me, "{ myData }", json!({})).await;
    let honours = mine["myData"]["honours"].as_array().expect("honours");
    assert_eq!(honours.len(), 1);
    assert_eq!(honours[0]["title"], "江苏工匠");
}
