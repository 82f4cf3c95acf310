//! Relay connections: cursors, both directions, stability under inserts, and the limits.

use serde_json::{Value, json};
use skillgraph::domain::{kernel::codes::CreditCode, network::organizations};

use crate::helpers::{TestApp, first_code};

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $order: OrganizationOrder) {
  organizations(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    edges { cursor node { name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

fn names(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn walk_forward(app: &TestApp, size: i64, order: Value) -> Vec<String> {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data_with(
                PAGE,
                json!({ "first": size, "after": after, "order": order }),
            )
            .await;
        let conn = &data["organizations"];
        seen.extend(names(conn));
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], !after.is_null());
        if conn["pageInfo"]["hasNextPage"] == false {
            return seen;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
}

async fn walk_backward(app: &TestApp, size: i64, order: Value) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut before = Value::Null;
    loop {
        let data = app
            .data_with(
                PAGE,
                json!({ "last": size, "before": before, "order": order }),
            )
            .await;
        let conn = &data["organizations"];
        let mut page = names(conn);
        page.extend(seen);
        seen = page;
        if conn["pageInfo"]["hasPreviousPage"] == false {
            return seen;
        }
        before = conn["pageInfo"]["startCursor"].clone();
    }
}

#[tokio::test]
async fn pages_cover_every_row_once_forwards_and_backwards() {
    let app = TestApp::demo().await;
    let whole = app.data_with(PAGE, json!({ "first": 100 })).await;
    let expected = names(&whole["organizations"]);
    assert_eq!(whole["organizations"]["totalCount"], expected.len());
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(expected, sorted, "by name, by code point, on every backend");

    assert_eq!(walk_forward(&app, 7, Value::Null).await, expected);
    assert_eq!(walk_backward(&app, 7, Value::Null).await, expected);

    let order = json!({ "field": "CREATED_AT", "direction": "DESC" });
    let by_time = walk_forward(&app, 9, order.clone()).await;
    assert_eq!(by_time.len(), expected.len());
    assert_eq!(walk_backward(&app, 9, order).await, by_time);
}

#[tokio::test]
async fn a_page_stays_correct_while_rows_are_inserted() {
    let app = TestApp::demo().await;
    let first = app.data_with(PAGE, json!({ "first": 10 })).await;
    let page1 = names(&first["organizations"]);
    let cursor = first["organizations"]["pageInfo"]["endCursor"].clone();

    // One organization sorting before the cursor, one right after it.
    let last_seen = page1.last().expect("a full page").clone();
    for (i, name) in ["一号新单位".to_owned(), format!("{last_seen}甲")]
        .into_iter()
        .enumerate()
    {
        let first17 = format!("91321100MA{:07}", 8_000 + i);
        let check = char::from(CreditCode::check_char(&first17).expect("alphabet"));
        organizations::create(
            &app.db.db,
            organizations::NewOrganization {
                name,
                name_en: None,
                kind: entity::OrganizationKind::Enterprise,
                credit_code: CreditCode::parse(&format!("{first17}{check}")).expect("valid"),
                region_id: 1,
                county_id: None,
                address: None,
                website: None,
                description: None,
                contact: None,
            },
        )
        .await
        .expect("insert");
    }

    let second = app
        .data_with(PAGE, json!({ "first": 10, "after": cursor }))
        .await;
    let page2 = names(&second["organizations"]);
    assert_eq!(
        page2[0],
        format!("{last_seen}甲"),
        "continues right after the cursor"
    );
    assert!(page2.iter().all(|n| !page1.contains(n)), "no row twice");
    assert!(page2.iter().all(|n| n.as_str() > last_seen.as_str()));
}

#[tokio::test]
async fn nested_connections_page_too() {
    let app = TestApp::demo().await;
    let query = r#"query($after: String) { alliance(code: "zj-digital-skills") {
        members(first: 3, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }"#;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let total = loop {
        let data = app.data_with(query, json!({ "after": after })).await;
        let members = &data["alliance"]["members"];
        seen.extend(
            members["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .map(|n| n["id"].clone()),
        );
        if members["pageInfo"]["hasNextPage"] == false {
            break members["totalCount"].as_u64().expect("count");
        }
        after = members["pageInfo"]["endCursor"].clone();
    };
    assert_eq!(seen.len() as u64, total);
    let unique: std::collections::BTreeSet<String> = seen.iter().map(|v| v.to_string()).collect();
    assert_eq!(unique.len(), seen.len());
}

#[tokio::test]
async fn paging_arguments_are_validated() {
    let app = TestApp::demo().await;
    let cases = [
        (json!({ "first": 101 }), "first"),
        (json!({ "last": 500 }), "last"),
        (json!({ "first": -1 }), "first"),
        (json!({ "first": 1, "last": 1 }), "last"),
        (json!({ "first": 1, "after": "garbage" }), "after"),
    ];
    for (vars, field) in cases {
        let response = app.query_with(PAGE, vars.clone()).await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{vars}");
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{vars}"
        );
    }

    // A cursor of one list or ordering is refused by another.
    let alliances = app
        .data("{ alliances(first: 1) { pageInfo { endCursor } } }")
        .await;
    let foreign = alliances["alliances"]["pageInfo"]["endCursor"].clone();
    let response = app
        .query_with(PAGE, json!({ "first": 2, "after": foreign }))
        .await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT");
    let by_name = app.data_with(PAGE, json!({ "first": 1 })).await;
    let name_cursor = by_name["organizations"]["pageInfo"]["endCursor"].clone();
    let response = app
        .query_with(
            PAGE,
            json!({ "first": 2, "after": name_cursor, "order": { "field": "CREATED_AT" } }),
        )
        .await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT");

    // A tampered cursor whose value has the wrong type never reaches SQL.
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        r#"{"o":"organizations:created:asc","k":[{"t":"Text","v":"x"},{"t":"Int","v":1}]}"#,
    );
    let response = app
        .query_with(
            PAGE,
            json!({ "first": 2, "after": forged, "order": { "field": "CREATED_AT" } }),
        )
        .await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT");

    // 100 is allowed.
    let data = app.data_with(PAGE, json!({ "first": 100 })).await;
    assert!(!names(&data["organizations"]).is_empty());
}

fn ids(connection: &Value) -> Vec<String> {
    connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A nested connection pages in SQL for every parent at once: each parent's page, in both
/// directions and from a cursor, is the slice of its whole list that paging in memory would give,
/// whatever other parents and aliases ask in the same statement.
#[tokio::test]
async fn nested_pages_are_slices_of_each_parents_whole_list() {
    let app = TestApp::demo().await;
    let data = app
        .data(
            r#"{ alliances(first: 50) { nodes { code
        all: members(first: 100) { totalCount nodes { id organization { kind } } }
        head: members(first: 2) { totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } }
        tail: members(last: 2) { nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor } }
        colleges: members(first: 100, kind: COLLEGE) { totalCount nodes { id } }
        none: members(first: 0) { nodes { id } pageInfo { hasNextPage } }
        again: members(first: 2) { nodes { id } } } } }"#,
        )
        .await;
    let alliances = data["alliances"]["nodes"].as_array().expect("alliances");
    assert!(alliances.len() > 5);
    let mut checked_cursor = false;
    for a in alliances {
        let all = ids(&a["all"]);
        let n = all.len();
        assert_eq!(a["all"]["totalCount"], n as u64, "{}", a["code"]);
        assert_eq!(a["head"]["totalCount"], n as u64);
        assert_eq!(ids(&a["head"]), all[..n.min(2)].to_vec(), "{}", a["code"]);
        assert_eq!(a["head"]["pageInfo"]["hasNextPage"], n > 2);
        assert_eq!(a["head"]["pageInfo"]["hasPreviousPage"], false);
        assert_eq!(ids(&a["tail"]), all[n.saturating_sub(2)..].to_vec());
        assert_eq!(a["tail"]["pageInfo"]["hasPreviousPage"], n > 2);
        assert_eq!(a["none"]["nodes"], json!([]));
        assert_eq!(
            a["again"]["nodes"], a["head"]["nodes"],
            "the same page twice"
        );
        assert_eq!(a["none"]["pageInfo"]["hasNextPage"], n > 0);
        let colleges: Vec<String> = a["all"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .filter(|m| m["organization"]["kind"] == "COLLEGE")
            .map(|m| m["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(ids(&a["colleges"]), colleges);
        assert_eq!(a["colleges"]["totalCount"], colleges.len() as u64);

        if n > 3 && !checked_cursor {
            checked_cursor = true;
            let code = a["code"].as_str().expect("code");
            let after = a["head"]["pageInfo"]["endCursor"].clone();
            let before = a["tail"]["pageInfo"]["startCursor"].clone();
            let next = app
                .data_with(
                    r#"query($code: String!, $after: String, $before: String) { alliance(code: $code) {
                    next: members(first: 2, after: $after) { nodes { id } pageInfo { hasPreviousPage } }
                    previous: members(last: 1, before: $before) { nodes { id } pageInfo { hasNextPage } } } }"#,
                    json!({ "code": code, "after": after, "before": before }),
                )
                .await;
            assert_eq!(
                ids(&next["alliance"]["next"]),
                all[2..n.min(4)].to_vec(),
                "after the head"
            );
            assert_eq!(
                next["alliance"]["next"]["pageInfo"]["hasPreviousPage"],
                true
            );
            assert_eq!(
                ids(&next["alliance"]["previous"]),
                vec![all[n - 3].clone()],
                "just before the tail"
            );
            // A cursor of another nested list is refused, naming the argument.
            let foreign = app
                .data(&format!(
                    r#"{{ alliance(code: "{code}") {{ openResources(first: 1) {{ pageInfo {{ endCursor }} }} demands(first: 1) {{ pageInfo {{ endCursor }} }} }} }}"#
                ))
                .await;
            let cursor = foreign["alliance"]["demands"]["pageInfo"]["endCursor"].clone();
            if !cursor.is_null() {
                let response = app
                    .query_with(
                        r#"query($code: String!, $after: String) { alliance(code: $code) { members(first: 2, after: $after) { nodes { id } } } }"#,
                        json!({ "code": code, "after": cursor }),
                    )
                    .await;
                assert_eq!(first_code(&response), "BAD_USER_INPUT");
                assert_eq!(response["errors"][0]["extensions"]["field"], "after");
            }
        }
    }
    assert!(checked_cursor, "some alliance has more than three members");
}

