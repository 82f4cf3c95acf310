//! The "1131" employment service (1 policy briefing, 1 career guidance, 3 job recommendations, 1
//! training) on the Dalian rows of the figures: contacts recorded by the bureau and by a
//! department for the learners of its programme, the work list of learners whose 1131 is
//! incomplete, and departments following up their programme's completers.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use skillgraph::auth::Role;
use skillgraph::domain::kernel::ids::NodeKey;

use super::figures::{department, people, rows};
use crate::helpers::{TestApp, first_code, who};

const CONTACT: &str = "mutation($i: RecordServiceContactInput!) { recordServiceContact(input: $i) { id kind channel contactedOn note recordedBy { name } learner { view } } }";

const WORK_LIST: &str = "query($f: ServiceWorkListFilter, $first: Int, $after: String) { serviceWorkList(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { learner { id view } policyBriefings careerGuidance jobRecommendations trainings hired missing complete } } }";

fn gid(key: NodeKey) -> String {
    key.to_id().0
}

/// The learners of a work list answer, by position in `learners` (the seven of `people`).
fn listed(answer: &Value, learners: &[i32]) -> Vec<usize> {
    answer["serviceWorkList"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            let id = n["learner"]["id"].as_str().expect("an id");
            learners
                .iter()
                .position(|&l| gid(NodeKey::Learner(l)) == id)
                .unwrap_or_else(|| panic!("a learner of the seven: {n}"))
        })
        .collect()
}

