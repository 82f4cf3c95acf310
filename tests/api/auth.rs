//! Tokens: every refusal the verifier must make, over a real socket, and the WebSocket handshake.

use std::time::{SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use skillgraph::auth::jwt::JwtAlgorithm;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::helpers::{TEST_JWT_SECRET, TestApp, TestServer};

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/keys");

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn key_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(KEYS).join(name)
}

fn pem(name: &str) -> Vec<u8> {
    std::fs::read(key_file(name)).expect("test key")
}

/// Claims for a regulator of Zhenjiang (no organization lookup needed).
fn claims() -> Value {
    json!({
        "sub": "regulator-1",
        "role": "REGULATOR",
        "region": "321100",
        "iss": "skillgraph",
        "aud": "skillgraph",
        "iat": now(),
        "exp": now() + 600,
        "jti": "t-1",
    })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().expect("object").remove(key);
    claims
}

fn hs(alg: Algorithm, secret: &[u8], claims: &Value) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).expect("sign")
}

fn rs(pem_name: &str, claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::RS256),
        claims,
        &EncodingKey::from_rsa_pem(&pem(pem_name)).expect("key"),
    )
    .expect("sign")
}

async fn viewer(server: &TestServer, token: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "{ viewer { role region { code } } }" }))
        .send()
        .await
        .expect("send");
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        assert!(
            response.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .expect("header")
                .starts_with("Bearer")
        );
    }
    (status, response.json().await.expect("json"))
}

async fn assert_refused(server: &TestServer, token: &str, why: &str) {
    let (status, body) = viewer(server, token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{why}"
    );
    assert!(
        body.get("data").is_none_or(Value::is_null),
        "never public: {why}"
    );
}

#[tokio::test]
async fn hs256_tokens_are_checked_for_every_claim() {
    let server = TestServer::start(1 << 20).await;
    let secret = TEST_JWT_SECRET.as_bytes();

    let (status, body) = viewer(&server, &hs(Algorithm::HS256, secret, &claims())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["data"]["viewer"],
        json!({ "role": "REGULATOR", "region": { "code": "321100" } })
    );

    // Within the leeway (30 s) an expired token still passes.
    let lately = with(claims(), "exp", json!(now() - 10));
    assert_eq!(
        viewer(&server, &hs(Algorithm::HS256, secret, &lately))
            .await
            .0,
        StatusCode::OK
    );

    let unsigned = {
        use base64::Engine;
        let b64 =
            |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.",
            b64(&json!({ "alg": "none", "typ": "JWT" })),
            b64(&claims())
        )
    };
    assert_refused(&server, &unsigned, "alg none").await;
    assert_refused(
        &server,
        &hs(Algorithm::HS384, secret, &claims()),
        "another algorithm",
    )
    .await;
    assert_refused(
        &server,
        &hs(
            Algorithm::HS256,
            b"another-secret-another-secret-0123456",
            &claims(),
        ),
        "a wrong key",
    )
    .await;
    for (key, value, why) in [
        ("iss", json!("someone-else"), "a wrong issuer"),
        ("aud", json!("another-api"), "a wrong audience"),
        ("exp", json!(now() - 3_600), "a past exp"),
        ("nbf", json!(now() + 3_600), "a future nbf"),
        ("region", json!("999999"), "a region that does not exist"),
        ("role", json!("PUBLIC"), "a token claiming the public role"),
    ] {
        assert_refused(
            &server,
            &hs(Algorithm::HS256, secret, &with(claims(), key, value)),
            why,
        )
        .await;
    }
    assert_refused(
        &server,
        &hs(Algorithm::HS256, secret, &without(claims(), "exp")),
        "no exp",
    )
    .await;
    assert_refused(
        &server,
        &hs(Algorithm::HS256, secret, &without(claims(), "region")),
        "a regulator without a region",
    )
    .await;
    assert_refused(&server, "not-a-token", "garbage").await;

    // An ENTERPRISE token acting for a college is refused too.
    let college = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ organizations(filter: {kinds: [COLLEGE]}, first: 1) { nodes { id } } }" }))
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json")["data"]["organizations"]["nodes"][0]["id"]
        .clone();
    let enterprise = with(with(claims(), "role", json!("ENTERPRISE")), "org", college);
    assert_refused(
        &server,
        &hs(Algorithm::HS256, secret, &enterprise),
        "role and organization kind differ",
    )
    .await;

    let basic = server
        .client
        .post(server.url("/graphql"))
        .header(header::AUTHORIZATION, "Basic dXNlcjpwYXNz")
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(
        basic.status(),
        StatusCode::UNAUTHORIZED,
        "not a bearer token"
    );

    let anonymous: Value = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ viewer { role permissions } }" }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        anonymous["data"]["viewer"],
        json!({ "role": "PUBLIC", "permissions": ["READ_PUBLIC"] })
    );
}

