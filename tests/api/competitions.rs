//! Every route to a level (issue 38): competitions with their entrants, results and the
//! promotions their rules grant; enterprises' contests among their own employees; direct
//! recognition proposed by an employer body and decided by the regulator; workplace sessions.
//! Each certificate records its route, and the bureau's figures count it and the competitions.

use serde_json::{Value, json};
use skillgraph::auth::{Caller, Role};

use crate::helpers::{TestApp, first_code, who};

const ANNOUNCE: &str = "mutation($i: AnnounceCompetitionInput!) { announceCompetition(input: $i) { id name level status region { code } organizer { name } alliances { code } occupations { code } body { organization { name } } promotionRules { upToRank grantLevel } } }";
const ENTER: &str = "mutation($i: EnterCompetitionInput!) { enterCompetition(input: $i) { id enteredThemselves occupation { code } } }";
const PUBLISH: &str = "mutation($i: PublishCompetitionResultsInput!) { publishCompetitionResults(input: $i) { competition { status resultsPublishedAt } certificates { number level route } } }";
const CERTIFICATES: &str = "query($l: ID!) { node(id: $l) { ... on Learner { certificates { number level route status occupation { code } } competitionEntries { rank award promotedTo competition { name } } } } }";
const FIGURES: &str =
    "query($y: Int!) { indicators(region: \"321100\", year: $y) { total { indicator actual } } }";

