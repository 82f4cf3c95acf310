//! Regions as reference data (issue 35): every province, city and county is in a fresh database,
//! in a tree; `regions` lists those in service unless a filter says otherwise; a region filter
//! means the region and everything under it; new rows name a current city or a county under it,
//! and keep both.

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
async fn new_rows_name_a_current_city_or_county_and_the_field_says_why_not() {
    let app = TestApp::empty().await;
    let admin = who::system_admin();
    for (region, why) in [
        ("210000", "is a province"),
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

const REGISTER_PLACED: &str = "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { id region { code } county { code name level } } }";

#[tokio::test]
async fn a_row_keeps_its_city_and_its_county_given_or_read_from_the_address() {
    let app = TestApp::empty().await;
    let admin = who::system_admin();
    let register = |serial: u32, region: &str, address: Option<&str>| {
        json!({ "i": {
            "name": format!("大连某企业{serial}"),
            "kind": "ENTERPRISE",
            "creditCode": credit_code("91", "210200", serial),
            "region": region,
            "address": address,
        } })
    };
    let placed = |response: &serde_json::Value| {
        assert!(response.get("errors").is_none(), "{response}");
        let saved = &response["data"]["registerOrganization"];
        (
            saved["region"]["code"].as_str().expect("city").to_owned(),
            saved["county"]["code"].as_str().map(str::to_owned),
        )
    };
    // A county named: the row belongs to its city, in that county.
    let given = app
        .query_as(&admin, REGISTER_PLACED, register(1, "210213", None))
        .await;
    assert_eq!(placed(&given), ("210200".into(), Some("210213".into())));
    assert_eq!(
        given["data"]["registerOrganization"]["county"]["level"],
        "COUNTY"
    );
    // A city with an address that names one of its counties by full name: that county.
    let read = app
        .query_as(
            &admin,
            REGISTER_PLACED,
            register(2, "210200", Some("辽宁省大连市甘井子区红旗西路8号")),
        )
        .await;
    assert_eq!(placed(&read), ("210200".into(), Some("210211".into())));
    // Not certain (two counties, or a short form): no county, the city kept.
    for (serial, address) in [(3, "中山区与西岗区交界"), (4, "金州新区某路")] {
        let unsure = app
            .query_as(
                &admin,
                REGISTER_PLACED,
                register(serial, "210200", Some(address)),
            )
            .await;
        assert_eq!(placed(&unsure), ("210200".into(), None), "{address}");
    }
    // A county filter finds the rows of that county; the city finds them all; a county with
    // none finds none.
    let count = |region: &str| {
        format!(r#"{{ organizations(filter: {{region: "{region}"}}) {{ totalCount }} }}"#)
    };
    for (region, expected) in [
        ("210213", 1),
        ("210211", 1),
        ("210200", 4),
        ("210000", 4),
        ("210202", 0),
    ] {
        assert_eq!(
            app.data(&count(region)).await["organizations"]["totalCount"],
            expected,
            "{region}"
        );
    }
    // Moving to an address in another county moves the organization there.
    let id = given["data"]["registerOrganization"]["id"].clone();
    let own = who::staff(skillgraph::auth::Role::Enterprise, TestApp::raw_id(&id));
    let moved = app
        .query_as(
            &own,
            "mutation($id: ID!) { updateOrganizationProfile(input: {organization: $id, address: \"大连市瓦房店市共济街1号\"}) { county { code } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        moved["data"]["updateOrganizationProfile"]["county"]["code"], "210281",
        "{moved}"
    );
}

/// The county migration on a database that holds rows already (SQLite, from the migration before
/// it): an organization whose address names a county for certain gets it, one that does not
/// keeps its city alone.
#[tokio::test]
async fn old_rows_gain_their_county_where_the_address_is_certain() {
    use migration::MigratorTrait;
    use sea_orm::{ConnectionTrait, Statement};

    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let db = skillgraph::db::connect(&url, 1).await.expect("connect");
    let before = migration::Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261208_000028_counties")
        .expect("the county migration") as u32;
    migration::Migrator::up(&db, Some(before))
        .await
        .expect("the migrations before the counties");
    let exec = |sql: String| {
        let db = db.clone();
        async move {
            db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .expect("statement")
        }
    };
    for (serial, address) in [
        (1, Some("镇江市丹徒区谷阳大道9号")),
        (2, Some("镇江市某路")),
        (3, None),
    ] {
        let address = address.map_or("NULL".to_owned(), |a| format!("'{a}'"));
        exec(format!(
            "INSERT INTO organizations (name, kind, credit_code, region_id, address, created_at, updated_at) \
             VALUES ('单位{serial}', 'COLLEGE', '{}', (SELECT id FROM regions WHERE code = '321100'), {address}, \
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            credit_code("52", "321100", serial)
        ))
        .await;
    }
    migration::Migrator::up(&db, None)
        .await
        .expect("the counties");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT o.name, r.code AS city, c.code AS county FROM organizations o \
             JOIN regions r ON r.id = o.region_id LEFT JOIN regions c ON c.id = o.county_id \
             ORDER BY o.name",
        ))
        .await
        .expect("rows");
    let got: Vec<(String, String, Option<String>)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "name").expect("name"),
                r.try_get("", "city").expect("city"),
                r.try_get("", "county").expect("county"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("单位1".into(), "321100".into(), Some("321112".into())),
            ("单位2".into(), "321100".into(), None),
            ("单位3".into(), "321100".into(), None),
        ]
    );
}