#[tokio::test]
async fn rs256_refuses_algorithm_confusion_and_other_keys() {
    let mut settings = TestServer::settings();
    settings.identity.jwt_algorithm = JwtAlgorithm::RS256;
    settings.identity.jwt_public_key_file = Some(key_file("rs256-public.pem"));
    settings.identity.jwt_secret = None;
    let server = TestServer::start_with(settings).await;
    let (status, body) = viewer(&server, &rs("rs256-private.pem", &claims())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["viewer"]["role"], "REGULATOR");

    // The classic confusion: an HS256 token whose "secret" is the server's public key.
    let confused = hs(Algorithm::HS256, &pem("rs256-public.pem"), &claims());
    assert_refused(&server, &confused, "HS256 signed with the RS256 public key").await;
    assert_refused(
        &server,
        &hs(Algorithm::HS256, TEST_JWT_SECRET.as_bytes(), &claims()),
        "HS256 at all",
    )
    .await;
    assert_refused(
        &server,
        &rs("other-rs256-private.pem", &claims()),
        "another RSA key",
    )
    .await;
}

#[tokio::test]
async fn es256_tokens_verify_with_the_public_key() {
    let mut settings = TestServer::settings();
    settings.identity.jwt_algorithm = JwtAlgorithm::ES256;
    settings.identity.jwt_public_key_file = Some(key_file("es256-public.pem"));
    settings.identity.jwt_private_key_file = Some(key_file("es256-private.pem"));
    settings.identity.jwt_secret = None;
    let server = TestServer::start_with(settings).await;
    let token = encode(
        &Header::new(Algorithm::ES256),
        &claims(),
        &EncodingKey::from_ec_pem(&pem("es256-private.pem")).expect("key"),
    )
    .expect("sign");
    assert_eq!(viewer(&server, &token).await.0, StatusCode::OK);
    assert_refused(
        &server,
        &rs("rs256-private.pem", &claims()),
        "RS256 on an ES256 server",
    )
    .await;
}

