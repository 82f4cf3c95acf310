//! One search across the graph: what a person types finds what they expect, the same hits in the
//! same order on both databases, visibility as the lists, keyset pages, facets, and a write
//! searchable in its own transaction.

use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code};

const SEARCH: &str = r#"query($t: String!, $k: [SearchKind!], $f: SearchFilter, $n: Int, $a: String) {
  search(text: $t, kinds: $k, filter: $f) {
    hits(first: $n, after: $a) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { kind score title highlights { field text ranges { start end } }
              node { __typename ... on Demand { id status } ... on Occupation { code }
                     ... on Organization { name } ... on Alliance { name } } }
    }
  }
}"#;

/// (kind, title, score) of every hit of a page.
fn hits(data: &Value) -> Vec<(String, String, i64)> {
    data["search"]["hits"]["nodes"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().expect("kind").to_owned(),
                h["title"].as_str().expect("title").to_owned(),
                h["score"].as_i64().expect("score"),
            )
        })
        .collect()
}

async fn search(app: &TestApp, text: &str, kinds: Value, n: i64) -> Value {
    app.data_with(SEARCH, json!({ "t": text, "k": kinds, "n": n }))
        .await
}

async fn count(app: &TestApp, text: &str) -> usize {
    hits(&search(app, text, json!(["DEMAND"]), 5).await).len()
}

fn has(found: &[(String, String, i64)], kind: &str, title: &str) -> bool {
    found.iter().any(|(k, t, _)| k == kind && t == title)
}

#[tokio::test]
async fn what_people_type_finds_what_they_expect_on_the_demo() {
    let app = TestApp::demo().await;

    // The occupation's own name: the welder occupation and the welder demand first, both named
    // exactly (score 7), before names that merely hold it (喷涂喷焊工, 5) and bodies (1).
    let found = hits(&search(&app, "焊工", Value::Null, 20).await);
    assert_eq!(found[0].2, 7, "{found:?}");
    assert!(
        found[..2].iter().all(|(_, t, s)| t == "焊工" && *s == 7),
        "{found:?}"
    );
    assert!(has(&found, "DEMAND", "焊工") && has(&found, "OCCUPATION", "焊工"));
    assert!(has(&found, "OCCUPATION", "喷涂喷焊工"));
    assert!(
        found.windows(2).all(|w| w[0].2 >= w[1].2),
        "best first: {found:?}"
    );

    // One character, the initials on a phone, the word people say: each finds the welder.
    for text in ["焊", "hg", "hangong", "电焊", "电焊工"] {
        let found = hits(&search(&app, text, Value::Null, 50).await);
        assert!(
            has(&found, "DEMAND", "焊工") && has(&found, "OCCUPATION", "焊工"),
            "{text}: {found:?}"
        );
    }
    let found = hits(&search(&app, "hg", Value::Null, 2).await);
    assert!(
        found.iter().all(|(_, t, s)| t == "焊工" && *s == 7),
        "hg names 焊工 exactly: {found:?}"
    );
    // Every title-matched hit of one character holds it.
    let found = hits(&search(&app, "焊", Value::Null, 50).await);
    assert!(
        found
            .iter()
            .filter(|h| h.2 >= 5)
            .all(|(_, t, _)| t.contains('焊'))
    );

    // An alliance's industry: the alliance, the evaluation centre and the alliance's demand.
    let data = search(&app, "数字技能", Value::Null, 50).await;
    let found = hits(&data);
    assert!(
        found
            .iter()
            .any(|(k, t, _)| k == "ALLIANCE" && t.contains("数字技能")),
        "{found:?}"
    );
    assert!(found.iter().any(|(k, _, _)| k == "DEMAND"), "{found:?}");
    assert!(
        data["search"]["hits"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|h| !h["highlights"].as_array().expect("highlights").is_empty()),
        "every hit shows where it matched"
    );

    // Eyewear: its demands, enterprises, occupations and the 眼镜磨边工 work type.
    let found = hits(&search(&app, "眼镜", Value::Null, 50).await);
    for kind in ["DEMAND", "ORGANIZATION", "OCCUPATION", "WORK_TYPE"] {
        assert!(
            found
                .iter()
                .any(|(k, t, s)| k == kind && t.contains("眼镜") && *s >= 5),
            "{kind}: {found:?}"
        );
    }
    assert!(has(&found, "OCCUPATION", "眼镜验光师"));
}

