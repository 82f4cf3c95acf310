//! Queries across alliances and regions over the demo data.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};
use skillgraph::domain::kernel::codes::CreditCode;

use crate::helpers::{TestApp, first_code};

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v[key].as_str().expect("a string").to_owned())
        .collect()
}

/// Every organization with the codes of its alliances, read without filters.
async fn all_organizations(app: &TestApp) -> Vec<(String, Vec<String>, String, String)> {
    let data = app
        .data("{ organizations(first: 100) { totalCount nodes { name kind alliances { code region { code } } region { code } } } }")
        .await;
    assert!(data["organizations"]["totalCount"].as_i64().expect("count") <= 100);
    data["organizations"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|o| {
            let alliances = o["alliances"]
                .as_array()
                .expect("alliances")
                .iter()
                .map(|a| {
                    format!(
                        "{}@{}",
                        a["code"].as_str().expect("code"),
                        a["region"]["code"].as_str().expect("region")
                    )
                })
                .collect();
            (
                o["name"].as_str().expect("name").to_owned(),
                alliances,
                o["kind"].as_str().expect("kind").to_owned(),
                o["region"]["code"].as_str().expect("region").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn demo_data_has_the_regions_and_alliances_the_issue_names() {
    let app = TestApp::demo().await;
    let data = app
        .data("{ regions { code nameEn alliances { totalCount nodes { code industry } } } }")
        .await;
    let regions = data["regions"].as_array().expect("regions");
    assert_eq!(
        strings(&data["regions"], "code"),
        ["320700", "320800", "321100"]
    );
    let zhenjiang = &regions[2];
    assert_eq!(zhenjiang["nameEn"], "Zhenjiang");
    assert_eq!(zhenjiang["alliances"]["totalCount"], 8);
    let industries: BTreeSet<String> = strings(&zhenjiang["alliances"]["nodes"], "industry")
        .into_iter()
        .collect();
    assert_eq!(industries.len(), 8, "one leading industry per alliance");
    for real in ["EYEWEAR", "MARINE_ENGINEERING_EQUIPMENT", "DIGITAL_SKILLS"] {
        assert!(industries.contains(real), "{real}");
    }
    assert!(
        regions[1]["alliances"]["totalCount"]
            .as_i64()
            .expect("count")
            >= 2,
        "Huai'an"
    );

    let orgs = all_organizations(&app).await;
    assert!(orgs.len() >= 60, "{} organizations", orgs.len());
    let kinds: BTreeSet<&str> = orgs.iter().map(|o| o.2.as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            "ASSESSMENT_BODY",
            "COLLEGE",
            "ENTERPRISE",
            "GOVERNMENT",
            "TRAINING_INSTITUTION"
        ])
    );
    assert!(
        orgs.iter().filter(|o| o.1.len() >= 2).count() >= 5,
        "several in two or more alliances"
    );
}

#[tokio::test]
async fn every_stored_credit_code_is_valid() {
    let app = TestApp::demo().await;
    let data = app
        .data("{ organizations(first: 100) { nodes { creditCode } } }")
        .await;
    let codes = strings(&data["organizations"]["nodes"], "creditCode");
    assert!(codes.len() >= 60);
    for code in &codes {
        assert!(CreditCode::parse(code).is_ok(), "{code}");
    }
    assert_eq!(
        codes.iter().collect::<BTreeSet<_>>().len(),
        codes.len(),
        "unique"
    );
}

#[tokio::test]
async fn alliances_filter_by_industry_across_regions_and_by_region() {
    let app = TestApp::demo().await;
    let data = app
        .data(r#"{ alliances(filter: {industry: DIGITAL_SKILLS}) { totalCount nodes { code region { code } } } }"#)
        .await;
    assert_eq!(data["alliances"]["totalCount"], 2);
    let regions: BTreeSet<String> = data["alliances"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|a| a["region"]["code"].as_str().expect("code").to_owned())
        .collect();
    assert_eq!(
        regions,
        BTreeSet::from(["320800".to_owned(), "321100".to_owned()])
    );

    let data = app
        .data(r#"{ alliances(filter: {region: "320800"}, orderBy: {field: NAME, direction: DESC}) { totalCount nodes { code name region { code } } } }"#)
        .await;
    assert_eq!(data["alliances"]["totalCount"], 3);
    let names = strings(&data["alliances"]["nodes"], "name");
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted, "ordered by name descending, by code point");

    let all = app.data("{ alliances { totalCount } }").await;
    assert_eq!(
        all["alliances"]["totalCount"], 12,
        "no filter means every alliance"
    );
}

#[tokio::test]
async fn alliance_members_by_kind_and_role() {
    let app = TestApp::demo().await;
    let data = app
        .data(r#"{ alliance(code: "ZJ-Eyewear") {
              code region { code }
              leads: members(role: LEAD) { nodes { role organization { name } } }
              colleges: members(kind: [COLLEGE, TRAINING_INSTITUTION]) { totalCount nodes { organization { kind } } }
              all: members { totalCount }
              leadCollege: members(role: LEAD, kind: COLLEGE) { nodes { organization { name } } }
            } }"#)
        .await;
    let alliance = &data["alliance"];
    assert_eq!(alliance["code"], "zj-eyewear", "codes are case-insensitive");
    assert_eq!(alliance["region"]["code"], "321100");
    let leads: BTreeSet<String> = alliance["leads"]["nodes"]
        .as_array()
        .expect("leads")
        .iter()
        .map(|m| m["organization"]["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(
        leads,
        BTreeSet::from([
            "丹阳中等专业学校".to_owned(),
            "丹阳明视眼镜有限公司".to_owned()
        ])
    );
    for m in alliance["colleges"]["nodes"].as_array().expect("nodes") {
        let kind = m["organization"]["kind"].as_str().expect("kind");
        assert!(
            kind == "COLLEGE" || kind == "TRAINING_INSTITUTION",
            "{kind}"
        );
    }
    assert_eq!(alliance["colleges"]["totalCount"], 2);
    assert_eq!(alliance["all"]["totalCount"], 9);
    assert_eq!(
        alliance["leadCollege"]["nodes"],
        json!([{ "organization": { "name": "丹阳中等专业学校" } }]),
        "a single kind coerces to the list"
    );

    let missing = app
        .data(r#"{ alliance(code: "zj-nothing") { code } }"#)
        .await;
    assert_eq!(missing["alliance"], Value::Null);
}

#[tokio::test]
async fn organizations_in_several_alliances_and_what_they_do_across_them() {
    let app = TestApp::demo().await;
    let expected: BTreeSet<String> = all_organizations(&app)
        .await
        .into_iter()
        .filter(|o| o.1.len() >= 2)
        .map(|o| o.0)
        .collect();
    let data = app
        .data("{ organizations(filter: {minAlliances: 2}, first: 100) { totalCount nodes { name memberships { role isCurrent alliance { code } } } } }")
        .await;
    let got: BTreeSet<String> = strings(&data["organizations"]["nodes"], "name")
        .into_iter()
        .collect();
    assert_eq!(got, expected);
    assert_eq!(data["organizations"]["totalCount"], expected.len());
    for org in data["organizations"]["nodes"].as_array().expect("nodes") {
        assert!(org["memberships"].as_array().expect("memberships").len() >= 2);
    }
    let three = app
        .data("{ organizations(filter: {minAlliances: 3}, orderBy: {field: NAME}) { totalCount nodes { name kind region { code } memberships { role alliance { code } } } } }")
        .await;
    let names = strings(&three["organizations"]["nodes"], "name");
    assert!(
        names.contains(&"镇江市人力资源和社会保障局".to_owned()),
        "{names:?}"
    );
    // The demo's organizations in three alliances or more, whole.
    insta::assert_json_snapshot!("organizations_in_three_alliances", three);
}

#[tokio::test]
async fn organizations_filter_by_alliances_region_kind_and_name() {
    let app = TestApp::demo().await;
    let all = all_organizations(&app).await;

    let any_of = ["zj-eyewear", "ha-food-processing"];
    let expected: BTreeSet<String> = all
        .iter()
        .filter(|o| {
            o.1.iter()
                .any(|a| any_of.iter().any(|c| a.starts_with(&format!("{c}@"))))
        })
        .map(|o| o.0.clone())
        .collect();
    let data = app
        .data_with(
            "query($a: [String!]) { organizations(filter: {alliances: $a}, first: 100) { totalCount nodes { name } } }",
            json!({ "a": any_of }),
        )
        .await;
    let got: BTreeSet<String> = strings(&data["organizations"]["nodes"], "name")
        .into_iter()
        .collect();
    assert_eq!(got, expected, "members of any of the alliances");
    assert_eq!(data["organizations"]["totalCount"], expected.len());

    let expected: BTreeSet<String> = all
        .iter()
        .filter(|o| o.1.iter().any(|a| a.ends_with("@320800")) && o.2 == "COLLEGE")
        .map(|o| o.0.clone())
        .collect();
    let data = app
        .data(r#"{ organizations(filter: {region: "320800", kinds: [COLLEGE]}, first: 100) { nodes { name } } }"#)
        .await;
    let got: BTreeSet<String> = strings(&data["organizations"]["nodes"], "name")
        .into_iter()
        .collect();
    assert_eq!(
        got, expected,
        "colleges in Huai'an's alliances, wherever they are located"
    );
    assert!(
        got.contains("江苏农林职业技术学院"),
        "a Zhenjiang college in a Huai'an alliance"
    );

    let data = app
        .data(
            r#"{ chinese: organizations(filter: {nameContains: "眼镜"}) { nodes { name } }
                   english: organizations(filter: {nameContains: "EYEWEAR co"}) { nodes { nameEn } }
                   literal: organizations(filter: {nameContains: "%"}) { totalCount } }"#,
        )
        .await;
    let chinese = strings(&data["chinese"]["nodes"], "name");
    assert!(
        chinese.len() >= 4 && chinese.iter().all(|n| n.contains("眼镜")),
        "{chinese:?}"
    );
    // Letters match the start of a word: "co" is Co., Company, Corporation.
    let english = strings(&data["english"]["nodes"], "nameEn");
    assert!(
        !english.is_empty()
            && english.iter().all(|n| {
                let lower = n.to_lowercase();
                lower.contains("eyewear")
                    && lower
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w.starts_with("co"))
            }),
        "{english:?}"
    );
    assert_eq!(
        data["literal"]["totalCount"], 0,
        "% searches for nothing and finds nothing"
    );
}

#[tokio::test]
async fn occupations_are_the_whole_2022_classification() {
    let app = TestApp::demo().await;
    let data = app
        .data(r#"{
            all: occupations { totalCount }
            digital: occupations(filter: {digital: true}) { totalCount }
            green: occupations(filter: {green: true}) { totalCount }
            both: occupations(filter: {digital: true, green: true}) { totalCount }
            group: occupations(filter: {codePrefix: "6-18"}, first: 100) { totalCount nodes { code major } }
            major: occupations(filter: {major: 4, nameContains: "眼镜"}) { nodes { code name } }
            welder: occupation(code: "6-18-02-04") { code name major digital green }
            marketer: occupation(code: "4-01-06-02") { name }
            none: occupation(code: "6-18-02-99") { name }
        }"#)
        .await;
    assert_eq!(data["all"]["totalCount"], 1639);
    assert_eq!(data["digital"]["totalCount"], 97);
    assert_eq!(data["green"]["totalCount"], 134);
    assert_eq!(data["both"]["totalCount"], 23);
    let group = data["group"]["nodes"].as_array().expect("group");
    assert!(!group.is_empty());
    assert_eq!(data["group"]["totalCount"], group.len());
    assert!(
        group
            .iter()
            .all(|o| o["code"].as_str().expect("code").starts_with("6-18-") && o["major"] == 6)
    );
    let eyewear: HashMap<String, String> = data["major"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|o| {
            (
                o["code"].as_str().expect("c").to_owned(),
                o["name"].as_str().expect("n").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        eyewear.get("4-14-03-03").map(String::as_str),
        Some("眼镜验光师")
    );
    assert_eq!(
        eyewear.get("4-14-03-04").map(String::as_str),
        Some("眼镜定配工")
    );
    assert_eq!(
        data["welder"],
        json!({"code": "6-18-02-04", "name": "焊工", "major": 6, "digital": false, "green": false})
    );
    assert_eq!(data["marketer"]["name"], "互联网营销师");
    assert_eq!(data["none"], Value::Null);
}

#[tokio::test]
async fn occupation_codes_are_validated() {
    let app = TestApp::empty().await;
    for (query, field) in [
        (r#"{ occupation(code: "6-18-2-04") { name } }"#, "code"),
        (r#"{ occupation(code: "9-18-02-04") { name } }"#, "code"),
        (
            r#"{ occupations(filter: {codePrefix: "6-1"}) { totalCount } }"#,
            "filter.codePrefix",
        ),
        (
            r#"{ occupations(filter: {major: 9}) { totalCount } }"#,
            "filter.major",
        ),
    ] {
        let response = app.query(query).await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{query}");
        assert_eq!(
            response["errors"][0]["extensions"]["field"], field,
            "{query}"
        );
    }
}

#[tokio::test]
async fn nodes_are_fetched_by_global_id() {
    let app = TestApp::demo().await;
    let data = app
        .data(
            r#"{ alliance(code: "zj-marine-equipment") { id region { id }
                  members(first: 1) { nodes { id organization { id } } } }
                  occupation(code: "6-23-02-01") { id } }"#,
        )
        .await;
    let ids = [
        data["alliance"]["id"].clone(),
        data["alliance"]["region"]["id"].clone(),
        data["alliance"]["members"]["nodes"][0]["id"].clone(),
        data["alliance"]["members"]["nodes"][0]["organization"]["id"].clone(),
        data["occupation"]["id"].clone(),
    ];
    let fetched = app
        .data_with(
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
                 ... on Alliance { code } ... on Region { code } ... on Occupation { name } } }"#,
            json!({ "ids": ids }),
        )
        .await;
    let nodes = fetched["nodes"].as_array().expect("nodes");
    let types: Vec<&str> = nodes
        .iter()
        .map(|n| n["__typename"].as_str().expect("type"))
        .collect();
    assert_eq!(
        types,
        [
            "Alliance",
            "Region",
            "Membership",
            "Organization",
            "Occupation"
        ]
    );
    for (node, id) in nodes.iter().zip(&ids) {
        assert_eq!(&node["id"], id);
    }
    assert_eq!(nodes[0]["code"], "zj-marine-equipment");
    assert_eq!(nodes[4]["name"], "金属船体制造工");

    // An ID of the right shape for a row that does not exist is null, not an error.
    let gone = skillgraph::graphql::ids::NodeKey::Organization(999_999).to_id();
    let data = app
        .data_with(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gone.0 }),
        )
        .await;
    assert_eq!(data["node"], Value::Null);

    let response = app.query(r#"{ node(id: "bm90IGFuIGlk") { id } }"#).await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "id");
}

#[tokio::test]
async fn skill_levels_are_ordered_lowest_first() {
    let app = TestApp::empty().await;
    let data = app
        .data("{ skillLevels { level rank name certificateDigit } }")
        .await;
    let levels = strings(&data["skillLevels"], "level");
    assert_eq!(
        levels,
        [
            "APPRENTICE",
            "LEVEL_5",
            "LEVEL_4",
            "LEVEL_3",
            "LEVEL_2",
            "LEVEL_1",
            "SPECIAL_TECHNICIAN",
            "CHIEF_TECHNICIAN"
        ]
    );
    let ranks: Vec<i64> = data["skillLevels"]
        .as_array()
        .expect("levels")
        .iter()
        .map(|l| l["rank"].as_i64().expect("rank"))
        .collect();
    assert_eq!(ranks, (1..=8).collect::<Vec<_>>());
    assert_eq!(data["skillLevels"][3]["name"], "高级工");
    assert_eq!(data["skillLevels"][3]["certificateDigit"], 3);
    // The stored ranks are the same ladder, so "at or above" comparisons in SQL agree with it.
    use sea_orm::ActiveEnum;
    assert_eq!(entity::SkillLevel::Level3.to_value(), 4);
    assert_eq!(entity::SkillLevel::ChiefTechnician.to_value(), 8);
}

#[tokio::test]
async fn every_placed_type_answers_one_location_shape() {
    let app = TestApp::demo().await;
    let place =
        "region { code } address latitude longitude distanceKm(latitude: 32.0, longitude: 119.5)";
    let query = format!(
        "{{ demands(first: 5) {{ nodes {{ region {{ code }} address latitude longitude distanceKm(latitude: 32.0, longitude: 119.5) location {{ {place} }} }} }}
           openResources(first: 5) {{ nodes {{ region {{ code }} address latitude longitude distanceKm(latitude: 32.0, longitude: 119.5) location {{ {place} }} }} }}
           assessmentSessions(first: 5) {{ nodes {{ region {{ code }} address distanceKm(latitude: 32.0, longitude: 119.5) location {{ {place} }} }} }} }}"
    );
    let data = app.data(&query).await;
    let mut placed = 0;
    for list in ["demands", "openResources", "assessmentSessions"] {
        let nodes = data[list]["nodes"].as_array().expect("nodes");
        assert!(!nodes.is_empty(), "the demo has {list}");
        for node in nodes {
            let location = &node["location"];
            for field in ["region", "address", "distanceKm"] {
                assert_eq!(location[field], node[field], "{list}: {field} in {node}");
            }
            if list != "assessmentSessions" {
                assert_eq!(location["latitude"], node["latitude"]);
                assert_eq!(location["longitude"], node["longitude"]);
            }
            assert!(location["region"]["code"].is_string());
            if location["latitude"].is_f64() {
                placed += 1;
                let km = location["distanceKm"]
                    .as_f64()
                    .expect("a placed row has a distance");
                assert!(km.is_finite() && km >= 0.0);
            } else {
                assert_eq!(location["distanceKm"], Value::Null, "no point, no distance");
            }
        }
    }
    assert!(placed > 0, "some demo rows have a point");
}
