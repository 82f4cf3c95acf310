//! One gate for every read of a person: the enrolment hole closed, every person-bearing path ×
//! every role decided by the one policy, masking that cannot be reversed, and aggregates that
//! cannot be differenced.

use chrono::{Days, Utc};
use entity::{alliance, cohort, enrollment, follow_up, learner, organization, provider_link};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};
use skillgraph::{
    auth::{Caller, Role},
    domain::kernel::ids::NodeKey,
};

use crate::helpers::{TestApp, first_code, who};

const PERSONAL: &str = "query($id: ID!) { node(id: $id) { ... on Learner { personalData { name nationalId phone } } } }";

async fn org_row(app: &TestApp, name: &str) -> organization::Model {
    organization::Entity::find()
        .filter(organization::Column::Name.eq(name))
        .one(&app.db.db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("{name}"))
}

/// The token of an organization's own staff (a provider's, or any other kind's).
fn provider_caller(org: &organization::Model) -> Caller {
    let role = match org.kind {
        entity::OrganizationKind::College => Role::College,
        entity::OrganizationKind::TrainingInstitution => Role::TrainingInstitution,
        entity::OrganizationKind::Enterprise => Role::Enterprise,
        entity::OrganizationKind::AssessmentBody => Role::AssessmentBody,
        _ => Role::Regulator,
    };
    if role == Role::Regulator {
        who::bureau(org.region_id, org.id)
    } else {
        who::staff(role, org.id)
    }
}

/// A valid national ID number from its first 17 characters.
fn national_id(first17: &str) -> String {
    let check =
        skillgraph::domain::kernel::personal::NationalId::check_char(first17).expect("digits");
    format!("{first17}{check}")
}

fn gid(key: NodeKey) -> Value {
    json!(key.to_id().0)
}

/// The attack of the issue, as a regression test: a Huai'an college forms a large unsubsidised
/// cohort and tries to enrol every learner of every region.
#[tokio::test]
async fn a_provider_enrolling_strangers_reads_nothing_and_gains_no_scope() {
    let app = TestApp::demo().await;
    let college = org_row(&app, "淮安技师学院").await;
    let me = provider_caller(&college);
    let alliance = app
        .data_with(
            "query($o: ID!) { node(id: $o) { ... on Organization { alliances { code } } } }",
            json!({ "o": gid(NodeKey::Organization(college.id)) }),
        )
        .await["node"]["alliances"][0]["code"]
        .clone();
    let start = Utc::now().date_naive();
    let cohort = app
        .data_as(
            &me,
            "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id } }",
            json!({ "i": {
                "kind": "PROJECT_TRAINING", "name": "大班", "provider": gid(NodeKey::Organization(college.id)),
                "alliance": alliance, "occupation": "4-04-05-05", "targetLevel": "LEVEL_4",
                "capacity": 500, "startOn": start.to_string(),
                "endOn": (start + Days::new(60)).to_string(), "subsidized": false,
            } }),
        )
        .await["createCohort"]["id"]
        .clone();
    let scope = "{ learners(first: 100) { nodes { id } } }";
    let ids = |v: Value| -> Vec<i32> {
        v["learners"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| TestApp::raw_id(&n["id"]))
            .collect()
    };
    let before = ids(app.data_as(&me, scope, json!({})).await);
    // Whom it may enrol into this cohort: those it registered within its access period. A
    // learner bundled in an order enrols only into the cohort accepting that order opens, never
    // into a cohort of the provider's own making.
    let cutoff = Utc::now() - chrono::Duration::days(365);
    let linked: Vec<i32> = provider_link::Entity::find()
        .filter(provider_link::Column::OrganizationId.eq(college.id))
        .filter(provider_link::Column::LinkedAt.gte(cutoff))
        .all(&app.db.db)
        .await
        .expect("links")
        .into_iter()
        .map(|l| l.learner_id)
        .collect();
    assert!(
        linked.len() < 40,
        "the college may enrol a few: {}",
        linked.len()
    );
    let everyone = learner::Entity::find()
        .order_by_asc(learner::Column::Id)
        .all(&app.db.db)
        .await
        .expect("learners");
    assert!(everyone.len() > 100);
    let enrolments_before = enrollment::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let enroll = "mutation($c: ID!, $l: ID!) { enrollLearner(input: {cohort: $c, learner: $l}) { id learner { personalData { name nationalId phone } } } }";
    let mut admitted = 0;
    for l in &everyone {
        let response = app
            .query_as(
                &me,
                enroll,
                json!({ "c": cohort, "l": gid(NodeKey::Learner(l.id)) }),
            )
            .await;
        if linked.contains(&l.id) {
            assert!(response.get("errors").is_none(), "{response}");
            admitted += 1;
        } else {
            assert_eq!(first_code(&response), "FORBIDDEN", "learner {}", l.id);
            assert_eq!(response["data"], Value::Null);
            let text = response.to_string();
            assert!(
                !text.contains(&crate::helpers::real_name(l)),
                "no personal data in a refusal"
            );
        }
    }
    // A learner ID that does not exist gets the same answer as one that is not the college's.
    let ghost = app
        .query_as(
            &me,
            enroll,
            json!({ "c": cohort, "l": gid(NodeKey::Learner(999_999)) }),
        )
        .await;
    assert_eq!(first_code(&ghost), "FORBIDDEN");
    assert_eq!(
        enrollment::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        enrolments_before + admitted,
        "refused enrolments write nothing"
    );
    let after = ids(app.data_as(&me, scope, json!({})).await);
    assert!(
        after
            .iter()
            .all(|l| before.contains(l) || linked.contains(l)),
        "no scope gained beyond those it may enrol: {before:?} → {after:?}"
    );
    assert!(after.len() <= before.len() + admitted as usize);
    // A stranger stays invisible by ID.
    let stranger = everyone
        .iter()
        .find(|l| !linked.contains(&l.id))
        .expect("a stranger");
    let seen = app
        .data_as(
            &me,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid(NodeKey::Learner(stranger.id)) }),
        )
        .await;
    assert_eq!(seen["node"], Value::Null);
}

