//! Industries as data and a city's clusters of them (issue 35): the closed list became rows that
//! the system administrator and regulators extend, alliances name theirs (`sector`, with the old
//! enum still readable), and alliance lists filter by industry or cluster.

use serde_json::json;

use crate::helpers::{TestApp, errors, first_code, who};

const UPSERT: &str = "mutation($i: UpsertIndustryInput!) { upsertIndustry(input: $i) { code name nameEn section addedBy { code } } }";
const CLUSTER: &str = "mutation($i: UpsertIndustryClusterInput!) { upsertIndustryCluster(input: $i) { code name region { code } industries { code } } }";

#[tokio::test]
async fn the_closed_list_is_data_and_alliances_read_both_shapes() {
    let app = TestApp::demo().await;
    let data = app
        .data(r#"{ industries { code name section addedBy { code } } alliances(first: 100) { nodes { industry sector { code } } } }"#)
        .await;
    let industries = data["industries"].as_array().expect("industries");
    assert_eq!(industries.len(), 10);
    assert!(industries.iter().all(|i| i["addedBy"].is_null()));
    let eyewear = industries
        .iter()
        .find(|i| i["code"] == "EYEWEAR")
        .expect("eyewear");
    assert_eq!(
        (&eyewear["name"], &eyewear["section"]),
        (&json!("眼镜"), &json!("C"))
    );
    for alliance in data["alliances"]["nodes"].as_array().expect("alliances") {
        assert_eq!(
            alliance["industry"], alliance["sector"]["code"],
            "{alliance}"
        );
    }
    // The old filter and the new one agree.
    let old = app
        .data(r#"{ alliances(filter: {industry: EYEWEAR}) { totalCount } }"#)
        .await;
    let new = app
        .data(r#"{ alliances(filter: {industries: ["EYEWEAR"]}) { totalCount } }"#)
        .await;
    assert_eq!(old, new);
    assert!(old["alliances"]["totalCount"].as_i64().expect("count") > 0);
    let other = app
        .query(r#"{ alliances(filter: {industry: OTHER}) { totalCount } }"#)
        .await;
    assert_eq!(errors(&other)[0]["extensions"]["field"], "filter.industry");
}

#[tokio::test]
async fn regulators_add_their_industries_and_clusters() {
    let app = TestApp::demo().await;
    let huaian = who::regulator(app.region_row("320800").await);
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let added = app
        .data_as(
            &huaian,
            UPSERT,
            json!({ "i": { "code": "PORT_MACHINERY", "name": "港口机械", "section": "c" } }),
        )
        .await;
    assert_eq!(
        added["upsertIndustry"],
        json!({ "code": "PORT_MACHINERY", "name": "港口机械", "nameEn": "", "section": "C", "addedBy": { "code": "320800" } })
    );
    // Another region's regulator may not rename it, nor a national industry; the system
    // administrator may.
    for code in ["PORT_MACHINERY", "EYEWEAR"] {
        let refused = app
            .query_as(
                &zhenjiang,
                UPSERT,
                json!({ "i": { "code": code, "name": "改名", "section": "C" } }),
            )
            .await;
        assert_eq!(first_code(&refused), "FORBIDDEN", "{code}: {refused}");
    }
    let renamed = app
        .data_as(
            &who::system_admin(),
            UPSERT,
            json!({ "i": { "code": "PORT_MACHINERY", "name": "港口机械装备", "nameEn": "Port machinery", "section": "C" } }),
        )
        .await;
    assert_eq!(renamed["upsertIndustry"]["name"], "港口机械装备");
    // Bad input names the field.
    for (input, field) in [
        (
            json!({ "code": "port", "name": "x", "section": "C" }),
            "input.code",
        ),
        (
            json!({ "code": "CHEMICALS", "name": "", "section": "C" }),
            "input.name",
        ),
        (
            json!({ "code": "CHEMICALS", "name": "化工", "section": "Z" }),
            "input.section",
        ),
    ] {
        let bad = app.query_as(&huaian, UPSERT, json!({ "i": input })).await;
        assert_eq!(first_code(&bad), "BAD_USER_INPUT", "{bad}");
        assert_eq!(errors(&bad)[0]["extensions"]["field"], field, "{bad}");
    }

    // Huai'an's cluster, and the alliance list by cluster.
    let cluster = app
        .data_as(
            &huaian,
            CLUSTER,
            json!({ "i": { "code": "ha-7-plus-3", "name": "\"7+3\"产业集群", "region": "320800", "industries": ["FOOD_PROCESSING", "ELDERLY_CARE", "PORT_MACHINERY"] } }),
        )
        .await;
    assert_eq!(
        cluster["upsertIndustryCluster"]["industries"],
        json!([{ "code": "ELDERLY_CARE" }, { "code": "FOOD_PROCESSING" }, { "code": "PORT_MACHINERY" }])
    );
    let by_cluster = app
        .data(r#"{ alliances(filter: {clusters: ["ha-7-plus-3"]}) { nodes { sector { code } } } industryClusters(region: "320800") { code } }"#)
        .await;
    let sectors: Vec<&str> = by_cluster["alliances"]["nodes"]
        .as_array()
        .expect("alliances")
        .iter()
        .map(|a| a["sector"]["code"].as_str().expect("code"))
        .collect();
    assert!(!sectors.is_empty());
    assert!(
        sectors
            .iter()
            .all(|s| ["FOOD_PROCESSING", "ELDERLY_CARE", "PORT_MACHINERY"].contains(s)),
        "{sectors:?}"
    );
    assert_eq!(
        by_cluster["industryClusters"],
        json!([{ "code": "ha-7-plus-3" }])
    );
    // Another city's regulator may not keep Huai'an's clusters; an unknown industry is named.
    let foreign = app
        .query_as(
            &zhenjiang,
            CLUSTER,
            json!({ "i": { "code": "ha-353", "name": "353", "region": "320800", "industries": ["EYEWEAR"] } }),
        )
        .await;
    assert_eq!(first_code(&foreign), "FORBIDDEN", "{foreign}");
    let unknown = app
        .query_as(
            &huaian,
            CLUSTER,
            json!({ "i": { "code": "ha-353", "name": "353", "region": "320800", "industries": ["EYEWEAR", "SPACEFLIGHT"] } }),
        )
        .await;
    assert_eq!(
        errors(&unknown)[0]["extensions"]["field"],
        "input.industries[1]"
    );

    // Founding names the industry once, and one that exists.
    for (industry, field) in [
        (r#"sector: "SPACEFLIGHT""#, "input.sector"),
        (r#"sector: "EYEWEAR", industry: EYEWEAR"#, "input.sector"),
    ] {
        let query = format!(
            r#"mutation {{ foundAlliance(input: {{code: "ha-x", name: "某联盟", nameEn: "X", {industry}, region: "320800", foundedOn: "2026-01-01", leads: ["T3JnYW5pemF0aW9uOjE"]}}) {{ code }} }}"#
        );
        let refused = app.query_as(&huaian, &query, json!({})).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(
            errors(&refused)[0]["extensions"]["field"],
            field,
            "{refused}"
        );
    }
}