#[tokio::test]
async fn development_keys_are_generated_once_beside_the_database() {
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = TestServer::settings();
    settings.database.url =
        format!("sqlite://{}/skillgraph.db?mode=rwc", dir.path().display()).into();
    settings.identity.jwt_secret = None;
    settings.identity.personal_data_key = None;
    let first = skillgraph::keys::load(&settings).expect("generated");
    let path = dir.path().join("skillgraph.keys.toml");
    assert!(
        !path.exists(),
        "kept only once the database has accepted them"
    );
    first.save_generated().expect("saved");
    assert!(path.exists(), "beside the SQLite file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let second = skillgraph::keys::load(&settings).expect("read back");
    let signer = first.signer.expect("HS256 signs");
    let claims: skillgraph::auth::Claims = serde_json::from_value(claims()).expect("claims");
    let token = signer
        .issue(claims, std::time::Duration::from_secs(60))
        .expect("token");
    assert!(
        second.verifier.verify(&token).await.is_ok(),
        "the same secret on the next start"
    );
    let nid = skillgraph::domain::kernel::personal::NationalId::parse("id", "11010519491231002X")
        .expect("id");
    let stored = first.personal_data.encrypt(&nid).expect("encrypt");
    assert_eq!(second.personal_data.decrypt(&stored).expect("decrypt"), nid);
}

#[tokio::test]
async fn websocket_takes_the_token_from_connection_init() {
    let server = TestServer::start(1 << 20).await;
    let token = hs(Algorithm::HS256, TEST_JWT_SECRET.as_bytes(), &claims());
    let ws_url = server.url("/graphql/ws").replace("http://", "ws://");

    let connect = |payload: Value| {
        let ws_url = ws_url.clone();
        async move {
            let mut request = ws_url.into_client_request().expect("request");
            request.headers_mut().insert(
                "Sec-WebSocket-Protocol",
                "graphql-transport-ws".parse().expect("header"),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request)
                .await
                .expect("connect");
            socket
                .send(Message::text(
                    json!({ "type": "connection_init", "payload": payload }).to_string(),
                ))
                .await
                .expect("init");
            socket
        }
    };

    let mut socket = connect(json!({ "Authorization": format!("Bearer {token}") })).await;
    let ack: Value = match socket.next().await.expect("a reply").expect("a frame") {
        Message::Text(text) => serde_json::from_str(&text).expect("json"),
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(ack["type"], "connection_ack");
    socket
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ viewer { role } }" } }).to_string(),
        ))
        .await
        .expect("subscribe");
    let next: Value = match socket.next().await.expect("a reply").expect("a frame") {
        Message::Text(text) => serde_json::from_str(&text).expect("json"),
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(next["type"], "next");
    assert_eq!(next["payload"]["data"]["viewer"]["role"], "REGULATOR");

    // A refused token closes the connection instead of falling back to public.
    let mut socket = connect(json!({ "token": "not-a-token" })).await;
    let mut acked = false;
    while let Some(Ok(frame)) = socket.next().await {
        match frame {
            Message::Text(text) => {
                let msg: Value = serde_json::from_str(&text).expect("json");
                acked |= msg["type"] == "connection_ack";
            }
            Message::Close(_) => break,
            _ => {}
        }
    }
    assert!(!acked, "a refused token is never acknowledged");
}

/// A valid HS256 token for an enterprise of the test servers.
pub fn enterprise_token(org_id: &str) -> String {
    let claims = with(
        with(without(claims(), "region"), "role", json!("ENTERPRISE")),
        "org",
        json!(org_id),
    );
    hs(Algorithm::HS256, TEST_JWT_SECRET.as_bytes(), &claims)
}

/// A valid HS256 token for any role acting for an organization of the test servers.
pub fn token_for(role: &str, org_id: &str) -> String {
    let claims = with(
        with(without(claims(), "region"), "role", json!(role)),
        "org",
        json!(org_id),
    );
    hs(Algorithm::HS256, TEST_JWT_SECRET.as_bytes(), &claims)
}

/// The first organization of a kind (and region), as the public API lists it.
async fn organization_of(server: &TestServer, kind: &str, region: &str) -> Value {
    server
        .client
        .post(server.url("/graphql"))
        .json(&json!({
            "query": "query($k: OrganizationKind!, $r: String!) { organizations(filter: {kinds: [$k], region: $r}, first: 1) { nodes { id } } }",
            "variables": { "k": kind, "r": region },
        }))
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json")["data"]["organizations"]["nodes"][0]["id"]
        .clone()
}