#[tokio::test]
async fn the_1131_service_is_recorded_and_its_work_list_shows_what_each_learner_is_owed() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let bureau = who::regulator(app.region_row("210200").await);
    let learners = people(&app, &bureau).await;
    let civil = department(&app, &bureau, "大连市民政局", 1).await;
    let women = department(&app, &bureau, "大连市妇女联合会", 2).await;
    let programme = app
        .data_as(
            &bureau,
            "mutation($d: ID!) { upsertProgramme(input: {code: \"dl-ship\", name: \"船舶专项\", kind: SPECIAL, startsOn: \"2026-01-01\", endsOn: \"2028-12-31\", departments: [$d]}) { id } }",
            json!({ "d": civil }),
        )
        .await["upsertProgramme"]["id"]
        .clone();
    // Learners 0–4 completed the programme's cohort, 5 withdrew from it; 6 and 0 train in a
    // cohort of no programme.
    rows(&app, &learners, TestApp::raw_id(&programme)).await;
    let civil = who::resolved(db, Role::Department, TestApp::raw_id(&civil)).await;
    let women = who::resolved(db, Role::Department, TestApp::raw_id(&women)).await;
    let today = Utc::now().date_naive().to_string();
    let dalian = json!({ "region": "210200" });

    // At first everyone is owed the briefing and the guidance; 5 (withdrawn) a training too.
    let first = app
        .data_as(&bureau, WORK_LIST, json!({ "f": dalian, "first": 50 }))
        .await;
    assert_eq!(first["serviceWorkList"]["totalCount"], 7);
    assert_eq!(listed(&first, &learners), [0, 1, 2, 3, 4, 5, 6]);
    let nodes = first["serviceWorkList"]["nodes"].as_array().expect("nodes");
    assert_eq!(
        nodes[5]["missing"],
        json!([
            "POLICY_BRIEFING",
            "CAREER_GUIDANCE",
            "JOB_RECOMMENDATIONS",
            "TRAINING"
        ])
    );
    assert_eq!(
        (&nodes[0]["trainings"], &nodes[0]["learner"]["view"]),
        (&json!(2), &json!("FULL"))
    );

    // The bureau briefs everyone by phone; the department guides learner 0 of its programme.
    for &l in &learners {
        app.data_as(
            &bureau,
            CONTACT,
            json!({ "i": { "learner": gid(NodeKey::Learner(l)), "kind": "POLICY_BRIEFING", "channel": "PHONE", "contactedOn": today } }),
        )
        .await;
    }
    let guided = app
        .data_as(
            &civil,
            CONTACT,
            json!({ "i": { "learner": gid(NodeKey::Learner(learners[0])), "kind": "CAREER_GUIDANCE", "channel": "IN_PERSON", "contactedOn": today, "note": "建议考焊工中级" } }),
        )
        .await;
    assert_eq!(
        guided["recordServiceContact"]["recordedBy"]["name"],
        "大连市民政局"
    );
    assert_eq!(guided["recordServiceContact"]["learner"]["view"], "SUMMARY");

    // Refused, and nothing written: a learner outside the department's programme (5 withdrew,
    // 6 trains in no programme), another department, a day to come, no token.
    let contacts = || async {
        entity::service_contact::Entity::find()
            .all(db)
            .await
            .expect("contacts")
            .len()
    };
    let before = contacts().await;
    let input = |l: usize, on: &str| json!({ "i": { "learner": gid(NodeKey::Learner(learners[l])), "kind": "CAREER_GUIDANCE", "channel": "ONLINE", "contactedOn": on } });
    for (caller, l, code) in [
        (&civil, 5, "FORBIDDEN"),
        (&civil, 6, "FORBIDDEN"),
        (&women, 0, "FORBIDDEN"),
    ] {
        let refused = app.query_as(caller, CONTACT, input(l, &today)).await;
        assert_eq!(first_code(&refused), code, "learner {l}: {refused}");
    }
    let tomorrow = (Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let late = app.query_as(&bureau, CONTACT, input(1, &tomorrow)).await;
    assert_eq!(
        late["errors"][0]["extensions"]["field"], "input.contactedOn",
        "{late}"
    );
    let anonymous = app.query_with(CONTACT, input(1, &today)).await;
    assert_eq!(first_code(&anonymous), "UNAUTHENTICATED");
    assert_eq!(contacts().await, before);

    // Three job recommendations for learner 0 (any outcome), and a hire for learner 1.
    let demands: Vec<i32> = entity::demand::Entity::find()
        .all(db)
        .await
        .expect("demands")
        .into_iter()
        .take(4)
        .map(|d| d.id)
        .collect();
    let recommend = |learner: i32, demand: i32, outcome| entity::recommendation::ActiveModel {
        learner_id: Set(learner),
        demand_id: Set(demand),
        recommender_role: Set("REGULATOR".into()),
        note: Set(String::new()),
        outcome: Set(outcome),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    use entity::RecommendationOutcome::*;
    for row in [
        recommend(learners[0], demands[0], Sent),
        recommend(learners[0], demands[1], Declined),
        recommend(learners[0], demands[2], Viewed),
        recommend(learners[1], demands[3], Hired),
    ] {
        entity::recommendation::Entity::insert(row)
            .exec(db)
            .await
            .expect("a recommendation");
    }

    // Learner 0's 1131 is complete, learner 1 was hired: both leave the list.
    let progress = app
        .data_as(
            &bureau,
            "query($l: ID!) { node(id: $l) { ... on Learner { serviceProgress { policyBriefings careerGuidance jobRecommendations trainings missing complete } serviceContacts { kind channel note recordedBy { name } } } } }",
            json!({ "l": gid(NodeKey::Learner(learners[0])) }),
        )
        .await;
    assert_eq!(
        progress["node"]["serviceProgress"],
        json!({ "policyBriefings": 1, "careerGuidance": 1, "jobRecommendations": 3, "trainings": 2, "missing": [], "complete": true })
    );
    assert_eq!(
        progress["node"]["serviceContacts"][1],
        json!({ "kind": "CAREER_GUIDANCE", "channel": "IN_PERSON", "note": "建议考焊工中级", "recordedBy": { "name": "大连市民政局" } })
    );
    let now = app
        .data_as(&bureau, WORK_LIST, json!({ "f": dalian, "first": 50 }))
        .await;
    assert_eq!(listed(&now, &learners), [2, 3, 4, 5, 6]);
    let owed_guidance = app
        .data_as(
            &bureau,
            WORK_LIST,
            json!({ "f": { "region": "210200", "missing": "TRAINING" } }),
        )
        .await;
    assert_eq!(
        listed(&owed_guidance, &learners),
        [5],
        "only 5 has no training"
    );
    // Paged by the same keyset cursors as every list.
    let page1 = app
        .data_as(&bureau, WORK_LIST, json!({ "f": dalian, "first": 2 }))
        .await;
    assert_eq!(listed(&page1, &learners), [2, 3]);
    let page2 = app
        .data_as(
            &bureau,
            WORK_LIST,
            json!({ "f": dalian, "first": 2, "after": page1["serviceWorkList"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(listed(&page2, &learners), [4, 5]);

    // The department's list: its programme's learners (0–4, not 5 who withdrew, not 6), less
    // the complete and the hired, in summary.
    let theirs = app.data_as(&civil, WORK_LIST, json!({})).await;
    assert_eq!(listed(&theirs, &learners), [2, 3, 4]);
    assert!(
        theirs["serviceWorkList"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["learner"]["view"] == "SUMMARY")
    );
    let none = app.data_as(&women, WORK_LIST, json!({})).await;
    assert_eq!(none["serviceWorkList"]["totalCount"], 0);
    // Providers and the public have no work list.
    let college = entity::organization::Entity::find()
        .filter(entity::organization::Column::Kind.eq(entity::OrganizationKind::College))
        .one(db)
        .await
        .expect("read")
        .expect("a college");
    let provider = who::staff(Role::College, college.id);
    assert_eq!(
        first_code(&app.query_as(&provider, WORK_LIST, json!({})).await),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(&app.query_with(WORK_LIST, json!({})).await),
        "UNAUTHENTICATED"
    );

    // The department follows up its programme's completers: due ones listed, one recorded;
    // another department may not.
    let due = app
        .data_as(
            &civil,
            "{ followUpsDue(first: 100) { nodes { month completion { id } } } }",
            json!({}),
        )
        .await;
    let completion = entity::enrollment::Entity::find()
        .filter(entity::enrollment::Column::LearnerId.eq(learners[2]))
        .filter(entity::enrollment::Column::Status.eq(entity::EnrollmentStatus::Completed))
        .one(db)
        .await
        .expect("read")
        .expect("learner 2's completion");
    let completion = gid(NodeKey::Enrollment(completion.id));
    assert!(
        due["followUpsDue"]["nodes"]
            .as_array()
            .expect("due")
            .iter()
            .any(|n| n["completion"]["id"] == completion.as_str()),
        "{due}"
    );
    const FOLLOW: &str = "mutation($c: ID!, $on: Date!) { recordFollowUp(input: {completion: $c, month: 3, contactedOn: $on, employed: true, employerName: \"大连造船厂\", outcome: EMPLOYED}) { month outcome } }";
    let refused = app
        .query_as(&women, FOLLOW, json!({ "c": completion, "on": today }))
        .await;
    assert_eq!(first_code(&refused), "FORBIDDEN", "{refused}");
    let recorded = app
        .data_as(&civil, FOLLOW, json!({ "c": completion, "on": today }))
        .await;
    assert_eq!(recorded["recordFollowUp"]["outcome"], "EMPLOYED");
    let none_due = app
        .data_as(
            &women,
            "{ followUpsDue(first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(none_due["followUpsDue"]["totalCount"], 0);
}
