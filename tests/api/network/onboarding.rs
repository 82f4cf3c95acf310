//! Onboarding: organizations registered by the regulator, alliances founded with their leads, and
//! organizations asking to join, admitted or rejected by the alliance or the regulator.

use serde_json::{Value, json};
use skillgraph::{auth::Role, domain::kernel::codes::CreditCode};

use crate::helpers::{TestApp, errors, first_code, who};

const REGISTER: &str = "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { id name kind creditCode region { code } } }";
const FOUND: &str = "mutation($i: FoundAllianceInput!) { foundAlliance(input: $i) { id code region { code } members(first: 10) { nodes { role joinedOn organization { name } } } } }";
const APPLY: &str = "mutation($a: String!, $n: String) { applyForMembership(input: {alliance: $a, note: $n}) { id status note alliance { code } organization { name } } }";
const ADMIT: &str = "mutation($a: ID!) { admitMembershipApplication(input: {application: $a}) { status decidedAt } }";
const REJECT: &str = "mutation($a: ID!, $r: String!) { rejectMembershipApplication(input: {application: $a, reason: $r}) { status reason } }";
const WORK_LIST: &str = "query($s: [ApplicationStatus!]) { membershipApplications(filter: {statuses: $s}) { totalCount nodes { id status organization { name } alliance { code } } } }";

fn credit_code(serial: u32) -> String {
    let first17 = format!("91321100MA1{serial:06}");
    let check = CreditCode::check_char(&first17).expect("alphabet");
    format!("{first17}{}", char::from(check))
}

fn organization(name: &str, code: &str, region: &str) -> Value {
    json!({ "name": name, "kind": "ENTERPRISE", "creditCode": code, "region": region, "address": "镇江市京口区" })
}

fn field(response: &Value) -> &Value {
    &errors(response)[0]["extensions"]["field"]
}

