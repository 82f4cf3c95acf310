//! Enterprises that train: one with a registered training centre provides cohorts, resources
//! and claims as a college does; a chain master trains for its chain only; an enterprise without
//! either provides nothing. Callers here are resolved from tokens, as a request's are, so what
//! the enterprise is when the token is read decides.

use entity::cohort;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use skillgraph::auth::Role;

use crate::helpers::{TestApp, first_code, who};

const SET: &str = "mutation($i: SetOrganizationAttributesInput!) { setOrganizationAttributes(input: $i) { trainingCentre chainMaster trains } }";
const CREATE: &str = "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id provider { name } enterprise { name } } }";
const VIEWER: &str = "{ viewer { role trains permissions } }";
const PUBLISH: &str = "mutation { publishResourceList(input: {items: [{kind: COURSE, title: \"企业技能学堂：验光实训\", occupations: [{code: \"4-14-03-03\", level: LEVEL_4}], schedule: EVENING, seats: 10, fee: 0, fundingMode: PUBLIC_GOOD, subsidyEligible: true, region: \"321100\", address: \"丹阳\", startOn: \"2099-01-01\", contact: \"王老师\"}]}) { id provider { name } } }";

fn cohort_input(provider: &Value, enterprise: Option<&Value>) -> Value {
    json!({ "i": {
        "kind": if enterprise.is_some() { "ORDER_CLASS" } else { "PROJECT_TRAINING" },
        "name": "企业技能学堂验光班",
        "provider": provider,
        "enterprise": enterprise,
        "alliance": "zj-eyewear",
        "occupation": "4-14-03-03",
        "targetLevel": "LEVEL_4",
        "capacity": 10,
        "startOn": "2099-01-01",
        "endOn": "2099-06-01",
    } })
}

