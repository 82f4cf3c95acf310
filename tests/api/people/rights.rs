//! A learner's rights over their data (issue 22): every personal field sealed at rest (and rows
//! from before sealed at the first start), keys rotated without downtime, corrections and
//! erasure asked by the learner and decided by those the policy names, and retention.

use chrono::{Days, Utc};
use entity::{
    audit_event, certificate, data_request, follow_up, key_check, learner, provider_link,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Statement, sea_query::Expr,
};
use serde_json::{Value, json};
use skillgraph::{
    auth::{Caller, Role},
    domain::kernel::personal::{KeyCheck, PersonalDataKey, Reseal, check_key, mask_name, reseal},
    graphql::{build_schema, ids::NodeKey},
};

use crate::helpers::{TestApp, first_code, real_name, test_limits, test_personal_key, who};

const PERSONAL: &str = "query($id: ID!) { node(id: $id) { ... on Learner { name erasedAt personalData { name nationalId phone } } } }";
const REQUEST_CORRECTION: &str = "mutation($f: PersonalField!, $v: String!) { requestDataCorrection(input: {field: $f, value: $v, reason: \"证件已更新\"}) { id kind field proposed status } }";
const REQUEST_ERASURE: &str =
    "mutation { requestDataErasure(input: {reason: \"不再参加培训\"}) { id kind status } }";
const APPROVE: &str = "mutation($r: ID!) { approveDataRequest(input: {request: $r, reason: \"已核实\"}) { id status decision decidedRole } }";
const REJECT: &str = "mutation($r: ID!) { rejectDataRequest(input: {request: $r, reason: \"证明材料不全\"}) { id status decision } }";

fn gid(key: NodeKey) -> String {
    key.to_id().0
}

fn learner_caller(id: i32) -> Caller {
    who::learner(id)
}

async fn learners(app: &TestApp) -> Vec<learner::Model> {
    learner::Entity::find()
        .order_by_asc(learner::Column::Id)
        .all(&app.db.db)
        .await
        .expect("learners")
}

async fn one(app: &TestApp, id: i32) -> learner::Model {
    learner::Entity::find_by_id(id)
        .one(&app.db.db)
        .await
        .expect("learner")
        .expect("the learner")
}

/// Everything the database holds, as text: on PostgreSQL each row of each table, on SQLite the
/// database file itself (with the write-ahead log folded in first), so free pages count too.
async fn everything_stored(app: &TestApp) -> Vec<u8> {
    let db = &app.db.db;
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let tables = db
                .query_all_raw(Statement::from_string(
                    DatabaseBackend::Postgres,
                    "SELECT table_name::text AS t FROM information_schema.tables WHERE table_schema = 'public'",
                ))
                .await
                .expect("tables");
            let mut out = Vec::new();
            for t in tables {
                let table: String = t.try_get("", "t").expect("table name");
                let rows = db
                    .query_all_raw(Statement::from_string(
                        DatabaseBackend::Postgres,
                        format!("SELECT CAST(x AS text) AS r FROM \"{table}\" x"),
                    ))
                    .await
                    .expect("rows");
                for row in rows {
                    let text: String = row.try_get("", "r").expect("row text");
                    out.extend(text.into_bytes());
                    out.push(b'\n');
                }
            }
            out
        }
        _ => {
            // The file and its write-ahead log as they are: no checkpoint of the test's own, so
            // an erasure that leaves a copy in the log is found there.
            let path = app
                .db
                .url
                .trim_start_matches("sqlite://")
                .split('?')
                .next()
                .expect("path")
                .to_owned();
            let mut bytes = std::fs::read(&path).expect("the database file");
            if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
                bytes.extend(wal);
            }
            bytes
        }
    }
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    // The standard library's substring search (built optimized even in a debug test build): the
    // files run to megabytes with the search index in them.
    !needle.is_empty() && String::from_utf8_lossy(haystack).contains(needle)
}

