//! Subsidy claims on real-name training records (issue 23): amounts in fen against hand-computed
//! figures, "no record, no subsidy", who decides, one granted line per person, occupation and
//! level under concurrency, and the finance system's exports read back.

use base64::Engine;
use entity::{ClaimLineStatus, claim_line, subsidy_claim};
use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder};
use serde_json::{Value, json};
use skillgraph::{auth::Role, graphql::ids::NodeKey};

use crate::helpers::{TestApp, claimable, first_code, who};

const CLAIMS: &str = "{ subsidyClaims { totalCount nodes { id status claimedFen claimedYuan approvedFen paidFen provider { name } lines { id amountFen amountYuan status evidence paymentReference reason learner { name } } } } }";
const APPROVE: &str = "mutation($l: ID!) { approveClaimLine(input: {line: $l}) { status } }";
const REJECT: &str = "mutation($l: ID!) { rejectClaimLine(input: {line: $l, reason: \"签到与课表不符\"}) { status reason } }";
const PAY: &str = "mutation($l: [ID!]!) { markClaimLinesPaid(input: {lines: $l, paymentReference: \"ZJCZ-2026-000300\"}) { status paymentReference } }";

async fn zhenjiang(app: &TestApp) -> skillgraph::auth::Caller {
    who::regulator(app.region_row("321100").await)
}

#[tokio::test]
async fn a_claim_is_priced_in_fen_decided_line_by_line_and_paid() {
    let app = TestApp::demo().await;
    let regulator = zhenjiang(&app).await;
    let data = app.data_as(&regulator, CLAIMS, json!({})).await;
    let claim = &data["subsidyClaims"]["nodes"][0];
    // 1,800 CNY for the special ability, +20 % for a scarce occupation: 2,160 CNY a learner.
    assert_eq!(claim["claimedFen"], 3 * 216_000);
    assert_eq!(claim["claimedYuan"], "6480.00");
    assert_eq!(claim["status"], "PENDING");
    let lines = claim["lines"].as_array().expect("lines").clone();
    assert_eq!(lines.len(), 3);
    assert!(
        lines
            .iter()
            .all(|l| l["amountFen"] == 216_000 && l["amountYuan"] == "2160.00")
    );
    assert_eq!(lines[0]["status"], "PAID");
    assert_eq!(lines[0]["paymentReference"], "ZJCZ-2026-000118");
    assert_eq!(claim["paidFen"], 216_000);
    assert!(lines.iter().all(|l| l["evidence"] == "COMPLETION"));

    // Who may not decide: the provider, another region's regulator, no token.
    let provider_name = claim["provider"]["name"].as_str().expect("name").to_owned();
    let provider = who::staff(
        Role::TrainingInstitution,
        TestApp::raw_id(&app.org_id(&provider_name).await),
    );
    let huaian = who::regulator(app.region_row("320800").await);
    for who in [&provider, &huaian, &skillgraph::auth::Caller::public()] {
        let r = app
            .query_as(who, APPROVE, json!({ "l": lines[1]["id"] }))
            .await;
        assert!(
            matches!(first_code(&r).as_str(), "FORBIDDEN" | "UNAUTHENTICATED"),
            "{r}"
        );
    }
    // The provider sees its own claim; another region's regulator sees none.
    let theirs = app
        .data_as(&huaian, "{ subsidyClaims { totalCount } }", json!({}))
        .await;
    assert_eq!(theirs["subsidyClaims"]["totalCount"], 0);

    let approved = app
        .data_as(&regulator, APPROVE, json!({ "l": lines[1]["id"] }))
        .await;
    assert_eq!(approved["approveClaimLine"]["status"], "APPROVED");
    let twice = app
        .query_as(&regulator, APPROVE, json!({ "l": lines[1]["id"] }))
        .await;
    assert_eq!(first_code(&twice), "CONFLICT");
    let rejected = app
        .data_as(&regulator, REJECT, json!({ "l": lines[2]["id"] }))
        .await;
    assert_eq!(rejected["rejectClaimLine"]["status"], "REJECTED");
    let now = app.data_as(&regulator, CLAIMS, json!({})).await;
    assert_eq!(now["subsidyClaims"]["nodes"][0]["status"], "DECIDED");
    assert_eq!(now["subsidyClaims"]["nodes"][0]["approvedFen"], 2 * 216_000);
    // A rejected line is not paid, and the whole payment is refused with it.
    let mixed = app
        .query_as(
            &regulator,
            PAY,
            json!({ "l": [lines[1]["id"], lines[2]["id"]] }),
        )
        .await;
    assert_eq!(mixed["errors"][0]["extensions"]["field"], "input.lines[1]");
    let still = app.data_as(&regulator, CLAIMS, json!({})).await;
    assert_eq!(
        still["subsidyClaims"]["nodes"][0]["lines"][1]["status"], "APPROVED",
        "nothing was paid"
    );
    let paid = app
        .data_as(&regulator, PAY, json!({ "l": [lines[1]["id"]] }))
        .await;
    assert_eq!(
        paid["markClaimLinesPaid"][0]["paymentReference"],
        "ZJCZ-2026-000300"
    );
    let settled = app.data_as(&regulator, CLAIMS, json!({})).await;
    assert_eq!(settled["subsidyClaims"]["nodes"][0]["status"], "SETTLED");
    assert_eq!(settled["subsidyClaims"]["nodes"][0]["paidFen"], 2 * 216_000);
}