fn today(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

/// The learners `provider` registered, oldest first.
async fn registered_by(app: &TestApp, regulator: &Caller, provider: &str) -> Vec<Value> {
    let mut found: Vec<Value> = app
        .data_as(
            regulator,
            "{ learners(first: 100) { nodes { id registeredBy { name } } } }",
            json!({}),
        )
        .await["learners"]["nodes"]
        .as_array()
        .expect("learners")
        .iter()
        .filter(|l| l["registeredBy"]["name"] == provider)
        .map(|l| l["id"].clone())
        .collect();
    found.sort_by_key(TestApp::raw_id);
    found
}

/// A figure of Zhenjiang's for this year.
async fn figure(app: &TestApp, regulator: &Caller, indicator: &str) -> i64 {
    let year: i32 = today(0)[..4].parse().expect("a year");
    app.data_as(regulator, FIGURES, json!({ "y": year })).await["indicators"]["total"]
        .as_array()
        .expect("total")
        .iter()
        .find(|v| v["indicator"] == indicator)
        .and_then(|v| v["actual"].as_i64())
        .unwrap_or(0)
}

fn city_competition(body: &Value, rules: Value) -> Value {
    json!({ "i": {
        "name": "镇江市人工智能训练师技能竞赛", "level": "CITY_CLASS1",
        "alliances": ["zj-digital-skills"], "occupations": ["4-04-05-05"],
        "startsOn": today(0), "endsOn": today(0), "venue": "镇江高等职业技术学校",
        "body": body, "promotionRules": rules,
    } })
}

#[tokio::test]
async fn a_first_place_reaches_the_next_level_through_the_competitions_body() {
    let app = TestApp::demo().await;
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let centre = app.org_id("镇江数字技能评价中心").await;
    let rules = json!([{ "upToRank": 1 }, { "upToRank": 3, "grantLevel": "LEVEL_4" }]);
    let held_before = figure(&app, &zhenjiang, "COMPETITIONS_HELD").await;
    let class1_before = figure(&app, &zhenjiang, "CITY_CLASS1_COMPETITIONS_HELD").await;
    let certificates_before = figure(&app, &zhenjiang, "CERTIFICATES").await;

    // Refused with a named field, nothing written: rules at a level that does not promote, a
    // body whose scope does not reach the level granted, rules without a body, days backwards.
    let mut class2 = city_competition(&centre, rules.clone());
    class2["i"]["level"] = json!("CITY_CLASS2");
    let mut too_high =
        city_competition(&centre, json!([{ "upToRank": 1, "grantLevel": "LEVEL_2" }]));
    too_high["i"]["name"] = json!("过高");
    let mut backwards = city_competition(&Value::Null, json!([]));
    backwards["i"]["endsOn"] = json!(today(-1));
    let mut elsewhere = city_competition(&Value::Null, json!([]));
    elsewhere["i"]["alliances"] = json!(["ha-food-processing"]);
    for (vars, field) in [
        (class2, "input.rules"),
        (too_high, "input.rules"),
        (city_competition(&Value::Null, rules.clone()), "input.body"),
        (backwards, "input.endsOn"),
        (elsewhere, "input.alliances"),
    ] {
        let refused = app.query_as(&zhenjiang, ANNOUNCE, vars).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], field,
            "{refused}"
        );
    }
    // Who organizes: not another kind of caller, not without a token.
    let college = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("镇江高等职业技术学校").await),
    );
    assert_eq!(
        first_code(
            &app.query_as(&college, ANNOUNCE, city_competition(&centre, rules.clone()))
                .await
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        first_code(
            &app.query_as(
                &Caller::public(),
                ANNOUNCE,
                city_competition(&centre, rules.clone())
            )
            .await
        ),
        "UNAUTHENTICATED"
    );

    let announced = app
        .data_as(&zhenjiang, ANNOUNCE, city_competition(&centre, rules))
        .await["announceCompetition"]
        .clone();
    assert_eq!(
        (
            &announced["level"],
            &announced["status"],
            &announced["region"]["code"]
        ),
        (&json!("CITY_CLASS1"), &json!("SCHEDULED"), &json!("321100"))
    );
    assert_eq!(
        announced["alliances"],
        json!([{ "code": "zj-digital-skills" }])
    );
    assert_eq!(
        announced["body"]["organization"]["name"],
        "镇江数字技能评价中心"
    );
    assert_eq!(
        announced["promotionRules"],
        json!([{ "upToRank": 1, "grantLevel": null }, { "upToRank": 3, "grantLevel": "LEVEL_4" }])
    );
    let competition = announced["id"].clone();

    // The demo's digital trainees: the first two passed level 4 in 4-04-05-05, the third failed.
    let trainees = registered_by(&app, &zhenjiang, "镇江高等职业技术学校").await;
    let enter = |learner: &Value, occupation: &str| json!({ "i": { "competition": competition, "learner": learner, "occupation": occupation } });
    let wrong_occupation = app
        .query_as(&zhenjiang, ENTER, enter(&trainees[1], "4-14-03-03"))
        .await;
    assert_eq!(
        wrong_occupation["errors"][0]["extensions"]["field"],
        "input.occupation"
    );
    let mut entrants = Vec::new();
    for t in [&trainees[0], &trainees[2], &trainees[1]] {
        let entered =
            app.data_as(&zhenjiang, ENTER, enter(t, "4-04-05-05")).await["enterCompetition"]
                .clone();
        assert_eq!(entered["enteredThemselves"], false);
        entrants.push(entered["id"].clone());
    }
    let twice = app
        .query_as(&zhenjiang, ENTER, enter(&trainees[1], "4-04-05-05"))
        .await;
    assert_eq!(first_code(&twice), "CONFLICT", "{twice}");
    // A learner enters themself.
    let fourth = who::learner(TestApp::raw_id(&trainees[3]));
    let own = app
        .data_as(
            &fourth,
            ENTER,
            json!({ "i": { "competition": competition, "occupation": "4-04-05-05" } }),
        )
        .await;
    assert_eq!(own["enterCompetition"]["enteredThemselves"], true);
    // Another region's regulator enters no one.
    let huaian = who::regulator(app.region_row("320800").await);
    assert_eq!(
        first_code(
            &app.query_as(&huaian, ENTER, enter(&trainees[2], "4-04-05-05"))
                .await
        ),
        "FORBIDDEN"
    );

    // A bad batch is refused whole, every bad row named.
    let bad = app
        .query_as(
            &zhenjiang,
            PUBLISH,
            json!({ "i": { "competition": competition, "results": [
                { "entrant": entrants[0], "rank": 1 },
                { "entrant": entrants[1], "rank": 1 },
                { "entrant": entrants[2], "rank": 0 },
            ] } }),
        )
        .await;
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["extensions"]["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        ["input.results[1].rank", "input.results[2].rank"],
        "{bad}"
    );
    assert_eq!(
        figure(&app, &zhenjiang, "CERTIFICATES").await,
        certificates_before
    );

    let published = app
        .data_as(
            &zhenjiang,
            PUBLISH,
            json!({ "i": { "competition": competition, "results": [
                { "entrant": entrants[0], "rank": 1, "award": "GOLD" },
                { "entrant": entrants[1], "rank": 2, "award": "SILVER" },
                { "entrant": entrants[2], "rank": 3, "award": "BRONZE" },
            ] } }),
        )
        .await["publishCompetitionResults"]
        .clone();
    assert_eq!(published["competition"]["status"], "RESULTS_PUBLISHED");
    let issued = published["certificates"].as_array().expect("certificates");
    // The holder of level 4 reaches level 3; the one without a certificate level 4; the third,
    // at level 4 already, nothing.
    let levels: Vec<(&Value, &Value)> = issued.iter().map(|c| (&c["level"], &c["route"])).collect();
    assert_eq!(
        levels,
        [
            (&json!("LEVEL_3"), &json!("COMPETITION")),
            (&json!("LEVEL_4"), &json!("COMPETITION"))
        ]
    );
    let again = app
        .query_as(
            &zhenjiang,
            PUBLISH,
            json!({ "i": { "competition": competition, "results": [] } }),
        )
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "published once");

    // The winner's record and the public verification say how the level was reached.
    let record = app
        .data_as(&zhenjiang, CERTIFICATES, json!({ "l": trainees[0] }))
        .await;
    let won = record["node"]["certificates"]
        .as_array()
        .expect("c")
        .iter()
        .find(|c| c["route"] == "COMPETITION" && c["occupation"]["code"] == "4-04-05-05")
        .expect("the competition's certificate")
        .clone();
    assert_eq!(
        (&won["level"], &won["occupation"]["code"]),
        (&json!("LEVEL_3"), &json!("4-04-05-05"))
    );
    let entries = record["node"]["competitionEntries"]
        .as_array()
        .expect("entries");
    assert_eq!(
        entries[0],
        json!({ "rank": 1, "award": "GOLD", "promotedTo": "LEVEL_3", "competition": { "name": "镇江市人工智能训练师技能竞赛" } })
    );
    let verified = app
        .data_with(
            "query($n: String!) { verifyCertificate(number: $n) { status route level } }",
            json!({ "n": won["number"] }),
        )
        .await;
    assert_eq!(
        verified["verifyCertificate"],
        json!({ "status": "VALID", "route": "COMPETITION", "level": "LEVEL_3" })
    );

    // The bureau's figures count the competition and its certificates where it was held.
    assert_eq!(
        figure(&app, &zhenjiang, "COMPETITIONS_HELD").await,
        held_before + 1
    );
    assert_eq!(
        figure(&app, &zhenjiang, "CITY_CLASS1_COMPETITIONS_HELD").await,
        class1_before + 1
    );
    assert_eq!(
        figure(&app, &zhenjiang, "CERTIFICATES").await,
        certificates_before + 2
    );
    let by_route = app
        .data_as(
            &zhenjiang,
            "{ certificateStats(filter: {route: COMPETITION}, groupBy: [LEVEL]) { level count } }",
            json!({}),
        )
        .await;
    assert!(
        by_route["certificateStats"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["level"] == "LEVEL_3" && r["count"] == 1),
        "{by_route}"
    );
}

