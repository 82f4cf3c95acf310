//! The schema as an Apollo Federation v2 subgraph, behind the `federation` setting: `_service`
//! prints the subgraph SDL with `@key` on the public entities, `_entities` resolves them with
//! `node(id:)`'s visibility, and Apollo's composition library composes it with a second
//! subgraph (`.ci/federation`, installed by `.ci/run`, named by `SKILLGRAPH_TEST_FEDERATION`).

use async_graphql::{Request, Variables};
use serde_json::{Value, json};

use crate::{
    demands::{CREATE, demand, enterprise},
    helpers::TestApp,
};

async fn sdl_of(app: &TestApp) -> String {
    let response = app.federated().execute("{ _service { sdl } }").await;
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().expect("json");
    data["_service"]["sdl"].as_str().expect("sdl").to_owned()
}

#[tokio::test]
async fn the_public_schema_is_no_subgraph_until_the_setting_says_so() {
    let app = TestApp::demo().await;
    let plain = app.schema.execute("{ _service { sdl } }").await;
    assert_eq!(
        plain.errors[0]
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned(),
        Some(async_graphql::Value::from("GRAPHQL_VALIDATION_FAILED"))
    );
    assert!(!app.schema.sdl().contains("_Any"));

    let sdl = sdl_of(&app).await;
    assert!(
        sdl.contains("https://specs.apollo.dev/federation/v2"),
        "{sdl}"
    );
    for entity in [
        "Region",
        "Alliance",
        "Organization",
        "Occupation",
        "Demand",
        "OpenResource",
    ] {
        assert!(
            sdl.contains(&format!(
                "type {entity} implements Node @key(fields: \"id\")"
            )),
            "{entity} is an entity"
        );
    }
    assert!(
        !sdl.contains("type Learner implements Node @key"),
        "people are not entities"
    );
}

#[tokio::test]
async fn entities_resolve_with_the_visibility_of_node() {
    let app = TestApp::demo().await;
    let me = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let created = app
        .data_as(&me, CREATE, json!({ "d": demand(&["zj-eyewear"]) }))
        .await;
    let draft = created["createDemand"]["id"].clone();
    let alliance: Value = app
        .schema
        .execute("{ alliance(code: \"zj-eyewear\") { id name } }")
        .await
        .data
        .into_json()
        .expect("json");
    let entities = "query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Alliance { name } ... on Demand { status } } }";
    let representations = json!({ "r": [
        { "__typename": "Alliance", "id": alliance["alliance"]["id"] },
        { "__typename": "Demand", "id": draft },
    ] });
    let run = |caller: Option<&skillgraph::auth::Caller>| {
        let mut request =
            Request::new(entities).variables(Variables::from_json(representations.clone()));
        if let Some(caller) = caller {
            request = request.data(caller.clone());
        }
        let schema = app.federated();
        async move {
            let response = schema.execute(request).await;
            assert!(response.errors.is_empty(), "{:?}", response.errors);
            response.data.into_json().expect("json")["_entities"].clone()
        }
    };
    let anonymous = run(None).await;
    assert_eq!(anonymous[0]["name"], alliance["alliance"]["name"]);
    assert_eq!(
        anonymous[1],
        Value::Null,
        "a draft is its enterprise's alone"
    );
    let owner = run(Some(&me)).await;
    assert_eq!(owner[1]["status"], "DRAFT");
}

#[tokio::test]
#[ignore = "needs Node: SKILLGRAPH_TEST_FEDERATION"]
async fn the_subgraph_composes_with_another() {
    let dir = crate::helpers::needed("SKILLGRAPH_TEST_FEDERATION");
    let app = TestApp::demo().await;
    let sdl = sdl_of(&app).await;
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), sdl).expect("write");
    let output = std::process::Command::new("node")
        .arg(std::path::Path::new(&dir).join("compose.mjs"))
        .arg(file.path())
        .output()
        .expect("node runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(printed.contains("composed"), "{printed}");
    // The supergraph's Alliance has both subgraphs' fields.
    assert!(
        printed.contains("rating") && printed.contains("industry"),
        "{printed}"
    );
}

#[tokio::test]
async fn entities_are_charged_per_representation_and_bounded() {
    use skillgraph::graphql::cost::RequestCost;
    let app = TestApp::demo().await;
    let alliance: Value = app
        .schema
        .execute("{ alliance(code: \"zj-eyewear\") { id } }")
        .await
        .data
        .into_json()
        .expect("json");
    let id = alliance["alliance"]["id"].clone();
    let entities = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Alliance { name members(first: 10) { nodes { role } } } } }";
    let run = |n: usize| {
        let representations: Vec<Value> = (0..n)
            .map(|_| json!({ "__typename": "Alliance", "id": id }))
            .collect();
        let cost = RequestCost::default();
        let request = Request::new(entities)
            .variables(Variables::from_json(json!({ "r": representations })))
            .data(cost.clone());
        let schema = app.federated();
        async move {
            let response = schema.execute(request).await;
            (serde_json::to_value(&response).expect("json"), cost.get())
        }
    };
    let (one, one_cost) = run(1).await;
    assert!(one.get("errors").is_none(), "{one}");
    let (fifty, fifty_cost) = run(50).await;
    assert!(fifty.get("errors").is_none(), "{fifty}");
    assert!(
        fifty_cost >= 50 * one_cost.saturating_sub(1),
        "fifty representations cost fifty times one: {one_cost} → {fifty_cost}"
    );
    // The actual cost walks the entities too.
    let actual = fifty["extensions"]["cost"]["actualQueryCost"]
        .as_u64()
        .expect("the actual cost");
    assert!(actual >= 50 * 2, "fifty alliances and their names: {fifty}");
    let (refused, _) = run(101).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
        "{refused}"
    );
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("representations")),
        "{refused}"
    );
    assert!(
        refused.get("data").is_none_or(Value::is_null),
        "nothing ran"
    );
}
