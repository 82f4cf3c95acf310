//! A city's first day, end to end (issue 35): on a database that holds only what the migrations
//! load, with the demo off, driven only through the command line (tokens) and the HTTP API. The
//! system administrator registers Dalian's HR bureau; a regulator token of the bureau imports a
//! register of organizations in two counties, adds an industry (shipbuilding) and founds an
//! alliance for it; an enterprise applies and is admitted; the county filter and the counts by
//! county answer what was registered.

use serde_json::{Value, json};
use skillgraph::domain::kernel::codes::CreditCode;

use crate::helpers::{TEST_JWT_SECRET, TestServer};

/// A valid unified social credit code of `authority` in `region`.
fn credit_code(authority: &str, region: &str, serial: u32) -> String {
    let first17 = format!("{authority}{region}MA{serial:07}");
    let check = CreditCode::check_char(&first17).expect("alphabet");
    format!("{first17}{}", char::from(check))
}

/// `skillgraph token issue …` against the server's database: the token on success, the error
/// output otherwise.
fn token(server: &TestServer, args: &[&str]) -> Result<String, String> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .args(["token", "issue"])
        .args(args)
        .env("DATABASE_URL", server.database_url())
        .env("SKILLGRAPH_JWT_SECRET", TEST_JWT_SECRET)
        // The server's keys (`TestServer::settings`): a deployment configures its own.
        .env("SKILLGRAPH_PERSONAL_DATA_KEY", base64_of_bytes(&[42u8; 32]))
        .env("SKILLGRAPH_CONFIG", "/nonexistent/skillgraph.toml")
        .env("SKILLGRAPH_LOG", "warn")
        .output()
        .expect("the binary runs");
    if output.status.success() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        Ok(stdout.lines().last().expect("the token").trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// A GraphQL request over HTTP with `token` (none: the public); its data, or a panic naming the
/// errors.
async fn call(server: &TestServer, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body["data"].clone()
}

#[tokio::test]
async fn dalian_goes_live_on_an_empty_database() {
    let server = TestServer::start_empty(TestServer::settings()).await;
    // Nothing is registered yet: the public sees no organization, and a regulator token of a
    // bureau that does not exist is refused by the command line.
    let none = call(&server, None, "{ organizations { totalCount } }", json!({})).await;
    assert_eq!(none["organizations"]["totalCount"], 0);
    let nobody = token(
        &server,
        &[
            "--role",
            "REGULATOR",
            "--region",
            "210200",
            "--org",
            "T3JnYW5pemF0aW9uOjE",
            "--subject",
            "x",
        ],
    );
    assert!(nobody.is_err(), "{nobody:?}");
    let admin = token(&server, &["--role", "SYSTEM_ADMIN", "--subject", "ops"]).expect("admin");

    // The system administrator registers the bureau.
    let bureau = call(
        &server,
        Some(&admin),
        "mutation($i: RegisterOrganizationInput!) { registerOrganization(input: $i) { id region { code } county { code } } }",
        json!({ "i": {
            "name": "大连市人力资源和社会保障局",
            "kind": "GOVERNMENT",
            "creditCode": credit_code("11", "210200", 1),
            "region": "210200",
            "address": "大连市西岗区长春路",
        } }),
    )
    .await;
    let bureau = &bureau["registerOrganization"];
    assert_eq!(bureau["region"]["code"], "210200");
    assert_eq!(
        bureau["county"]["code"], "210203",
        "西岗区, from the address"
    );
    let bureau_id = bureau["id"].as_str().expect("id").to_owned();
    let regulator = token(
        &server,
        &[
            "--role",
            "REGULATOR",
            "--region",
            "210200",
            "--org",
            &bureau_id,
            "--subject",
            "dl-hr",
        ],
    )
    .expect("a regulator token of the bureau");

    // The bureau imports its register: a yard in 金州区, a college and a school in 甘井子区 (one
    // by its county's code, one by its address).
    let register = format!(
        "name,kind,creditCode,region,address\n\
         大连船舶重工集团有限公司,ENTERPRISE,{},210213,大连市金州区某路1号\n\
         大连船舶职业技术学院,COLLEGE,{},210200,大连市甘井子区某路2号\n\
         大连焊接技能培训学校,TRAINING_INSTITUTION,{},210211,\n",
        credit_code("91", "210200", 2),
        credit_code("52", "210200", 3),
        credit_code("52", "210200", 4),
    );
    let imported = call(
        &server,
        Some(&regulator),
        "mutation($f: String!) { importOrganizations(input: {format: CSV, contentBase64: $f}) { id name county { code } } }",
        json!({ "f": base64_of(&register) }),
    )
    .await;
    let imported = imported["importOrganizations"].as_array().expect("rows");
    assert_eq!(imported.len(), 3);
    let id_of = |name: &str| {
        imported
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (yard, college) = (
        id_of("大连船舶重工集团有限公司"),
        id_of("大连船舶职业技术学院"),
    );

    // A new industry, and an alliance for it led by the college.
    let industry = call(
        &server,
        Some(&regulator),
        r#"mutation { upsertIndustry(input: {code: "SHIPBUILDING", name: "船舶", nameEn: "Shipbuilding", section: "C"}) { code addedBy { code } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(industry["upsertIndustry"]["addedBy"]["code"], "210200");
    let alliance = call(
        &server,
        Some(&regulator),
        "mutation($lead: ID!) { foundAlliance(input: {code: \"dl-shipbuilding\", name: \"大连市船舶产业职业培训联盟\", nameEn: \"Dalian Shipbuilding Vocational Training Alliance\", sector: \"SHIPBUILDING\", region: \"210200\", foundedOn: \"2026-12-01\", leads: [$lead]}) { code industry sector { code name } } }",
        json!({ "lead": college }),
    )
    .await;
    assert_eq!(
        alliance["foundAlliance"],
        json!({ "code": "dl-shipbuilding", "industry": "OTHER", "sector": { "code": "SHIPBUILDING", "name": "船舶" } })
    );

    // The yard applies with its own token, and the bureau admits it.
    let yard_token = token(
        &server,
        &[
            "--role",
            "ENTERPRISE",
            "--org",
            &yard,
            "--subject",
            "yard-hr",
        ],
    )
    .expect("an enterprise token");
    let application = call(
        &server,
        Some(&yard_token),
        r#"mutation { applyForMembership(input: {alliance: "dl-shipbuilding", note: "船体分段制造"}) { id status } }"#,
        json!({}),
    )
    .await;
    let application = application["applyForMembership"]["id"].clone();
    let admitted = call(
        &server,
        Some(&regulator),
        "mutation($a: ID!) { admitMembershipApplication(input: {application: $a}) { status } }",
        json!({ "a": application }),
    )
    .await;
    assert_eq!(admitted["admitMembershipApplication"]["status"], "ADMITTED");

    // What the public reads: the county's organizations, the alliance's members, the counts by
    // county, and the alliances of the new industry.
    let read = call(
        &server,
        None,
        r#"{
          jinzhou: organizations(filter: {region: "210213"}) { totalCount nodes { name } }
          ganjingzi: organizations(filter: {region: "210211"}) { totalCount }
          dalian: organizations(filter: {region: "210200"}) { totalCount }
          liaoning: organizations(filter: {region: "210000"}) { totalCount }
          byCounty: organizationStats(filter: {region: "210200"}, groupBy: [COUNTY]) { region { code } count }
          byKind: organizationStats(groupBy: [KIND, PROVINCE]) { kind region { code } count }
          shipbuilding: alliances(filter: {industries: ["SHIPBUILDING"]}) { nodes { code members { totalCount } } }
        }"#,
        json!({}),
    )
    .await;
    assert_eq!(read["jinzhou"]["totalCount"], 1);
    assert_eq!(
        read["jinzhou"]["nodes"][0]["name"],
        "大连船舶重工集团有限公司"
    );
    assert_eq!(read["ganjingzi"]["totalCount"], 2);
    assert_eq!(read["dalian"]["totalCount"], 4);
    assert_eq!(read["liaoning"]["totalCount"], 4);
    assert_eq!(
        read["byCounty"],
        json!([
            { "region": { "code": "210203" }, "count": 1 },
            { "region": { "code": "210211" }, "count": 2 },
            { "region": { "code": "210213" }, "count": 1 },
        ])
    );
    let kinds: Vec<(String, i64)> = read["byKind"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            assert_eq!(r["region"]["code"], "210000");
            (
                r["kind"].as_str().expect("kind").to_owned(),
                r["count"].as_i64().expect("count"),
            )
        })
        .collect();
    assert_eq!(kinds.iter().map(|(_, n)| n).sum::<i64>(), 4, "{kinds:?}");
    assert_eq!(
        read["shipbuilding"]["nodes"],
        json!([{ "code": "dl-shipbuilding", "members": { "totalCount": 2 } }])
    );
}

fn base64_of(text: &str) -> String {
    base64_of_bytes(text.as_bytes())
}

fn base64_of_bytes(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