/// The real-name sign-up at the counter, and how a provider's full view ends.
#[tokio::test]
async fn a_provider_enrols_by_name_and_id_number_and_its_view_ends_with_the_relation() {
    let app = TestApp::demo().await;
    let college = org_row(&app, "丹阳中等专业学校").await;
    let me = provider_caller(&college);
    let other = org_row(&app, "丹阳市视界眼镜技能培训中心").await;
    let theirs_caller = provider_caller(&other);
    // A person the other provider registered.
    let id_number = national_id("32118119900307001");
    let registered = app
        .data_as(
            &theirs_caller,
            "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
            json!({ "i": { "name": "钱多多", "nationalId": id_number, "phone": "13911112222", "region": "321100", "targetGroup": "DISABLED" } }),
        )
        .await["registerLearner"]["id"]
        .clone();
    let cohort = app
        .data_as(
            &me,
            "{ cohorts(filter: {statuses: [PLANNED, RUNNING]}, first: 100) { nodes { id provider { name } kind } } }",
            json!({}),
        )
        .await["cohorts"]["nodes"]
        .as_array()
        .expect("cohorts")
        .iter()
        .find(|c| c["provider"]["name"] == "丹阳中等专业学校" && c["kind"] != "NEW_APPRENTICESHIP")
        .expect("an open cohort of the college")["id"]
        .clone();
    // It starts today (an enrolment gives the full view from the cohort's first day).
    let cohort_row = entity::cohort::Entity::find_by_id(TestApp::raw_id(&cohort))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("the cohort");
    let today = Utc::now().date_naive();
    let set_days = |start: chrono::NaiveDate, end: chrono::NaiveDate| {
        let mut row: entity::cohort::ActiveModel = cohort_row.clone().into();
        row.start_on = Set(start);
        row.started_on = Set(None);
        row.end_on = Set(end);
        row.finished_on = Set(None);
        let db = app.db.db.clone();
        async move { row.update(&db).await.expect("update") }
    };
    set_days(today, today + chrono::Days::new(60)).await;
    // Not the college's: no view at all, and it cannot enrol by ID.
    let view = "query($id: ID!) { node(id: $id) { ... on Learner { view targetGroup } } }";
    assert_eq!(
        app.data_as(&me, view, json!({ "id": registered })).await["node"],
        Value::Null
    );
    let by_identity = "mutation($c: ID!, $n: String!, $i: String!) { enrollLearner(input: {cohort: $c, identity: {name: $n, nationalId: $i}}) { id status learner { view } } }";
    let enrolments = enrollment::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    for (name, number, why) in [
        ("钱多", id_number.clone(), "a name that does not match"),
        (
            "钱多多",
            national_id("32118119900307002"),
            "a number nobody has",
        ),
    ] {
        let response = app
            .query_as(
                &me,
                by_identity,
                json!({ "c": cohort, "n": name, "i": number }),
            )
            .await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{why}");
        assert_eq!(
            response["errors"][0]["extensions"]["field"], "input.identity",
            "{why}"
        );
        assert_eq!(
            response["errors"][0]["message"],
            "input.identity: no learner is registered with this name and national ID number",
            "the same answer either way: {why}"
        );
    }
    assert_eq!(
        enrollment::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        enrolments,
        "nothing written"
    );
    // Both right: enrolled, and from now on the college's trainee in full.
    let enrolled = app
        .data_as(
            &me,
            by_identity,
            json!({ "c": cohort, "n": "钱多多", "i": id_number }),
        )
        .await;
    assert_eq!(enrolled["enrollLearner"]["learner"]["view"], "FULL");
    let full = app.data_as(&me, view, json!({ "id": registered })).await;
    assert_eq!(full["node"]["targetGroup"], "DISABLED");
    // An enrolment is no view for ever: not before the cohort's first day, and not once its last
    // day is `provider_access_days` behind, however long it stays ENROLLED.
    for (start, end, why) in [
        (
            today + chrono::Days::new(10),
            today + chrono::Days::new(70),
            "before the start",
        ),
        (
            today - chrono::Days::new(500),
            today - chrono::Days::new(400),
            "a cohort that ended 400 days ago and never finished",
        ),
    ] {
        set_days(start, end).await;
        let seen = app.data_as(&me, view, json!({ "id": registered })).await;
        assert_eq!(seen["node"]["view"], "SUMMARY", "{why}");
        assert_eq!(
            first_code(
                &app.query_as(&me, PERSONAL, json!({ "id": registered }))
                    .await
            ),
            "FORBIDDEN",
            "{why}"
        );
        let listed = app
            .data_as(&me, "{ learners(first: 100) { nodes { id } } }", json!({}))
            .await;
        assert!(
            listed["learners"]["nodes"]
                .as_array()
                .expect("nodes")
                .iter()
                .all(|n| n["id"] != registered),
            "not listed: {why}"
        );
    }
    set_days(today, today + chrono::Days::new(60)).await;
    assert_eq!(
        app.data_as(&me, view, json!({ "id": registered })).await["node"]["view"],
        "FULL"
    );

    // Withdrawn: the view ends (the college never registered the person).
    let enrolment = enrolled["enrollLearner"]["id"].clone();
    app.data_as(
        &me,
        "mutation($e: ID!) { withdrawEnrollment(input: {enrollment: $e, reason: \"left\"}) { status } }",
        json!({ "e": enrolment }),
    )
    .await;
    let after = app.data_as(&me, view, json!({ "id": registered })).await;
    assert_eq!(after["node"], Value::Null, "a withdrawal gives nothing");
    assert_eq!(
        app.data_as(&me, PERSONAL, json!({ "id": registered }))
            .await["node"],
        Value::Null
    );

    // A completion gives the full view for `provider_access_days`, then a summary only.
    let raw = TestApp::raw_id(&registered);
    let row = enrollment::Entity::find()
        .filter(enrollment::Column::LearnerId.eq(raw))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("the enrolment");
    let mut completed: enrollment::ActiveModel = row.into();
    completed.status = Set(entity::EnrollmentStatus::Completed);
    completed.ended_at = Set(Some(Utc::now() - chrono::Duration::days(30)));
    let completed = completed.update(&app.db.db).await.expect("update");
    assert_eq!(
        app.data_as(&me, view, json!({ "id": registered })).await["node"]["view"],
        "FULL"
    );
    let mut lapsed: enrollment::ActiveModel = completed.into();
    lapsed.ended_at = Set(Some(Utc::now() - chrono::Duration::days(400)));
    lapsed.update(&app.db.db).await.expect("update");
    let summary = app.data_as(&me, view, json!({ "id": registered })).await;
    assert_eq!(summary["node"]["view"], "SUMMARY");
    assert_eq!(summary["node"]["targetGroup"], Value::Null);
    assert_eq!(
        first_code(
            &app.query_as(&me, PERSONAL, json!({ "id": registered }))
                .await
        ),
        "FORBIDDEN"
    );
    let listed = app
        .data_as(&me, "{ learners(first: 100) { nodes { id } } }", json!({}))
        .await;
    assert!(
        listed["learners"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["id"] != registered),
        "a lapsed relation leaves the list"
    );
}