#[tokio::test]
async fn a_hit_shows_its_object_and_where_it_matched() {
    let app = TestApp::demo().await;
    let data = search(&app, "焊工", json!(["DEMAND"]), 5).await;
    let hit = &data["search"]["hits"]["nodes"][0];
    assert_eq!(hit["kind"], "DEMAND");
    assert_eq!(hit["node"]["__typename"], "Demand");
    assert_eq!(hit["node"]["status"], "OPEN");
    assert_eq!(
        hit["highlights"][0],
        json!({ "field": "TITLE", "text": "焊工", "ranges": [{ "start": 0, "end": 2 }] })
    );
    let data = search(&app, "hg", json!(["OCCUPATION"]), 1).await;
    let hit = &data["search"]["hits"]["nodes"][0];
    assert_eq!(
        hit["node"],
        json!({ "__typename": "Occupation", "code": "6-18-02-04" })
    );
    assert_eq!(
        hit["highlights"][0]["ranges"],
        json!([{ "start": 0, "end": 2 }])
    );
    let body = hit["highlights"]
        .as_array()
        .expect("highlights")
        .iter()
        .find(|h| h["field"] == "BODY");
    if let Some(body) = body {
        let text: Vec<char> = body["text"].as_str().expect("text").chars().collect();
        for r in body["ranges"].as_array().expect("ranges") {
            let (s, e) = (
                r["start"].as_u64().expect("start"),
                r["end"].as_u64().expect("end"),
            );
            assert!(e as usize <= text.len() && s < e, "{body}");
        }
    }
}

#[tokio::test]
async fn the_same_hits_in_the_same_order_on_both_databases() {
    // The snapshot is shared: the SQLite run and the PostgreSQL run compare against one file.
    let app = TestApp::demo().await;
    let mut out = serde_json::Map::new();
    for text in [
        "焊工",
        "焊",
        "hg",
        "电焊",
        "数字技能",
        "眼镜",
        "yj",
        "联盟 镇江",
        "ai",
    ] {
        let found: Vec<String> = hits(&search(&app, text, Value::Null, 12).await)
            .into_iter()
            .map(|(k, t, s)| format!("{s} {k} {t}"))
            .collect();
        out.insert(text.to_owned(), json!(found));
    }
    insta::assert_json_snapshot!("search_hits_on_the_demo", Value::Object(out));
}