#[tokio::test]
async fn no_record_no_subsidy_and_the_evidence_the_item_asks() {
    let app = TestApp::demo().await;
    let college_id = app.org_id("丹阳中等专业学校").await;
    let college = who::staff(Role::College, TestApp::raw_id(&college_id));
    // The college's finished cohort of last spring: completions written without class days.
    let cohorts = app
        .data_as(
            &college,
            "query($p: ID!) { cohorts(filter: {provider: $p, statuses: [FINISHED]}) { nodes { id name } } }",
            json!({ "p": college_id }),
        )
        .await;
    let old = cohorts["cohorts"]["nodes"]
        .as_array()
        .expect("cohorts")
        .iter()
        .find(|c| c["name"].as_str().expect("name").contains('届'))
        .expect("the demo's finished cohort")["id"]
        .clone();
    const SUBMIT: &str = "mutation($c: ID!) { submitSubsidyClaim(input: {cohort: $c}) { id claimedFen lines { amountFen } } }";
    let refused = app.query_as(&college, SUBMIT, json!({ "c": old })).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "input.cohort",
        "{refused}"
    );
    assert!(
        refused
            .to_string()
            .contains("no real-name attendance record"),
        "{refused}"
    );
    let none = app
        .data_as(
            &zhenjiang(&app).await,
            "{ subsidyClaims { totalCount } }",
            json!({}),
        )
        .await;
    // The demo's three claims (PENDING, DECIDED, SETTLED), and no fourth.
    assert_eq!(
        none["subsidyClaims"]["totalCount"], 3,
        "the refused claim wrote nothing"
    );
    // Not the provider: FORBIDDEN; a running cohort: refused.
    let other = who::staff(
        Role::TrainingInstitution,
        TestApp::raw_id(&app.org_id("丹阳市视界眼镜技能培训中心").await),
    );
    assert_eq!(
        first_code(&app.query_as(&other, SUBMIT, json!({ "c": old })).await),
        "FORBIDDEN"
    );
    // The demo cohort claimed already: CONFLICT.
    let regulator = zhenjiang(&app).await;
    let claimed = app
        .data_as(
            &regulator,
            "{ subsidyClaims { nodes { cohort { id } provider { id kind } } } }",
            json!({}),
        )
        .await;
    let node = &claimed["subsidyClaims"]["nodes"][0];
    let role = if node["provider"]["kind"] == "COLLEGE" {
        Role::College
    } else {
        Role::TrainingInstitution
    };
    let owner = who::staff(role, TestApp::raw_id(&node["provider"]["id"]));
    let cohort = node["cohort"].clone();
    let again = app
        .query_as(&owner, SUBMIT, json!({ "c": cohort["id"] }))
        .await;
    assert_eq!(first_code(&again), "CONFLICT", "{again}");
}