#[tokio::test]
async fn claims_that_mean_nothing_for_the_role_are_refused() {
    let server = TestServer::start(1 << 20).await;
    let secret = TEST_JWT_SECRET.as_bytes();
    let sign = |c: &Value| hs(Algorithm::HS256, secret, c);
    let zj_bureau = organization_of(&server, "GOVERNMENT", "321100").await;
    let ha_bureau = organization_of(&server, "GOVERNMENT", "320800").await;
    let enterprise = organization_of(&server, "ENTERPRISE", "321100").await;
    let college = organization_of(&server, "COLLEGE", "321100").await;
    assert!(zj_bureau.is_string() && ha_bureau.is_string() && enterprise.is_string());

    // The control: a regulator acting for its own region's bureau.
    let bureau = with(claims(), "org", zj_bureau.clone());
    assert_eq!(viewer(&server, &sign(&bureau)).await.0, StatusCode::OK);
    let plain_enterprise = without(
        with(
            with(claims(), "role", json!("ENTERPRISE")),
            "org",
            enterprise.clone(),
        ),
        "region",
    );
    assert_eq!(
        viewer(&server, &sign(&plain_enterprise)).await.0,
        StatusCode::OK
    );

    let admin = without(with(claims(), "role", json!("SYSTEM_ADMIN")), "region");
    for (token, why, expected) in [
        (
            with(claims(), "org", ha_bureau.clone()),
            "a REGULATOR whose region is not its bureau's",
            "its bureau's region",
        ),
        (
            with(admin.clone(), "org", enterprise.clone()),
            "an org on a SYSTEM_ADMIN token",
            "names no organization",
        ),
        (
            with(admin.clone(), "region", json!("321100")),
            "a region on a SYSTEM_ADMIN token",
            "only a REGULATOR token names a region",
        ),
        (
            with(plain_enterprise.clone(), "region", json!("321100")),
            "a region on an ENTERPRISE token",
            "only a REGULATOR token names a region",
        ),
        (
            with(
                without(
                    with(
                        with(claims(), "role", json!("COLLEGE")),
                        "org",
                        college.clone(),
                    ),
                    "region",
                ),
                "alliances",
                json!(["zj-eyewear"]),
            ),
            "alliances on a COLLEGE token",
            "only an ALLIANCE_ADMIN token names alliances",
        ),
        (
            with(
                without(with(claims(), "role", json!("LEARNER")), "region"),
                "org",
                college.clone(),
            ),
            "an org on a LEARNER token",
            "names no organization",
        ),
        (
            with(claims(), "exp", json!(now() + 3 * 24 * 3600)),
            "a token living longer than the configured maximum",
            "lives longer than",
        ),
        (
            with(claims(), "iat", json!(now() + 3_600)),
            "a token issued in the future",
            "issued in the future",
        ),
    ] {
        assert_refused(&server, &sign(&token), why).await;
        let (_, body) = viewer(&server, &sign(&token)).await;
        let message = body["errors"][0]["message"].as_str().expect("message");
        assert!(message.contains(expected), "{why}: {message}");
    }
}

/// The learners, key checks and keys file of a server's SQLite database, to compare before and
/// after a refused start.
async fn state_of(dir: &std::path::Path) -> (u64, Vec<String>, Option<String>) {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let url = format!("sqlite://{}/skillgraph.db?mode=rwc", dir.display());
    let db = skillgraph::db::connect(&url, 1)
        .await
        .expect("the database");
    let learners = entity::learner::Entity::find()
        .count(&db)
        .await
        .expect("learners");
    let checks = entity::key_check::Entity::find()
        .all(&db)
        .await
        .expect("key checks")
        .into_iter()
        .map(|c| c.check_value)
        .collect();
    let keys = std::fs::read_to_string(dir.join("skillgraph.keys.toml")).ok();
    (learners, checks, keys)
}

