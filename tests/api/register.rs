//! The public register of assessment bodies: every filed body with its kind, scope, filing date
//! and standing, listed, filtered and searched without a token.

use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, first_code, who};

const LIST: &str = "query($f: AssessmentBodyFilter, $first: Int, $after: String) { assessmentBodies(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { bodyType bodyCode siteSerial status statusReason filedAt organization { name } scope { occupationCode maxLevel occupation { name } } } } }";

fn names(data: &Value) -> Vec<String> {
    data["assessmentBodies"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["organization"]["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn listed(app: &TestApp, filter: Value) -> Vec<String> {
    let mut got = names(
        &app.data_with(LIST, json!({ "f": filter, "first": 50 }))
            .await,
    );
    got.sort();
    got
}

#[tokio::test]
async fn the_register_of_bodies_is_public_filtered_and_searched() {
    let app = TestApp::demo().await;
    let all = app.data_with(LIST, json!({ "first": 50 })).await;
    assert_eq!(all["assessmentBodies"]["totalCount"], 6);
    let centre = all["assessmentBodies"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["organization"]["name"] == "镇江数字技能评价中心")
        .expect("the centre")
        .clone();
    assert_eq!(centre["bodyType"], "SOCIAL");
    assert_eq!(centre["siteSerial"], "000156");
    assert_eq!(centre["status"], "ACTIVE");
    assert!(centre["filedAt"].is_string());
    assert_eq!(
        centre["scope"],
        json!([
            { "occupationCode": "4-01-06-02", "maxLevel": "LEVEL_3", "occupation": { "name": "互联网营销师" } },
            { "occupationCode": "4-04-05-05", "maxLevel": "LEVEL_3", "occupation": { "name": "人工智能训练师" } },
        ])
    );
    // Nothing of a body's serial key reaches the register.
    for body in entity::assessment_body::Entity::find()
        .all(&app.db.db)
        .await
        .expect("bodies")
    {
        assert!(!all.to_string().contains(&body.serial_key));
    }

    let employer = [
        "丹阳明视眼镜有限公司",
        "淮安淮扬食品集团有限公司",
        "镇江海弘船舶重工有限公司",
    ];
    assert_eq!(
        listed(&app, json!({ "bodyType": "EMPLOYER" })).await,
        employer
    );
    assert_eq!(
        listed(
            &app,
            json!({ "occupation": "4-04-05-05", "level": "LEVEL_3" })
        )
        .await,
        ["镇江数字技能评价中心"]
    );
    assert_eq!(
        listed(
            &app,
            json!({ "occupation": "4-04-05-05", "level": "LEVEL_4" })
        )
        .await,
        ["淮安市职业技能评价服务中心", "镇江数字技能评价中心"]
    );
    assert_eq!(
        listed(&app, json!({ "occupation": "4-14" })).await,
        ["丹阳明视眼镜有限公司", "江苏眼镜行业职业技能评价中心"]
    );
    assert_eq!(
        listed(&app, json!({ "region": "320800" })).await,
        ["淮安市职业技能评价服务中心", "淮安淮扬食品集团有限公司"]
    );
    assert_eq!(
        listed(&app, json!({ "text": "眼镜" })).await,
        ["丹阳明视眼镜有限公司", "江苏眼镜行业职业技能评价中心"]
    );
    assert_eq!(
        listed(&app, json!({ "text": "yanjing", "bodyType": "SOCIAL" })).await,
        ["江苏眼镜行业职业技能评价中心"]
    );

    // A suspended body stays in the register with its standing and the reason.
    let regulator = who::regulator(app.region_row("321100").await);
    let org = app.org_id("镇江海弘船舶重工有限公司").await;
    app.data_as(
        &regulator,
        "mutation($o: ID!) { setAssessmentBodyStatus(input: {organization: $o, status: SUSPENDED, reason: \"场地整改\"}) { status } }",
        json!({ "o": org }),
    )
    .await;
    let suspended = app
        .data_with(LIST, json!({ "f": { "statuses": ["SUSPENDED"] } }))
        .await;
    assert_eq!(names(&suspended), ["镇江海弘船舶重工有限公司"]);
    assert_eq!(
        suspended["assessmentBodies"]["nodes"][0]["statusReason"],
        "场地整改"
    );
    assert_eq!(
        listed(&app, json!({ "statuses": ["ACTIVE"] })).await.len(),
        5
    );

    // Pages: newest filing first, no body twice.
    let first = app.data_with(LIST, json!({ "first": 4 })).await;
    let page = &first["assessmentBodies"]["pageInfo"];
    assert_eq!(page["hasNextPage"], true);
    let rest = app
        .data_with(LIST, json!({ "first": 4, "after": page["endCursor"] }))
        .await;
    let mut seen = names(&first);
    assert_eq!(seen[0], "淮安市职业技能评价服务中心", "filed last");
    seen.extend(names(&rest));
    assert_eq!(seen.len(), 6);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6);

    for (filter, field) in [
        (json!({ "occupation": "9-99-x" }), "filter.occupation"),
        (json!({ "region": "12" }), "filter.region"),
    ] {
        let refused = app.query_with(LIST, json!({ "f": filter })).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field);
    }
}
