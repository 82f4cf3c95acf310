//! Target groups as data: the national list and a region's own, kept by the system administrator
//! and regulators; a learner's memberships, several each with a date and a basis, personal data
//! in the full view only, recorded by those who see the person in full, kept through erasure
//! without their basis.

use serde_json::{Value, json};
use skillgraph::auth::Role;

use crate::helpers::{TestApp, first_code, who};

const UPSERT: &str = "mutation($i: UpsertTargetGroupInput!) { upsertTargetGroup(input: $i) { code name nameEn sensitive addedBy { code } } }";
const RECORD: &str = "mutation($i: RecordTargetGroupInput!) { recordTargetGroup(input: $i) { group { code sensitive } since basis } }";
const GROUPS: &str = "query($id: ID!) { node(id: $id) { ... on Learner { view targetGroups { group { code } since basis } } } }";

fn field(response: &Value) -> &Value {
    &response["errors"][0]["extensions"]["field"]
}

/// A person the college registers as a veteran, today.
async fn registered(app: &TestApp, college: &skillgraph::auth::Caller) -> Value {
    let first17 = "32118119880305021";
    let check =
        skillgraph::domain::kernel::personal::NationalId::check_char(first17).expect("digits");
    app.data_as(
        college,
        "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
        json!({ "i": { "name": "退役学员", "nationalId": format!("{first17}{check}"), "phone": "13900007777", "region": "321100", "targetGroup": "VETERAN" } }),
    )
    .await["registerLearner"]["id"]
        .clone()
}

#[tokio::test]
async fn target_groups_are_data_the_national_list_and_a_regions_own() {
    let app = TestApp::demo().await;
    let listed = app
        .data("{ targetGroups { code name sensitive addedBy { code } } }")
        .await;
    let groups = listed["targetGroups"].as_array().expect("groups");
    let sensitive: Vec<&str> = groups
        .iter()
        .filter(|g| g["sensitive"] == true)
        .map(|g| g["code"].as_str().expect("code"))
        .collect();
    assert_eq!(
        sensitive,
        [
            "DISABLED",
            "EMPLOYMENT_DIFFICULTY",
            "POVERTY_ALLEVIATED",
            "ZERO_EMPLOYMENT_FAMILY"
        ]
    );
    assert!(
        groups
            .iter()
            .any(|g| g["code"] == "LEFT_BEHIND_WOMEN" && g["name"] == "农村留守妇女")
    );
    assert_eq!(groups.len(), 15, "the national list");

    // Zhenjiang's bureau adds a group of its own; Huai'an's may not change it.
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let added = app
        .data_as(
            &zhenjiang,
            UPSERT,
            json!({ "i": { "code": "SHIPYARD_WORKERS", "name": "船厂转岗职工", "nameEn": "Shipyard workers changing jobs" } }),
        )
        .await;
    assert_eq!(
        added["upsertTargetGroup"],
        json!({ "code": "SHIPYARD_WORKERS", "name": "船厂转岗职工", "nameEn": "Shipyard workers changing jobs", "sensitive": false, "addedBy": { "code": "321100" } })
    );
    let huaian = who::regulator(app.region_row("320800").await);
    let theirs = app
        .query_as(
            &huaian,
            UPSERT,
            json!({ "i": { "code": "SHIPYARD_WORKERS", "name": "改名" } }),
        )
        .await;
    assert_eq!(first_code(&theirs), "FORBIDDEN");
    let national = app
        .query_as(
            &zhenjiang,
            UPSERT,
            json!({ "i": { "code": "VETERAN", "name": "改名" } }),
        )
        .await;
    assert_eq!(
        first_code(&national),
        "FORBIDDEN",
        "the national list is not a region's"
    );
    let college = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("镇江高等职业技术学校").await),
    );
    assert_eq!(
        first_code(
            &app.query_as(
                &college,
                UPSERT,
                json!({ "i": { "code": "X_GROUP", "name": "x" } })
            )
            .await
        ),
        "FORBIDDEN"
    );
    // A sensitive group stays sensitive; bad input names its field; nothing is written.
    let admin = who::system_admin();
    let unmark = app
        .query_as(
            &admin,
            UPSERT,
            json!({ "i": { "code": "DISABLED", "name": "残疾人", "sensitive": false } }),
        )
        .await;
    assert_eq!(field(&unmark), "input.sensitive");
    for (input, named) in [
        (json!({ "code": "lower", "name": "x" }), "input.code"),
        (json!({ "code": "GOOD_CODE", "name": " " }), "input.name"),
    ] {
        let refused = app.query_as(&admin, UPSERT, json!({ "i": input })).await;
        assert_eq!(field(&refused), named, "{refused}");
    }
    let after = app.data("{ targetGroups { code } }").await;
    assert_eq!(after["targetGroups"].as_array().expect("groups").len(), 16);
}

