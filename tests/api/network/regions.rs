//! Regions as reference data (issue 35): every province, city and county is in a fresh database,
//! in a tree; `regions` lists those in service unless a filter says otherwise; a region filter
//! means the region and everything under it; new rows name a current city.

use serde_json::json;
use skillgraph::domain::kernel::codes::CreditCode;

use crate::helpers::{TestApp, errors, first_code, who};

/// A valid unified social credit code of `authority` (two digits) in `region`.
fn credit_code(authority: &str, region: &str, serial: u32) -> String {
    let first17 = format!("{authority}{region}MA{serial:07}");
    let check = CreditCode::check_char(&first17).expect("alphabet");
    format!("{first17}{}", char::from(check))
}

const REGISTER: &str = "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { id region { code name level } } }";

fn codes(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|r| r["code"].as_str().expect("code").to_owned())
        .collect()
}

#[tokio::test]
async fn an_empty_database_holds_the_whole_division_tree() {
    let app = TestApp::empty().await;
    // Nothing is registered: no region is in service yet.
    assert_eq!(app.data("{ regions { code } }").await["regions"], json!([]));
    let provinces = app
        .data("{ regions(filter: {levels: [PROVINCE]}) { code nameEn level parent { code } } }")
        .await;
    let provinces = provinces["regions"].as_array().expect("provinces");
    assert_eq!(provinces.len(), 31);
    let jiangsu = provinces
        .iter()
        .find(|p| p["code"] == "320000")
        .expect("Jiangsu");
    assert_eq!(jiangsu["nameEn"], "Jiangsu");
    assert_eq!(jiangsu["parent"], json!(null));

    let dalian = app
        .data(r#"{ region(code: "210200") { name level parent { code level } children { code level } } }"#)
        .await;
    let dalian = &dalian["region"];
    assert_eq!(dalian["name"], "大连市");
    assert_eq!(dalian["level"], "CITY");
    assert_eq!(
        dalian["parent"],
        json!({ "code": "210000", "level": "PROVINCE" })
    );
    let counties = dalian["children"].as_array().expect("children");
    assert_eq!(counties.len(), 10, "Dalian's county-level divisions");
    assert!(counties.iter().all(|c| c["level"] == "COUNTY"));

    let zhenjiang = app
        .data(r#"{ regions(filter: {parent: "321100"}) { code name } }"#)
        .await;
    assert_eq!(
        codes(&zhenjiang["regions"]),
        [
            "321102", "321111", "321112", "321171", "321181", "321182", "321183"
        ]
    );
    let listed = app
        .data(r#"{ regions(filter: {codes: ["321181", "320000"], inService: false}) { code } }"#)
        .await;
    assert_eq!(codes(&listed["regions"]), ["320000", "321181"]);
}

#[tokio::test]
async fn a_bureau_registers_its_first_organization_on_an_empty_database() {
    let app = TestApp::empty().await;
    let admin = who::system_admin();
    let bureau = json!({
        "name": "大连市人力资源和社会保障局",
        "kind": "GOVERNMENT",
        "creditCode": credit_code("11", "210200", 1),
        "region": "210200",
    });
    let response = app.query_as(&admin, REGISTER, json!({ "i": bureau })).await;
    assert!(response.get("errors").is_none(), "{response}");
    let saved = &response["data"]["registerOrganization"];
    assert_eq!(
        saved["region"],
        json!({ "code": "210200", "name": "大连市", "level": "CITY" })
    );
    // Dalian is in service now, and only Dalian.
    assert_eq!(
        codes(&app.data("{ regions { code } }").await["regions"]),
        ["210200"]
    );
}

#[tokio::test]
async fn new_rows_name_a_current_city_and_the_field_says_why_not() {
    let app = TestApp::empty().await;
    let admin = who::system_admin();
    for (region, why) in [
        ("210213", "not a city"),
        ("210000", "not a city"),
        ("219900", "no region has this code"),
        ("2102", "six digits"),
    ] {
        let response = app
            .query_as(
                &admin,
                REGISTER,
                json!({ "i": {
                    "name": "某企业",
                    "kind": "ENTERPRISE",
                    "creditCode": credit_code("91", "210200", 2),
                    "region": region,
                } }),
            )
            .await;
        assert_eq!(
            first_code(&response),
            "BAD_USER_INPUT",
            "{region}: {response}"
        );
        let error = &errors(&response)[0];
        assert_eq!(
            error["extensions"]["field"], "input.region",
            "{region}: {response}"
        );
        let message = error["message"].as_str().expect("message");
        assert!(message.contains(why), "{region}: {message}");
    }
    assert_eq!(
        app.data("{ organizations { totalCount } }").await["organizations"]["totalCount"],
        0,
        "nothing was written"
    );
    let bad = app
        .query(r#"{ regions(filter: {codes: ["12"]}) { code } }"#)
        .await;
    assert_eq!(first_code(&bad), "BAD_USER_INPUT");
    assert_eq!(errors(&bad)[0]["extensions"]["field"], "filter.codes[0]");
}

#[tokio::test]
async fn a_province_filter_means_every_city_under_it() {
    let app = TestApp::demo().await;
    let total =
        |data: serde_json::Value, list: &str| data[list]["totalCount"].as_i64().expect("a count");
    let of = |list: &str, region: &str| {
        format!(r#"{{ {list}(filter: {{region: "{region}"}}) {{ totalCount }} }}"#)
    };
    // Alliances and demands belong to one city each: the province is the sum of its cities,
    // and here all of them (the demo is all in Jiangsu). An organization belongs to alliances of
    // several cities: the province counts it once.
    for list in ["alliances", "demands", "organizations"] {
        let mut sum = 0;
        let mut most = 0;
        for city in ["321100", "320800", "320700"] {
            let n = total(app.data(&of(list, city)).await, list);
            sum += n;
            most = most.max(n);
        }
        let province = total(app.data(&of(list, "320000")).await, list);
        assert!(province > 0, "{list}");
        if list == "organizations" {
            assert!(
                province <= sum && province >= most,
                "{list}: {province} of {sum}"
            );
        } else {
            assert_eq!(province, sum, "{list}");
        }
        assert_eq!(
            total(app.data(&of(list, "210000")).await, list),
            0,
            "{list}: Liaoning has none"
        );
    }
    let all = total(app.data("{ alliances { totalCount } }").await, "alliances");
    assert_eq!(
        total(app.data(&of("alliances", "320000")).await, "alliances"),
        all
    );
}