/// What one learner looks like to every role, along every path that carries them.
struct Seen {
    who: &'static str,
    caller: Caller,
    /// `FULL`, `SUMMARY` or null.
    view: Value,
}

#[tokio::test]
async fn every_person_bearing_path_for_every_role_follows_the_one_policy() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    // A learner followed up after completing a cohort that trained for an enterprise.
    let (fu, cohort) = {
        let mut found = None;
        for f in follow_up::Entity::find()
            .order_by_asc(follow_up::Column::Id)
            .all(db)
            .await
            .expect("follow-ups")
        {
            let e = enrollment::Entity::find_by_id(f.enrollment_id)
                .one(db)
                .await
                .expect("q")
                .expect("enrolment");
            let c = cohort::Entity::find_by_id(e.cohort_id)
                .one(db)
                .await
                .expect("q")
                .expect("cohort");
            if c.enterprise_id.is_some() {
                found = Some((f, c));
                break;
            }
        }
        found.expect("a follow-up of a cohort for an enterprise")
    };
    let l = learner::Entity::find_by_id(fu.learner_id)
        .one(db)
        .await
        .expect("q")
        .expect("learner");
    let other_learner = learner::Entity::find()
        .filter(learner::Column::Id.ne(l.id))
        .one(db)
        .await
        .expect("q")
        .expect("another learner");
    let alliance_row = alliance::Entity::find_by_id(cohort.alliance_id)
        .one(db)
        .await
        .expect("q")
        .expect("alliance");
    let other_alliance = alliance::Entity::find()
        .filter(alliance::Column::RegionId.ne(alliance_row.region_id))
        .one(db)
        .await
        .expect("q")
        .expect("another region's alliance");
    let provider = organization::Entity::find_by_id(cohort.provider_id)
        .one(db)
        .await
        .expect("q")
        .expect("provider");
    let enterprise = cohort.enterprise_id.expect("enterprise");
    let other_enterprise = organization::Entity::find()
        .filter(organization::Column::Kind.eq(entity::OrganizationKind::Enterprise))
        .filter(organization::Column::Id.ne(enterprise))
        .all(db)
        .await
        .expect("q");
    let mut unrelated_enterprise = None;
    for e in other_enterprise {
        let recommended = app
            .data_as(
                &who::staff(Role::Enterprise, e.id),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": gid(NodeKey::Learner(l.id)) }),
            )
            .await;
        if recommended["node"].is_null() {
            unrelated_enterprise = Some(e.id);
            break;
        }
    }
    let other_provider = organization::Entity::find()
        .filter(organization::Column::Kind.eq(entity::OrganizationKind::College))
        .filter(organization::Column::Id.ne(provider.id))
        .filter(organization::Column::RegionId.ne(alliance_row.region_id))
        .one(db)
        .await
        .expect("q")
        .expect("a college elsewhere");
    let body = organization::Entity::find()
        .filter(organization::Column::Kind.eq(entity::OrganizationKind::AssessmentBody))
        .filter(organization::Column::RegionId.ne(alliance_row.region_id))
        .one(db)
        .await
        .expect("q")
        .expect("an assessment body elsewhere");
    let other_region = if l.region_id == alliance_row.region_id {
        other_alliance.region_id
    } else {
        panic!("the fixture assumes the learner lives where they trained")
    };
    let full = json!("FULL");
    let summary = json!("SUMMARY");
    let none = Value::Null;
    // Two enterprises get a training centre, so become providers: the cohort's own (its
    // employer, not its provider) and an unrelated one. Being a provider grants neither a look
    // at somebody else's trainee.
    let unrelated_enterprise = unrelated_enterprise.expect("an enterprise that recommended nobody");
    for e in [enterprise, unrelated_enterprise] {
        let mut centre: organization::ActiveModel = organization::Entity::find_by_id(e)
            .one(db)
            .await
            .expect("q")
            .expect("enterprise")
            .into();
        centre.training_centre = sea_orm::ActiveValue::Set(true);
        sea_orm::ActiveModelTrait::update(centre, db)
            .await
            .expect("a training centre");
    }
    let mut table = vec![
        Seen {
            who: "the public",
            caller: Caller::public(),
            view: none.clone(),
        },
        Seen {
            who: "the learner",
            caller: who::learner(l.id),
            view: full.clone(),
        },
        Seen {
            who: "another learner",
            caller: who::learner(other_learner.id),
            view: none.clone(),
        },
        Seen {
            who: "the cohort's enterprise",
            caller: who::staff(Role::Enterprise, enterprise),
            view: summary.clone(),
        },
        Seen {
            who: "an unrelated enterprise",
            caller: who::staff(Role::Enterprise, unrelated_enterprise),
            view: none.clone(),
        },
        Seen {
            who: "the provider",
            caller: provider_caller(&provider),
            view: full.clone(),
        },
        Seen {
            who: "another region's college",
            caller: who::staff(Role::College, other_provider.id),
            view: none.clone(),
        },
        Seen {
            who: "an unrelated assessment body",
            caller: who::staff(Role::AssessmentBody, body.id),
            view: none.clone(),
        },
        Seen {
            who: "the alliance's administrator",
            caller: who::alliance_admin(&[alliance_row.id]),
            view: summary.clone(),
        },
        Seen {
            who: "another alliance's administrator",
            caller: who::alliance_admin(&[other_alliance.id]),
            view: none.clone(),
        },
        Seen {
            who: "the learner's regulator",
            caller: who::regulator(l.region_id),
            view: full.clone(),
        },
        Seen {
            who: "another region's regulator",
            caller: who::regulator(other_region),
            view: none.clone(),
        },
        Seen {
            who: "a system administrator",
            caller: who::system_admin(),
            view: summary.clone(),
        },
    ];
    let government = organization::Entity::find()
        .filter(organization::Column::Kind.eq(entity::OrganizationKind::Government))
        .one(db)
        .await
        .expect("q")
        .expect("a government organization")
        .id;
    table.extend([
        Seen {
            who: "a department answering for none of the learner's programmes",
            caller: who::staff(Role::Department, government),
            view: none.clone(),
        },
        Seen {
            who: "the cohort's enterprise, with a training centre",
            caller: who::resolved(db, Role::Enterprise, enterprise).await,
            view: summary.clone(),
        },
        Seen {
            who: "an unrelated enterprise with a training centre",
            caller: who::resolved(db, Role::Enterprise, unrelated_enterprise).await,
            view: none.clone(),
        },
    ]);
    // The learner asks for a correction: the request (a masked value) is for the learner, the
    // regulator of their region and the provider that registered them, and nobody else.
    let asked = app
        .data_as(
            &who::learner(l.id),
            "mutation { requestDataCorrection(input: {field: PHONE, value: \"13912340000\", reason: \"换号\"}) { id } }",
            json!({}),
        )
        .await;
    let request_id = asked["requestDataCorrection"]["id"].clone();
    let learner_id = gid(NodeKey::Learner(l.id));
    let enrollment_id = gid(NodeKey::Enrollment(fu.enrollment_id));
    let follow_up_id = gid(NodeKey::FollowUp(fu.id));
    let contact = entity::service_contact::Entity::insert(entity::service_contact::ActiveModel {
        learner_id: sea_orm::ActiveValue::Set(l.id),
        kind: sea_orm::ActiveValue::Set(entity::ServiceContactKind::CareerGuidance),
        channel: sea_orm::ActiveValue::Set(entity::ContactChannel::InPerson),
        contacted_on: sea_orm::ActiveValue::Set(chrono::Utc::now().date_naive()),
        note: sea_orm::ActiveValue::Set("想转行做数控".into()),
        created_at: sea_orm::ActiveValue::Set(chrono::Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("a service contact");
    let contact_id = gid(NodeKey::ServiceContact(contact.id));
    let cohort_id = gid(NodeKey::Cohort(cohort.id));
    const FIELDS: &str = "view name nationalId phone ageBand targetGroup targetGroups { since } createdAt region { code } registeredBy { id } certificates { id } specialAbilityCertificates { id } honours { title } appointments { title } competitionEntries { rank } recommendations { id } followUps { id } serviceContacts { id } serviceProgress { missing } jobSuggestions(first: 1) { score }";
    for seen in &table {
        let who = seen.who;
        // 1. The learner node.
        let node = app
            .query_as(
                &seen.caller,
                &format!("query($id: ID!) {{ node(id: $id) {{ ... on Learner {{ {FIELDS} }} }} }}"),
                json!({ "id": learner_id }),
            )
            .await;
        assert!(node.get("errors").is_none(), "{who}: {node}");
        let got = &node["data"]["node"];
        if seen.view.is_null() {
            assert_eq!(got, &Value::Null, "{who}");
        } else {
            assert_eq!(got["view"], seen.view, "{who}");
            assert!(got["name"].as_str().expect("name").contains('*'), "{who}");
            let sensitive = [
                "nationalId",
                "phone",
                "ageBand",
                "targetGroup",
                "targetGroups",
                "createdAt",
                "region",
                "registeredBy",
                "certificates",
                "specialAbilityCertificates",
                "honours",
                "appointments",
                "competitionEntries",
                "recommendations",
                "followUps",
                "serviceContacts",
                "serviceProgress",
                "jobSuggestions",
            ];
            for field in sensitive {
                assert_eq!(
                    got[field].is_null(),
                    seen.view == summary,
                    "{who}: {field} is for the full view only"
                );
            }
        }
        // 2. Personal data: the full view of a purpose holder only, and every such read audited.
        let personal = app
            .query_as(&seen.caller, PERSONAL, json!({ "id": learner_id }))
            .await;
        if seen.view == full {
            assert!(personal.get("errors").is_none(), "{who}: {personal}");
            assert_eq!(
                personal["data"]["node"]["personalData"]["name"],
                crate::helpers::real_name(&l),
                "{who}"
            );
        } else {
            assert!(
                !personal
                    .to_string()
                    .contains(&crate::helpers::real_name(&l)),
                "{who}"
            );
        }
        // 3. The enrolment, where the viewer may list the cohort's learners, carries the same
        //    decision.
        let enrolment = app
            .query_as(
                &seen.caller,
                "query($id: ID!) { node(id: $id) { ... on Enrollment { learner { view } } } }",
                json!({ "id": enrollment_id }),
            )
            .await;
        assert!(enrolment.get("errors").is_none(), "{who}: {enrolment}");
        if !enrolment["data"]["node"].is_null() {
            assert_eq!(
                enrolment["data"]["node"]["learner"]["view"], seen.view,
                "{who}"
            );
        }
        let listed = app
            .query_as(
                &seen.caller,
                "query($c: ID!) { node(id: $c) { ... on Cohort { enrollments(first: 100) { nodes { learner { id view } } } } } }",
                json!({ "c": cohort_id }),
            )
            .await;
        if let Some(nodes) = listed["data"]["node"]["enrollments"]["nodes"].as_array() {
            let mine = nodes.iter().find(|n| n["learner"]["id"] == learner_id);
            match mine {
                Some(n) => assert_eq!(n["learner"]["view"], seen.view, "{who}"),
                None => assert!(seen.view.is_null(), "{who}: listed without the learner"),
            }
        }
        // 4. The whole copy of the record: the learner alone (another learner gets their own).
        let copy = app.query_as(&seen.caller, "{ myData }", json!({})).await;
        match seen.caller.viewer.learner_id() {
            Some(id) if id == l.id => {
                assert_eq!(copy["data"]["myData"]["learner"]["id"], learner_id, "{who}");
                assert_eq!(
                    copy["data"]["myData"]["learner"]["name"],
                    crate::helpers::real_name(&l),
                    "{who}"
                );
            }
            Some(_) => {
                assert_ne!(copy["data"]["myData"]["learner"]["id"], learner_id, "{who}");
                assert!(
                    !copy.to_string().contains(&crate::helpers::real_name(&l)),
                    "{who}"
                );
            }
            None => {
                assert!(copy.get("errors").is_some(), "{who}: {copy}");
                assert!(
                    !copy.to_string().contains(&crate::helpers::real_name(&l)),
                    "{who}"
                );
            }
        }
        // 5. The follow-up: for the full view only.
        let follow = app
            .query_as(
                &seen.caller,
                "query($id: ID!) { node(id: $id) { ... on FollowUp { month learner { view } } } }",
                json!({ "id": follow_up_id }),
            )
            .await;
        assert!(follow.get("errors").is_none(), "{who}: {follow}");
        if seen.view == full {
            assert_eq!(follow["data"]["node"]["learner"]["view"], "FULL", "{who}");
        } else {
            assert_eq!(follow["data"]["node"], Value::Null, "{who}");
        }
        // The 1131 service contact likewise.
        let contacted = app
            .query_as(
                &seen.caller,
                "query($id: ID!) { node(id: $id) { ... on ServiceContact { note learner { view } } } }",
                json!({ "id": contact_id }),
            )
            .await;
        assert!(contacted.get("errors").is_none(), "{who}: {contacted}");
        if seen.view == full {
            assert_eq!(contacted["data"]["node"]["note"], "想转行做数控", "{who}");
        } else {
            assert_eq!(contacted["data"]["node"], Value::Null, "{who}");
        }
        // 6. The learner's request about their data, by node and in the list.
        let v = &seen.caller.viewer;
        let registrar = matches!(v.role(), Role::College | Role::TrainingInstitution)
            && v.organization_id().is_some()
            && v.organization_id() == l.registered_by_id;
        let sees = who == "the learner" || who == "the learner's regulator" || registrar;
        let request = app
            .query_as(
                &seen.caller,
                "query($id: ID!) { node(id: $id) { ... on DataRequest { proposed } } }",
                json!({ "id": request_id }),
            )
            .await;
        assert!(request.get("errors").is_none(), "{who}: {request}");
        if sees {
            assert_eq!(request["data"]["node"]["proposed"], "139****0000", "{who}");
        } else {
            assert_eq!(request["data"]["node"], Value::Null, "{who}");
        }
        let listed = app
            .query_as(
                &seen.caller,
                "{ dataRequests(first: 100) { nodes { id } } }",
                json!({}),
            )
            .await;
        let in_list = listed["data"]["dataRequests"]["nodes"]
            .as_array()
            .is_some_and(|n| n.iter().any(|r| r["id"] == request_id));
        assert_eq!(in_list, sees, "{who}: {listed}");
    }
}

/// `node(id:)` answers null, never an error, for whatever the viewer may not see.
#[tokio::test]
async fn nodes_are_null_when_not_visible_whatever_their_type() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let mut ids: Vec<(&str, Value)> = Vec::new();
    macro_rules! first {
        ($entity:path, $key:expr, $label:expr) => {{
            use $entity as e;
            if let Some(row) = e::Entity::find().one(db).await.expect("query") {
                ids.push(($label, gid($key(row))));
            }
        }};
    }
    first!(
        entity::learner,
        |r: learner::Model| NodeKey::Learner(r.id),
        "Learner"
    );
    first!(
        entity::enrollment,
        |r: enrollment::Model| NodeKey::Enrollment(r.id),
        "Enrollment"
    );
    first!(
        entity::certificate,
        |r: entity::certificate::Model| NodeKey::Certificate(r.id),
        "Certificate"
    );
    first!(
        entity::candidate,
        |r: entity::candidate::Model| NodeKey::Candidate(r.id),
        "Candidate"
    );
    first!(
        entity::training_intention,
        |r: entity::training_intention::Model| NodeKey::TrainingIntention(r.id),
        "TrainingIntention"
    );
    first!(
        entity::training_order,
        |r: entity::training_order::Model| NodeKey::TrainingOrder(r.id),
        "TrainingOrder"
    );
    first!(
        entity::recommendation,
        |r: entity::recommendation::Model| NodeKey::Recommendation(r.id),
        "Recommendation"
    );
    first!(
        entity::follow_up,
        |r: follow_up::Model| NodeKey::FollowUp(r.id),
        "FollowUp"
    );
    first!(
        entity::audit_event,
        |r: entity::audit_event::Model| NodeKey::AuditEvent(r.id),
        "AuditEvent"
    );
    assert_eq!(ids.len(), 9, "a row of every person-bearing type");
    // And an institution evaluation not yet confirmed (a confirmed one is public).
    let proposed = entity::institution_evaluation::Entity::find()
        .filter(
            entity::institution_evaluation::Column::Status.eq(entity::EvaluationStatus::Proposed),
        )
        .one(db)
        .await
        .expect("query")
        .expect("the demo's proposed evaluation");
    ids.push((
        "InstitutionEvaluation",
        gid(NodeKey::InstitutionEvaluation(proposed.id)),
    ));
    let missing = gid(NodeKey::Learner(999_999));
    // Strangers of every kind: none of these are theirs.
    let strangers = [
        Caller::public(),
        who::learner(999_998),
        who::staff(Role::Enterprise, 999_997),
        who::staff(Role::College, 999_996),
        who::staff(Role::AssessmentBody, 999_995),
        who::alliance_admin(&[999_994]),
        who::regulator(999_993),
    ];
    for stranger in &strangers {
        for (label, id) in &ids {
            let response = app
                .query_as(
                    stranger,
                    "query($id: ID!, $m: ID!) { node(id: $id) { id } missing: node(id: $m) { id } nodes(ids: [$id, $m]) { id } }",
                    json!({ "id": id, "m": missing }),
                )
                .await;
            assert!(
                response.get("errors").is_none(),
                "{label} for {:?}: {response}",
                stranger.viewer.role()
            );
            assert_eq!(
                response["data"],
                json!({ "node": null, "missing": null, "nodes": [null, null] }),
                "{label} for {:?}: the same as an ID that does not exist",
                stranger.viewer.role()
            );
        }
    }
}

/// Two public queries a day or a filter apart subtract to nothing below five people.
#[tokio::test]
async fn public_placement_rates_cannot_be_differenced() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let regulator = who::regulator(app.region_row("321100").await);
    // The demo's past cohorts: find a period with completers.
    let completion = enrollment::Entity::find()
        .filter(enrollment::Column::Status.eq(entity::EnrollmentStatus::Completed))
        .one(db)
        .await
        .expect("q")
        .expect("a completion")
        .ended_at
        .expect("ended")
        .date_naive();
    const RATES: &str = "query($f: PlacementRateFilter!, $g: [PlacementDimension!]) { placementRates(filter: $f, groupBy: $g) { provider { id } alliance { code } quarter suppressed completers employedMonth3 } }";
    let year = |from: &str, to: &str| json!({ "completedFrom": from, "completedTo": to });
    let from = (completion - Days::new(200)).to_string();
    let to = (completion + Days::new(200)).to_string();
    let day_before = (completion - Days::new(1)).to_string();
    // 1. A day apart: the same public answer (periods snap to whole quarters) …
    let a = app.data_with(RATES, json!({ "f": year(&from, &to) })).await;
    let b = app
        .data_with(
            RATES,
            json!({ "f": year(&from, &(completion + Days::new(201)).to_string()) }),
        )
        .await;
    let c = app
        .data_with(RATES, json!({ "f": year(&day_before, &to) }))
        .await;
    let d = app
        .data_with(RATES, json!({ "f": year(&completion.to_string(), &to) }))
        .await;
    assert_eq!(a, b);
    assert_eq!(
        c, d,
        "a completion day moved out of the period changes nothing"
    );
    // … while the regulator sees the exact period.
    let exact_c = app
        .data_as(&regulator, RATES, json!({ "f": year(&day_before, &to) }))
        .await;
    assert!(
        exact_c["placementRates"][0]["completers"]
            .as_u64()
            .is_some()
    );

    // 2. The public total is exactly the sum of the public groups, whatever the grouping: no
    //    small cell hides in a total to be subtracted out.
    for dims in [
        json!(["PROVIDER"]),
        json!(["ALLIANCE"]),
        json!(["QUARTER"]),
        json!(["PROVIDER", "OCCUPATION", "COHORT_KIND"]),
    ] {
        let total = app.data_with(RATES, json!({ "f": year(&from, &to) })).await;
        let groups = app
            .data_with(RATES, json!({ "f": year(&from, &to), "g": dims }))
            .await;
        let sum: u64 = groups["placementRates"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["completers"].as_u64())
            .sum();
        let employed: u64 = groups["placementRates"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["employedMonth3"].as_u64())
            .sum();
        assert_eq!(
            total["placementRates"][0]["completers"]
                .as_u64()
                .unwrap_or(0),
            sum,
            "{dims}"
        );
        assert_eq!(
            total["placementRates"][0]["employedMonth3"]
                .as_u64()
                .unwrap_or(0),
            employed,
            "{dims}"
        );
        // 3. A filter one provider narrower subtracts to a released group of at least five, or to
        //    nothing.
        for group in groups["placementRates"].as_array().expect("rows") {
            if let Some(n) = group["completers"].as_u64() {
                assert!(n >= 5, "{dims}: {group}");
            }
        }
    }
    let by_provider = app
        .data_with(RATES, json!({ "f": year(&from, &to), "g": ["PROVIDER"] }))
        .await;
    let providers: Vec<Value> = by_provider["placementRates"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["provider"]["id"].clone())
        .collect();
    assert!(providers.len() >= 2);
    let all = app
        .data_with(
            RATES,
            json!({ "f": { "completedFrom": from, "completedTo": to, "providers": providers } }),
        )
        .await;
    let without_first = app
        .data_with(RATES, json!({ "f": { "completedFrom": from, "completedTo": to, "providers": providers[1..] } }))
        .await;
    let difference = all["placementRates"][0]["completers"].as_u64().unwrap_or(0)
        - without_first["placementRates"][0]["completers"]
            .as_u64()
            .unwrap_or(0);
    assert!(difference == 0 || difference >= 5, "{difference}");
}