#[tokio::test]
async fn entrants_are_the_organizers_and_the_regulators_to_see() {
    let app = TestApp::demo().await;
    let list = "{ competitions(first: 10) { totalCount nodes { id name level status entrantCount entrants { rank learner { id } } } } }";
    let public = app.data(list).await;
    let nodes = public["competitions"]["nodes"].as_array().expect("nodes");
    assert_eq!(public["competitions"]["totalCount"], 3, "the demo's three");
    assert!(nodes.iter().all(|n| n["entrants"].is_null()), "{public}");
    let held = nodes
        .iter()
        .find(|n| n["name"] == "2026年镇江市数字技能职业技能竞赛")
        .expect("the demo's held competition");
    assert_eq!(held["entrantCount"], 4);
    // The regulator of the region sees every entrant and each person through the gate.
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let seen = app.data_as(&zhenjiang, list, json!({})).await;
    let held = seen["competitions"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["name"] == "2026年镇江市数字技能职业技能竞赛")
        .expect("held")
        .clone();
    let ranks: Vec<&Value> = held["entrants"]
        .as_array()
        .expect("entrants")
        .iter()
        .map(|e| &e["rank"])
        .collect();
    assert_eq!(ranks, [&json!(1), &json!(2), &json!(3), &json!(4)]);
    assert!(held["entrants"][0]["learner"]["id"].is_string());
    // Another region's regulator and an alliance's administrator see none.
    let huaian = who::regulator(app.region_row("320800").await);
    let admin = who::alliance_admin(&[app.alliance_row("zj-digital-skills").await]);
    for other in [huaian, admin] {
        let answer = app.data_as(&other, list, json!({})).await;
        assert!(
            answer["competitions"]["nodes"]
                .as_array()
                .expect("n")
                .iter()
                .all(|n| n["entrants"].is_null()),
            "{answer}"
        );
    }
    // The enterprise sees its contest's entrants, not the city's competitions'.
    let employer = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let answer = app.data_as(&employer, list, json!({})).await;
    for n in answer["competitions"]["nodes"].as_array().expect("n") {
        assert_eq!(n["entrants"].is_null(), n["level"] != "ENTERPRISE", "{n}");
    }
    // Filters: level, year, alliance, occupation group, standing.
    let year = &today(-40)[..4];
    for (filter, expected) in [
        ("{levels: [ENTERPRISE]}".to_owned(), 1),
        ("{alliance: \"zj-eyewear\"}".to_owned(), 1),
        ("{occupation: \"4-01\"}".to_owned(), 1),
        ("{status: SCHEDULED}".to_owned(), 1),
        ("{region: \"320800\"}".to_owned(), 0),
        (
            format!("{{year: {}}}", year.parse::<i32>().expect("y") - 5),
            0,
        ),
    ] {
        let answer = app
            .data(&format!(
                "{{ competitions(filter: {filter}) {{ totalCount }} }}"
            ))
            .await;
        assert_eq!(answer["competitions"]["totalCount"], expected, "{filter}");
    }
}

