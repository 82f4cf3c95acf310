//! Organizations as they are (issue 35): the bureau records ownership, 规上, 专精特新, 链主 and
//! its chain, a college's type and an enterprise's training centre; lists filter by them and the
//! counts group by them.

use serde_json::json;

use crate::helpers::{TestApp, errors, first_code, who};

const SET: &str = "mutation($i: SetOrganizationAttributesInput!) { setOrganizationAttributes(input: $i) { name ownership aboveScale specialized chainMaster chainOf { name } collegeType trainingCentre } }";

#[tokio::test]
async fn the_bureau_records_attributes_and_lists_count_by_them() {
    let app = TestApp::demo().await;
    let bureau = who::regulator(app.region_row("321100").await);
    let master = app.org_id("江苏扬帆海洋工程装备有限公司").await;
    let supplier = app.org_id("镇江中船动力配套有限公司").await;
    let college = app.org_id("镇江技师学院").await;
    let set = |input: serde_json::Value| json!({ "i": input });
    let recorded = app
        .data_as(
            &bureau,
            SET,
            set(json!({ "organization": master, "ownership": "PRIVATE", "aboveScale": true, "specialized": true, "chainMaster": true, "trainingCentre": true })),
        )
        .await;
    assert_eq!(
        recorded["setOrganizationAttributes"],
        json!({ "name": "江苏扬帆海洋工程装备有限公司", "ownership": "PRIVATE", "aboveScale": true, "specialized": true, "chainMaster": true, "chainOf": null, "collegeType": null, "trainingCentre": true })
    );
    let chained = app
        .data_as(
            &bureau,
            SET,
            set(json!({ "organization": supplier, "aboveScale": true, "chainOf": master })),
        )
        .await;
    assert_eq!(
        chained["setOrganizationAttributes"]["chainOf"]["name"],
        "江苏扬帆海洋工程装备有限公司"
    );
    app.data_as(
        &bureau,
        SET,
        set(json!({ "organization": college, "ownership": "PUBLIC", "collegeType": "TECHNICIAN" })),
    )
    .await;

    let read = app
        .data_with(
            r#"query($m: ID!) {
              aboveScale: organizations(filter: {aboveScale: true}) { totalCount }
              chain: organizations(filter: {chainOf: $m}) { nodes { name } }
              technician: organizations(filter: {collegeTypes: [TECHNICIAN]}) { nodes { name } }
              centres: organizations(filter: {trainingCentre: true, region: "321100"}) { totalCount }
              byOwnership: organizationStats(filter: {region: "321100"}, groupBy: [OWNERSHIP]) { ownership count }
            }"#,
            json!({ "m": master }),
        )
        .await;
    assert_eq!(read["aboveScale"]["totalCount"], 2);
    assert_eq!(
        read["chain"]["nodes"],
        json!([{ "name": "镇江中船动力配套有限公司" }])
    );
    assert_eq!(
        read["technician"]["nodes"],
        json!([{ "name": "镇江技师学院" }])
    );
    assert_eq!(read["centres"]["totalCount"], 1);
    let by_ownership = read["byOwnership"].as_array().expect("rows");
    let count = |o: serde_json::Value| {
        by_ownership
            .iter()
            .find(|r| r["ownership"] == o)
            .map_or(0, |r| r["count"].as_i64().expect("count"))
    };
    assert_eq!((count(json!("PUBLIC")), count(json!("PRIVATE"))), (1, 1));
    assert!(count(json!(null)) > 0, "the others are not recorded");

    // Refused, naming the field, and nothing written: an enterprise's attribute on a college, a
    // college type on an enterprise, a chain whose master is no chain master; another city's
    // regulator may not record Zhenjiang's.
    for (input, field) in [
        (
            json!({ "organization": college, "aboveScale": true }),
            "input.aboveScale",
        ),
        (
            json!({ "organization": master, "collegeType": "UNDERGRADUATE" }),
            "input.collegeType",
        ),
        (
            json!({ "organization": master, "chainOf": supplier }),
            "input.chainOf",
        ),
    ] {
        let refused = app.query_as(&bureau, SET, set(input)).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(
            errors(&refused)[0]["extensions"]["field"],
            field,
            "{refused}"
        );
    }
    let huaian = who::regulator(app.region_row("320800").await);
    let foreign = app
        .query_as(
            &huaian,
            SET,
            set(json!({ "organization": master, "specialized": false })),
        )
        .await;
    assert_eq!(first_code(&foreign), "FORBIDDEN", "{foreign}");
    let after = app
        .data_with(
            "query($m: ID!) { node(id: $m) { ... on Organization { specialized collegeType } } }",
            json!({ "m": master }),
        )
        .await;
    assert_eq!(
        after["node"],
        json!({ "specialized": true, "collegeType": null })
    );
}