#[tokio::test]
async fn names_and_phones_are_sealed_and_rows_from_before_are_sealed_at_start() {
    let app = TestApp::demo().await;
    let key = test_personal_key();
    let rows = learners(&app).await;
    assert!(rows.len() > 20);
    let stored = everything_stored(&app).await;
    for row in &rows {
        let person = key.open(row).expect("the test key opens every row");
        assert_eq!(row.sealed_with.as_deref(), Some(key.check_value().as_str()));
        assert_eq!(row.name_masked, mask_name(&person.name));
        assert!(row.name_cipher.is_some() && row.phone_cipher.is_some());
        for plain in [
            person.name.as_str(),
            person.national_id.reveal(),
            person.phone.as_str(),
        ] {
            assert!(!holds(&stored, plain), "learner {} in clear", row.id);
        }
    }

    // The rows as the version before this one left them: name and phone in clear under their
    // old (now _masked) columns, nothing sealed but the ID number, no key recorded.
    let db = &app.db.db;
    for row in &rows {
        let person = key.open(row).expect("open");
        learner::Entity::update_many()
            .col_expr(learner::Column::NameMasked, Expr::value(person.name))
            .col_expr(
                learner::Column::PhoneMasked,
                Expr::value(person.phone.as_str()),
            )
            .col_expr(learner::Column::NameCipher, Expr::value(None::<String>))
            .col_expr(learner::Column::NameHash, Expr::value(None::<String>))
            .col_expr(learner::Column::PhoneCipher, Expr::value(None::<String>))
            .col_expr(learner::Column::SealedWith, Expr::value(None::<String>))
            .filter(learner::Column::Id.eq(row.id))
            .exec(db)
            .await
            .expect("unseal");
    }
    key_check::Entity::delete_many()
        .exec(db)
        .await
        .expect("no check");
    let other = PersonalDataKey::from_master(&[9; 32]);
    assert_eq!(
        check_key(db, &other).await.expect("check"),
        KeyCheck::CannotRead
    );
    assert_eq!(
        check_key(db, &key).await.expect("check"),
        KeyCheck::Recorded
    );
    let done = reseal(db, &key, Reseal::Unsealed, 7).await.expect("reseal");
    assert_eq!(done.rows, rows.len() as u64, "batches of 7 take every row");
    let after = learners(&app).await;
    for (before, now) in rows.iter().zip(&after) {
        assert_eq!(real_name(now), real_name(before));
        assert_eq!(now.name_masked, before.name_masked);
        assert_eq!(now.phone_masked, before.phone_masked);
        assert!(now.sealed_with.is_some());
    }
    // And a provider's read through the API gives the names back.
    let reader = who::regulator(after[0].region_id);
    let read = app
        .data_as(
            &reader,
            PERSONAL,
            json!({ "id": gid(NodeKey::Learner(after[0].id)) }),
        )
        .await;
    assert_eq!(
        read["node"]["personalData"]["name"],
        real_name(&rows[0]).as_str()
    );
}

#[tokio::test]
async fn a_second_key_reads_the_old_rows_and_reseal_moves_them_all() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let old = test_personal_key();
    let new = PersonalDataKey::from_master(&[77; 32]);
    assert_eq!(
        check_key(db, &old).await.expect("check"),
        KeyCheck::Recorded
    );
    // The new key alone does not read the rows: refused, nothing written.
    assert_eq!(check_key(db, &new).await.expect("check"), KeyCheck::Differs);
    // The new key first, the old one kept: accepted, and the new one now seals.
    let ring = new.clone().with_previous([old.clone()]);
    assert_eq!(
        check_key(db, &ring).await.expect("check"),
        KeyCheck::Rotated
    );
    assert_eq!(
        check_key(db, &ring).await.expect("check"),
        KeyCheck::Matches
    );
    let schema = build_schema(
        db.clone(),
        ring.clone(),
        std::sync::Arc::new(skillgraph::events::InProcessBroker::default()),
        test_limits(),
    );
    let rows = learners(&app).await;
    let first = &rows[0];
    let regulator = who::regulator(first.region_id);
    let read = schema
        .execute(
            async_graphql::Request::new(PERSONAL)
                .variables(async_graphql::Variables::from_json(
                    json!({ "id": gid(NodeKey::Learner(first.id)) }),
                ))
                .data(regulator.clone()),
        )
        .await;
    let read = serde_json::to_value(read).expect("json");
    assert_eq!(
        read["data"]["node"]["personalData"]["name"],
        real_name(first).as_str(),
        "a row of the old key reads through the ring: {read}"
    );
    // Registering a person sealed under the old key links them, not a second person.
    let person = old.open(first).expect("open");
    let register = schema
        .execute(
            async_graphql::Request::new(
                "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }",
            )
            .variables(async_graphql::Variables::from_json(json!({ "i": {
                "name": person.name, "nationalId": person.national_id.reveal(),
                "phone": person.phone.as_str(), "region": "321100", "targetGroup": "OTHER",
            }})))
            .data(regulator.clone()),
        )
        .await;
    let register = serde_json::to_value(register).expect("json");
    assert_eq!(
        register["data"]["registerLearner"]["id"],
        gid(NodeKey::Learner(first.id)),
        "{register}"
    );
    let count = learner::Entity::find().count(db).await.expect("count");
    assert_eq!(count, rows.len() as u64);

    // Re-sealing moves every row to the new key; then the new key alone reads everything.
    let done = reseal(db, &ring, Reseal::NotByTheSealingKey, 10)
        .await
        .expect("reseal");
    assert_eq!(done.rows, rows.len() as u64);
    assert_eq!(done.duplicates, 0);
    let again = reseal(db, &ring, Reseal::NotByTheSealingKey, 10)
        .await
        .expect("reseal");
    assert_eq!(again.rows, 0, "nothing is left to re-seal");
    for (before, after) in rows.iter().zip(learners(&app).await) {
        assert_eq!(
            after.sealed_with.as_deref(),
            Some(new.check_value().as_str())
        );
        assert_eq!(
            new.open(&after).expect("the new key alone"),
            old.open(before).expect("old")
        );
        assert_ne!(after.national_id_hash, before.national_id_hash);
        assert!(old.open(&after).is_err(), "the old key reads nothing now");
    }
    assert_eq!(check_key(db, &new).await.expect("check"), KeyCheck::Matches);
    assert_eq!(check_key(db, &old).await.expect("check"), KeyCheck::Differs);
}