/// A cohort of the provider's own making, today, in its first alliance.
async fn dummy_cohort(app: &TestApp, org: &organization::Model) -> Value {
    let me = provider_caller(org);
    let alliance = app
        .data_with(
            "query($o: ID!) { node(id: $o) { ... on Organization { alliances { code } } } }",
            json!({ "o": gid(NodeKey::Organization(org.id)) }),
        )
        .await["node"]["alliances"][0]["code"]
        .clone();
    let start = Utc::now().date_naive();
    app.data_as(
        &me,
        "mutation($i: CreateCohortInput!) { createCohort(input: $i) { id } }",
        json!({ "i": {
            "kind": "PROJECT_TRAINING", "name": "空班", "provider": gid(NodeKey::Organization(org.id)),
            "alliance": alliance, "occupation": "4-04-05-05", "targetLevel": "LEVEL_4",
            "capacity": 100, "startOn": start.to_string(),
            "endOn": (start + Days::new(60)).to_string(), "subsidized": false,
        } }),
    )
    .await["createCohort"]["id"]
    .clone()
}

const ENROL: &str =
    "mutation($c: ID!, $l: ID!) { enrollLearner(input: {cohort: $c, learner: $l}) { id } }";

/// The scope attack of issue 33: a college enrols learners it registered long ago, and learners
/// of an order still dispatched to it (or declined), into a cohort of its own making to read
/// them in full. A registration counts within the access period only; an order enrols only into
/// the cohort that accepting it opens.
#[tokio::test]
async fn enrolment_bases_last_only_as_long_as_their_purpose() {
    let app = TestApp::demo().await;
    let college = org_row(&app, "丹阳中等专业学校").await;
    let me = provider_caller(&college);
    let cohort = dummy_cohort(&app, &college).await;
    let register = "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }";
    let old = app
        .data_as(
            &me,
            register,
            json!({ "i": { "name": "陈旧", "nationalId": national_id("32118119800101001"), "phone": "13900001111", "region": "321100", "targetGroup": "UNEMPLOYED" } }),
        )
        .await["registerLearner"]["id"]
        .clone();
    let fresh = app
        .data_as(
            &me,
            register,
            json!({ "i": { "name": "新近", "nationalId": national_id("32118119800101002"), "phone": "13900002222", "region": "321100", "targetGroup": "UNEMPLOYED" } }),
        )
        .await["registerLearner"]["id"]
        .clone();
    // The first registration was 400 days ago.
    let link = provider_link::Entity::find()
        .filter(provider_link::Column::LearnerId.eq(TestApp::raw_id(&old)))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("the link");
    let mut aged: provider_link::ActiveModel = link.into();
    aged.linked_at = Set(Utc::now() - chrono::Duration::days(400));
    aged.update(&app.db.db).await.expect("update");
    let refused = app
        .query_as(&me, ENROL, json!({ "c": cohort, "l": old }))
        .await;
    assert_eq!(first_code(&refused), "FORBIDDEN", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("input.learner")),
        "{refused}"
    );
    let admitted = app
        .query_as(&me, ENROL, json!({ "c": cohort, "l": fresh }))
        .await;
    assert!(admitted.get("errors").is_none(), "{admitted}");

    // An order still dispatched to a provider: its learners cannot be enrolled into a cohort of
    // the provider's own making, nor after it declines the order.
    let order = entity::training_order::Entity::find()
        .filter(entity::training_order::Column::Status.eq(entity::OrderStatus::Dispatched))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("a dispatched order in the demo");
    let provider = organization::Entity::find_by_id(order.provider_id)
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("its provider");
    let theirs = provider_caller(&provider);
    let bundled: Vec<i32> = entity::training_intention::Entity::find()
        .filter(entity::training_intention::Column::OrderId.eq(order.id))
        .all(&app.db.db)
        .await
        .expect("intentions")
        .into_iter()
        .map(|i| i.learner_id)
        .collect();
    assert!(!bundled.is_empty(), "the order bundles learners");
    let own_cohort = dummy_cohort(&app, &provider).await;
    let fresh_links: Vec<i32> = provider_link::Entity::find()
        .filter(provider_link::Column::OrganizationId.eq(provider.id))
        .all(&app.db.db)
        .await
        .expect("links")
        .into_iter()
        .map(|l| l.learner_id)
        .collect();
    let strangers: Vec<i32> = bundled
        .iter()
        .copied()
        .filter(|l| !fresh_links.contains(l))
        .collect();
    assert!(
        !strangers.is_empty(),
        "bundled learners it never registered"
    );
    let enrolments = enrollment::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    for l in &strangers {
        let response = app
            .query_as(
                &theirs,
                ENROL,
                json!({ "c": own_cohort, "l": gid(NodeKey::Learner(*l)) }),
            )
            .await;
        assert_eq!(first_code(&response), "FORBIDDEN", "dispatched: {response}");
    }
    app.data_as(
        &theirs,
        "mutation($o: ID!) { declineTrainingOrder(input: {order: $o, reason: \"满员\"}) { status } }",
        json!({ "o": gid(NodeKey::TrainingOrder(order.id)) }),
    )
    .await;
    for l in &strangers {
        let response = app
            .query_as(
                &theirs,
                ENROL,
                json!({ "c": own_cohort, "l": gid(NodeKey::Learner(*l)) }),
            )
            .await;
        assert_eq!(first_code(&response), "FORBIDDEN", "declined: {response}");
        let seen = app
            .data_as(
                &theirs,
                "query($id: ID!) { node(id: $id) { ... on Learner { view } } }",
                json!({ "id": gid(NodeKey::Learner(*l)) }),
            )
            .await;
        assert_ne!(seen["node"]["view"], "FULL");
    }
    assert_eq!(
        enrollment::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        enrolments,
        "nothing written"
    );
}