/// Sums of a figure over groups by `field` (`completers` or `count`), and the region codes of the
/// groups (`-` for a group without one).
fn by_region(rows: &serde_json::Value, field: &str) -> (i64, Vec<String>) {
    let rows = rows.as_array().expect("rows");
    (
        rows.iter().map(|r| r[field].as_i64().unwrap_or(0)).sum(),
        rows.iter()
            .map(|r| r["region"]["code"].as_str().unwrap_or("-").to_owned())
            .collect(),
    )
}

#[tokio::test]
async fn aggregates_group_by_county_city_and_province() {
    let app = TestApp::demo().await;
    let regulator = who::regulator(app.region_row("321100").await);
    let period = r#"filter: {completedFrom: "2020-01-01", completedTo: "2029-12-31"}"#;
    let rates = |level: &str| {
        format!(
            "{{ placementRates({period}, groupBy: [{level}]) {{ region {{ code level }} completers }} }}"
        )
    };
    let stats = |level: &str| {
        format!(
            "{{ certificateStats(filter: {{includeRevoked: true}}, groupBy: [{level}]) {{ region {{ code level }} count }} }}"
        )
    };
    for (query, list, field) in [
        (
            &rates as &dyn Fn(&str) -> String,
            "placementRates",
            "completers",
        ),
        (&stats, "certificateStats", "count"),
    ] {
        let mut totals = Vec::new();
        for level in ["REGION", "CITY", "COUNTY", "PROVINCE"] {
            let data = app.data_as(&regulator, &query(level), json!({})).await;
            let (total, regions) = by_region(&data[list], field);
            let levels: Vec<&str> = data[list]
                .as_array()
                .expect("rows")
                .iter()
                .filter_map(|r| r["region"]["level"].as_str())
                .collect();
            match level {
                "PROVINCE" => assert_eq!(regions, ["320000"], "{list}"),
                "COUNTY" => {
                    assert!(levels.iter().all(|l| *l == "COUNTY"), "{list}: {levels:?}");
                    assert!(levels.len() > 1, "{list}: the demo is in several counties");
                }
                _ => assert!(levels.iter().all(|l| *l == "CITY"), "{list}: {levels:?}"),
            }
            totals.push(total);
        }
        assert!(totals[0] > 0, "{list}");
        assert!(
            totals.iter().all(|t| *t == totals[0]),
            "{list}: every level counts the same: {totals:?}"
        );
        let both = app
            .query_as(&regulator, &query("COUNTY, CITY"), json!({}))
            .await;
        assert_eq!(first_code(&both), "BAD_USER_INPUT", "{both}");
        assert_eq!(errors(&both)[0]["extensions"]["field"], "groupBy");
    }
}