/// Pages nearest a point are read ring by ring; walked both ways they are the whole list in
/// distance order (ties by id), whichever ring the page boundaries fall in.
#[tokio::test]
async fn pages_nearest_a_point_walk_every_row_in_distance_order() {
    use sea_orm::{ConnectionTrait, Statement};
    use skillgraph::domain::kernel::geo::Near;

    let app = TestApp::demo().await;
    let db = &app.db.db;
    let backend = db.get_database_backend();
    let (lat0, lng0) = (33.9, 118.6);
    let near = Near::parse("near", lat0, lng0, 30.0).expect("near");
    // 90 open demands at 30 places, three at each (ties): from 40 m to 40 km away, so some fall
    // in each ring and a few outside the radius.
    let template = "SELECT min(id) FROM demands WHERE status = 'OPEN'";
    let columns = "enterprise_id, occupation_code, level, kind, headcount, wage_min, wage_max, \
                   region_id, address, valid_until, status, posted_at, created_at, updated_at, \
                   version, hired";
    let mut expected = vec![];
    for i in 0..90u32 {
        let place = f64::from(i / 3);
        let km = 0.04 * 1.27f64.powf(place);
        let angle = (place * 67.0).to_radians();
        let lat = lat0 + km * angle.sin() / 111.195;
        let lng = lng0 + km * angle.cos() / (111.195 * lat0.to_radians().cos());
        let label = format!("p{i}");
        let sql = format!(
            "INSERT INTO demands ({columns}, latitude, longitude, description) \
             SELECT {columns}, {lat}, {lng}, '{label}' FROM demands WHERE id = ({template})"
        );
        db.execute_raw(Statement::from_string(backend, sql))
            .await
            .expect("insert");
        let squared = near.squared_km(lat, lng);
        if squared <= 30.0 * 30.0 {
            expected.push((squared, i, label));
        }
    }
    expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().map(|e| e.2).collect();
    assert!(
        expected.len() > 60 && expected.len() < 90,
        "{}",
        expected.len()
    );
    // Demo demands are elsewhere: none lies within 30 km of this point.
    let query = r#"query($first: Int, $after: String, $last: Int, $before: String, $dir: SortDirection!) {
      demands(filter: {near: {latitude: 33.9, longitude: 118.6, radiusKm: 30}}, orderBy: {field: DISTANCE, direction: $dir},
              first: $first, after: $after, last: $last, before: $before) {
        totalCount nodes { description } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }"#;
    let labels = |page: &Value| -> Vec<String> {
        page["demands"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["description"].as_str().expect("label").to_owned())
            .collect()
    };
    let nearest_first = expected;
    let farthest_first: Vec<String> = nearest_first.iter().rev().cloned().collect();
    for (dir, expected, size) in [
        ("ASC", &nearest_first, 1),
        ("ASC", &nearest_first, 7),
        ("ASC", &nearest_first, 100),
        ("DESC", &farthest_first, 7),
    ] {
        let (mut forward, mut after) = (vec![], Value::Null);
        loop {
            let page = app
                .data_with(query, json!({ "first": size, "after": after, "dir": dir }))
                .await;
            assert_eq!(page["demands"]["totalCount"], expected.len());
            forward.extend(labels(&page));
            assert!(forward.len() <= expected.len(), "forwards: {forward:?}");
            if page["demands"]["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["demands"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(&forward, expected, "{dir} forwards, {size} a page");
        let (mut backward, mut before) = (Vec::<String>::new(), Value::Null);
        loop {
            let page = app
                .data_with(query, json!({ "last": size, "before": before, "dir": dir }))
                .await;
            let mut this = labels(&page);
            this.extend(backward);
            backward = this;
            assert!(backward.len() <= expected.len(), "backwards: {backward:?}");
            if page["demands"]["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["demands"]["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(&backward, expected, "{dir} backwards, {size} a page");
    }
    // The first page reads the small rings only: its statement is one, in parts.
    app.db.clear_recent();
    app.data_with(query, json!({ "first": 5, "dir": "ASC" }))
        .await;
    let pages: Vec<_> = app
        .db
        .recent_statements()
        .into_iter()
        .filter(|s| s.sql.contains("UNION ALL"))
        .collect();
    assert_eq!(pages.len(), 1, "one statement for the page");
}