async fn cohorts(app: &TestApp) -> u64 {
    cohort::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn an_enterprise_with_a_training_centre_provides_as_a_college_does() {
    let app = TestApp::demo().await;
    let mingshi = app.org_id("丹阳明视眼镜有限公司").await;
    let row = TestApp::raw_id(&mingshi);
    let regulator = who::regulator(app.region_row("321100").await);

    // Without a training centre the enterprise provides nothing, and its token says so.
    let plain = who::resolved(&app.db.db, Role::Enterprise, row).await;
    let me = app.data_as(&plain, VIEWER, json!({})).await;
    assert_eq!(me["viewer"]["trains"], Value::Null);
    assert!(
        !me["viewer"]["permissions"]
            .as_array()
            .expect("permissions")
            .contains(&json!("PUBLISH_RESOURCES"))
    );
    let before = cohorts(&app).await;
    let refused = app
        .query_as(&plain, CREATE, cohort_input(&mingshi, Some(&mingshi)))
        .await;
    assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
    assert_eq!(
        refused["errors"][0]["extensions"]["field"],
        "input.provider"
    );
    assert_eq!(
        first_code(&app.query_as(&plain, PUBLISH, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(cohorts(&app).await, before, "a refusal writes nothing");

    // The bureau records its training centre: the next token is a provider's.
    let set = app
        .data_as(
            &regulator,
            SET,
            json!({ "i": { "organization": mingshi, "trainingCentre": true } }),
        )
        .await;
    assert_eq!(set["setOrganizationAttributes"]["trains"], "ANYONE");
    let trains = who::resolved(&app.db.db, Role::Enterprise, row).await;
    let me = app.data_as(&trains, VIEWER, json!({})).await;
    assert_eq!(me["viewer"]["role"], "ENTERPRISE");
    assert_eq!(me["viewer"]["trains"], "ANYONE");
    for permission in ["REGISTER_LEARNER", "PUBLISH_RESOURCES", "POST_DEMAND"] {
        assert!(
            me["viewer"]["permissions"]
                .as_array()
                .expect("permissions")
                .contains(&json!(permission)),
            "{permission}: {me}"
        );
    }

    // It forms a cohort of its own (for itself, confirmed by itself) and one for anyone.
    let own = app
        .data_as(&trains, CREATE, cohort_input(&mingshi, Some(&mingshi)))
        .await;
    assert_eq!(
        own["createCohort"]["provider"]["name"],
        "丹阳明视眼镜有限公司"
    );
    let open = app
        .data_as(&trains, CREATE, cohort_input(&mingshi, None))
        .await;
    let cohort_id = open["createCohort"]["id"].clone();

    // It registers a person, enrols them on that basis and sees them in full.
    let first17 = "32118119950110020";
    let check =
        skillgraph::domain::kernel::personal::NationalId::check_char(first17).expect("digits");
    let learner = app
        .data_as(
            &trains,
            "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
            json!({ "i": { "name": "学堂学员", "nationalId": format!("{first17}{check}"), "phone": "13900009999", "region": "321100", "targetGroup": "OTHER" } }),
        )
        .await["registerLearner"]["id"]
        .clone();
    let enrolled = app
        .data_as(
            &trains,
            "mutation($c: ID!, $l: ID!) { enrollLearner(input: {cohort: $c, learner: $l}) { learner { nationalId } } }",
            json!({ "c": cohort_id, "l": learner }),
        )
        .await;
    assert!(
        enrolled["enrollLearner"]["learner"]["nationalId"]
            .as_str()
            .is_some(),
        "the full view: {enrolled}"
    );
    let listed = app
        .data_as(
            &trains,
            "{ learners(first: 50) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert!(
        listed["learners"]["nodes"]
            .as_array()
            .expect("learners")
            .iter()
            .any(|l| l["id"] == learner),
        "its learners list holds the person it trains"
    );

    // It publishes resources under its own name.
    let published = app.data_as(&trains, PUBLISH, json!({})).await;
    assert_eq!(
        published["publishResourceList"][0]["provider"]["name"],
        "丹阳明视眼镜有限公司"
    );

    // And claims the subsidy for training that really ran, as a college does.
    use chrono::Datelike;
    let year = (chrono::Utc::now().date_naive() - chrono::Days::new(10)).year() as i16;
    crate::helpers::listed_special_ability(
        &app,
        "4-14-03-04",
        entity::SkillLevel::Level5,
        90_000,
        year,
    )
    .await;
    let finished = crate::helpers::claimable(&app, row, &[TestApp::raw_id(&learner)]).await;
    let claim = app
        .data_as(
            &trains,
            "mutation($c: ID!) { submitSubsidyClaim(input: {cohort: $c}) { claimedFen provider { name } } }",
            json!({ "c": skillgraph::graphql::ids::NodeKey::Cohort(finished).to_id().0 }),
        )
        .await;
    assert!(
        claim["submitSubsidyClaim"]["claimedFen"].as_i64() > Some(0),
        "{claim}"
    );

    // The bureau takes the centre off the record: the next token provides nothing again.
    app.data_as(
        &regulator,
        SET,
        json!({ "i": { "organization": mingshi, "trainingCentre": false } }),
    )
    .await;
    let closed = who::resolved(&app.db.db, Role::Enterprise, row).await;
    assert_eq!(
        first_code(
            &app.query_as(&closed, CREATE, cohort_input(&mingshi, None))
                .await
        ),
        "FORBIDDEN",
        "no longer its cohort to form"
    );
    assert_eq!(
        first_code(&app.query_as(&closed, PUBLISH, json!({})).await),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn a_chain_master_trains_for_its_chain_only() {
    let app = TestApp::demo().await;
    let master = app.org_id("江苏晶亮光学科技有限公司").await;
    let member = app.org_id("丹阳明视眼镜有限公司").await;
    let outsider = app.org_id("丹阳市万通镜片有限公司").await;
    let regulator = who::regulator(app.region_row("321100").await);
    let set = app
        .data_as(
            &regulator,
            SET,
            json!({ "i": { "organization": master, "chainMaster": true } }),
        )
        .await;
    assert_eq!(set["setOrganizationAttributes"]["trains"], "CHAIN");
    app.data_as(
        &regulator,
        SET,
        json!({ "i": { "organization": member, "chainOf": master } }),
    )
    .await;
    let caller = who::resolved(&app.db.db, Role::Enterprise, TestApp::raw_id(&master)).await;
    let me = app.data_as(&caller, VIEWER, json!({})).await;
    assert_eq!(me["viewer"]["trains"], "CHAIN");

    let before = cohorts(&app).await;
    for (enterprise, why) in [
        (
            None,
            "a chain master's cohort names the enterprise it trains for",
        ),
        (Some(&outsider), "an enterprise outside its chain"),
    ] {
        let refused = app
            .query_as(&caller, CREATE, cohort_input(&master, enterprise))
            .await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{why}: {refused}");
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], "input.enterprise",
            "{why}"
        );
    }
    assert_eq!(cohorts(&app).await, before, "refusals write nothing");

    for enterprise in [&member, &master] {
        let formed = app
            .data_as(&caller, CREATE, cohort_input(&master, Some(enterprise)))
            .await;
        assert_eq!(
            formed["createCohort"]["provider"]["name"],
            "江苏晶亮光学科技有限公司"
        );
    }
    assert_eq!(cohorts(&app).await, before + 2);
}

#[tokio::test]
async fn orders_go_to_enterprises_that_train_anyone() {
    let app = TestApp::demo().await;
    let regulator = who::regulator(app.region_row("321100").await);
    let mingshi = app.org_id("丹阳明视眼镜有限公司").await;
    let master = app.org_id("江苏晶亮光学科技有限公司").await;
    let plain = app.org_id("丹阳市万通镜片有限公司").await;
    app.data_as(
        &regulator,
        SET,
        json!({ "i": { "organization": mingshi, "trainingCentre": true } }),
    )
    .await;
    app.data_as(
        &regulator,
        SET,
        json!({ "i": { "organization": master, "chainMaster": true } }),
    )
    .await;
    let open = app
        .data_as(
            &regulator,
            "{ trainingIntentions(statuses: [OPEN], first: 100) { nodes { id occupation } } }",
            json!({}),
        )
        .await;
    let intention = open["trainingIntentions"]["nodes"]
        .as_array()
        .expect("intentions")
        .iter()
        .find(|n| n["occupation"] == "4-14-03-03")
        .expect("an open eyewear intention")["id"]
        .clone();
    let dispatch = "mutation($i: ID!, $p: ID!) { dispatchTrainingOrder(input: {occupation: \"4-14-03-03\", level: LEVEL_4, schedule: EVENING, seats: 5, deadline: \"2099-01-01\", provider: $p, intentions: [$i]}) { id } }";
    for (provider, why) in [
        (
            &master,
            "a chain master trains its chain, not the bureau's orders",
        ),
        (
            &plain,
            "an enterprise without a training centre trains nobody",
        ),
    ] {
        let refused = app
            .query_as(
                &regulator,
                dispatch,
                json!({ "i": intention, "p": provider }),
            )
            .await;
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], "input.provider",
            "{why}: {refused}"
        );
    }
    let order = app
        .data_as(
            &regulator,
            dispatch,
            json!({ "i": intention, "p": mingshi }),
        )
        .await["dispatchTrainingOrder"]["id"]
        .clone();
    let trains = who::resolved(&app.db.db, Role::Enterprise, TestApp::raw_id(&mingshi)).await;
    let accepted = app
        .data_as(
            &trains,
            "mutation($o: ID!) { acceptTrainingOrder(input: {order: $o}) { status cohort { provider { name } enrollmentCounts { enrolled } } } }",
            json!({ "o": order }),
        )
        .await;
    assert_eq!(
        accepted["acceptTrainingOrder"],
        json!({ "status": "ACCEPTED", "cohort": { "provider": { "name": "丹阳明视眼镜有限公司" }, "enrollmentCounts": { "enrolled": 1 } } })
    );
}
