//! The public response cache: anonymous queries only, forgotten on every instance when a
//! mutation writes what they read, and only then.

use std::{sync::Arc, time::Duration};

use async_graphql::Request;
use serde_json::{Value, json};
use skillgraph::{
    graphql::{
        AppSchema,
        cache::{MemoryCache, PublicCache, RedisCache, ResponseCache},
    },
    redis_link::RedisLink,
};

use crate::{
    demands::{CREATE, OPEN, demand, enterprise},
    helpers::{TestApp, TestServer, who},
};

const PAGE: &str = "{ demands(first: 3) { totalCount nodes { id } } }";

fn cached(
    schema: &AppSchema,
    store: Arc<dyn skillgraph::graphql::cache::ResponseCache>,
) -> AppSchema {
    schema.clone().with_public_cache(PublicCache {
        store,
        ttl: Duration::from_secs(60),
    })
}

/// Runs a request; its JSON, its `x-cache` and `Cache-Control`, and the statements it ran.
async fn run(
    app: &TestApp,
    schema: &AppSchema,
    request: Request,
) -> (Value, String, String, usize) {
    let before = app.db.statements();
    let response = schema.execute(request).await;
    let header = |name: &str| {
        response
            .http_headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned()
    };
    let (x_cache, control) = (header("x-cache"), header("cache-control"));
    let json = serde_json::to_value(&response).expect("json");
    (json, x_cache, control, app.db.statements() - before)
}

async fn open_demand(app: &TestApp, schema: &AppSchema) -> Value {
    open_demand_over(app, schema, false).await
}

/// Opens a demand, over a stream (as the WebSocket runs operations) or not; its ID.
async fn open_demand_over(app: &TestApp, schema: &AppSchema, stream: bool) -> Value {
    use futures_util::StreamExt;
    let me = enterprise(app, "丹阳明视眼镜有限公司").await;
    let run = |query: &str, variables: Value| {
        let request = Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(me.clone());
        async move {
            if stream {
                let mut responses: Vec<_> = schema.execute_stream(request).collect().await;
                assert_eq!(responses.len(), 1);
                responses.remove(0)
            } else {
                schema.execute(request).await
            }
        }
    };
    let created = run(CREATE, json!({ "d": demand(&["zj-eyewear"]) })).await;
    assert!(created.errors.is_empty(), "{:?}", created.errors);
    let id = created.data.into_json().expect("json")["createDemand"]["id"].clone();
    let opened = run(OPEN, json!({ "id": id })).await;
    assert!(opened.errors.is_empty(), "{:?}", opened.errors);
    id
}

const NODE: &str = "query($id: ID!) { node(id: $id) { ... on Demand { id status headcount enterprise { id name } occupation { code name } alliances { code } } } }";

fn node(id: &Value) -> Request {
    Request::new(NODE).variables(async_graphql::Variables::from_json(json!({ "id": id })))
}

/// Demands opened on `b` and one of them closed there: `a` keeps every answer that did not read
/// the closed demand (the regions, the other demand) and forgets the ones that did (that demand,
/// the list of demands).
async fn forgets_only_what_was_written(app: &TestApp, a: &AppSchema, b: &AppSchema) {
    let (kept, closed) = (open_demand(app, b).await, open_demand(app, b).await);
    let regions = || Request::new("{ regions { code name } }");
    let asks = || [regions(), node(&kept), node(&closed), Request::new(PAGE)];
    let mut before = Vec::new();
    for (ask, again) in asks().into_iter().zip(asks()) {
        let (first, x, _, _) = run(app, a, ask).await;
        assert_eq!(x, "miss", "{first}");
        assert!(first.get("errors").is_none(), "{first}");
        let (_, x, _, _) = run(app, a, again).await;
        assert_eq!(x, "hit");
        before.push(first);
    }
    let me = enterprise(app, "丹阳明视眼镜有限公司").await;
    let close = Request::new(
        "mutation($id: ID!) { closeDemand(input: {id: $id, reason: \"岗位已招满\"}) { status } }",
    )
    .variables(async_graphql::Variables::from_json(json!({ "id": closed })))
    .data(me);
    let done = b.execute(close).await;
    assert!(done.errors.is_empty(), "{:?}", done.errors);

    let after: Vec<_> = futures_util::future::join_all(asks().map(|ask| run(app, a, ask))).await;
    let x: Vec<_> = after.iter().map(|(_, x, _, _)| x.as_str()).collect();
    assert_eq!(
        x,
        ["hit", "hit", "miss", "miss"],
        "regions and the other demand are kept"
    );
    assert_eq!(after[0].0["data"], before[0]["data"]);
    assert_eq!(after[1].0["data"], before[1]["data"]);
    assert_ne!(
        after[2].0["data"], before[2]["data"],
        "the closed demand reads anew"
    );
    assert_ne!(after[3].0["data"], before[3]["data"], "the list reads anew");
}