#[tokio::test]
async fn one_granted_line_per_person_occupation_and_level_whatever_the_claims() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let regulator = zhenjiang(&app).await;
    let pending = claim_line::Entity::find()
        .order_by_asc(claim_line::Column::Id)
        .all(db)
        .await
        .expect("lines")
        .into_iter()
        .find(|l| l.status == ClaimLineStatus::Pending)
        .expect("a pending demo line");
    let claim = subsidy_claim::Entity::find_by_id(pending.claim_id)
        .one(db)
        .await
        .expect("claim")
        .expect("row");
    // Another provider's claim with a line for the same person, occupation and level — as a
    // record from before the subsidy slots would hold it — in another cohort.
    let other_cohort = entity::cohort::Entity::find()
        .order_by_asc(entity::cohort::Column::Id)
        .all(db)
        .await
        .expect("cohorts")
        .into_iter()
        .find(|c| c.id != claim.cohort_id)
        .expect("another cohort");
    let other_enrollment = entity::enrollment::Entity::find()
        .all(db)
        .await
        .expect("enrolments")
        .into_iter()
        .find(|e| e.cohort_id == other_cohort.id)
        .expect("an enrolment of the other cohort");
    let second = subsidy_claim::Entity::insert(subsidy_claim::ActiveModel {
        cohort_id: Set(other_cohort.id),
        provider_id: Set(other_cohort.provider_id),
        region_id: Set(claim.region_id),
        status: Set(entity::ClaimStatus::Pending),
        claimed_fen: Set(pending.amount_fen),
        created_at: Set(chrono::Utc::now()),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("a second claim");
    let twin = claim_line::Entity::insert(claim_line::ActiveModel {
        claim_id: Set(second.id),
        enrollment_id: Set(other_enrollment.id),
        learner_id: Set(pending.learner_id),
        occupation_code: Set(pending.occupation_code.clone()),
        level: Set(pending.level),
        evidence: Set(pending.evidence),
        amount_fen: Set(pending.amount_fen),
        status: Set(ClaimLineStatus::Pending),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
    .expect("its line");
    let (a, b) = tokio::join!(
        app.query_as(
            &regulator,
            APPROVE,
            json!({ "l": NodeKey::ClaimLine(pending.id).to_id() })
        ),
        app.query_as(
            &regulator,
            APPROVE,
            json!({ "l": NodeKey::ClaimLine(twin.id).to_id() })
        ),
    );
    let ok: Vec<bool> = [&a, &b].iter().map(|r| r.get("errors").is_none()).collect();
    assert_eq!(ok.iter().filter(|o| **o).count(), 1, "{a}\n{b}");
    let loser = if ok[0] { &b } else { &a };
    assert_eq!(first_code(loser), "CONFLICT");
    assert!(
        loser
            .to_string()
            .contains("subsidised for this occupation and level already")
    );
    let granted = claim_line::Entity::find()
        .all(db)
        .await
        .expect("lines")
        .into_iter()
        .filter(|l| {
            l.learner_id == pending.learner_id
                && l.occupation_code == pending.occupation_code
                && l.level == pending.level
                && matches!(l.status, ClaimLineStatus::Approved | ClaimLineStatus::Paid)
        })
        .count();
    assert_eq!(granted, 1);
}

#[tokio::test]
async fn claims_export_to_csv_and_xlsx_for_the_finance_system() {
    let app = TestApp::demo().await;
    let regulator = zhenjiang(&app).await;
    // The PENDING claim of the finished demo cohort (the DECIDED and SETTLED ones are left out).
    const EXPORT: &str = "query($f: ExportFormat!) { subsidyClaimExport(format: $f, filter: {statuses: [PENDING]}) { filename contentType contentBase64 rows } }";
    let decode = |v: &Value| {
        base64::engine::general_purpose::STANDARD
            .decode(
                v["subsidyClaimExport"]["contentBase64"]
                    .as_str()
                    .expect("b64"),
            )
            .expect("base64")
    };
    let csv_answer = app.data_as(&regulator, EXPORT, json!({ "f": "CSV" })).await;
    assert_eq!(csv_answer["subsidyClaimExport"]["rows"], 3);
    assert!(
        csv_answer["subsidyClaimExport"]["filename"]
            .as_str()
            .expect("name")
            .ends_with(".csv")
    );
    let bytes = decode(&csv_answer);
    let text = String::from_utf8(bytes).expect("utf-8");
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, skillgraph::domain::subsidies::EXPORT_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 3);
    let fen: i64 = rows.iter().map(|r| r[8].parse::<i64>().expect("fen")).sum();
    assert_eq!(fen, 3 * 216_000);
    assert_eq!(&rows[0][9], "2160.00");
    assert_eq!(&rows[0][10], "PAID");
    assert_eq!(&rows[0][11], "ZJCZ-2026-000118");
    assert!(
        rows[0][4].contains('*'),
        "the learner masked: {}",
        &rows[0][4]
    );

    let xlsx_answer = app
        .data_as(&regulator, EXPORT, json!({ "f": "XLSX" }))
        .await;
    let bytes = decode(&xlsx_answer);
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let sheet = book.worksheet_range("claims").expect("the claims sheet");
    let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(cells.len(), 4, "a header and three lines");
    assert_eq!(cells[0][8], Data::String("amount_fen".to_owned()));
    let sum: f64 = cells[1..]
        .iter()
        .map(|r| match &r[8] {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("a number, not {other:?}"),
        })
        .sum();
    assert_eq!(sum, f64::from(3 * 216_000));
    // Another region's regulator exports nothing of it; an enterprise may not export.
    let huaian = who::regulator(app.region_row("320800").await);
    let theirs = app.data_as(&huaian, EXPORT, json!({ "f": "CSV" })).await;
    assert_eq!(theirs["subsidyClaimExport"]["rows"], 0);
    let enterprise = who::staff(
        Role::Enterprise,
        TestApp::raw_id(&app.org_id("丹阳明视眼镜有限公司").await),
    );
    assert_eq!(
        first_code(
            &app.query_as(&enterprise, EXPORT, json!({ "f": "CSV" }))
                .await
        ),
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn a_claim_takes_as_many_statements_for_two_lines_as_for_eight() {
    use chrono::Datelike;
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let college = app.org_id("丹阳中等专业学校").await;
    let college_id = TestApp::raw_id(&college);
    let ended_year = (chrono::Utc::now().date_naive() - chrono::Days::new(10)).year() as i16;
    entity::catalogue_item::Entity::insert(entity::catalogue_item::ActiveModel {
        region_id: Set(app.region_row("321100").await),
        occupation_code: Set("4-14-03-04".to_owned()),
        level: Set(entity::SkillLevel::Level5),
        category: Set(entity::CatalogueCategory::SpecialAbility),
        subsidy_amount: Set(800),
        subsidy_fen: Set(80_000),
        evidence: Set(entity::ClaimEvidence::Completion),
        scarce: Set(false),
        year: Set(ended_year),
        status: Set(entity::CatalogueItemStatus::Listed),
        reason: Set(None),
        updated_at: Set(chrono::Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await
    .expect("a catalogue item");
    let learners: Vec<i32> = entity::learner::Entity::find()
        .order_by_asc(entity::learner::Column::Id)
        .all(db)
        .await
        .expect("learners")
        .into_iter()
        .map(|l| l.id)
        .take(10)
        .collect();
    assert_eq!(learners.len(), 10, "ten demo learners");
    let small = claimable(&app, college_id, &learners[..2]).await;
    let large = claimable(&app, college_id, &learners[2..]).await;
    let owner = who::staff(Role::College, college_id);
    const SUBMIT: &str =
        "mutation($c: ID!) { submitSubsidyClaim(input: {cohort: $c}) { claimedFen } }";
    let mut spent = Vec::new();
    for (cohort, lines) in [(small, 2), (large, 8)] {
        let before = app.db.statements();
        let claimed = app
            .data_as(
                &owner,
                SUBMIT,
                json!({ "c": NodeKey::Cohort(cohort).to_id() }),
            )
            .await;
        spent.push(app.db.statements() - before);
        assert_eq!(
            claimed["submitSubsidyClaim"]["claimedFen"],
            lines * 80_000,
            "{claimed}"
        );
    }
    assert_eq!(spent[0], spent[1], "statements for 2 and for 8 lines");
}

/// Amounts above GraphQL's 32-bit `Int` come out exact, and a `Fen` input takes a string of
/// digits but no fraction, naming the field.
#[tokio::test]
async fn amounts_past_32_bits_read_exactly_and_fen_inputs_are_whole() {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::demo().await;
    let regulator = zhenjiang(&app).await;
    // One line of a demo claim raised to 30 million CNY, its claim with it.
    let line = claim_line::Entity::find()
        .order_by_asc(claim_line::Column::Id)
        .one(&app.db.db)
        .await
        .expect("a line")
        .expect("lines");
    let big: i64 = 3_000_000_000;
    claim_line::Entity::update_many()
        .col_expr(claim_line::Column::AmountFen, Expr::value(big))
        .filter(claim_line::Column::Id.eq(line.id))
        .exec(&app.db.db)
        .await
        .expect("raised");
    let claim = subsidy_claim::Entity::find_by_id(line.claim_id)
        .one(&app.db.db)
        .await
        .expect("claim")
        .expect("row");
    let total = claim.claimed_fen - line.amount_fen + big;
    subsidy_claim::Entity::update_many()
        .col_expr(subsidy_claim::Column::ClaimedFen, Expr::value(total))
        .filter(subsidy_claim::Column::Id.eq(claim.id))
        .exec(&app.db.db)
        .await
        .expect("raised");
    let data = app
        .data_as(
            &regulator,
            "query($c: ID!) { node(id: $c) { ... on SubsidyClaim { claimedFen lines { id amountFen } } } }",
            json!({ "c": NodeKey::SubsidyClaim(claim.id).to_id() }),
        )
        .await;
    assert_eq!(data["node"]["claimedFen"], json!(total));
    assert!(
        data["node"]["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .any(|l| l["amountFen"] == json!(big))
    );
    // Inputs: a string of digits is a whole number of fen; a fraction is refused, naming it.
    const ITEM: &str = "mutation($f: Fen!) { upsertCatalogueItem(input: {occupation: \"4-14-03-03\", level: LEVEL_4, category: SPECIAL_ABILITY, subsidyFen: $f, scarce: false, year: 2031}) { subsidyFen } }";
    let as_text = app
        .data_as(&regulator, ITEM, json!({ "f": "150000" }))
        .await;
    assert_eq!(as_text["upsertCatalogueItem"]["subsidyFen"], 150_000);
    for bad in [json!(1500.5), json!("15.5"), json!("一千")] {
        let refused = app.query_as(&regulator, ITEM, json!({ "f": bad })).await;
        assert_eq!(first_code(&refused), "BAD_USER_INPUT", "{refused}");
        assert!(refused.to_string().contains("fen"), "{refused}");
    }
}