#[tokio::test]
async fn an_enterprise_contest_is_among_its_own_employees_and_promotes_no_one() {
    let app = TestApp::demo().await;
    let employer = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let contest = |rules: Value| {
        json!({ "i": { "name": "验光技术比武", "level": "ENTERPRISE", "occupations": ["4-14-03-03"],
            "startsOn": today(0), "endsOn": today(0), "venue": "明视眼镜验光中心", "promotionRules": rules } })
    };
    let refused = app
        .query_as(&employer, ANNOUNCE, contest(json!([{ "upToRank": 1 }])))
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "input.rules",
        "{refused}"
    );
    assert_eq!(
        first_code(&app.query_as(&zhenjiang, ANNOUNCE, contest(json!([]))).await),
        "FORBIDDEN",
        "an enterprise's own contest"
    );
    let announced =
        app.data_as(&employer, ANNOUNCE, contest(json!([]))).await["announceCompetition"].clone();
    assert_eq!(announced["organizer"]["name"], "丹阳明视眼镜有限公司");
    let id = announced["id"].clone();
    let apprentices = registered_by(&app, &zhenjiang, "丹阳中等专业学校").await;
    let digital = registered_by(&app, &zhenjiang, "镇江高等职业技术学校").await;
    let enter = |learner: &Value| json!({ "i": { "competition": id, "learner": learner, "occupation": "4-14-03-03" } });
    // Not its employee (and not a person it sees).
    let stranger = app.query_as(&employer, ENTER, enter(&digital[0])).await;
    assert!(
        ["NOT_FOUND", "BAD_USER_INPUT"].contains(&first_code(&stranger).as_str()),
        "{stranger}"
    );
    app.data_as(&employer, ENTER, enter(&apprentices[0])).await;
    // An employee does not enter the contest themself, nor another enterprise for them.
    let own = app
        .query_as(
            &who::learner(TestApp::raw_id(&apprentices[1])),
            ENTER,
            json!({ "i": { "competition": id, "occupation": "4-14-03-03" } }),
        )
        .await;
    assert_eq!(first_code(&own), "FORBIDDEN");
    let other = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("镇江海弘船舶重工有限公司").await),
    );
    assert_eq!(
        first_code(&app.query_as(&other, ENTER, enter(&apprentices[1])).await),
        "FORBIDDEN"
    );
    let held_before = figure(&app, &zhenjiang, "COMPETITIONS_HELD").await;
    let entrant = app
        .data_as(
            &employer,
            "query($c: ID!) { node(id: $c) { ... on Competition { entrants { id } } } }",
            json!({ "c": id }),
        )
        .await["node"]["entrants"][0]["id"]
        .clone();
    let published = app
        .data_as(
            &employer,
            PUBLISH,
            json!({ "i": { "competition": id, "results": [{ "entrant": entrant, "rank": 1, "award": "GOLD" }] } }),
        )
        .await;
    assert_eq!(
        published["publishCompetitionResults"]["certificates"],
        json!([])
    );
    assert_eq!(
        figure(&app, &zhenjiang, "COMPETITIONS_HELD").await,
        held_before,
        "an enterprise's contest is not counted"
    );
}