#[tokio::test]
async fn memberships_are_personal_data_behind_the_one_gate() {
    let app = TestApp::demo().await;
    let college = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("镇江高等职业技术学校").await),
    );
    let regulator = who::regulator(app.region_row("321100").await);
    let learner = registered(&app, &college).await;

    // The declared group is the first membership, dated the day of registration.
    let today = chrono::Utc::now().date_naive().to_string();
    let seen = app
        .data_as(&college, GROUPS, json!({ "id": learner }))
        .await;
    assert_eq!(
        seen["node"]["targetGroups"],
        json!([{ "group": { "code": "VETERAN" }, "since": today, "basis": "登记时申报" }])
    );

    // The regulator records a sensitive group with its basis; the provider another.
    let recorded = app
        .data_as(
            &regulator,
            RECORD,
            json!({ "i": { "learner": learner, "group": "DISABLED", "since": "2020-05-01", "basis": "残疾人证 3211xxxx" } }),
        )
        .await;
    assert_eq!(
        recorded["recordTargetGroup"],
        json!({ "group": { "code": "DISABLED", "sensitive": true }, "since": "2020-05-01", "basis": "残疾人证 3211xxxx" })
    );
    app.data_as(
        &college,
        RECORD,
        json!({ "i": { "learner": learner, "group": "RETURNEE", "since": "2024-01-15", "basis": "村委会证明" } }),
    )
    .await;
    let me = who::learner(TestApp::raw_id(&learner));
    let mine = app.data_as(&me, GROUPS, json!({ "id": learner })).await;
    let codes: Vec<&str> = mine["node"]["targetGroups"]
        .as_array()
        .expect("memberships")
        .iter()
        .map(|m| m["group"]["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["DISABLED", "RETURNEE", "VETERAN"], "oldest first");

    // A summary's holder sees no membership; someone with no view sees no person.
    let summary = app
        .data_as(&who::system_admin(), GROUPS, json!({ "id": learner }))
        .await;
    assert_eq!(summary["node"]["view"], "SUMMARY");
    assert_eq!(summary["node"]["targetGroups"], Value::Null);
    let other_provider = who::staff(
        Role::TrainingInstitution,
        TestApp::raw_id(&app.org_id("镇江市明德职业培训学校").await),
    );
    let none = app
        .data_as(&other_provider, GROUPS, json!({ "id": learner }))
        .await;
    assert_eq!(none["node"], Value::Null);

    // Recording takes the full view for a purpose: not another provider, not the learner, not
    // another region's bureau; the same answer for a learner that does not exist.
    let nobody = skillgraph::graphql::ids::NodeKey::Learner(999_999)
        .to_id()
        .0;
    for (caller, about) in [
        (&other_provider, learner.clone()),
        (&me, learner.clone()),
        (
            &who::regulator(app.region_row("320800").await),
            learner.clone(),
        ),
        (&regulator, json!(nobody)),
    ] {
        let refused = app
            .query_as(
                caller,
                RECORD,
                json!({ "i": { "learner": about, "group": "VETERAN", "since": "2020-01-01", "basis": "x" } }),
            )
            .await;
        assert_eq!(first_code(&refused), "FORBIDDEN", "{refused}");
    }
    let future = (chrono::Utc::now().date_naive() + chrono::Days::new(3)).to_string();
    for (input, named) in [
        (
            json!({ "learner": learner, "group": "NO_SUCH", "since": "2020-01-01", "basis": "x" }),
            "input.group",
        ),
        (
            json!({ "learner": learner, "group": "VETERAN", "since": future, "basis": "x" }),
            "input.since",
        ),
        (
            json!({ "learner": learner, "group": "VETERAN", "since": "2020-01-01", "basis": " " }),
            "input.basis",
        ),
    ] {
        let refused = app
            .query_as(&regulator, RECORD, json!({ "i": input }))
            .await;
        assert_eq!(field(&refused), named, "{refused}");
    }

    // The learners list filters by group for those who see learners in full; a summary's holder
    // cannot filter by what the summary hides.
    let disabled = app
        .data_as(
            &regulator,
            "{ learners(targetGroups: [\"DISABLED\"], first: 100) { nodes { id targetGroups { group { code } } } } }",
            json!({}),
        )
        .await;
    let nodes = disabled["learners"]["nodes"].as_array().expect("learners");
    assert!(nodes.iter().any(|l| l["id"] == learner), "{disabled}");
    assert!(
        nodes.iter().all(|l| l["targetGroups"]
            .as_array()
            .expect("groups")
            .iter()
            .any(|m| m["group"]["code"] == "DISABLED")),
        "only members: {disabled}"
    );
    let refused = app
        .query_as(
            &who::system_admin(),
            "{ learners(targetGroups: [\"DISABLED\"]) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&refused), "BAD_USER_INPUT");

    // Removing one leaves the others.
    let left = app
        .data_as(
            &college,
            "mutation($l: ID!) { removeTargetGroup(input: {learner: $l, group: \"RETURNEE\"}) { group { code } } }",
            json!({ "l": learner }),
        )
        .await;
    assert_eq!(
        left["removeTargetGroup"],
        json!([{ "group": { "code": "DISABLED" } }, { "group": { "code": "VETERAN" } }])
    );
    let again = app
        .query_as(
            &college,
            "mutation($l: ID!) { removeTargetGroup(input: {learner: $l, group: \"RETURNEE\"}) { since } }",
            json!({ "l": learner }),
        )
        .await;
    assert_eq!(field(&again), "input.group");

    // Erasure keeps each group and its date with the pseudonym, and drops the basis.
    let asked = app
        .data_as(
            &me,
            "mutation { requestDataErasure(input: {reason: \"不再参加培训\"}) { id } }",
            json!({}),
        )
        .await;
    app.data_as(
        &regulator,
        "mutation($r: ID!) { approveDataRequest(input: {request: $r, reason: \"已核实\"}) { status } }",
        json!({ "r": asked["requestDataErasure"]["id"] }),
    )
    .await;
    let erased = app
        .data_as(&regulator, GROUPS, json!({ "id": learner }))
        .await;
    assert_eq!(
        erased["node"]["targetGroups"],
        json!([
            { "group": { "code": "DISABLED" }, "since": "2020-05-01", "basis": "" },
            { "group": { "code": "VETERAN" }, "since": today, "basis": "" },
        ])
    );
}