/// Requests as the demo left them, by kind and status.
async fn statuses(app: &TestApp) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = data_request::Entity::find()
        .all(&app.db.db)
        .await
        .expect("requests")
        .into_iter()
        .map(|r| (format!("{:?}", r.kind), format!("{:?}", r.status)))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn corrections_are_asked_by_the_learner_and_decided_by_the_registrar_or_the_regulator() {
    let app = TestApp::demo().await;
    assert_eq!(
        statuses(&app).await,
        [
            ("Correction", "Approved"),
            ("Correction", "Pending"),
            ("Correction", "Rejected"),
            ("Erasure", "Pending")
        ]
        .map(|(k, s)| (k.to_owned(), s.to_owned())),
        "the demo holds requests at every status"
    );
    let college = TestApp::raw_id(&app.org_id("丹阳中等专业学校").await);
    let other_provider = TestApp::raw_id(&app.org_id("丹阳市视界眼镜技能培训中心").await);
    let me = learners(&app)
        .await
        .into_iter()
        .find(|l| l.registered_by_id == Some(college))
        .expect("a learner the college registered");
    let me_caller = learner_caller(me.id);
    let old_name = real_name(&me);
    let zhenjiang = me.region_id;

    // Only the learner asks; the answer shows the new value masked.
    let asked = app
        .data_as(
            &me_caller,
            REQUEST_CORRECTION,
            json!({ "f": "NAME", "v": "欧阳新华" }),
        )
        .await;
    let request = asked["requestDataCorrection"]["id"].clone();
    assert_eq!(asked["requestDataCorrection"]["proposed"], "欧***");
    assert_eq!(asked["requestDataCorrection"]["status"], "PENDING");
    let twice = app
        .query_as(
            &me_caller,
            REQUEST_CORRECTION,
            json!({ "f": "PHONE", "v": "13911112222" }),
        )
        .await;
    assert_eq!(
        first_code(&twice),
        "CONFLICT",
        "one pending correction at a time"
    );
    let bad = app
        .query_as(
            &me_caller,
            REQUEST_CORRECTION,
            json!({ "f": "PHONE", "v": "123" }),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.value");
    for who in [
        who::staff(Role::College, college),
        who::regulator(zhenjiang),
        Caller::public(),
    ] {
        let r = app
            .query_as(&who, REQUEST_CORRECTION, json!({ "f": "NAME", "v": "某" }))
            .await;
        assert!(
            matches!(first_code(&r).as_str(), "FORBIDDEN" | "UNAUTHENTICATED"),
            "{r}"
        );
    }
    // The proposed value is stored sealed, never in clear.
    let stored = everything_stored(&app).await;
    assert!(!holds(&stored, "欧阳新华"));

    // Who may not decide: another provider, another region's regulator, the learner, no token.
    let huaian = app.region_row("320800").await;
    for who in [
        who::staff(Role::TrainingInstitution, other_provider),
        who::regulator(huaian),
        who::staff(Role::Enterprise, college),
        me_caller.clone(),
        Caller::public(),
    ] {
        let r = app.query_as(&who, APPROVE, json!({ "r": request })).await;
        assert!(
            matches!(first_code(&r).as_str(), "FORBIDDEN" | "UNAUTHENTICATED"),
            "{r}"
        );
    }
    // The registering college approves: the name is corrected, sealed anew, and audited masked.
    let registrar = who::staff(Role::College, college);
    let approved = app
        .data_as(&registrar, APPROVE, json!({ "r": request }))
        .await;
    assert_eq!(approved["approveDataRequest"]["status"], "APPROVED");
    assert_eq!(approved["approveDataRequest"]["decidedRole"], "COLLEGE");
    let now = one(&app, me.id).await;
    assert_eq!(real_name(&now), "欧阳新华");
    assert_eq!(now.name_masked, "欧***");
    assert_ne!(now.national_id_cipher, me.national_id_cipher, "sealed anew");
    let again = app
        .query_as(&registrar, APPROVE, json!({ "r": request }))
        .await;
    assert_eq!(first_code(&again), "CONFLICT");
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("approveDataCorrection"))
        .filter(audit_event::Column::TargetId.eq(gid(NodeKey::Learner(me.id))))
        .one(&app.db.db)
        .await
        .expect("audit")
        .expect("the correction is audited");
    let changes: Value = serde_json::from_str(&event.changes.expect("changes")).expect("json");
    assert_eq!(changes["from"], mask_name(&old_name));
    assert_eq!(changes["to"], "欧***");
    assert_eq!(changes["field"], "NAME");
    let row = data_request::Entity::find_by_id(
        NodeKey::data_request("r", request.as_str().expect("id")).expect("id"),
    )
    .one(&app.db.db)
    .await
    .expect("request")
    .expect("row");
    assert!(
        row.proposed_cipher.is_none(),
        "the sealed value goes once decided"
    );
    // The new name identifies the person; the old one no longer does.
    let person = test_personal_key().open(&now).expect("open");
    let register = "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }";
    let with = |name: &str| json!({ "i": { "name": name, "nationalId": person.national_id.reveal(), "phone": person.phone.as_str(), "region": "321100", "targetGroup": "OTHER" } });
    let linked = app.data_as(&registrar, register, with("欧阳新华")).await;
    assert_eq!(
        linked["registerLearner"]["id"],
        gid(NodeKey::Learner(me.id))
    );
    let refused = app.query_as(&registrar, register, with(&old_name)).await;
    assert_eq!(refused["errors"][0]["extensions"]["field"], "input.name");

    // A phone correction, rejected by the regulator with a reason the learner reads.
    let asked = app
        .data_as(
            &me_caller,
            REQUEST_CORRECTION,
            json!({ "f": "PHONE", "v": "13911112222" }),
        )
        .await;
    let request = asked["requestDataCorrection"]["id"].clone();
    let regulator = who::regulator(zhenjiang);
    let rejected = app
        .data_as(&regulator, REJECT, json!({ "r": request }))
        .await;
    assert_eq!(rejected["rejectDataRequest"]["status"], "REJECTED");
    let mine = app
        .data_as(
            &me_caller,
            "{ dataRequests { totalCount nodes { kind status decision proposed } } }",
            json!({}),
        )
        .await;
    assert_eq!(mine["dataRequests"]["totalCount"], 2, "{mine}");
    assert_eq!(mine["dataRequests"]["nodes"][1]["decision"], "证明材料不全");
    assert_eq!(
        test_personal_key()
            .open(&one(&app, me.id).await)
            .expect("open")
            .phone,
        person.phone,
        "a rejected correction changes nothing"
    );
    // The copy of the record lists them.
    let copy = app.data_as(&me_caller, "{ myData }", json!({})).await;
    assert_eq!(
        copy["myData"]["data_requests"]
            .as_array()
            .expect("requests")
            .len(),
        2
    );
    // The other provider's list does not hold them; an enterprise has none to list.
    let theirs = app
        .data_as(
            &who::staff(Role::TrainingInstitution, other_provider),
            "{ dataRequests { nodes { id learner { id } } } }",
            json!({}),
        )
        .await;
    assert!(
        !theirs.to_string().contains(&gid(NodeKey::Learner(me.id))),
        "{theirs}"
    );
    let enterprise = app
        .query_as(
            &who::staff(Role::Enterprise, college),
            "{ dataRequests { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(first_code(&enterprise), "FORBIDDEN");
}

#[tokio::test]
async fn erasure_destroys_personal_data_keeps_the_aggregates_and_a_new_registration_is_a_new_person()
 {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let key = test_personal_key();
    // Two people: one followed up after training, one holding a certificate.
    let followed = follow_up::Entity::find()
        .order_by_asc(follow_up::Column::Id)
        .one(db)
        .await
        .expect("follow-ups")
        .expect("a follow-up")
        .learner_id;
    let certified = certificate::Entity::find()
        .filter(certificate::Column::LearnerId.ne(followed))
        .order_by_asc(certificate::Column::Id)
        .one(db)
        .await
        .expect("certificates")
        .expect("a certificate");
    let erased_ids = [followed, certified.learner_id];
    let regulator_of = |region: i32| who::regulator(region);
    let zj = one(&app, followed).await.region_id;
    let aggregates = "query($f: PlacementRateFilter!) { placementRates(filter: $f, groupBy: [ALLIANCE]) { alliance { code } completers followedUpMonth3 employedMonth3 employedMonth6 } certificateStats(groupBy: [BODY_TYPE]) { bodyType count } learners { totalCount } }";
    let period = json!({ "f": { "completedFrom": "2020-01-01", "completedTo": "2026-12-31" } });
    let before = app
        .data_as(&regulator_of(zj), aggregates, period.clone())
        .await;
    const VERIFY: &str = "query($n: String!) { verifyCertificate(number: $n) { status level } }";
    const CHECK: &str = "mutation($n: String!, $name: String!, $id: String!) { checkCertificateHolder(input: {number: $n, name: $name, nationalId: $id}) { result } }";
    let verified_before = app
        .data_with(VERIFY, json!({ "n": certified.number }))
        .await;
    let holder = test_personal_key()
        .open(&one(&app, certified.learner_id).await)
        .expect("the holder's data");
    let check =
        json!({ "n": certified.number, "name": holder.name, "id": holder.national_id.reveal() });
    assert_eq!(
        app.data_with(CHECK, check.clone()).await["checkCertificateHolder"]["result"],
        "MATCH"
    );
    let rows: Vec<learner::Model> = {
        let mut v = Vec::new();
        for id in erased_ids {
            v.push(one(&app, id).await);
        }
        v
    };
    let people: Vec<_> = rows.iter().map(|r| key.open(r).expect("open")).collect();
    // The scan finds what is there: before, each row's ciphertexts and fingerprints.
    let stored = everything_stored(&app).await;
    for row in &rows {
        assert!(holds(&stored, &row.national_id_cipher));
        assert!(holds(&stored, row.name_hash.as_deref().expect("hash")));
    }

    for row in &rows {
        let me = learner_caller(row.id);
        let asked = app.data_as(&me, REQUEST_ERASURE, json!({})).await;
        let request = asked["requestDataErasure"]["id"].clone();
        let twice = app.query_as(&me, REQUEST_ERASURE, json!({})).await;
        assert_eq!(first_code(&twice), "CONFLICT");
        // Not the provider that registered them, nor another region's regulator.
        let registrar = who::staff(
            Role::College,
            row.registered_by_id.expect("registered by a provider"),
        );
        for who in [
            registrar,
            regulator_of(app.region_row("320800").await),
            me.clone(),
        ] {
            let r = app.query_as(&who, APPROVE, json!({ "r": request })).await;
            assert_eq!(first_code(&r), "FORBIDDEN", "{r}");
        }
        let approved = app
            .data_as(
                &regulator_of(row.region_id),
                APPROVE,
                json!({ "r": request }),
            )
            .await;
        assert_eq!(approved["approveDataRequest"]["status"], "APPROVED");
    }

    // Nothing of them is left: no plaintext, no ciphertext, no fingerprint, anywhere stored.
    let stored = everything_stored(&app).await;
    for (row, person) in rows.iter().zip(&people) {
        for needle in [
            person.name.as_str(),
            person.national_id.reveal(),
            person.phone.as_str(),
            row.national_id_cipher.as_str(),
            row.national_id_hash.as_str(),
            row.name_cipher.as_deref().unwrap_or_default(),
            row.name_hash.as_deref().unwrap_or_default(),
            row.phone_cipher.as_deref().unwrap_or_default(),
            row.national_id_masked.as_str(),
        ] {
            assert!(
                !holds(&stored, needle),
                "learner {} left {needle:.12}…",
                row.id
            );
        }
        let now = one(&app, row.id).await;
        assert!(now.erased_at.is_some());
        assert_eq!(now.name_masked, "*");
        let read = app
            .query_as(
                &regulator_of(row.region_id),
                PERSONAL,
                json!({ "id": gid(NodeKey::Learner(row.id)) }),
            )
            .await;
        assert_eq!(read["data"]["node"]["name"], "*");
        assert!(read["data"]["node"]["erasedAt"].is_string());
        assert_eq!(first_code(&read), "NOT_FOUND", "{read}");
        assert_eq!(
            provider_link::Entity::find()
                .filter(provider_link::Column::LearnerId.eq(row.id))
                .count(db)
                .await
                .expect("links"),
            0
        );
    }
    // The records the law keeps remain, and every aggregate is what it was.
    let after = app.data_as(&regulator_of(zj), aggregates, period).await;
    assert_eq!(before, after);
    let verified = app
        .data_with(VERIFY, json!({ "n": certified.number }))
        .await;
    assert_eq!(
        verified["verifyCertificate"]["status"],
        verified_before["verifyCertificate"]["status"]
    );
    assert_eq!(
        verified["verifyCertificate"]["level"],
        verified_before["verifyCertificate"]["level"]
    );
    // Nobody can tell any more that the erased person held it.
    assert_eq!(
        app.data_with(CHECK, check).await["checkCertificateHolder"]["result"],
        "NO_MATCH"
    );
    // Erasure is once: the learner can ask nothing more.
    let more = app
        .query_as(&learner_caller(rows[0].id), REQUEST_ERASURE, json!({}))
        .await;
    assert_eq!(first_code(&more), "CONFLICT");

    // The same ID number registered again is a new person.
    let provider = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("丹阳中等专业学校").await),
    );
    let again = app
        .data_as(
            &provider,
            "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id name } }",
            json!({ "i": {
                "name": people[0].name, "nationalId": people[0].national_id.reveal(),
                "phone": people[0].phone.as_str(), "region": "321100", "targetGroup": "OTHER",
            }}),
        )
        .await;
    assert_ne!(
        again["registerLearner"]["id"],
        gid(NodeKey::Learner(rows[0].id))
    );
}