const PROPOSE: &str = "mutation($i: ProposeDirectRecognitionInput!) { proposeDirectRecognition(input: $i) { id status level occupation { code } body { organization { name } } } }";
const DECIDE: &str = "mutation($i: DecideDirectRecognitionInput!) { decideDirectRecognition(input: $i) { status decisionReason certificate { number route level } } }";

#[tokio::test]
async fn direct_recognition_is_proposed_by_the_employer_body_and_decided_by_the_regulator() {
    let app = TestApp::demo().await;
    let employer = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let huaian = who::regulator(app.region_row("320800").await);
    let apprentices = registered_by(&app, &zhenjiang, "丹阳中等专业学校").await;
    let digital = registered_by(&app, &zhenjiang, "镇江高等职业技术学校").await;
    let propose = |learner: &Value, level: &str| {
        json!({ "i": { "learner": learner, "occupation": "4-14-03-04", "level": level,
            "justification": "从事眼镜定配工作六年，完成企业工艺改进两项" } })
    };
    // The demo approved the second apprentice's and left the third's waiting: the first now.
    for (vars, field) in [
        (propose(&apprentices[0], "LEVEL_3"), "input.level"),
        (propose(&digital[0], "LEVEL_4"), "input.learner"),
    ] {
        let refused = app.query_as(&employer, PROPOSE, vars).await;
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], field,
            "{refused}"
        );
    }
    let social = who::staff(
        Role::AssessmentBody,
        TestApp::raw_id(&app.org_id("镇江数字技能评价中心").await),
    );
    assert_eq!(
        first_code(
            &app.query_as(&social, PROPOSE, propose(&apprentices[0], "LEVEL_4"))
                .await
        ),
        "FORBIDDEN",
        "a social body recognises no one directly"
    );
    let proposed = app
        .data_as(&employer, PROPOSE, propose(&apprentices[0], "LEVEL_4"))
        .await["proposeDirectRecognition"]
        .clone();
    assert_eq!(
        (
            &proposed["status"],
            &proposed["level"],
            &proposed["body"]["organization"]["name"]
        ),
        (
            &json!("PROPOSED"),
            &json!("LEVEL_4"),
            &json!("丹阳明视眼镜有限公司")
        )
    );
    let twice = app
        .query_as(&employer, PROPOSE, propose(&apprentices[0], "LEVEL_4"))
        .await;
    assert_eq!(first_code(&twice), "CONFLICT", "one open proposal");

    let decide = |approve: bool, reason: Value| json!({ "i": { "recognition": proposed["id"], "approve": approve, "reason": reason } });
    for (caller, code) in [
        (&huaian, "FORBIDDEN"),
        (&employer, "FORBIDDEN"),
        (&Caller::public(), "UNAUTHENTICATED"),
    ] {
        let refused = app
            .query_as(caller, DECIDE, decide(true, Value::Null))
            .await;
        assert_eq!(first_code(&refused), code, "{refused}");
    }
    let unexplained = app
        .query_as(&zhenjiang, DECIDE, decide(false, Value::Null))
        .await;
    assert_eq!(
        unexplained["errors"][0]["extensions"]["field"],
        "input.reason"
    );
    let approved = app
        .data_as(&zhenjiang, DECIDE, decide(true, json!("业绩材料经核实")))
        .await["decideDirectRecognition"]
        .clone();
    assert_eq!(approved["status"], "APPROVED");
    assert_eq!(
        (
            &approved["certificate"]["route"],
            &approved["certificate"]["level"]
        ),
        (&json!("DIRECT"), &json!("LEVEL_4"))
    );
    assert!(
        approved["certificate"]["number"]
            .as_str()
            .expect("n")
            .starts_with('Y'),
        "an employer body's number"
    );
    let again = app
        .query_as(&zhenjiang, DECIDE, decide(false, json!("重复")))
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "decided once");

    // The lists: the region's for the regulator, the body's own for the body, nothing public.
    let list = "{ directRecognitions(first: 10) { totalCount nodes { status } } }";
    let regulator_list = app.data_as(&zhenjiang, list, json!({})).await;
    assert_eq!(regulator_list["directRecognitions"]["totalCount"], 3);
    let body_list = app.data_as(&employer, list, json!({})).await;
    assert_eq!(body_list["directRecognitions"]["totalCount"], 3);
    let elsewhere = app.data_as(&huaian, list, json!({})).await;
    assert_eq!(elsewhere["directRecognitions"]["totalCount"], 0);
    let waiting = app
        .data_as(
            &zhenjiang,
            "{ directRecognitions(filter: {status: PROPOSED}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(waiting["directRecognitions"]["totalCount"], 1);
    assert_eq!(first_code(&app.query(list).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_workplace_session_issues_workplace_certificates() {
    let app = TestApp::demo().await;
    let employer = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let social = who::staff(
        Role::AssessmentBody,
        TestApp::raw_id(&app.org_id("镇江数字技能评价中心").await),
    );
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let schedule =
        "mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id route } }";
    let session = |occupation: &str| {
        json!({ "i": { "occupation": occupation, "level": "LEVEL_4", "examDate": today(0), "registrationDeadline": today(0),
            "region": "321100", "address": "明视眼镜车间", "capacity": 5, "route": "WORKPLACE" } })
    };
    let refused = app.query_as(&social, schedule, session("4-04-05-05")).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "input.route",
        "{refused}"
    );
    let held = app
        .data_as(&employer, schedule, session("4-14-03-04"))
        .await["scheduleSession"]
        .clone();
    assert_eq!(held["route"], "WORKPLACE");
    let apprentices = registered_by(&app, &zhenjiang, "丹阳中等专业学校").await;
    let candidate = app
        .data_as(
            &employer,
            "mutation($s: ID!, $l: ID!) { registerCandidate(input: {session: $s, learner: $l, attestation: \"本企业员工\"}) { id } }",
            json!({ "s": held["id"], "l": apprentices[0] }),
        )
        .await["registerCandidate"]["id"]
        .clone();
    app.data_as(
        &employer,
        "mutation($s: ID!, $c: ID!) { recordResults(input: {session: $s, results: [{candidate: $c, theoryScore: 80, practicalScore: 85}]}) { status } }",
        json!({ "s": held["id"], "c": candidate }),
    )
    .await;
    let issued = app
        .data_as(
            &employer,
            "mutation($s: ID!) { publishResults(input: {session: $s}) { route level } }",
            json!({ "s": held["id"] }),
        )
        .await;
    assert_eq!(
        issued["publishResults"],
        json!([{ "route": "WORKPLACE", "level": "LEVEL_4" }])
    );
}

#[tokio::test]
async fn concurrent_decisions_and_publications_take_effect_once() {
    let app = std::sync::Arc::new(TestApp::demo().await);
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let waiting = app
        .data_as(
            &zhenjiang,
            "{ directRecognitions(filter: {status: PROPOSED}) { nodes { id } } competitions(filter: {status: SCHEDULED}) { nodes { id entrants { id } } } }",
            json!({}),
        )
        .await;
    let recognition = waiting["directRecognitions"]["nodes"][0]["id"].clone();
    let competition = waiting["competitions"]["nodes"][0].clone();
    let certificates = |app: std::sync::Arc<TestApp>| async move {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::certificate::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count")
    };
    let before = certificates(app.clone()).await;
    let tasks: Vec<_> = (0..4)
        .map(|n| {
            let (app, who) = (app.clone(), zhenjiang.clone());
            let (recognition, competition) = (recognition.clone(), competition.clone());
            tokio::spawn(async move {
                if n % 2 == 0 {
                    app.query_as(&who, DECIDE, json!({ "i": { "recognition": recognition, "approve": true } }))
                        .await
                } else {
                    app.query_as(
                        &who,
                        PUBLISH,
                        json!({ "i": { "competition": competition["id"], "results": [{ "entrant": competition["entrants"][0]["id"], "rank": 1 }] } }),
                    )
                    .await
                }
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        let response = task.await.expect("task");
        if response.get("errors").is_none() {
            won += 1;
        } else {
            assert_eq!(first_code(&response), "CONFLICT", "{response}");
        }
    }
    assert_eq!(won, 2, "one decision and one publication");
    assert_eq!(
        certificates(app.clone()).await,
        before + 1,
        "one certificate for the one approval"
    );
}

/// Gives `learner` a valid level 1 (高级技师) certificate in `occupation`, as a body with that
/// scope would have issued it (no demo body reaches level 1).
pub async fn level_one(app: &TestApp, learner: i32, occupation: &str) {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let body = entity::assessment_body::Entity::find()
        .one(&app.db.db)
        .await
        .expect("read")
        .expect("a demo body");
    entity::certificate::Entity::insert(entity::certificate::ActiveModel {
        number: Set(format!("Y9901320001182026{learner:05}")),
        learner_id: Set(learner),
        occupation_code: Set(occupation.to_owned()),
        level: Set(entity::SkillLevel::Level1),
        body_id: Set(body.id),
        issued_on: Set(chrono::Utc::now().date_naive()),
        status: Set(entity::CertificateStatus::Valid),
        route: Set(entity::CertificateRoute::Exam),
        region_id: Set(app.region_row("321100").await),
        ..Default::default()
    })
    .exec(&app.db.db)
    .await
    .expect("a level 1 certificate");
}

const APPOINT: &str = "mutation($i: AppointTechnicianInput!) { appointTechnician(input: $i) { title occupation { code } enterprise { name } startsOn endsOn current } }";

#[tokio::test]
async fn an_enterprise_appoints_its_own_special_and_chief_technicians_for_a_term() {
    let app = TestApp::demo().await;
    let employer = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let apprentices = registered_by(&app, &zhenjiang, "丹阳中等专业学校").await;
    let digital = registered_by(&app, &zhenjiang, "镇江高等职业技术学校").await;
    level_one(&app, TestApp::raw_id(&apprentices[0]), "4-14-03-03").await;
    let appoint = |learner: &Value, title: &str, from: i64, to: i64| {
        json!({ "i": { "learner": learner, "title": title, "occupation": "4-14-03-03",
            "startsOn": today(from), "endsOn": today(to) } })
    };
    // Refused, each naming its field: a chief technician who is not a special one yet, a
    // special technician without level 1, a stranger, a title that is no appointment, a term
    // backwards or too long.
    for (vars, field) in [
        (
            appoint(&apprentices[0], "CHIEF_TECHNICIAN", 0, 365),
            "input.title",
        ),
        (
            appoint(&apprentices[1], "SPECIAL_TECHNICIAN", 0, 365),
            "input.title",
        ),
        (
            appoint(&digital[0], "SPECIAL_TECHNICIAN", 0, 365),
            "input.learner",
        ),
        (appoint(&apprentices[0], "LEVEL_1", 0, 365), "input.title"),
        (
            appoint(&apprentices[0], "SPECIAL_TECHNICIAN", 0, 0),
            "input.endsOn",
        ),
        (
            appoint(&apprentices[0], "SPECIAL_TECHNICIAN", 0, 2_000),
            "input.endsOn",
        ),
        (
            appoint(&apprentices[0], "SPECIAL_TECHNICIAN", -400, 30),
            "input.startsOn",
        ),
    ] {
        let refused = app.query_as(&employer, APPOINT, vars).await;
        assert_eq!(
            refused["errors"][0]["extensions"]["field"], field,
            "{refused}"
        );
    }
    let special = app
        .data_as(
            &employer,
            APPOINT,
            appoint(&apprentices[0], "SPECIAL_TECHNICIAN", -10, 1_000),
        )
        .await["appointTechnician"]
        .clone();
    assert_eq!(
        (
            &special["title"],
            &special["enterprise"]["name"],
            &special["current"]
        ),
        (
            &json!("SPECIAL_TECHNICIAN"),
            &json!("丹阳明视眼镜有限公司"),
            &json!(true)
        )
    );
    let overlapping = app
        .query_as(
            &employer,
            APPOINT,
            appoint(&apprentices[0], "SPECIAL_TECHNICIAN", 100, 400),
        )
        .await;
    assert_eq!(first_code(&overlapping), "CONFLICT", "{overlapping}");
    let chief = app
        .data_as(
            &employer,
            APPOINT,
            appoint(&apprentices[0], "CHIEF_TECHNICIAN", 0, 730),
        )
        .await;
    assert_eq!(chief["appointTechnician"]["title"], "CHIEF_TECHNICIAN");
    // Only an enterprise appoints.
    for (caller, code) in [
        (&zhenjiang, "FORBIDDEN"),
        (&Caller::public(), "UNAUTHENTICATED"),
    ] {
        let refused = app
            .query_as(
                caller,
                APPOINT,
                appoint(&apprentices[0], "SPECIAL_TECHNICIAN", 1_100, 1_200),
            )
            .await;
        assert_eq!(first_code(&refused), code, "{refused}");
    }
    // On the person's full record, latest term first.
    let record = app
        .data_as(
            &zhenjiang,
            "query($l: ID!) { node(id: $l) { ... on Learner { appointments { title current } } } }",
            json!({ "l": apprentices[0] }),
        )
        .await;
    assert_eq!(
        record["node"]["appointments"],
        json!([{ "title": "CHIEF_TECHNICIAN", "current": true }, { "title": "SPECIAL_TECHNICIAN", "current": true }])
    );
}

#[tokio::test]
async fn erasure_empties_a_recognitions_justification_and_rejects_it_while_it_waits() {
    let app = TestApp::demo().await;
    let zhenjiang = who::regulator(app.region_row("321100").await);
    let list =
        "{ directRecognitions(first: 10) { nodes { status justification learner { id } } } }";
    let before = app.data_as(&zhenjiang, list, json!({})).await;
    let waiting = before["directRecognitions"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|r| r["status"] == "PROPOSED")
        .expect("the demo's waiting proposal")
        .clone();
    assert!(!waiting["justification"].as_str().expect("j").is_empty());
    let me = who::learner(TestApp::raw_id(&waiting["learner"]["id"]));
    let asked = app
        .data_as(
            &me,
            "mutation { requestDataErasure(input: {reason: \"不再参加培训\"}) { id } }",
            json!({}),
        )
        .await;
    app.data_as(
        &zhenjiang,
        "mutation($r: ID!) { approveDataRequest(input: {request: $r, reason: \"已核实\"}) { status } }",
        json!({ "r": asked["requestDataErasure"]["id"] }),
    )
    .await;
    let after = app.data_as(&zhenjiang, list, json!({})).await;
    let rows = after["directRecognitions"]["nodes"]
        .as_array()
        .expect("nodes");
    assert!(rows.iter().all(|r| r["status"] != "PROPOSED"), "{after}");
    assert_eq!(
        rows.iter()
            .filter(|r| r["justification"] == "" && r["status"] == "REJECTED")
            .count(),
        1,
        "{after}"
    );
}