#[tokio::test]
async fn a_mutation_forgets_only_the_answers_that_read_what_it_wrote() {
    let app = TestApp::demo().await;
    let schema = cached(&app.schema, Arc::new(MemoryCache::default()));
    forgets_only_what_was_written(&app, &schema, &schema).await;
}

#[tokio::test]
async fn anonymous_answers_are_kept_until_a_mutation_and_never_for_a_token() {
    let app = TestApp::demo().await;
    let schema = cached(&app.schema, Arc::new(MemoryCache::default()));
    let (first, x, control, _) = run(&app, &schema, Request::new(PAGE)).await;
    assert_eq!(
        (x.as_str(), control.as_str()),
        ("miss", "public, max-age=60")
    );
    let (again, x, _, statements) = run(&app, &schema, Request::new(PAGE)).await;
    assert_eq!(x, "hit");
    assert_eq!(statements, 0, "served without the database");
    assert_eq!(again["data"], first["data"]);
    // Other variables or another document are other answers.
    let (_, x, _, _) = run(
        &app,
        &schema,
        Request::new("{ demands(first: 2) { totalCount } }"),
    )
    .await;
    assert_eq!(x, "miss");

    // A caller with a token is never served from the cache, nor adds to it.
    let bureau = who::regulator(1);
    let (_, x, control, statements) = run(&app, &schema, Request::new(PAGE).data(bureau)).await;
    assert_eq!((x.as_str(), control.as_str()), ("-", "private, no-store"));
    assert!(statements > 0);

    // A mutation throws every kept answer away.
    open_demand(&app, &schema).await;
    let (after, x, _, statements) = run(&app, &schema, Request::new(PAGE)).await;
    assert_eq!(x, "miss");
    assert!(statements > 0);
    let count = |v: &Value| v["data"]["demands"]["totalCount"].as_u64().expect("count");
    assert_eq!(count(&after), count(&first) + 1, "the new demand shows");
    // Answers with errors are not kept.
    let broken = "{ demands(first: 3, after: \"nonsense\") { totalCount } }";
    let (_, x, _, _) = run(&app, &schema, Request::new(broken)).await;
    assert_eq!(x, "-");
}

/// The WebSocket runs operations as streams: a mutation there empties the cache as well.
#[tokio::test]
async fn a_mutation_over_the_socket_empties_the_cache() {
    let app = TestApp::demo().await;
    let schema = cached(&app.schema, Arc::new(MemoryCache::default()));
    let (first, _, _, _) = run(&app, &schema, Request::new(PAGE)).await;
    let (_, x, _, _) = run(&app, &schema, Request::new(PAGE)).await;
    assert_eq!(x, "hit");
    open_demand_over(&app, &schema, true).await;
    let (after, x, _, _) = run(&app, &schema, Request::new(PAGE)).await;
    assert_eq!(x, "miss");
    let count = |v: &Value| v["data"]["demands"]["totalCount"].as_u64().expect("count");
    assert_eq!(count(&after), count(&first) + 1);
}

#[tokio::test]
#[ignore = "needs Redis: SKILLGRAPH_TEST_REDIS_URL"]
async fn a_mutation_on_one_instance_forgets_on_every_instance() {
    let url = crate::helpers::redis_url();
    let app = TestApp::demo().await;
    let prefix = crate::helpers::redis_prefix();
    let instance = || {
        let link = Arc::new(RedisLink::new(&url, &prefix).expect("link"));
        cached(&app.schema, Arc::new(RedisCache::new(link)))
    };
    let (a, b) = (instance(), instance());
    let (first, x, _, _) = run(&app, &a, Request::new(PAGE)).await;
    assert_eq!(x, "miss");
    let (on_b, x, _, statements) = run(&app, &b, Request::new(PAGE)).await;
    assert_eq!(
        (x.as_str(), statements),
        ("hit", 0),
        "B is served what A kept"
    );
    assert_eq!(on_b["data"], first["data"]);
    open_demand(&app, &b).await;
    let (after, x, _, _) = run(&app, &a, Request::new(PAGE)).await;
    assert_eq!(x, "miss", "A's kept answer went with B's mutation");
    assert_ne!(after["data"], first["data"]);

    // Redis out of reach: the cache is bypassed, answers are computed.
    let down = Arc::new(RedisLink::new("redis://127.0.0.1:1", &prefix).expect("link"));
    let cut_off = cached(&app.schema, Arc::new(RedisCache::new(down)));
    let (computed, x, _, statements) = run(&app, &cut_off, Request::new(PAGE)).await;
    assert_eq!(x, "-");
    assert!(statements > 0);
    assert_eq!(computed["data"], after["data"]);

    forgets_only_what_was_written(&app, &a, &b).await;
}