#[tokio::test]
async fn retention_erases_the_inactive_and_a_dry_run_changes_nothing() {
    let app = TestApp::demo().await;
    let db = &app.db.db;
    // Two learners registered by the regulator; one inactive for 400 days.
    let regulator = who::regulator(app.region_row("321100").await);
    let register = "mutation($i: RegisterLearnerInput!) { registerLearner(input: $i) { id } }";
    let mut ids = Vec::new();
    for (name, id, phone) in [
        ("钱多多", "32110219900101002X", "13800000001"),
        ("孙少少", "321102199002020018", "13800000002"),
    ] {
        let input = json!({ "i": { "name": name, "nationalId": skillgraph_id(id), "phone": phone, "region": "321100", "targetGroup": "OTHER" } });
        let data = app.data_as(&regulator, register, input).await;
        ids.push(
            NodeKey::parse("id", data["registerLearner"]["id"].as_str().expect("id")).expect("key"),
        );
    }
    let (NodeKey::Learner(old), NodeKey::Learner(recent)) = (ids[0].clone(), ids[1].clone()) else {
        panic!("learner ids");
    };
    let long_ago = Utc::now().checked_sub_days(Days::new(400)).expect("date");
    learner::Entity::update_many()
        .col_expr(learner::Column::CreatedAt, Expr::value(long_ago))
        .filter(learner::Column::Id.eq(old))
        .exec(db)
        .await
        .expect("backdate");
    provider_link::Entity::update_many()
        .col_expr(provider_link::Column::LinkedAt, Expr::value(long_ago))
        .filter(provider_link::Column::LearnerId.eq(old))
        .exec(db)
        .await
        .expect("backdate");

    let dry = skillgraph::domain::people::retention::run(db, 365, true)
        .await
        .expect("dry run");
    assert!(
        dry.inactive.contains(&gid(NodeKey::Learner(old))),
        "{dry:?}"
    );
    assert!(!dry.inactive.contains(&gid(NodeKey::Learner(recent))));
    assert_eq!(dry.erased, 0);
    assert!(
        one(&app, old).await.erased_at.is_none(),
        "a dry run changes nothing"
    );

    let run = skillgraph::domain::people::retention::run(db, 365, false)
        .await
        .expect("run");
    assert_eq!(run.erased, run.inactive.len());
    assert!(one(&app, old).await.erased_at.is_some());
    assert!(one(&app, recent).await.erased_at.is_none());
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("eraseLearner"))
        .filter(audit_event::Column::TargetId.eq(gid(NodeKey::Learner(old))))
        .one(db)
        .await
        .expect("audit")
        .expect("the erasure is audited");
    assert_eq!(event.actor, "skillgraph-retention");
    let rerun = skillgraph::domain::people::retention::run(db, 365, false)
        .await
        .expect("run");
    assert!(
        !rerun.inactive.contains(&gid(NodeKey::Learner(old))),
        "erased once"
    );
}

