//! The bureau's figures against hand-computed values, on rows built in Dalian (where the demo
//! has none): exact for Dalian's regulator, under the disclosure rule for the public, against
//! the region's targets and a programme's quotas.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use skillgraph::auth::Caller;

use crate::helpers::{TestApp, first_code, who};

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn at(s: &str) -> chrono::DateTime<Utc> {
    day(s).and_hms_opt(12, 0, 0).expect("noon").and_utc()
}

/// Seven people of Dalian, registered by its bureau: learners 1–5 veterans, 6 and 7 disabled,
/// every one declared OTHER at registration.
pub(super) async fn people(app: &TestApp, bureau: &Caller) -> Vec<i32> {
    let mut ids = Vec::new();
    for n in 1..=7u32 {
        let first17 = format!("2102021990010{n}{:03}", 100 + n);
        let check =
            skillgraph::domain::kernel::personal::NationalId::check_char(&first17).expect("digits");
        let id = app
            .data_as(
                bureau,
                "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
                json!({ "i": { "name": format!("大连学员{n}"), "nationalId": format!("{first17}{check}"), "phone": format!("1390411{n:04}"), "region": "210200", "targetGroup": "OTHER" } }),
            )
            .await["registerLearner"]["id"]
            .clone();
        let group = if n <= 5 { "VETERAN" } else { "DISABLED" };
        app.data_as(
            bureau,
            "mutation($l: ID!, $g: String!) { recordTargetGroup(input: {learner: $l, group: $g, since: \"2020-01-01\", basis: \"证明\"}) { since } }",
            json!({ "l": id, "g": group }),
        )
        .await;
        ids.push(TestApp::raw_id(&id));
    }
    ids
}

/// A GOVERNMENT department of Dalian, registered by its bureau: its global ID.
pub(super) async fn department(app: &TestApp, bureau: &Caller, name: &str, serial: u32) -> Value {
    use skillgraph::domain::kernel::codes::CreditCode;
    let first17 = format!("11210200MB{serial:07}");
    let check = CreditCode::check_char(&first17).expect("alphabet");
    app.data_as(
        bureau,
        "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { id } }",
        json!({ "i": { "name": name, "kind": "GOVERNMENT", "creditCode": format!("{first17}{}", char::from(check)), "region": "210200" } }),
    )
    .await["registerOrganization"]["id"]
        .clone()
}