#[tokio::test]
async fn a_county_filter_narrows_every_placed_list() {
    let app = TestApp::demo().await;
    let count = |list: &str, region: &str| {
        format!(r#"{{ {list}(filter: {{region: "{region}"}}) {{ totalCount }} }}"#)
    };
    let total =
        |data: serde_json::Value, list: &str| data[list]["totalCount"].as_i64().expect("a count");
    // Zhenjiang's counties partition what is placed in the city and has a known county.
    let counties = app
        .data(r#"{ regions(filter: {parent: "321100"}) { code } }"#)
        .await;
    let counties = codes(&counties["regions"]);
    for list in ["organizations", "demands", "openResources"] {
        let city = total(app.data(&count(list, "321100")).await, list);
        let mut sum = 0;
        for county in &counties {
            sum += total(app.data(&count(list, county)).await, list);
        }
        assert!(sum > 0, "{list}: the demo's rows have counties");
        assert!(sum <= city, "{list}: {sum} of {city}");
    }
}

const UPSERT: &str = "mutation($i: UpsertRegionInput!) { upsertRegion(input: $i) { code name nameEn level parent { code } retiredAt } }";
const RETIRE: &str = "mutation($i: RetireRegionInput!) { retireRegion(input: $i) { code retiredAt successor { code } } }";

#[tokio::test]
async fn the_system_administrator_keeps_the_tree_when_divisions_are_redrawn() {
    let app = TestApp::empty().await;
    let admin = who::system_admin();
    // A new county under Dalian.
    let added = app
        .query_as(
            &admin,
            UPSERT,
            json!({ "i": { "code": "210290", "name": "大连新区", "nameEn": "Dalian New Area", "level": "COUNTY", "parent": "210200" } }),
        )
        .await;
    assert!(added.get("errors").is_none(), "{added}");
    assert_eq!(
        added["data"]["upsertRegion"],
        json!({ "code": "210290", "name": "大连新区", "nameEn": "Dalian New Area", "level": "COUNTY", "parent": { "code": "210200" }, "retiredAt": null })
    );
    // Dalian's children, read through the regions held in memory, show it at once; so does a
    // rename of Dalian itself.
    let dalian = app
        .data(r#"{ region(code: "210290") { parent { name } } }"#)
        .await;
    assert_eq!(dalian["region"]["parent"]["name"], "大连市");
    let renamed = app
        .query_as(
            &admin,
            UPSERT,
            json!({ "i": { "code": "210200", "name": "大连市（测试）", "nameEn": "Dalian", "level": "CITY", "parent": "210000" } }),
        )
        .await;
    assert!(renamed.get("errors").is_none(), "{renamed}");
    let dalian = app
        .data(r#"{ region(code: "210290") { parent { name nameEn } } }"#)
        .await;
    assert_eq!(
        dalian["region"]["parent"],
        json!({ "name": "大连市（测试）", "nameEn": "Dalian" })
    );

    // Refused, naming the field, and nothing written: a parent one level off, a parent under the
    // region itself (a cycle), a province with a parent, a parent that does not exist, a bad code.
    let before = app
        .data(r#"{ regions(filter: {parent: "210000"}) { code name } }"#)
        .await;
    for (input, field, why) in [
        (
            json!({ "code": "210291", "name": "某区", "level": "COUNTY", "parent": "210000" }),
            "input.parent",
            "not a city",
        ),
        (
            json!({ "code": "210200", "name": "大连市", "level": "CITY", "parent": "210290" }),
            "input.parent",
            "not a province",
        ),
        (
            json!({ "code": "210000", "name": "辽宁省", "level": "PROVINCE", "parent": "210200" }),
            "input.parent",
            "no parent",
        ),
        (
            json!({ "code": "210292", "name": "某区", "level": "COUNTY", "parent": "219900" }),
            "input.parent",
            "no region has this code",
        ),
        (
            json!({ "code": "2102", "name": "某区", "level": "COUNTY", "parent": "210200" }),
            "input.code",
            "six digits",
        ),
        (
            json!({ "code": "210293", "name": " ", "level": "COUNTY", "parent": "210200" }),
            "input.name",
            "1 to 50",
        ),
        (
            json!({ "code": "210200", "name": "大连市", "level": "PROVINCE" }),
            "input.level",
            "are under it",
        ),
    ] {
        let refused = app.query_as(&admin, UPSERT, json!({ "i": input })).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        let error = &errors(&refused)[0];
        assert_eq!(error["extensions"]["field"], field, "{refused}");
        assert!(
            error["message"].as_str().expect("message").contains(why),
            "{why}: {refused}"
        );
    }
    assert_eq!(
        app.data(r#"{ regions(filter: {parent: "210000"}) { code name } }"#)
            .await,
        before
    );

    // Retiring: a region with current counties under it is refused; a county is retired into
    // another, still reads and resolves, and takes no new rows.
    let busy = app
        .query_as(
            &admin,
            RETIRE,
            json!({ "i": { "code": "210200", "successor": "210100" } }),
        )
        .await;
    assert_eq!(first_code(&busy), "BAD_USER_INPUT", "{busy}");
    assert_eq!(errors(&busy)[0]["extensions"]["field"], "input.code");
    let wrong_level = app
        .query_as(
            &admin,
            RETIRE,
            json!({ "i": { "code": "210290", "successor": "210200" } }),
        )
        .await;
    assert_eq!(
        errors(&wrong_level)[0]["extensions"]["field"],
        "input.successor"
    );
    let retired = app
        .query_as(
            &admin,
            RETIRE,
            json!({ "i": { "code": "210290", "successor": "210213" } }),
        )
        .await;
    assert!(retired.get("errors").is_none(), "{retired}");
    assert_eq!(
        retired["data"]["retireRegion"]["successor"]["code"],
        "210213"
    );
    let still = app
        .data(r#"{ region(code: "210290") { name retiredAt successor { code } } }"#)
        .await;
    assert_eq!(still["region"]["name"], "大连新区");
    assert!(still["region"]["retiredAt"].is_string());
    let again = app
        .query_as(
            &admin,
            RETIRE,
            json!({ "i": { "code": "210290", "successor": "210213" } }),
        )
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
    let register = app
        .query_as(
            &admin,
            REGISTER,
            json!({ "i": {
                "name": "某企业",
                "kind": "ENTERPRISE",
                "creditCode": credit_code("91", "210200", 9),
                "region": "210290",
            } }),
        )
        .await;
    assert_eq!(first_code(&register), "BAD_USER_INPUT", "{register}");
    let error = &errors(&register)[0];
    assert_eq!(error["extensions"]["field"], "input.region");
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("retired")
    );
    // A county cannot be added under a retired one's place either: its parent must be current.
    let under_retired = app
        .query_as(
            &admin,
            UPSERT,
            json!({ "i": { "code": "210294", "name": "某区", "level": "COUNTY", "parent": "210290" } }),
        )
        .await;
    assert_eq!(
        errors(&under_retired)[0]["extensions"]["field"],
        "input.parent"
    );
}