/// An ID number with its check character fixed (the fixture's last character is a placeholder).
fn skillgraph_id(id: &str) -> String {
    let first17 = &id[..17];
    format!(
        "{first17}{}",
        skillgraph::domain::kernel::personal::NationalId::check_char(first17).expect("digits")
    )
}

#[tokio::test]
async fn the_copy_of_the_record_explains_every_suggestion_made_to_the_learner() {
    let app = TestApp::demo().await;
    let open = entity::training_intention::Entity::find()
        .filter(entity::training_intention::Column::Status.eq(entity::IntentionStatus::Open))
        .order_by_asc(entity::training_intention::Column::Id)
        .all(&app.db.db)
        .await
        .expect("intentions");
    // A learner with one open intention, so the copy lists exactly its suggestions.
    let intention = open
        .iter()
        .find(|i| open.iter().filter(|j| j.learner_id == i.learner_id).count() == 1)
        .expect("a learner with one open intention");
    let me = learner_caller(intention.learner_id);
    let shown = app
        .data_as(
            &me,
            "query($i: ID!) { node(id: $i) { ... on TrainingIntention { suggestions { score reasons { criterion points text } } } } }",
            json!({ "i": gid(NodeKey::TrainingIntention(intention.id)) }),
        )
        .await;
    let shown = shown["node"]["suggestions"]
        .as_array()
        .expect("suggestions")
        .clone();
    assert!(!shown.is_empty(), "the demo intention has suggestions");
    let copy = app.data_as(&me, "{ myData }", json!({})).await;
    let copied = copy["myData"]["trainingSuggestions"]
        .as_array()
        .expect("training suggestions");
    assert_eq!(copied.len(), shown.len());
    for (c, s) in copied.iter().zip(&shown) {
        assert_eq!(c["score"], s["score"]);
        assert_eq!(
            c["intention"],
            gid(NodeKey::TrainingIntention(intention.id))
        );
        let texts: Vec<&Value> = c["reasons"]
            .as_array()
            .expect("r")
            .iter()
            .map(|r| &r["text"])
            .collect();
        let expected: Vec<&Value> = s["reasons"]
            .as_array()
            .expect("r")
            .iter()
            .map(|r| &r["text"])
            .collect();
        assert_eq!(texts, expected, "each suggestion with its reasons");
    }
    assert!(copy["myData"]["jobSuggestions"].is_array());
}