#[tokio::test]
async fn http_answers_say_how_they_may_be_cached() {
    let server = TestServer::start(1 << 20).await;
    let get = |token: Option<&str>| {
        let mut request = server
            .client
            .get(server.url("/graphql"))
            .query(&[("query", "{ regions { code } }")]);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let first = get(None).await.expect("send");
    assert_eq!(first.headers()["cache-control"], "public, max-age=5");
    // A shared cache keeps the anonymous answer apart from a signed-in one (issue 33).
    assert_eq!(first.headers()["vary"], "Accept, Authorization");
    assert_eq!(first.headers()["x-cache"], "miss");
    let first_cost = first.headers()["x-query-cost"].clone();
    let first_body: Value = first.json().await.expect("json");
    let second = get(None).await.expect("send");
    assert_eq!(second.headers()["x-cache"], "hit");
    // A hit is the kept bytes of `data`, with the request's own extensions beside them, and
    // costs what the answer cost when it was computed.
    assert_eq!(second.headers()["x-query-cost"], first_cost);
    let second_body: Value = second.json().await.expect("json");
    assert_eq!(second_body, first_body);
    assert!(
        second_body["data"]["regions"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(
        second_body["extensions"]["cost"]["actualQueryCost"]
            .as_u64()
            .is_some_and(|c| c > 0),
        "{second_body}"
    );
    let org: Value = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ organizations(filter: {kinds: [ENTERPRISE]}, first: 1) { nodes { id } } }" }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = org["data"]["organizations"]["nodes"][0]["id"]
        .as_str()
        .expect("an enterprise");
    let token = crate::auth::enterprise_token(id);
    let private = get(Some(&token)).await.expect("send");
    assert_eq!(private.status(), reqwest::StatusCode::OK);
    assert_eq!(private.headers()["cache-control"], "private, no-store");
    assert_eq!(private.headers()["vary"], "Accept, Authorization");
    assert!(private.headers().get("x-cache").is_none());
}

/// The store's own rules, on both stores: an answer is served while its tags stand, forgotten
/// when one moves, and not kept at all when a write was counted while it was computed.
async fn store_keeps_by_tags(store: &dyn ResponseCache) {
    use skillgraph::graphql::cache::Lookup;
    let ttl = Duration::from_secs(60);
    let data = |n: u64| skillgraph::graphql::cache::Answer {
        json: bytes::Bytes::from(format!("{{\"n\":{n}}}")),
        actual_cost: n,
    };
    let tags = |t: &[&str]| t.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
    let miss = |found: Option<Lookup>| match found.expect("reachable") {
        Lookup::Miss { writes } => writes,
        Lookup::Hit(data) => panic!("served {data:?}"),
    };
    let writes = miss(store.get("a").await);
    store
        .put(
            "a",
            writes,
            &tags(&["demands:1", "demands:*"]),
            data(1),
            ttl,
        )
        .await;
    store
        .put("b", writes, &tags(&["demands"]), data(2), ttl)
        .await;
    assert_eq!(store.get("a").await, Some(Lookup::Hit(data(1))));
    // Another row of the table: the list goes, the pinned row stays.
    store
        .invalidate(&tags(&["*", "demands", "demands:2"]))
        .await;
    assert_eq!(store.get("a").await, Some(Lookup::Hit(data(1))));
    let writes = miss(store.get("b").await);
    // A write counted while "b" was being computed: it is not kept.
    store.invalidate(&tags(&["*", "regions"])).await;
    store
        .put("b", writes, &tags(&["demands"]), data(3), ttl)
        .await;
    let writes = miss(store.get("b").await);
    store
        .put("b", writes, &tags(&["demands"]), data(4), ttl)
        .await;
    assert_eq!(store.get("b").await, Some(Lookup::Hit(data(4))));
    // The pinned row itself.
    store
        .invalidate(&tags(&["*", "demands", "demands:1"]))
        .await;
    miss(store.get("a").await);
    miss(store.get("b").await);
}

#[tokio::test]
async fn answers_are_kept_by_the_versions_of_their_tags() {
    store_keeps_by_tags(&MemoryCache::default()).await;
    // A cache remembering few tag versions (a hundred per answer) still never serves what a
    // tag it forgot read.
    let small = MemoryCache::new(1);
    let writes = match small.get("a").await {
        Some(skillgraph::graphql::cache::Lookup::Miss { writes }) => writes,
        other => panic!("{other:?}"),
    };
    let t = |s: &str| vec![s.to_owned()];
    small
        .put(
            "a",
            writes,
            &t("x"),
            skillgraph::graphql::cache::Answer {
                json: bytes::Bytes::from_static(b"1"),
                actual_cost: 1,
            },
            Duration::from_secs(60),
        )
        .await;
    small.invalidate(&t("x")).await;
    for n in 0..150 {
        // Pushes x's version out of the table of versions.
        small.invalidate(&t(&format!("other:{n}"))).await;
    }
    assert!(matches!(
        small.get("a").await,
        Some(skillgraph::graphql::cache::Lookup::Miss { .. })
    ));
}

#[tokio::test]
#[ignore = "needs Redis: SKILLGRAPH_TEST_REDIS_URL"]
async fn answers_in_redis_are_kept_by_the_versions_of_their_tags() {
    let url = crate::helpers::redis_url();
    let prefix = crate::helpers::redis_prefix();
    let link = Arc::new(RedisLink::new(&url, &prefix).expect("link"));
    store_keeps_by_tags(&RedisCache::new(link)).await;
}

/// A public list of resources leaves out the items of a suspended institution, so the
/// institution's standing is part of what the list read: a suspension that writes no item still
/// forgets the kept answer.
#[tokio::test]
async fn a_suspension_forgets_the_public_resource_lists() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let app = TestApp::demo().await;
    let schema = cached(&app.schema, Arc::new(MemoryCache::default()));
    // Only the count: the answer names no provider whose own row it would depend on.
    let count = "{ openResources(filter: {region: \"321100\"}) { totalCount } }";
    let (first, x, _, _) = run(&app, &schema, Request::new(count)).await;
    assert_eq!(x, "miss");
    let (_, x, _, _) = run(&app, &schema, Request::new(count)).await;
    assert_eq!(x, "hit");
    let zhenjiang = app.region_row("321100").await;
    let institution = entity::organization::Entity::find()
        .filter(
            entity::organization::Column::Kind.eq(entity::OrganizationKind::TrainingInstitution),
        )
        .filter(entity::organization::Column::RegionId.eq(zhenjiang))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("a Zhenjiang institution");
    let items = entity::open_resource::Entity::find()
        .filter(entity::open_resource::Column::ProviderId.eq(institution.id))
        .filter(skillgraph::domain::training::resources::current())
        .count(&app.db.db)
        .await
        .expect("count");
    assert!(items > 0, "the institution publishes");
    let regulator = who::regulator(zhenjiang);
    let suspended = schema
        .execute(
            Request::new("mutation($i: ID!) { setInstitutionStatus(input: {institution: $i, status: SUSPENDED, reason: \"核查\"}) { catalogueStatus } }")
                .variables(async_graphql::Variables::from_json(json!({
                    "i": skillgraph::graphql::ids::NodeKey::Organization(institution.id).to_id()
                })))
                .data(regulator),
        )
        .await;
    assert!(suspended.errors.is_empty(), "{:?}", suspended.errors);
    let (after, x, _, _) = run(&app, &schema, Request::new(count)).await;
    assert_eq!(x, "miss");
    let total = |v: &Value| {
        v["data"]["openResources"]["totalCount"]
            .as_u64()
            .expect("n")
    };
    assert_eq!(total(&after), total(&first) - items);
}

#[tokio::test]
async fn a_new_work_type_forgets_the_occupation_lists_that_search_by_text() {
    let app = TestApp::demo().await;
    let schema = cached(&app.schema, Arc::new(MemoryCache::default()));
    // An occupation's entry carries its work types' names: 电焊工 finds 焊工 once it is one.
    let by_text =
        "{ occupations(filter: {nameContains: \"氩弧焊工\"}) { totalCount nodes { code } } }";
    let (before, x, _, _) = run(&app, &schema, Request::new(by_text)).await;
    assert_eq!(x, "miss");
    assert_eq!(before["data"]["occupations"]["totalCount"], 0);
    let (_, x, _, _) = run(&app, &schema, Request::new(by_text)).await;
    assert_eq!(x, "hit");
    let added = schema
        .execute(
            Request::new("mutation { upsertWorkType(input: {code: \"ARGON_ARC_WELDER\", name: \"氩弧焊工\", occupation: \"6-18-02-04\"}) { code } }")
                .data(who::system_admin()),
        )
        .await;
    assert!(added.errors.is_empty(), "{:?}", added.errors);
    let (after, x, _, _) = run(&app, &schema, Request::new(by_text)).await;
    assert_eq!(x, "miss", "the kept answer is forgotten");
    assert_eq!(
        after["data"]["occupations"]["nodes"],
        json!([{ "code": "6-18-02-04" }])
    );
}