#[tokio::test]
async fn pages_follow_the_ranking_without_gaps_or_repeats() {
    let app = TestApp::demo().await;
    let whole = search(&app, "焊", Value::Null, 40).await;
    let total = whole["search"]["hits"]["totalCount"]
        .as_i64()
        .expect("total");
    let all = hits(&whole);
    assert_eq!(all.len() as i64, total.min(40));
    let mut paged = vec![];
    let mut after = Value::Null;
    while paged.len() < all.len() {
        let page = app
            .data_with(SEARCH, json!({ "t": "焊", "n": 7, "a": after }))
            .await;
        paged.extend(hits(&page));
        after = page["search"]["hits"]["pageInfo"]["endCursor"].clone();
        assert_eq!(page["search"]["hits"]["pageInfo"]["hasNextPage"], true);
    }
    paged.truncate(all.len());
    assert_eq!(paged, all);
    // A cursor of another list is refused, naming the argument.
    let demands = app
        .data(r#"{ demands(first: 1) { pageInfo { endCursor } } }"#)
        .await;
    let foreign = app
        .query_with(
            SEARCH,
            json!({ "t": "焊", "n": 3, "a": demands["demands"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(first_code(&foreign), "BAD_USER_INPUT");
    assert!(foreign.to_string().contains("after"), "{foreign}");
}

#[tokio::test]
async fn facets_count_every_hit_and_filters_narrow() {
    let app = TestApp::demo().await;
    let data = app
        .data(
            r#"{ search(text: "眼镜") {
                  hits(first: 1) { totalCount }
                  facets { kinds { kind count } regions { region { code } count }
                           groups { code group { name } count } levels { level count } } } }"#,
        )
        .await;
    let total = data["search"]["hits"]["totalCount"]
        .as_i64()
        .expect("total");
    let facets = &data["search"]["facets"];
    let by_kind: i64 = facets["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|k| k["count"].as_i64().expect("count"))
        .sum();
    assert_eq!(by_kind, total, "{facets}");
    assert!(
        facets["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .any(|g| g["code"] == "4-14" && g["group"]["name"].is_string()),
        "{facets}"
    );
    assert!(!facets["regions"].as_array().expect("regions").is_empty());
    assert!(!facets["levels"].as_array().expect("levels").is_empty());

    // Kinds, region, occupation and level narrow the hits.
    let demands = app
        .data_with(
            SEARCH,
            json!({ "t": "眼镜", "k": ["DEMAND"], "n": 50, "f": { "region": "321100", "occupation": "4-14", "minLevel": "LEVEL_4" } }),
        )
        .await;
    let found = hits(&demands);
    assert!(!found.is_empty());
    assert!(found.iter().all(|(k, _, _)| k == "DEMAND"));
    let none = app
        .data_with(
            SEARCH,
            json!({ "t": "眼镜", "k": ["DEMAND"], "f": { "region": "320700" } }),
        )
        .await;
    assert!(hits(&none).iter().all(|(k, _, _)| k == "DEMAND"));
}

#[tokio::test]
async fn a_search_without_anything_to_find_is_refused_by_name() {
    let app = TestApp::demo().await;
    for text in ["", "   ", "！？。", &"焊".repeat(101)] {
        let response = app.query_with(SEARCH, json!({ "t": text })).await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{text}");
        assert!(response.to_string().contains("text"), "{response}");
    }
}

#[tokio::test]
async fn the_public_finds_open_demand_only_and_a_write_is_found_at_once() {
    use crate::demands::{CREATE, OPEN, demand, enterprise};
    let app = TestApp::demo().await;
    let owner = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let mut input = demand(&["zj-eyewear"]);
    input["description"] = json!("树脂镜片湿法抛光，验光经验优先");
    let created = app.data_as(&owner, CREATE, json!({ "d": input })).await;
    let id = created["createDemand"]["id"].clone();
    assert_eq!(
        count(&app, "湿法抛光").await,
        0,
        "a draft is not found by the public"
    );
    let opened = app.data_as(&owner, OPEN, json!({ "id": id })).await;
    assert_eq!(opened["openDemand"]["status"], "OPEN");
    assert_eq!(
        count(&app, "湿法抛光").await,
        1,
        "opened, it is found at once"
    );
    // The list filter reads the same index.
    let listed = app
        .data(r#"{ demands(filter: {text: "湿法抛光"}) { totalCount } }"#)
        .await;
    assert_eq!(listed["demands"]["totalCount"], 1);
    let closed = app
        .data_as(
            &owner,
            "mutation($id: ID!) { closeDemand(input: {id: $id, reason: \"已招满\"}) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(closed["closeDemand"]["status"], "CLOSED");
    assert_eq!(
        count(&app, "湿法抛光").await,
        0,
        "closed, it leaves the search"
    );
}

#[tokio::test]
async fn an_entry_is_written_and_undone_with_its_transaction() {
    use sea_orm::{ActiveModelTrait, Set, TransactionTrait};
    use skillgraph::domain::search::{self, Query, SearchFilter, index};
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let region = app.region_row("321100").await;
    let find = Query::parse("潮汐能").expect("query");
    let filter = SearchFilter {
        kinds: vec![entity::SearchKind::Organization],
        ..Default::default()
    };
    let request = skillgraph::domain::read::page::PageRequest::first(5);
    let txn = db.begin().await.expect("begin");
    let org = entity::organization::ActiveModel {
        name: Set("镇江潮汐能装备有限公司".to_owned()),
        kind: Set(entity::OrganizationKind::Enterprise),
        credit_code: Set("91321100MA1TIDAL9X".to_owned()),
        region_id: Set(region),
        created_at: Set(chrono::Utc::now()),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .expect("insert");
    index::write_ids(&txn, entity::SearchKind::Organization, [org.id])
        .await
        .expect("index");
    let inside = search::search(&txn, &find, &filter, &request)
        .await
        .expect("search");
    assert_eq!(inside.items.len(), 1, "found inside the transaction");
    txn.rollback().await.expect("rollback");
    let after = search::search(db, &find, &filter, &request)
        .await
        .expect("search");
    assert!(after.items.is_empty(), "gone with the rollback");
}

const SUGGEST: &str = r#"query($p: String!, $k: [SearchKind!], $n: Int) {
  suggest(prefix: $p, kinds: $k, first: $n) { text matched }
}"#;

async fn suggest(app: &TestApp, prefix: &str, kinds: Value) -> Vec<(String, String)> {
    app.data_with(SUGGEST, json!({ "p": prefix, "k": kinds, "n": 10 }))
        .await["suggest"]
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| {
            (
                s["text"].as_str().expect("text").to_owned(),
                s["matched"].as_str().expect("matched").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn suggestions_complete_chinese_pinyin_and_initials() {
    let app = TestApp::demo().await;
    let welder = ("焊工".to_owned(), "NAME".to_owned());
    assert_eq!(suggest(&app, "焊", Value::Null).await[0], welder);
    assert_eq!(
        suggest(&app, "hg", Value::Null).await[0],
        ("焊工".to_owned(), "INITIALS".to_owned())
    );
    assert_eq!(
        suggest(&app, "hang", Value::Null).await[0],
        ("焊工".to_owned(), "PINYIN".to_owned())
    );
    let eyewear = suggest(&app, "眼镜", Value::Null).await;
    assert!(eyewear.len() >= 4, "{eyewear:?}");
    assert!(
        eyewear
            .iter()
            .all(|(t, m)| t.starts_with("眼镜") && m == "NAME")
    );
    let by_initials = suggest(&app, "yjy", Value::Null).await;
    assert!(
        by_initials.iter().any(|(t, _)| t == "眼镜验光师"),
        "{by_initials:?}"
    );
    // Kinds narrow: 焊接材料制造工 is an occupation, not the title of any demand.
    let demands = suggest(&app, "焊", json!(["DEMAND"])).await;
    assert_eq!(demands, vec![welder]);
    // Nothing to complete, or too much, is refused by name.
    for prefix in ["", "？！", &"焊".repeat(31)] {
        let response = app.query_with(SUGGEST, json!({ "p": prefix })).await;
        assert_eq!(
            first_code(&response),
            "BAD_USER_INPUT",
            "{prefix}: {response}"
        );
        assert!(response.to_string().contains("prefix"), "{response}");
    }
}

#[tokio::test]
async fn a_title_is_suggested_while_something_visible_carries_it() {
    use crate::demands::{CREATE, OPEN, demand, enterprise};
    let app = TestApp::demo().await;
    let owner = enterprise(&app, "丹阳明视眼镜有限公司").await;
    let mut input = demand(&["zj-eyewear"]);
    input["occupation"] = json!("4-14-03-04");
    input["workType"] = json!("ZJ_LENS_EDGER");
    let created = app.data_as(&owner, CREATE, json!({ "d": input })).await;
    let id = created["createDemand"]["id"].clone();
    let titled =
        |found: Vec<(String, String)>| found.iter().any(|(t, _)| t == "眼镜定配工 · 眼镜磨边工");
    assert!(
        !titled(suggest(&app, "眼镜定配", json!(["DEMAND"])).await),
        "a draft's title is not suggested"
    );
    app.data_as(&owner, OPEN, json!({ "id": id })).await;
    assert!(titled(suggest(&app, "眼镜定配", json!(["DEMAND"])).await));
    assert!(titled(suggest(&app, "yjdpg", Value::Null).await));
}