#[tokio::test]
async fn the_regulator_registers_organizations_of_its_region_with_valid_unique_credit_codes() {
    let app = TestApp::demo().await;
    let zhenjiang = app.region_row("321100").await;
    let huaian = app.region_row("320800").await;
    let regulator = who::regulator(zhenjiang);

    let code = credit_code(1);
    let saved = app
        .data_as(
            &regulator,
            REGISTER,
            json!({ "i": organization("镇江新注册企业", &code, "321100") }),
        )
        .await;
    let org = &saved["registerOrganization"];
    assert_eq!(org["creditCode"], code.as_str());
    assert_eq!(org["region"]["code"], "321100");
    let listed = app
        .data(r#"{ organizations(filter: {nameContains: "新注册"}) { nodes { id } } }"#)
        .await;
    assert_eq!(listed["organizations"]["nodes"][0]["id"], org["id"]);

    // The same code again: CONFLICT naming the organization that holds it.
    let again = app
        .query_as(
            &regulator,
            REGISTER,
            json!({ "i": organization("另一家企业", &code.to_lowercase(), "321100") }),
        )
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
    let message = errors(&again)[0]["message"].as_str().expect("message");
    assert!(message.contains("镇江新注册企业"), "{message}");

    // A wrong check character, a wrong length: BAD_USER_INPUT on the field, nothing stored.
    let mut wrong = code.clone();
    let last = wrong.pop().expect("a character");
    wrong.push(if last == '0' { '1' } else { '0' });
    for bad in [wrong.as_str(), "91321100MA1", "91321100MA1000OO1X"] {
        let response = app
            .query_as(
                &regulator,
                REGISTER,
                json!({ "i": organization("坏代码企业", bad, "321100") }),
            )
            .await;
        assert_eq!(first_code(&response), "BAD_USER_INPUT", "{bad}: {response}");
        assert_eq!(field(&response), "input.creditCode");
    }
    let response = app
        .query_as(
            &regulator,
            REGISTER,
            json!({ "i": organization("无区企业", &credit_code(2), "999999") }),
        )
        .await;
    assert_eq!(field(&response), "input.region", "{response}");

    // Another region's organizations are registered by that region's regulator.
    let response = app
        .query_as(
            &regulator,
            REGISTER,
            json!({ "i": organization("淮安新企业", &credit_code(3), "320800") }),
        )
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");
    let huaian_regulator = who::regulator(huaian);
    app.data_as(
        &huaian_regulator,
        REGISTER,
        json!({ "i": organization("淮安新企业", &credit_code(3), "320800") }),
    )
    .await;
    let none = app
        .data(r#"{ organizations(filter: {nameContains: "坏代码"}) { totalCount } }"#)
        .await;
    assert_eq!(none["organizations"]["totalCount"], 0);

    // Registration is in the audit trail.
    let trail = app
        .data_as(
            &regulator,
            "query($t: ID!) { auditEvents(filter: {target: $t}) { nodes { action } } }",
            json!({ "t": org["id"] }),
        )
        .await;
    assert_eq!(
        trail["auditEvents"]["nodes"][0]["action"],
        "registerOrganization"
    );
}

#[tokio::test]
async fn an_alliance_is_founded_with_its_leads_from_the_founding_day() {
    let app = TestApp::demo().await;
    let zhenjiang = app.region_row("321100").await;
    let regulator = who::regulator(zhenjiang);
    let a = app.org_id("镇江新碳材料有限公司").await;
    let b = app.org_id("江苏科技大学").await;
    let alliance = |code: &str, leads: Value| {
        json!({ "i": {
            "code": code, "name": "镇江低空经济职业培训联盟", "nameEn": "Zhenjiang Low-Altitude Economy Alliance",
            "industry": "INTELLIGENT_MANUFACTURING", "region": "321100", "foundedOn": "2026-06-18",
            "description": "无人机装调检修与操控员培训", "leads": leads,
        } })
    };
    let founded = app
        .data_as(
            &regulator,
            FOUND,
            alliance("zj-low-altitude", json!([a, b])),
        )
        .await;
    let f = &founded["foundAlliance"];
    assert_eq!(f["code"], "zj-low-altitude");
    let members = f["members"]["nodes"].as_array().expect("members");
    assert_eq!(members.len(), 2);
    for m in members {
        assert_eq!(m["role"], "LEAD");
        assert_eq!(m["joinedOn"], "2026-06-18");
    }

    let again = app
        .query_as(&regulator, FOUND, alliance("zj-low-altitude", json!([a])))
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
    let twice = app
        .query_as(&regulator, FOUND, alliance("zj-other", json!([a, a])))
        .await;
    assert_eq!(field(&twice), "input.leads[1]", "{twice}");
    let none = app
        .query_as(&regulator, FOUND, alliance("zj-other", json!([])))
        .await;
    assert_eq!(field(&none), "input.leads", "{none}");
    let bad_code = app
        .query_as(&regulator, FOUND, alliance("Not A Code", json!([a])))
        .await;
    assert_eq!(field(&bad_code), "input.code", "{bad_code}");
    let count = app
        .data(r#"{ alliances(filter: {region: "321100"}) { totalCount } }"#)
        .await["alliances"]["totalCount"]
        .clone();
    assert_eq!(
        count, 9,
        "eight alliances and the new one; refused ones left nothing"
    );

    // Huai'an's regulator founds alliances in Huai'an only.
    let huaian = who::regulator(app.region_row("320800").await);
    let response = app
        .query_as(&huaian, FOUND, alliance("zj-elsewhere", json!([a])))
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");
}

#[tokio::test]
async fn an_application_is_admitted_or_rejected_once_by_those_who_decide_it() {
    let app = TestApp::demo().await;
    let eyewear = app.alliance_row("zj-eyewear").await;
    let culinary = app.alliance_row("zj-culinary").await;
    let zhenjiang = app.region_row("321100").await;
    let huaian = app.region_row("320800").await;
    let org = TestApp::raw_id(&app.org_id("镇江恒香醋业食品有限公司").await);
    let applicant = who::staff(Role::Enterprise, org);
    let admin = who::alliance_admin(&[eyewear]);
    let other_admin = who::alliance_admin(&[culinary]);
    let regulator = who::regulator(zhenjiang);
    let far_regulator = who::regulator(huaian);

    let applied = app
        .data_as(
            &applicant,
            APPLY,
            json!({ "a": "zj-eyewear", "n": "  醋业企业，希望参与联盟的营销培训。 " }),
        )
        .await;
    let application = &applied["applyForMembership"];
    assert_eq!(application["status"], "PENDING");
    assert_eq!(application["note"], "醋业企业，希望参与联盟的营销培训。");
    let id = application["id"].clone();
    let again = app
        .query_as(&applicant, APPLY, json!({ "a": "zj-eyewear" }))
        .await;
    assert_eq!(
        first_code(&again),
        "CONFLICT",
        "one pending application: {again}"
    );
    let member = app
        .query_as(&applicant, APPLY, json!({ "a": "zj-culinary" }))
        .await;
    assert_eq!(
        first_code(&member),
        "CONFLICT",
        "already a member: {member}"
    );

    // The work list: the alliance's admin and the region's regulator see it; others do not.
    let pending = json!({ "s": ["PENDING"] });
    let ids = |data: &Value| -> Vec<Value> {
        data["membershipApplications"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["id"].clone())
            .collect()
    };
    for who in [&admin, &regulator, &applicant] {
        let list = app.data_as(who, WORK_LIST, pending.clone()).await;
        assert!(ids(&list).contains(&id), "{:?} sees it", who.viewer.role());
    }
    for who in [&other_admin, &far_regulator] {
        let list = app.data_as(who, WORK_LIST, pending.clone()).await;
        assert!(
            !ids(&list).contains(&id),
            "{:?} does not",
            who.viewer.role()
        );
        let node = app
            .data_as(
                who,
                "query($i: ID!) { node(id: $i) { id } }",
                json!({ "i": id }),
            )
            .await;
        assert_eq!(node["node"], Value::Null);
    }
    let anonymous = app
        .query(r#"{ membershipApplications { totalCount } }"#)
        .await;
    assert_eq!(first_code(&anonymous), "UNAUTHENTICATED");

    // Deciding: not by another alliance's admin; a reject needs a reason; then once only.
    let response = app.query_as(&other_admin, ADMIT, json!({ "a": id })).await;
    assert_eq!(first_code(&response), "FORBIDDEN");
    let response = app
        .query_as(&admin, REJECT, json!({ "a": id, "r": "  " }))
        .await;
    assert_eq!(field(&response), "input.reason");
    let admitted = app.data_as(&admin, ADMIT, json!({ "a": id })).await;
    assert_eq!(admitted["admitMembershipApplication"]["status"], "ADMITTED");
    let response = app
        .query_as(&regulator, REJECT, json!({ "a": id, "r": "迟到的决定" }))
        .await;
    assert_eq!(first_code(&response), "CONFLICT");
    let memberships = app
        .data(r#"{ alliance(code: "zj-eyewear") { members(first: 100) { nodes { role organization { name } } } } }"#)
        .await;
    let joined: Vec<&Value> = memberships["alliance"]["members"]["nodes"]
        .as_array()
        .expect("members")
        .iter()
        .filter(|m| m["organization"]["name"] == "镇江恒香醋业食品有限公司")
        .collect();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0]["role"], "MEMBER");

    // The demo's other applicants: the regulator rejects one, and the applicant reads why.
    let list = app.data_as(&regulator, WORK_LIST, pending.clone()).await;
    let (rejected, college) = list["membershipApplications"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["organization"]["name"] == "镇江高等职业技术学校")
        .map(|n| (n["id"].clone(), n["organization"]["name"].clone()))
        .expect("the college's application");
    assert_eq!(college, "镇江高等职业技术学校");
    let done = app
        .data_as(
            &regulator,
            REJECT,
            json!({ "a": rejected, "r": "眼视光专业尚未开设" }),
        )
        .await;
    assert_eq!(
        done["rejectMembershipApplication"]["reason"],
        "眼视光专业尚未开设"
    );
    let college_id = TestApp::raw_id(&app.org_id("镇江高等职业技术学校").await);
    let college_caller = who::staff(Role::College, college_id);
    let own = app
        .data_as(
            &college_caller,
            "query($i: ID!) { node(id: $i) { ... on MembershipApplication { status reason } } }",
            json!({ "i": rejected }),
        )
        .await;
    assert_eq!(
        own["node"],
        json!({ "status": "REJECTED", "reason": "眼视光专业尚未开设" })
    );
    // Rejected, it may apply again.
    app.data_as(&college_caller, APPLY, json!({ "a": "zj-eyewear" }))
        .await;
}

#[tokio::test]
async fn of_two_concurrent_decisions_one_wins() {
    let app = TestApp::demo().await;
    let eyewear = app.alliance_row("zj-eyewear").await;
    let zhenjiang = app.region_row("321100").await;
    let admin = who::alliance_admin(&[eyewear]);
    let regulator = who::regulator(zhenjiang);
    let list = app
        .data_as(&admin, WORK_LIST, json!({ "s": ["PENDING"] }))
        .await;
    let id = list["membershipApplications"]["nodes"][0]["id"].clone();
    let (a, b) = tokio::join!(
        app.query_as(&admin, ADMIT, json!({ "a": id })),
        app.query_as(&regulator, REJECT, json!({ "a": id, "r": "同时决定" })),
    );
    let outcomes = [a, b];
    let won = outcomes
        .iter()
        .filter(|r| r.get("errors").is_none())
        .count();
    assert_eq!(won, 1, "{outcomes:?}");
    let lost = outcomes
        .iter()
        .find(|r| r.get("errors").is_some())
        .expect("a loser");
    assert_eq!(first_code(lost), "CONFLICT", "{lost}");
    let trail = app
        .data_as(
            &regulator,
            "query($t: ID!) { auditEvents(filter: {target: $t}) { totalCount } }",
            json!({ "t": id }),
        )
        .await;
    assert_eq!(
        trail["auditEvents"]["totalCount"], 2,
        "the application and the one decision"
    );
}

const IMPORT: &str = "mutation($f: String!) { importOrganizations(input: {format: CSV, contentBase64: $f}) { name kind creditCode region { code } } }";

fn csv(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn a_register_is_imported_whole_or_its_bad_rows_are_named() {
    let app = TestApp::demo().await;
    let zhenjiang = app.region_row("321100").await;
    let regulator = who::regulator(zhenjiang);
    let taken = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::organization::Entity::find()
            .filter(entity::organization::Column::Name.eq("丹阳明视眼镜有限公司"))
            .one(&app.db.db)
            .await
            .expect("query")
            .expect("the enterprise")
            .credit_code
    };
    let (a, b, c) = (credit_code(11), credit_code(12), credit_code(13));
    let mut wrong = c.clone();
    let last = wrong.pop().expect("a character");
    wrong.push(if last == '0' { '1' } else { '0' });
    let bad = format!(
        "名称,类型,统一社会信用代码,地区,地址\n\
         镇江甲企业,企业,{a},321100,京口区\n\
         镇江乙学校,院校,{a},321100,润州区\n\
         镇江丙企业,工厂,{wrong},321100,\n\
         淮安丁企业,企业,{b},320800,\n\
         ,企业,{taken},321100,\n"
    );
    let before =
        app.data("{ organizations { totalCount } }").await["organizations"]["totalCount"].clone();
    let response = app
        .query_as(&regulator, IMPORT, json!({ "f": csv(&bad) }))
        .await;
    assert_eq!(first_code(&response), "BAD_USER_INPUT", "{response}");
    let named: Vec<(String, String)> = errors(&response)
        .iter()
        .map(|e| {
            (
                e["extensions"]["field"].as_str().expect("field").to_owned(),
                e["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    let has = |row: usize, text: &str| {
        named
            .iter()
            .any(|(f, m)| f == &format!("input.contentBase64.row[{row}]") && m.contains(text))
    };
    assert!(has(3, "row 2 too"), "a code twice in the file: {named:?}");
    assert!(has(4, "类型"), "an unknown kind: {named:?}");
    assert!(
        has(4, "check character"),
        "a bad check character: {named:?}"
    );
    assert!(has(5, "another region"), "another region's: {named:?}");
    assert!(has(6, "名称"), "no name: {named:?}");
    assert!(
        has(6, "丹阳明视眼镜有限公司"),
        "registered already, with its holder: {named:?}"
    );
    let after =
        app.data("{ organizations { totalCount } }").await["organizations"]["totalCount"].clone();
    assert_eq!(before, after, "a bad file registers nothing");

    let good = format!(
        "name,kind,creditCode,region,address\n\
         镇江甲企业,ENTERPRISE,{a},321100,京口区\n\
         \n\
         镇江乙学校,院校,{c},321100,润州区\n"
    );
    let saved = app
        .data_as(&regulator, IMPORT, json!({ "f": csv(&good) }))
        .await;
    let rows = saved["importOrganizations"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["kind"], "COLLEGE");
    assert_eq!(rows[1]["creditCode"], c.as_str());

    // Not a regulator: refused before the file is read.
    let enterprise = who::staff(Role::Enterprise, 1);
    let response = app
        .query_as(&enterprise, IMPORT, json!({ "f": csv(&good) }))
        .await;
    assert_eq!(first_code(&response), "FORBIDDEN");
}

#[tokio::test]
async fn an_organizations_contact_is_shown_to_its_own_users_and_its_regulator_only() {
    let app = TestApp::demo().await;
    let zhenjiang = app.region_row("321100").await;
    let huaian = app.region_row("320800").await;
    let regulator = who::regulator(zhenjiang);
    let mut input = organization("镇江联系人企业", &credit_code(21), "321100");
    input["contact"] = json!("王经理 13912345678");
    let saved = app
        .data_as(
            &regulator,
            &REGISTER.replace("region { code }", "region { code } contact"),
            json!({ "i": input }),
        )
        .await;
    let id = saved["registerOrganization"]["id"].clone();
    assert_eq!(
        saved["registerOrganization"]["contact"],
        "王经理 13912345678"
    );
    let query = "query($o: ID!) { node(id: $o) { ... on Organization { name contact } } }";
    let own = who::staff(Role::Enterprise, TestApp::raw_id(&id));
    let other = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    let far = who::regulator(huaian);
    let admin = who::alliance_admin(&[app.alliance_row("zj-eyewear").await]);
    for (who, c, sees) in [
        ("its own user", &own, true),
        ("its regulator", &regulator, true),
        ("another enterprise", &other, false),
        ("another region's regulator", &far, false),
        ("an alliance admin", &admin, false),
    ] {
        let data = app.data_as(c, query, json!({ "o": id })).await;
        assert_eq!(data["node"]["name"], "镇江联系人企业");
        let expected = if sees {
            json!("王经理 13912345678")
        } else {
            Value::Null
        };
        assert_eq!(data["node"]["contact"], expected, "{who}");
    }
    let anonymous = app.data_with(query, json!({ "o": id })).await;
    assert_eq!(anonymous["node"]["contact"], Value::Null);
    let listed = app
        .data(r#"{ organizations(filter: {nameContains: "联系人"}) { nodes { contact } } }"#)
        .await;
    assert_eq!(listed["organizations"]["nodes"][0]["contact"], Value::Null);
}