#[tokio::test]
async fn a_start_with_a_lost_or_wrong_personal_data_key_is_refused_and_changes_nothing() {
    use base64::Engine;
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = TestServer::settings();
    settings.database.url =
        format!("sqlite://{}/skillgraph.db?mode=rwc", dir.path().display()).into();
    settings.identity.jwt_secret = None;
    settings.identity.personal_data_key = None;
    // The first start generates the keys, loads the demo learners and records the key's check.
    drop(
        skillgraph::app::App::build(&settings)
            .await
            .expect("first start"),
    );
    let started = state_of(dir.path()).await;
    assert!(started.0 > 0, "demo learners with encrypted ID numbers");
    assert_eq!(started.1.len(), 1, "the key's check value is recorded");
    let keys = dir.path().join("skillgraph.keys.toml");
    let kept = dir.path().join("kept.keys.toml");
    std::fs::rename(&keys, &kept).expect("move the keys file away");

    // The keys file lost: a new key would be generated; the start is refused instead.
    let refused = skillgraph::app::App::build(&settings)
        .await
        .err()
        .expect("refused");
    let message = format!("{refused:#}");
    assert!(message.contains("refusing to start"), "{message}");
    assert!(
        message.contains("keys file"),
        "it says what to do: {message}"
    );
    let after = state_of(dir.path()).await;
    assert_eq!(after.0, started.0);
    assert_eq!(after.1, started.1, "the recorded check is unchanged");
    assert_eq!(after.2, None, "no keys file was written");

    // A configured key that is not the one: refused too.
    let mut wrong = settings.clone();
    wrong.identity.personal_data_key = Some(
        base64::engine::general_purpose::STANDARD
            .encode([7u8; 32])
            .into(),
    );
    let refused = skillgraph::app::App::build(&wrong)
        .await
        .err()
        .expect("refused");
    assert!(
        format!("{refused:#}").contains("another key"),
        "{refused:#}"
    );
    assert_eq!(state_of(dir.path()).await.1, started.1);

    // The keys file back: the server starts, with the same data.
    std::fs::rename(&kept, &keys).expect("restore the keys file");
    drop(
        skillgraph::app::App::build(&settings)
            .await
            .expect("starts again"),
    );
    assert_eq!(state_of(dir.path()).await.0, started.0);
}

#[tokio::test]
async fn the_key_check_is_recorded_once_and_tells_keys_apart() {
    use skillgraph::domain::kernel::personal::{KeyCheck, PersonalDataKey, check_key};
    let app = TestApp::demo().await;
    let db = &app.db.db;
    let key = crate::helpers::test_personal_key();
    // The demo learners were written with the test key: it reads them, and is recorded.
    assert_eq!(
        check_key(db, &key).await.expect("check"),
        KeyCheck::Recorded
    );
    assert_eq!(check_key(db, &key).await.expect("check"), KeyCheck::Matches);
    let other = PersonalDataKey::from_master(&[9u8; 32]);
    assert_eq!(
        check_key(db, &other).await.expect("check"),
        KeyCheck::Differs
    );

    // Before any check is recorded, the rows name the key that sealed them: another is caught.
    let fresh = TestApp::demo().await;
    assert_eq!(
        check_key(&fresh.db.db, &other).await.expect("check"),
        KeyCheck::Differs
    );
    assert_eq!(
        check_key(&fresh.db.db, &key).await.expect("check"),
        KeyCheck::Recorded,
        "a refused key recorded nothing"
    );
    // An empty database takes the first key it is given.
    let empty = TestApp::empty().await;
    assert_eq!(
        check_key(&empty.db.db, &other).await.expect("check"),
        KeyCheck::Recorded
    );
}

#[tokio::test]
async fn outside_development_a_start_without_configured_keys_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let mut settings = TestServer::settings();
    settings.database.url = "postgres://app@db.example/skillgraph".into();
    settings.identity.keys_file = Some(dir.path().join("skillgraph.keys.toml"));
    settings.identity.personal_data_key = None;
    let refused = skillgraph::keys::load(&settings).expect_err("refused");
    assert!(
        refused.to_string().contains("personal_data_key"),
        "it names what to configure: {refused}"
    );
    assert!(
        !dir.path().join("skillgraph.keys.toml").exists(),
        "nothing generated"
    );
    settings.identity.development_keys = true;
    let secrets = skillgraph::keys::load(&settings).expect("generated when asked for");
    assert!(secrets.has_unsaved_keys());
}