/// Builds the rows the figures count, straight into the database.
pub(super) async fn rows(app: &TestApp, learners: &[i32], programme: i32) {
    let db = &app.db.db;
    let dalian = app.region_row("210200").await;
    let zhongshan = app.region_row("210202").await;
    let provider = entity::organization::Entity::find()
        .filter(
            entity::organization::Column::Kind.eq(entity::OrganizationKind::TrainingInstitution),
        )
        .one(db)
        .await
        .expect("read")
        .expect("a training institution")
        .id;
    let alliance = entity::alliance::Entity::insert(entity::alliance::ActiveModel {
        code: Set("dl-shipbuilding".into()),
        name: Set("大连船舶产业职业培训联盟".into()),
        name_en: Set(String::new()),
        industry: Set("EYEWEAR".into()),
        region_id: Set(dalian),
        founded_on: Set(day("2025-01-01")),
        description: Set(String::new()),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("an alliance")
    .id;
    let shipyard = entity::organization::Entity::find()
        .filter(entity::organization::Column::Kind.eq(entity::OrganizationKind::Enterprise))
        .one(db)
        .await
        .expect("read")
        .expect("an enterprise")
        .id;
    let cohort = |programme: Option<i32>, mode, started: &str, subsidized, county| {
        entity::cohort::ActiveModel {
            kind: Set(entity::CohortKind::ProjectTraining),
            name: Set("大连班".into()),
            provider_id: Set(provider),
            alliance_id: Set(alliance),
            county_id: Set(county),
            occupation_code: Set("4-14-03-03".into()),
            target_level: Set(entity::SkillLevel::Level4),
            capacity: Set(20),
            enrolled: Set(0),
            start_on: Set(day(started)),
            end_on: Set(day("2026-12-31")),
            started_on: Set(Some(day(started))),
            subsidized: Set(subsidized),
            programme_id: Set(programme),
            mode: Set(mode),
            status: Set(entity::CohortStatus::Running),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
    };
    // Cohort A: the programme's, ORDER, started in Q1, subsidised, in 中山区, training an
    // enterprise's employees in post.
    let a = entity::cohort::Entity::insert(entity::cohort::ActiveModel {
        purpose: Set(Some(entity::TrainingPurpose::InPost)),
        enterprise_id: Set(Some(shipyard)),
        ..cohort(
            Some(programme),
            Some(entity::TrainingMode::Order),
            "2026-01-10",
            true,
            Some(zhongshan),
        )
    })
    .exec_with_returning(db)
    .await
    .expect("cohort A")
    .id;
    // Cohort B: in no programme, started in Q2, not subsidised, county unknown.
    let b = entity::cohort::Entity::insert(cohort(None, None, "2026-05-05", false, None))
        .exec_with_returning(db)
        .await
        .expect("cohort B")
        .id;
    let enrol =
        |cohort: i32, learner: i32, status, ended: Option<&str>| entity::enrollment::ActiveModel {
            cohort_id: Set(cohort),
            learner_id: Set(learner),
            status: Set(status),
            enrolled_at: Set(at("2026-01-05")),
            ended_at: Set(ended.map(at)),
            ..Default::default()
        };
    use entity::EnrollmentStatus::*;
    let mut completions = Vec::new();
    for &l in &learners[..5] {
        completions.push(
            entity::enrollment::Entity::insert(enrol(a, l, Completed, Some("2026-03-20")))
                .exec_with_returning(db)
                .await
                .expect("a completion"),
        );
    }
    entity::enrollment::Entity::insert(enrol(a, learners[5], Withdrawn, Some("2026-02-01")))
        .exec(db)
        .await
        .expect("a withdrawal");
    for l in [learners[6], learners[0]] {
        entity::enrollment::Entity::insert(enrol(b, l, Enrolled, None))
            .exec(db)
            .await
            .expect("an enrolment");
    }
    // Follow-ups: 1 EMPLOYED at months 3 and 6 by its own enterprise (retained, in post too); 2
    // EMPLOYED by one at month 3 and another at month 6; 3 SELF_EMPLOYED and 4 BUSINESS_STARTED
    // (with 3 jobs) at month 6; 5 none.
    use entity::FollowUpOutcome::*;
    let first = completions[0].id;
    let follow = |e: &entity::enrollment::Model,
                  month: i16,
                  outcome: entity::FollowUpOutcome,
                  employer: &str| {
        entity::follow_up::ActiveModel {
            enrollment_id: Set(e.id),
            learner_id: Set(e.learner_id),
            month: Set(month),
            contacted_on: Set(day(if month == 3 {
                "2026-06-20"
            } else {
                "2026-09-20"
            })),
            employed: Set(outcome.works()),
            employer_name: Set(Some(employer.to_owned())),
            employer_id: Set((employer == "大连造船厂" && e.id == first).then_some(shipyard)),
            jobs_created: Set((outcome == BusinessStarted).then_some(3)),
            occupation_match: Set(true),
            outcome: Set(outcome),
            note: Set(String::new()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
    };
    for row in [
        follow(&completions[0], 3, Employed, "大连造船厂"),
        follow(&completions[0], 6, Employed, "大连造船厂"),
        follow(&completions[1], 3, Employed, "大连造船厂"),
        follow(&completions[1], 6, Employed, "大连港集团"),
        follow(&completions[2], 6, SelfEmployed, "个体经营"),
        follow(&completions[3], 6, BusinessStarted, "海味小店"),
    ] {
        entity::follow_up::Entity::insert(row)
            .exec(db)
            .await
            .expect("a follow-up");
    }
    // Certificates in Q2 at a session in 中山区: level 3, level 2, and level 5 in a digital
    // occupation.
    let body = entity::assessment_body::Entity::insert(entity::assessment_body::ActiveModel {
        organization_id: Set(provider),
        body_type: Set(entity::BodyType::Social),
        body_code: Set("9901".into()),
        site_serial: Set("000901".into()),
        status: Set(entity::BodyStatus::Active),
        serial_year: Set(2026),
        last_serial: Set(0),
        filed_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("a body")
    .id;
    let digital = entity::occupation::Entity::find()
        .filter(entity::occupation::Column::Digital.eq(true))
        .one(db)
        .await
        .expect("read")
        .expect("a digital occupation")
        .code;
    use entity::SkillLevel::*;
    for (n, (occupation, level)) in [
        ("4-14-03-03".to_owned(), Level3),
        ("4-14-03-03".to_owned(), Level2),
        (digital, Level5),
    ]
    .into_iter()
    .enumerate()
    {
        let session =
            entity::assessment_session::Entity::insert(entity::assessment_session::ActiveModel {
                body_id: Set(body),
                occupation_code: Set(occupation.clone()),
                level: Set(level),
                exam_date: Set(day("2026-04-10")),
                registration_deadline: Set(day("2026-04-01")),
                region_id: Set(dalian),
                county_id: Set(Some(zhongshan)),
                address: Set("中山区考点".into()),
                capacity: Set(10),
                registered: Set(1),
                status: Set(entity::SessionStatus::ResultsPublished),
                created_at: Set(Utc::now()),
                ..Default::default()
            })
            .exec_with_returning(db)
            .await
            .expect("a session")
            .id;
        let candidate = entity::candidate::Entity::insert(entity::candidate::ActiveModel {
            session_id: Set(session),
            learner_id: Set(learners[n]),
            registered_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec_with_returning(db)
        .await
        .expect("a candidate")
        .id;
        entity::certificate::Entity::insert(entity::certificate::ActiveModel {
            number: Set(format!("Y99012026{n:08}")),
            learner_id: Set(learners[n]),
            occupation_code: Set(occupation),
            level: Set(level),
            body_id: Set(body),
            session_id: Set(Some(session)),
            candidate_id: Set(Some(candidate)),
            issued_on: Set(day("2026-04-20")),
            region_id: Set(dalian),
            county_id: Set(Some(zhongshan)),
            status: Set(entity::CertificateStatus::Valid),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("a certificate");
    }
}

const REPORT: &str = "query($g: [IndicatorDimension!]) { indicators(region: \"210200\", year: 2026, groupBy: $g) { exact from to total { indicator actual target progress } periodTargets { indicator fromYear toYear target actual progress } rows { programme { code } targetGroup { code } mode purpose quarter occupationGroup county { code } values { indicator actual target progress } } } }";

/// The values of a row (or the total) by indicator name.
fn by_name(values: &Value) -> std::collections::HashMap<String, Value> {
    values
        .as_array()
        .expect("values")
        .iter()
        .map(|v| (v["indicator"].as_str().expect("name").to_owned(), v.clone()))
        .collect()
}

#[tokio::test]
async fn the_figures_are_what_the_rows_add_up_to_and_the_public_sees_only_cells_of_five() {
    let app = TestApp::demo().await;
    let bureau = who::regulator(app.region_row("210200").await);
    let learners = people(&app, &bureau).await;
    let civil = department(&app, &bureau, "大连市民政局", 1).await;
    let women = department(&app, &bureau, "大连市妇女联合会", 2).await;
    let programme = app
        .data_as(
            &bureau,
            "mutation($d: ID!) { upsertProgramme(input: {code: \"dl-ship\", name: \"船舶专项\", kind: SPECIAL, startsOn: \"2026-01-01\", endsOn: \"2028-12-31\", departments: [$d], quotas: [{year: 2026, indicator: TRAINED_PERSON_TIMES, target: 10}]}) { id } }",
            json!({ "d": civil }),
        )
        .await["upsertProgramme"]["id"]
        .clone();
    rows(&app, &learners, TestApp::raw_id(&programme)).await;
    for (input, named) in [
        (
            json!({ "indicator": "TRAINED_PERSON_TIMES", "fromYear": 2026, "target": 14 }),
            None,
        ),
        (
            json!({ "indicator": "COMPLETIONS", "fromYear": 2026, "toYear": 2028, "target": 20 }),
            None,
        ),
        (
            json!({ "indicator": "RETENTION_RATE", "fromYear": 2026, "target": 12000 }),
            Some("input.target"),
        ),
        (
            json!({ "indicator": "COMPLETIONS", "fromYear": 2026, "toYear": 2040, "target": 1 }),
            Some("input.toYear"),
        ),
    ] {
        let set = app
            .query_as(
                &bureau,
                "mutation($i: SetIndicatorTargetInput!) { setIndicatorTarget(input: $i) { target } }",
                json!({ "i": input }),
            )
            .await;
        assert_eq!(
            set["errors"][0]["extensions"]["field"].as_str(),
            named,
            "{set}"
        );
    }

    // Exact, for Dalian's regulator: hand-computed.
    let exact = app.data_as(&bureau, REPORT, json!({ "g": [] })).await;
    let report = &exact["indicators"];
    assert_eq!(report["exact"], true);
    assert_eq!(
        (&report["from"], &report["to"]),
        (&json!("2026-01-01"), &json!("2026-12-31"))
    );
    let total = by_name(&report["total"]);
    for (name, actual) in [
        ("TRAINED_PERSON_TIMES", json!(7)),
        ("SUBSIDISED_PERSON_TIMES", json!(5)),
        ("COMPLETIONS", json!(5)),
        ("CERTIFICATES", json!(3)),
        ("SENIOR_CERTIFICATES", json!(2)),
        ("TECHNICIAN_CERTIFICATES", json!(1)),
        ("DIGITAL_CERTIFICATES", json!(1)),
        ("PLACEMENT_RATE", json!(4000)),
        ("EMPLOYMENT_OR_BUSINESS_RATE", json!(8000)),
        ("RETENTION_RATE", json!(5000)),
        // 3 and 4 of the five; 4's business with its 3 jobs.
        ("SELF_EMPLOYMENT_RATE", json!(4000)),
        ("JOBS_CREATED", json!(3)),
        // 1 and 2 worked at months 3 and 6 (with different employers, 2 still counts).
        ("STABLE_EMPLOYMENT_RATE", json!(4000)),
        // Cohort A trained the enterprise's employees in post: only 1 is with it at month 6.
        ("IN_POST_RETENTION_RATE", json!(2000)),
    ] {
        assert_eq!(total[name]["actual"], actual, "{name}");
    }
    assert_eq!(
        (
            &total["TRAINED_PERSON_TIMES"]["target"],
            &total["TRAINED_PERSON_TIMES"]["progress"]
        ),
        (&json!(14), &json!(0.5))
    );
    assert_eq!(
        report["periodTargets"],
        json!([{ "indicator": "COMPLETIONS", "fromYear": 2026, "toYear": 2028, "target": 20, "actual": 5, "progress": 0.25 }])
    );

    // By programme and quarter: the programme's row against its quota.
    let grouped = app
        .data_as(&bureau, REPORT, json!({ "g": ["PROGRAMME", "QUARTER"] }))
        .await;
    let rows = grouped["indicators"]["rows"].as_array().expect("rows");
    let row = |programme: Option<&str>, quarter: &str| {
        rows.iter()
            .find(|r| r["programme"]["code"].as_str() == programme && r["quarter"] == quarter)
            .map(|r| by_name(&r["values"]))
            .unwrap_or_else(|| panic!("a row {programme:?} {quarter}: {grouped}"))
    };
    let q1 = row(Some("dl-ship"), "2026-Q1");
    assert_eq!(
        (
            &q1["TRAINED_PERSON_TIMES"]["actual"],
            &q1["TRAINED_PERSON_TIMES"]["target"],
            &q1["COMPLETIONS"]["actual"]
        ),
        (&json!(5), &json!(10), &json!(5))
    );
    let q2 = row(None, "2026-Q2");
    assert_eq!(
        (
            &q2["TRAINED_PERSON_TIMES"]["actual"],
            &q2["CERTIFICATES"]["actual"]
        ),
        (&json!(2), &json!(3))
    );
    assert_eq!(rows.len(), 2, "{grouped}");

    // By target group: a learner counts in each of their groups.
    let groups = app
        .data_as(&bureau, REPORT, json!({ "g": ["TARGET_GROUP"] }))
        .await;
    let trained: std::collections::BTreeMap<String, Value> = groups["indicators"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["targetGroup"]["code"].as_str().expect("group").to_owned(),
                by_name(&r["values"])["TRAINED_PERSON_TIMES"]["actual"].clone(),
            )
        })
        .collect();
    assert_eq!(
        trained,
        [("DISABLED", 1), ("OTHER", 7), ("VETERAN", 6)]
            .into_iter()
            .map(|(g, n)| (g.to_owned(), json!(n)))
            .collect()
    );
    assert_eq!(
        by_name(&groups["indicators"]["total"])["TRAINED_PERSON_TIMES"]["actual"],
        7,
        "the total counts each person once"
    );

    // Placement rates by programme and target group: the five completers of the programme's
    // cohort, all veterans (and all in the group declared at registration); at month 6 four
    // were working (employed, self-employed or with a business).
    const PLACEMENT: &str = "{ placementRates(filter: {completedFrom: \"2026-01-01\", completedTo: \"2026-12-31\", regions: [\"210200\"]}, groupBy: [PROGRAMME, TARGET_GROUP]) { programme { code } targetGroup { code } completers employedMonth6 suppressed } }";
    let expected = json!([
        { "programme": { "code": "dl-ship" }, "targetGroup": { "code": "OTHER" }, "completers": 5, "employedMonth6": 4, "suppressed": false },
        { "programme": { "code": "dl-ship" }, "targetGroup": { "code": "VETERAN" }, "completers": 5, "employedMonth6": 4, "suppressed": false },
    ]);
    let mut placed = app.data_as(&bureau, PLACEMENT, json!({})).await["placementRates"].clone();
    let order = |rows: &mut Value| {
        rows.as_array_mut()
            .expect("rows")
            .sort_by_key(|r| r["targetGroup"]["code"].as_str().map(str::to_owned));
    };
    order(&mut placed);
    assert_eq!(placed, expected);
    let mut public = app.data_with(PLACEMENT, json!({})).await["placementRates"].clone();
    order(&mut public);
    assert_eq!(public, expected, "a cell of five, each part five");

    // The public: only cells of five or more. Cohort B's two, the certificates and the disabled
    // learner are in cells under five and show nowhere, totals included, whichever way grouped.
    let public = app.data_with(REPORT, json!({ "g": [] })).await;
    assert_eq!(public["indicators"]["exact"], false);
    let total = by_name(&public["indicators"]["total"]);
    assert_eq!(
        (
            &total["TRAINED_PERSON_TIMES"]["actual"],
            &total["COMPLETIONS"]["actual"],
            &total["CERTIFICATES"]["actual"]
        ),
        (&json!(5), &json!(5), &json!(0))
    );
    let by_quarter = app.data_with(REPORT, json!({ "g": ["QUARTER"] })).await;
    let quarters: Vec<(Value, Value)> = by_quarter["indicators"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["quarter"].clone(),
                by_name(&r["values"])["TRAINED_PERSON_TIMES"]["actual"].clone(),
            )
        })
        .collect();
    assert_eq!(
        quarters,
        [(json!("2026-Q1"), json!(5))],
        "Q2's two are not released"
    );
    let by_group = app
        .data_with(REPORT, json!({ "g": ["TARGET_GROUP"] }))
        .await;
    let mut shown: Vec<&str> = by_group["indicators"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["targetGroup"]["code"].as_str().expect("group"))
        .collect();
    shown.sort();
    assert_eq!(
        shown,
        ["OTHER", "VETERAN"],
        "the disabled learner's cell is under five"
    );
    // By purpose: cohort A trained in post, cohort B recorded none. The bureau sees both; the
    // public only the purpose of a cell of five.
    let purposes = |report: &Value| -> Vec<(Value, Value)> {
        report["indicators"]["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                (
                    r["purpose"].clone(),
                    by_name(&r["values"])["TRAINED_PERSON_TIMES"]["actual"].clone(),
                )
            })
            .collect()
    };
    let exact = app
        .data_as(&bureau, REPORT, json!({ "g": ["PURPOSE"] }))
        .await;
    assert_eq!(
        purposes(&exact),
        [(Value::Null, json!(2)), (json!("IN_POST"), json!(5))]
    );
    let public = app.data_with(REPORT, json!({ "g": ["PURPOSE"] })).await;
    assert_eq!(purposes(&public), [(json!("IN_POST"), json!(5))]);
    // Another region's regulator is the public here.
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let theirs = app.data_as(&zhenjiang, REPORT, json!({ "g": [] })).await;
    assert_eq!(theirs["indicators"]["exact"], false);

    // A department reads the figures of the programme it answers for exactly, and the learners
    // of its cohorts in summary; another department neither.
    let answering = who::resolved(
        &app.db.db,
        skillgraph::auth::Role::Department,
        TestApp::raw_id(&civil),
    )
    .await;
    let other = who::resolved(
        &app.db.db,
        skillgraph::auth::Role::Department,
        TestApp::raw_id(&women),
    )
    .await;
    let of_programme = "query($p: ID) { indicators(region: \"210200\", year: 2026, programme: $p) { exact total { indicator actual } } }";
    let theirs = app
        .data_as(&answering, of_programme, json!({ "p": programme }))
        .await;
    assert_eq!(theirs["indicators"]["exact"], true);
    let total = by_name(&theirs["indicators"]["total"]);
    assert_eq!(
        (
            &total["TRAINED_PERSON_TIMES"]["actual"],
            &total["CERTIFICATES"]["actual"]
        ),
        (&json!(5), &json!(0)),
        "the programme's cohorts only; certificates belong to none"
    );
    for (caller, p) in [(&other, programme.clone()), (&answering, Value::Null)] {
        let seen = app.data_as(caller, of_programme, json!({ "p": p })).await;
        assert_eq!(seen["indicators"]["exact"], false, "{p}");
    }
    let listed = app
        .data_as(
            &answering,
            "{ learners(first: 50) { totalCount nodes { view nationalId targetGroups { since } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["learners"]["totalCount"], 5,
        "the five training in its programme"
    );
    assert!(
        listed["learners"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|l| l["view"] == "SUMMARY"
                && l["nationalId"].is_null()
                && l["targetGroups"].is_null()),
        "{listed}"
    );
    let none = app
        .data_as(&other, "{ learners { totalCount } }", json!({}))
        .await;
    assert_eq!(none["learners"]["totalCount"], 0);

    // Targets are the region's regulator's to set.
    let enterprise = who::staff(
        skillgraph::auth::Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let refused = app
        .query_as(
            &enterprise,
            "mutation { setIndicatorTarget(input: {indicator: COMPLETIONS, fromYear: 2026, target: 1}) { target } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&refused), "FORBIDDEN");

    // The year as the bureau's workbook: the same figures, and a chart per indicator.
    let file = app
        .data_as(
            &bureau,
            "{ indicatorWorkbook(region: \"210200\", year: 2026) { filename contentType contentBase64 } }",
            json!({}),
        )
        .await;
    let file = &file["indicatorWorkbook"];
    assert_eq!(file["filename"], "indicators-210200-2026.xlsx");
    let bytes = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(file["contentBase64"].as_str().expect("base64"))
            .expect("bytes")
    };
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("an xlsx");
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        ["指标", "图表", "证书（等级×评价方式）"]
    );
    // The body is a Zhenjiang institution's examining in Dalian: certificateStats counts its
    // certificates in Zhenjiang by the body, in Dalian where they were reached.
    let stats = app
        .data_as(
            &bureau,
            "{ byBody: certificateStats(filter: {region: \"210200\"}) { count } reached: certificateStats(filter: {reachedIn: \"210200\"}) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (&stats["byBody"][0]["count"], &stats["reached"][0]["count"]),
        (&json!(0), &json!(3))
    );
    // The year's certificates by level (highest first) and route: the three exams.
    let by_route = book
        .worksheet_range("证书（等级×评价方式）")
        .expect("the certificates");
    let at = |r: u32, c: u32| by_route.get_value((r, c)).cloned();
    assert_eq!(
        (1..=4).map(|c| at(0, c)).collect::<Vec<_>>(),
        ["考试", "车间+考场", "直接认定", "以赛代评"]
            .map(|s| Some(calamine::Data::String(s.into())))
            .to_vec()
    );
    assert_eq!(
        (1..=3).map(|r| (at(r, 0), at(r, 1))).collect::<Vec<_>>(),
        [
            ("二级/技师", 1.0),
            ("三级/高级工", 1.0),
            ("五级/初级工", 1.0)
        ]
        .map(|(l, n)| (
            Some(calamine::Data::String(l.into())),
            Some(calamine::Data::Float(n))
        ))
        .to_vec()
    );
    let sheet = book.worksheet_range("指标").expect("the figures");
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned();
    let number = |r: u32, c: u32| match cell(r, c) {
        Some(calamine::Data::Float(f)) => Some(f),
        _ => None,
    };
    assert_eq!(cell(1, 1), Some(calamine::Data::String("培训人次".into())));
    // Rows: Q1 to Q4, the year, its targets, the progress; columns: the fourteen indicators.
    assert_eq!(cell(2, 0), Some(calamine::Data::String("2026-Q1".into())));
    assert_eq!(
        (number(2, 1), number(3, 1), number(6, 1)),
        (Some(5.0), Some(2.0), Some(7.0))
    );
    assert_eq!((number(7, 1), number(8, 1)), (Some(14.0), Some(50.0)));
    assert_eq!(number(6, 8), Some(40.0), "the placement rate in percent");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let charts = (0..archive.len())
        .filter(|&i| {
            archive
                .by_index(i)
                .expect("an entry")
                .name()
                .expect("a name")
                .starts_with("xl/charts/chart")
        })
        .count();
    assert_eq!(charts, 16, "a chart per indicator");
}

/// The demo's programmes and targets, from the cities' plans: Zhenjiang's cohorts belong to its
/// 专项 and the report shows progress against the plans.
#[tokio::test]
async fn the_demo_reports_progress_against_the_cities_plans() {
    use chrono::Datelike;
    let app = TestApp::demo().await;
    let year = Utc::now().year();
    let bureau = who::regulator(app.region_row("321100").await);
    let report = app
        .data_as(
            &bureau,
            "query($y: Int!) { indicators(region: \"321100\", year: $y, groupBy: [PROGRAMME]) { rows { programme { name } values { indicator actual target } } periodTargets { indicator target actual } } }",
            json!({ "y": year }),
        )
        .await;
    let rows = report["indicators"]["rows"].as_array().expect("rows");
    let in_programmes: i64 = rows
        .iter()
        .filter(|r| !r["programme"].is_null())
        .map(|r| {
            by_name(&r["values"])["TRAINED_PERSON_TIMES"]["actual"]
                .as_i64()
                .unwrap_or(0)
        })
        .sum();
    assert!(in_programmes > 0, "cohorts in the 专项: {report}");
    assert!(
        rows.iter()
            .filter(|r| !r["programme"].is_null())
            .all(|r| by_name(&r["values"])["SUBSIDISED_PERSON_TIMES"]["target"] == 3000),
        "each 专项 against its quota"
    );
    let period = &report["indicators"]["periodTargets"];
    assert_eq!(
        period.as_array().expect("targets").len(),
        2,
        "Zhenjiang's three-year targets: {period}"
    );
    let listed = app
        .data_with(
            "query($y: Int!) { programmes(filter: {regions: [\"321100\"], year: $y}) { totalCount } }",
            json!({ "y": year }),
        )
        .await;
    assert_eq!(listed["programmes"]["totalCount"], 8);
    let huaian = app
        .data_with(
            "query($y: Int!) { indicators(region: \"320800\", year: $y) { total { indicator target } } }",
            json!({ "y": year }),
        )
        .await;
    assert_eq!(
        by_name(&huaian["indicators"]["total"])["TRAINED_PERSON_TIMES"]["target"],
        100_000
    );
}

/// A differencing attempt by group: a Q3 cohort of six — five veterans and one disabled learner,
/// all six in the group declared at registration (OTHER). The disabled learner's group is under
/// five and left out; the veterans' group would be the whole less that one learner, so it is left
/// out with it (the secondary rule), and what the public can subtract is nobody or five.
#[tokio::test]
async fn a_small_group_cannot_be_recovered_from_a_total_less_its_other_groups() {
    let app = TestApp::demo().await;
    let bureau = who::regulator(app.region_row("210200").await);
    let learners = people(&app, &bureau).await;
    let civil = department(&app, &bureau, "大连市民政局", 1).await;
    let programme = app
        .data_as(
            &bureau,
            "mutation($d: ID!) { upsertProgramme(input: {code: \"dl-ship\", name: \"船舶专项\", kind: SPECIAL, startsOn: \"2026-01-01\", endsOn: \"2028-12-31\", departments: [$d]}) { id } }",
            json!({ "d": civil }),
        )
        .await["upsertProgramme"]["id"]
        .clone();
    rows(&app, &learners, TestApp::raw_id(&programme)).await;
    let db = &app.db.db;
    let b = entity::cohort::Entity::find()
        .filter(entity::cohort::Column::Name.eq("大连班"))
        .filter(entity::cohort::Column::ProgrammeId.is_null())
        .one(db)
        .await
        .expect("read")
        .expect("cohort B");
    let c = entity::cohort::Entity::insert(entity::cohort::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        start_on: Set(day("2026-07-10")),
        started_on: Set(Some(day("2026-07-10"))),
        ..sea_orm::IntoActiveModel::into_active_model(b)
    })
    .exec_with_returning(db)
    .await
    .expect("cohort C")
    .id;
    for &l in learners[..5].iter().chain([&learners[6]]) {
        entity::enrollment::Entity::insert(entity::enrollment::ActiveModel {
            cohort_id: Set(c),
            learner_id: Set(l),
            status: Set(entity::EnrollmentStatus::Enrolled),
            enrolled_at: Set(at("2026-07-01")),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("an enrolment");
    }
    let q3 = |report: &Value| -> std::collections::BTreeMap<String, i64> {
        report["indicators"]["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["quarter"] == "2026-Q3")
            .map(|r| {
                (
                    r["targetGroup"]["code"].as_str().unwrap_or("-").to_owned(),
                    by_name(&r["values"])["TRAINED_PERSON_TIMES"]["actual"]
                        .as_i64()
                        .expect("a count"),
                )
            })
            .collect()
    };
    let groups = json!({ "g": ["TARGET_GROUP", "QUARTER"] });
    // The bureau sees every group exactly.
    let exact = app.data_as(&bureau, REPORT, groups.clone()).await;
    assert_eq!(
        q3(&exact),
        [("DISABLED", 1), ("OTHER", 6), ("VETERAN", 5)]
            .into_iter()
            .map(|(g, n)| (g.to_owned(), n))
            .collect()
    );
    // The public: the quarter's six, and of its groups only the one that leaves nobody out.
    let total = app.data_with(REPORT, json!({ "g": ["QUARTER"] })).await;
    assert_eq!(q3(&total), [("-".to_owned(), 6)].into_iter().collect());
    let by_group = app.data_with(REPORT, groups).await;
    assert_eq!(
        q3(&by_group),
        [("OTHER".to_owned(), 6)].into_iter().collect(),
        "six less the veterans' five would be the disabled learner: {by_group}"
    );
}