#[tokio::test]
async fn the_command_line_rotates_the_key_and_reports_retention() {
    use base64::Engine;
    let app = TestApp::demo().await;
    let old = base64::engine::general_purpose::STANDARD.encode([42u8; 32]);
    let run = |args: &[&str], key: &str, previous: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"));
        command
            .args(args)
            .env("DATABASE_URL", &app.db.url)
            .env("SKILLGRAPH_CONFIG", "/nonexistent/skillgraph.toml")
            .env("SKILLGRAPH_LOG", "warn")
            .env("SKILLGRAPH_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
            .env("SKILLGRAPH_PERSONAL_DATA_KEY", key)
            .env_remove("SKILLGRAPH_PREVIOUS_PERSONAL_DATA_KEYS");
        if let Some(previous) = previous {
            command.env(
                "SKILLGRAPH_PREVIOUS_PERSONAL_DATA_KEYS",
                format!("[{previous}]"),
            );
        }
        let out = command.output().expect("the binary runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, generated, _) = run(&["keys", "generate"], &old, None);
    assert!(ok);
    let new = generated.trim().to_owned();
    assert!(PersonalDataKey::from_base64(&new).is_ok(), "{new}");
    // The new key alone is refused, and nothing changes.
    let before = learners(&app).await;
    let (ok, _, stderr) = run(&["keys", "reseal"], &new, None);
    assert!(!ok);
    assert!(stderr.contains("refusing to start"), "{stderr}");
    assert_eq!(
        learners(&app)
            .await
            .iter()
            .map(|l| l.national_id_cipher.clone())
            .collect::<Vec<_>>(),
        before
            .iter()
            .map(|l| l.national_id_cipher.clone())
            .collect::<Vec<_>>()
    );
    // With the old key kept as a previous one, every row moves to the new key.
    let (ok, stdout, stderr) = run(&["keys", "reseal", "--batch", "9"], &new, Some(&old));
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(&format!("re-sealed {} learners", before.len())),
        "{stdout}"
    );
    let ring = PersonalDataKey::from_base64(&new).expect("key");
    for (was, now) in before.iter().zip(learners(&app).await) {
        assert_eq!(
            now.sealed_with.as_deref(),
            Some(ring.check_value().as_str())
        );
        assert_eq!(
            ring.open(&now).expect("the new key"),
            test_personal_key().open(was).expect("old")
        );
    }
    // Then the new key alone serves; the old one alone is refused.
    let (ok, _, stderr) = run(&["retention", "--dry-run", "--days", "365"], &new, None);
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = run(&["retention", "--dry-run", "--days", "365"], &old, None);
    assert!(!ok && stderr.contains("refusing to start"), "{stderr}");
    let (ok, stdout, _) = run(&["retention", "--dry-run", "--days", "365"], &new, None);
    assert!(ok && stdout.contains("dry run: 0 learners"), "{stdout}");
    let (ok, _, stderr) = run(&["retention"], &new, None);
    assert!(!ok && stderr.contains("learner_retention_days"), "{stderr}");
}

#[tokio::test]
async fn two_deciders_at_once_decide_a_request_once() {
    let app = TestApp::demo().await;
    let college = TestApp::raw_id(&app.org_id("丹阳中等专业学校").await);
    let me = learners(&app)
        .await
        .into_iter()
        .find(|l| l.registered_by_id == Some(college))
        .expect("a learner the college registered");
    let asked = app
        .data_as(
            &learner_caller(me.id),
            REQUEST_CORRECTION,
            json!({ "f": "NAME", "v": "周同时" }),
        )
        .await;
    let request = json!({ "r": asked["requestDataCorrection"]["id"] });
    let registrar = who::staff(Role::College, college);
    let regulator = who::regulator(me.region_id);
    let (a, b) = tokio::join!(
        app.query_as(&registrar, APPROVE, request.clone()),
        app.query_as(&regulator, REJECT, request.clone()),
    );
    let codes = [a.get("errors").is_none(), b.get("errors").is_none()];
    assert_eq!(codes.iter().filter(|ok| **ok).count(), 1, "{a}\n{b}");
    let loser = if codes[0] { &b } else { &a };
    assert_eq!(first_code(loser), "CONFLICT", "{loser}");
    let now = one(&app, me.id).await;
    if codes[0] {
        assert_eq!(real_name(&now), "周同时");
    } else {
        assert_eq!(real_name(&now), real_name(&me));
    }
}

/// Issue 33: the person's name written into every free text about them (their request's
/// reason, the regulator's decision, a follow-up's note, a withdrawal's reason, a declined
/// recommendation's reason and note, a rejected claim line's reason, and audit events of the
/// rows about them that quote such a reason), then erased: nowhere in the database file, its
/// write-ahead log (SQLite) or any row (PostgreSQL).
#[tokio::test]
async fn erasure_leaves_no_free_text_naming_the_person() {
    use entity::{claim_line, enrollment, recommendation};
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let key = test_personal_key();
    let followed = follow_up::Entity::find()
        .order_by_asc(follow_up::Column::Id)
        .one(db)
        .await
        .expect("follow-ups")
        .expect("a follow-up");
    let row = one(&app, followed.learner_id).await;
    let name = key.open(&row).expect("open").name;
    let about = format!("{name}因病退出，{name}的家人来电");
    follow_up::Entity::update_many()
        .col_expr(follow_up::Column::Note, Expr::value(about.clone()))
        .filter(follow_up::Column::LearnerId.eq(row.id))
        .exec(db)
        .await
        .expect("a note");
    enrollment::Entity::update_many()
        .col_expr(
            enrollment::Column::EndReason,
            Expr::value(Some(about.clone())),
        )
        .filter(enrollment::Column::LearnerId.eq(row.id))
        .exec(db)
        .await
        .expect("an end reason");
    recommendation::Entity::update_many()
        .col_expr(
            recommendation::Column::DeclineReason,
            Expr::value(Some(about.clone())),
        )
        .col_expr(recommendation::Column::Note, Expr::value(about.clone()))
        .filter(recommendation::Column::LearnerId.eq(row.id))
        .exec(db)
        .await
        .expect("a decline reason");
    claim_line::Entity::update_many()
        .col_expr(claim_line::Column::Reason, Expr::value(Some(about.clone())))
        .filter(claim_line::Column::LearnerId.eq(row.id))
        .exec(db)
        .await
        .expect("a rejection reason");
    // The audit events the mutations on those rows write, quoting the reason.
    let targets = [
        NodeKey::FollowUp(followed.id),
        NodeKey::Enrollment(followed.enrollment_id),
    ];
    for target in targets {
        audit_event::Entity::insert(audit_event::ActiveModel {
            occurred_at: sea_orm::ActiveValue::Set(Utc::now()),
            actor: sea_orm::ActiveValue::Set("provider".to_owned()),
            role: sea_orm::ActiveValue::Set("COLLEGE".to_owned()),
            action: sea_orm::ActiveValue::Set("withdrawEnrollment".to_owned()),
            target_type: sea_orm::ActiveValue::Set("Enrollment".to_owned()),
            target_id: sea_orm::ActiveValue::Set(target.to_id().0),
            changes: sea_orm::ActiveValue::Set(Some(json!({ "reason": about }).to_string())),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("an audit event");
    }
    // The learner asks in their own words, and the regulator decides in its own.
    let me = learner_caller(row.id);
    let asked = app
        .data_as(
            &me,
            "mutation($r: String!) { requestDataErasure(input: {reason: $r}) { id } }",
            json!({ "r": format!("我是{name}，请删除我的信息") }),
        )
        .await;
    let stored = everything_stored(&app).await;
    assert!(holds(&stored, &name), "the scan finds the name before");
    let regulator = who::regulator(row.region_id);
    app.data_as(
        &regulator,
        "mutation($r: ID!, $why: String!) { approveDataRequest(input: {request: $r, reason: $why}) { status } }",
        json!({ "r": asked["requestDataErasure"]["id"], "why": format!("已核实{name}本人身份") }),
    )
    .await;
    let stored = everything_stored(&app).await;
    assert!(!holds(&stored, &name), "the name is left somewhere");
    assert!(
        !holds(&stored, "因病退出"),
        "a free text about the person is left"
    );
}