/// An alliance administrator acts for alliances, never for an organization; a founder makes
/// leads of its own region and invites the others, who accept with their own token.
#[tokio::test]
async fn alliance_admins_name_no_organization_and_leads_are_of_the_region() {
    let app = TestApp::demo().await;
    let body = org_row(&app, "丹阳中等专业学校").await;
    let claims = skillgraph::auth::Claims {
        sub: "admin-1".into(),
        role: Role::AllianceAdmin,
        org: Some(NodeKey::Organization(body.id).to_id().0),
        alliances: vec!["zj-eyewear".into()],
        region: None,
        iss: "skillgraph".into(),
        aud: "skillgraph".into(),
        exp: u64::MAX / 2,
        iat: 0,
        nbf: None,
        jti: "t-1".into(),
        org_admin: false,
    };
    let refused = skillgraph::auth::viewer_from_claims(&app.db.db, &claims).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("names no organization")),
        "{refused:?}"
    );
    let without = skillgraph::auth::Claims {
        org: None,
        ..claims
    };
    assert!(
        skillgraph::auth::viewer_from_claims(&app.db.db, &without)
            .await
            .is_ok()
    );

    let zhenjiang = app.region_row("321100").await;
    let regulator = who::regulator(zhenjiang);
    let local = org_row(&app, "丹阳中等专业学校").await;
    let foreign = organization::Entity::find()
        .filter(organization::Column::RegionId.ne(zhenjiang))
        .one(&app.db.db)
        .await
        .expect("query")
        .expect("an organization of another region");
    let found = "mutation($i: FoundAllianceInput!) { foundAlliance(input: $i) { code members(first: 10) { nodes { role organization { name } } } } }";
    let input = |leads: Vec<Value>| {
        json!({ "i": {
            "code": "zj-test-energy", "name": "镇江市测试能源职业培训联盟", "nameEn": "Zhenjiang New Energy Vocational Training Alliance",
            "industry": "NEW_ENERGY", "region": "321100", "foundedOn": Utc::now().date_naive().to_string(),
            "description": "新能源", "leads": leads,
        } })
    };
    let alliances = alliance::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    // Only leads of another region: refused, nothing founded.
    let response = app
        .query_as(
            &regulator,
            found,
            input(vec![gid(NodeKey::Organization(foreign.id))]),
        )
        .await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT", "{response}");
    assert_eq!(response["errors"][0]["extensions"]["field"], "input.leads");
    assert_eq!(
        alliance::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        alliances,
        "nothing founded"
    );
    // A local lead and a foreign one: the local one leads from the founding day, the foreign
    // one is invited.
    let founded = app
        .data_as(
            &regulator,
            found,
            input(vec![
                gid(NodeKey::Organization(local.id)),
                gid(NodeKey::Organization(foreign.id)),
            ]),
        )
        .await;
    let members = founded["foundAlliance"]["members"]["nodes"]
        .as_array()
        .expect("members")
        .clone();
    assert_eq!(members.len(), 1, "{founded}");
    assert_eq!(members[0]["role"], "LEAD");
    assert_eq!(members[0]["organization"]["name"], local.name.as_str());
    let foreign_caller = provider_caller(&foreign);
    let invitations = app
        .data_as(
            &foreign_caller,
            "{ membershipApplications(filter: {statuses: [PENDING]}) { nodes { id invitedAs alliance { code } } } }",
            json!({}),
        )
        .await;
    let invitation = invitations["membershipApplications"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["alliance"]["code"] == "zj-test-energy")
        .expect("an invitation")
        .clone();
    assert_eq!(invitation["invitedAs"], "LEAD");
    // The regulator cannot accept for it; the organization accepts with its own token.
    let accept = "mutation($a: ID!) { acceptInvitation(input: {application: $a}) { status } }";
    let for_it = app
        .query_as(&regulator, accept, json!({ "a": invitation["id"] }))
        .await;
    assert_eq!(first_code(&for_it), "FORBIDDEN", "{for_it}");
    let accepted = app
        .data_as(&foreign_caller, accept, json!({ "a": invitation["id"] }))
        .await;
    assert_eq!(accepted["acceptInvitation"]["status"], "ADMITTED");
    let roles = app
        .data(
            "{ alliance(code: \"zj-test-energy\") { members(first: 10) { nodes { role organization { name } } } } }",
        )
        .await;
    assert_eq!(
        roles["alliance"]["members"]["nodes"]
            .as_array()
            .expect("members")
            .iter()
            .filter(|m| m["role"] == "LEAD")
            .count(),
        2,
        "{roles}"
    );
}
