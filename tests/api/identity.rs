//! Sign-in from the province's identity provider: tokens it issues verify with the keys it
//! publishes at a JWKS URL (here a key server of the test's own on port 0), chosen by `kid`,
//! fetched again on rotation, never with the token's own `alg`; its claims are mapped to
//! skillgraph's role, organization and region.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use skillgraph::auth::{Role, jwt::JwtAlgorithm};

use crate::helpers::TestServer;

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/keys");
const ISSUER: &str = "https://idp.jiangsu.example/realms/skills";

fn published(name: &str) -> Value {
    let all: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{KEYS}/jwks.json")).expect("jwks.json"),
    )
    .expect("json");
    all[name].clone()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// A JWKS server: the key set it publishes, and how often it was asked.
struct KeyServer {
    url: String,
    keys: Arc<std::sync::Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
    /// Milliseconds each answer waits (a slow provider).
    delay_ms: Arc<AtomicUsize>,
}

async fn key_server(keys: Value) -> KeyServer {
    let keys = Arc::new(std::sync::Mutex::new(keys));
    let fetches = Arc::new(AtomicUsize::new(0));
    let delay_ms = Arc::new(AtomicUsize::new(0));
    let (k, f, d) = (keys.clone(), fetches.clone(), delay_ms.clone());
    let app = axum::Router::new().route(
        "/certs",
        axum::routing::get(move || {
            let (k, f, d) = (k.clone(), f.clone(), d.clone());
            async move {
                f.fetch_add(1, Ordering::SeqCst);
                let wait = d.load(Ordering::SeqCst) as u64;
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                let set = k.lock().expect("keys").clone();
                axum::Json(set)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/certs", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    KeyServer {
        url,
        keys,
        fetches,
        delay_ms,
    }
}

fn sign(pem: &str, alg: Algorithm, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    let bytes = std::fs::read(format!("{KEYS}/{pem}")).expect("pem");
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(&bytes),
        _ => EncodingKey::from_rsa_pem(&bytes),
    }
    .expect("key");
    encode(&header, claims, &key).expect("sign")
}

/// An enterprise user as the provider describes it: its own claim names, the organization by
/// its credit code.
fn enterprise_claims(credit_code: &str) -> Value {
    json!({
        "sub": "u-1001",
        "iss": ISSUER,
        "aud": ["skillgraph", "account"],
        "iat": now(),
        "exp": now() + 600,
        "jti": "idp-1",
        "skillgraph_role": "enterprise-user",
        "org_code": credit_code,
    })
}

async fn viewer(server: &TestServer, token: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "{ viewer { role organization { name } region { code } } }" }))
        .send()
        .await
        .expect("send");
    (response.status(), response.json().await.expect("json"))
}

async fn refused(server: &TestServer, token: &str, why: &str) {
    let (status, body) = viewer(server, token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{why}"
    );
}

#[tokio::test]
async fn provider_tokens_verify_with_its_published_keys_and_map_its_claims() {
    let idp = key_server(json!({ "keys": [published("rs256"), published("es256")] })).await;
    let mut settings = TestServer::settings();
    settings.identity.jwt_algorithm = JwtAlgorithm::RS256;
    settings.identity.jwt_secret = None;
    settings.identity.jwks_url = Some(idp.url.as_str().into());
    settings.identity.jwks_refresh_secs = 1;
    settings.identity.jwt_issuer = ISSUER.to_owned();
    settings.identity.claims.role = "skillgraph_role".to_owned();
    settings.identity.claims.organization = "org_code".to_owned();
    settings.identity.claims.roles = [
        ("enterprise-user".to_owned(), Role::Enterprise),
        ("hrss-officer".to_owned(), Role::Regulator),
    ]
    .into();
    let server = TestServer::start_with(settings).await;
    let code = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::organization::Entity::find()
            .filter(entity::organization::Column::Name.eq("丹阳明视眼镜有限公司"))
            .one(server.db())
            .await
            .expect("query")
            .expect("the enterprise")
            .credit_code
    };

    let claims = enterprise_claims(&code);
    let (status, body) = viewer(
        &server,
        &sign("rs256-private.pem", Algorithm::RS256, "rs-2026-a", &claims),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["viewer"]["role"], "ENTERPRISE");
    assert_eq!(
        body["data"]["viewer"]["organization"]["name"],
        "丹阳明视眼镜有限公司"
    );
    let regulator = json!({
        "sub": "u-2001", "iss": ISSUER, "aud": "skillgraph", "iat": now(), "exp": now() + 600,
        "jti": "idp-2", "skillgraph_role": "hrss-officer", "region": "321100",
    });
    let (_, body) = viewer(
        &server,
        &sign(
            "rs256-private.pem",
            Algorithm::RS256,
            "rs-2026-a",
            &regulator,
        ),
    )
    .await;
    assert_eq!(body["data"]["viewer"]["role"], "REGULATOR", "{body}");
    assert_eq!(body["data"]["viewer"]["region"]["code"], "321100");
    let fetched = idp.fetches.load(Ordering::SeqCst);
    assert_eq!(fetched, 1, "the keys are kept, not fetched per request");

    // Refused: a key the provider does not publish, a published key of another algorithm, the
    // token's own choice of algorithm, another issuer or audience, an expired token, no kid.
    refused(
        &server,
        &sign("rs256-private.pem", Algorithm::RS256, "rs-unknown", &claims),
        "unknown kid",
    )
    .await;
    refused(
        &server,
        &sign("es256-private.pem", Algorithm::ES256, "ec-2026-a", &claims),
        "an ES256 key under RS256",
    )
    .await;
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some("rs-2026-a".to_owned());
    let confused = encode(
        &hs,
        &claims,
        &EncodingKey::from_secret(b"rs-2026-a-rs-2026-a-rs-2026-a-rs"),
    )
    .expect("sign");
    refused(&server, &confused, "HS256 naming the RSA key").await;
    let mut other = claims.clone();
    other["iss"] = json!("https://elsewhere.example");
    refused(
        &server,
        &sign("rs256-private.pem", Algorithm::RS256, "rs-2026-a", &other),
        "issuer",
    )
    .await;
    let mut other = claims.clone();
    other["aud"] = json!("another-api");
    refused(
        &server,
        &sign("rs256-private.pem", Algorithm::RS256, "rs-2026-a", &other),
        "audience",
    )
    .await;
    let mut other = claims.clone();
    other["exp"] = json!(now() - 3600);
    other["iat"] = json!(now() - 4000);
    refused(
        &server,
        &sign("rs256-private.pem", Algorithm::RS256, "rs-2026-a", &other),
        "expired",
    )
    .await;
    let no_kid = encode(
        &Header::new(Algorithm::RS256),
        &claims,
        &EncodingKey::from_rsa_pem(
            &std::fs::read(format!("{KEYS}/rs256-private.pem")).expect("pem"),
        )
        .expect("key"),
    )
    .expect("sign");
    refused(&server, &no_kid, "no kid").await;
    let mut other = claims.clone();
    other["skillgraph_role"] = json!("janitor");
    refused(
        &server,
        &sign("rs256-private.pem", Algorithm::RS256, "rs-2026-a", &other),
        "an unmapped role",
    )
    .await;

    // Rotation: the provider publishes a new key and drops the old one. A token with the new
    // kid fetches the set again; the old key is then no longer accepted.
    *idp.keys.lock().expect("keys") = json!({ "keys": [published("other-rs256")] });
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let rotated = sign(
        "other-rs256-private.pem",
        Algorithm::RS256,
        "rs-2026-b",
        &claims,
    );
    let (status, body) = viewer(&server, &rotated).await;
    assert_eq!(status, StatusCode::OK, "the rotated key: {body}");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    refused(
        &server,
        &sign("rs256-private.pem", Algorithm::RS256, "rs-2026-a", &claims),
        "the retired key",
    )
    .await;
    assert!(idp.fetches.load(Ordering::SeqCst) > fetched);
}

use crate::helpers::hs256;

async fn graphql(server: &TestServer, token: &str, query: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url("/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("send");
    (response.status(), response.json().await.expect("json"))
}

#[tokio::test]
async fn a_revoked_token_is_refused_on_http_and_its_socket_is_closed() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

    let mut settings = TestServer::settings();
    settings.server.revocation_poll_ms = 100;
    let server = TestServer::start_with(settings).await;
    let enterprise = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::organization::Entity::find()
            .filter(entity::organization::Column::Name.eq("丹阳明视眼镜有限公司"))
            .one(server.db())
            .await
            .expect("query")
            .expect("the enterprise")
            .id
    };
    let org = skillgraph::domain::kernel::ids::NodeKey::Organization(enterprise)
        .to_id()
        .0;
    let token_of = |sub: &str, jti: &str| {
        hs256(&json!({
            "sub": sub, "role": "ENTERPRISE", "org": org, "iss": "skillgraph", "aud": "skillgraph",
            "iat": now(), "exp": now() + 600, "jti": jti,
        }))
    };
    let leaver = token_of("u-leaver", "rev-1");
    let stayer = token_of("u-stayer", "rev-2");
    let regulator = hs256(&json!({
        "sub": "officer", "role": "REGULATOR", "region": "321100", "iss": "skillgraph",
        "aud": "skillgraph", "iat": now(), "exp": now() + 600, "jti": "rev-officer",
    }));
    for token in [&leaver, &stayer] {
        let (status, body) = graphql(&server, token, "{ viewer { role } }").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    // The leaver's socket, open and acknowledged.
    let mut request = server
        .url("/graphql/ws")
        .replace("http://", "ws://")
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "token": leaver } }).to_string(),
        ))
        .await
        .expect("init");
    let ack = socket.next().await.expect("a reply").expect("a frame");
    assert!(ack.to_string().contains("connection_ack"), "{ack:?}");

    // The regulator sees the enterprise's sign-ins and revokes the leaver's.
    let (_, listed) = graphql(
        &server,
        &regulator,
        &format!(r#"{{ signIns(filter: {{organization: "{org}", activeOnly: true}}) {{ nodes {{ jti subject active }} }} }}"#),
    )
    .await;
    let jtis: Vec<&str> = listed["data"]["signIns"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["jti"].as_str().expect("jti"))
        .collect();
    assert_eq!(jtis, ["rev-1", "rev-2"], "{listed}");
    let revoke = r#"mutation { revokeSignIn(input: {jti: "rev-1", reason: "离职"}) { jti active revokedAt } }"#;
    let (_, revoked) = graphql(&server, &regulator, revoke).await;
    assert_eq!(
        revoked["data"]["revokeSignIn"]["active"], false,
        "{revoked}"
    );
    let (_, again) = graphql(&server, &regulator, revoke).await;
    assert_eq!(
        again["errors"][0]["extensions"]["code"], "CONFLICT",
        "{again}"
    );

    // Refused on its next request; the socket is closed within a few polls.
    let (status, body) = graphql(&server, &leaver, "{ viewer { role } }").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(frame) = socket.next().await {
            if matches!(frame, Ok(Message::Close(_)) | Err(_)) {
                return;
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the revoked token's socket was closed");
    let (status, _) = graphql(&server, &stayer, "{ viewer { role } }").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the colleague's sign-in is untouched"
    );

    // Signing out: a token revokes itself; another's it may not.
    let (_, other) = graphql(
        &server,
        &stayer,
        r#"mutation { revokeSignIn(input: {jti: "rev-officer", reason: "x"}) { jti } }"#,
    )
    .await;
    assert_eq!(
        other["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{other}"
    );
    let (_, own) = graphql(
        &server,
        &stayer,
        r#"mutation { revokeSignIn(input: {jti: "rev-2", reason: "signing out"}) { active } }"#,
    )
    .await;
    assert_eq!(own["data"]["revokeSignIn"]["active"], false, "{own}");
    let (status, _) = graphql(&server, &stayer, "{ viewer { role } }").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_organizations_administrator_lists_and_revokes_its_staffs_sign_ins() {
    let server = TestServer::start(1 << 20).await;
    let org_of = |name: &'static str| {
        let db = server.db().clone();
        async move {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let id = entity::organization::Entity::find()
                .filter(entity::organization::Column::Name.eq(name))
                .one(&db)
                .await
                .expect("query")
                .expect("the organization")
                .id;
            skillgraph::domain::kernel::ids::NodeKey::Organization(id)
                .to_id()
                .0
        }
    };
    let ours = org_of("丹阳明视眼镜有限公司").await;
    let theirs = org_of("丹阳市万通镜片有限公司").await;
    let token = |sub: &str, org: &str, admin: bool| {
        hs256(&json!({
            "sub": sub, "role": "ENTERPRISE", "org": org, "iss": "skillgraph", "aud": "skillgraph",
            "iat": now(), "exp": now() + 600, "jti": format!("jti-{sub}"), "org_admin": admin,
        }))
    };
    let admin = token("admin", &ours, true);
    let clerk = token("clerk", &ours, false);
    let leaver = token("leaver", &ours, false);
    let outsider_admin = token("their-admin", &theirs, true);
    for t in [&admin, &clerk, &leaver, &outsider_admin] {
        let (status, body) = graphql(&server, t, "{ viewer { role } }").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let list = "{ signIns(filter: {activeOnly: true}) { nodes { subject } } }";
    let subjects = |body: &Value| -> Vec<String> {
        body["data"]["signIns"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["subject"].as_str().expect("subject").to_owned())
            .collect()
    };
    let (_, body) = graphql(&server, &admin, list).await;
    assert_eq!(subjects(&body), ["admin", "clerk", "leaver"], "{body}");
    let (_, body) = graphql(&server, &clerk, list).await;
    assert_eq!(subjects(&body), ["clerk"], "a clerk sees its own only");

    let revoke =
        r#"mutation { revokeSignIn(input: {jti: "jti-leaver", reason: "离职"}) { active } }"#;
    for (who, t) in [
        ("a clerk", &clerk),
        ("another organization's admin", &outsider_admin),
    ] {
        let (_, body) = graphql(&server, t, revoke).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{who}: {body}"
        );
    }
    let (_, body) = graphql(&server, &admin, revoke).await;
    assert_eq!(body["data"]["revokeSignIn"]["active"], false, "{body}");
    let (status, _) = graphql(&server, &leaver, "{ viewer { role } }").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the leaver loses access");

    // An administrator's claim without an organization means nothing: refused.
    let orphan = hs256(&json!({
        "sub": "x", "role": "ALLIANCE_ADMIN", "alliances": ["zj-eyewear"], "iss": "skillgraph",
        "aud": "skillgraph", "iat": now(), "exp": now() + 600, "jti": "jti-x", "org_admin": true,
    }));
    let (status, _) = graphql(&server, &orphan, "{ viewer { role } }").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_learner_downloads_their_record_as_a_file() {
    let server = TestServer::start(1 << 20).await;
    let id = {
        use sea_orm::EntityTrait;
        entity::learner::Entity::find()
            .one(server.db())
            .await
            .expect("query")
            .expect("a learner")
            .id
    };
    let global = skillgraph::domain::kernel::ids::NodeKey::Learner(id)
        .to_id()
        .0;
    let token = hs256(&json!({
        "sub": global, "role": "LEARNER", "iss": "skillgraph", "aud": "skillgraph",
        "iat": now(), "exp": now() + 600, "jti": "learner-dl",
    }));
    let response = server
        .client
        .get(server.url("/my-data"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .starts_with("attachment;")
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let doc: Value = response.json().await.expect("json");
    assert_eq!(doc["learner"]["id"], global.as_str());
    assert!(doc["enrollments"].is_array());

    let anonymous = server
        .client
        .get(server.url("/my-data"))
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let staff = hs256(&json!({
        "sub": "officer", "role": "REGULATOR", "region": "321100", "iss": "skillgraph",
        "aud": "skillgraph", "iat": now(), "exp": now() + 600, "jti": "officer-dl",
    }));
    let forbidden = server
        .client
        .get(server.url("/my-data"))
        .bearer_auth(&staff)
        .send()
        .await
        .expect("send");
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
}

/// Issue 33: a token naming an unknown `kid` refetched the keys while holding their lock, and
/// valid tokens waited 4.2 s behind a slow provider. The fetch runs outside the lock: a token
/// naming a known key is served while it runs.
#[tokio::test]
async fn a_slow_provider_delays_only_tokens_that_need_its_new_keys() {
    let idp = key_server(json!({ "keys": [published("rs256")] })).await;
    let mut settings = TestServer::settings();
    settings.identity.jwt_algorithm = JwtAlgorithm::RS256;
    settings.identity.jwt_secret = None;
    settings.identity.jwks_url = Some(idp.url.as_str().into());
    settings.identity.jwks_refresh_secs = 1;
    settings.identity.jwt_issuer = ISSUER.to_owned();
    settings.identity.claims.role = "skillgraph_role".to_owned();
    settings.identity.claims.roles = [("hrss-officer".to_owned(), Role::Regulator)].into();
    let server = Arc::new(TestServer::start_with(settings).await);
    let claims = json!({
        "sub": "u-2001", "iss": ISSUER, "aud": "skillgraph", "iat": now(), "exp": now() + 600,
        "jti": "idp-slow", "skillgraph_role": "hrss-officer", "region": "321100",
    });
    let valid = sign("rs256-private.pem", Algorithm::RS256, "rs-2026-a", &claims);
    let (status, body) = viewer(&server, &valid).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The provider turns slow; a token naming a key it never published makes the server ask it.
    idp.delay_ms.store(3_000, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let unknown = sign("rs256-private.pem", Algorithm::RS256, "rs-rotated", &claims);
    let asking = {
        let server = server.clone();
        tokio::spawn(async move { viewer(&server, &unknown).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let (status, body) = viewer(&server, &valid).await;
    let waited = started.elapsed();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        waited < std::time::Duration::from_millis(1_500),
        "a known key waited {waited:?} for the slow provider"
    );
    let (status, _) = asking.await.expect("no panic");
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the unknown key stays unknown"
    );
}

/// Issue 33: a leaked token could not be revoked before its first use. The system administrator
/// revokes a `jti` never seen, and a subject signs out everywhere: its tokens issued until then
/// are refused, used or not, and later ones are good.
#[tokio::test]
async fn unseen_tokens_and_whole_subjects_are_revoked() {
    let server = TestServer::start(1 << 20).await;
    let admin = hs256(&json!({
        "sub": "root", "role": "SYSTEM_ADMIN", "iss": "skillgraph", "aud": "skillgraph",
        "iat": now(), "exp": now() + 600, "jti": "admin-1",
    }));
    let officer = |jti: &str, iat: u64| {
        hs256(&json!({
            "sub": "officer-7", "role": "REGULATOR", "region": "321100", "iss": "skillgraph",
            "aud": "skillgraph", "iat": iat, "exp": now() + 600, "jti": jti,
        }))
    };
    // Leaked before it was ever used: revoked by its id, refused at its first use.
    let leaked = officer("leaked-1", now());
    let (_, done) = graphql(
        &server,
        &admin,
        r#"mutation { revokeSignIn(input: {jti: "leaked-1", reason: "泄露"}) { jti active } }"#,
    )
    .await;
    assert_eq!(done["data"]["revokeSignIn"]["active"], false, "{done}");
    let (status, body) = graphql(&server, &leaked, "{ viewer { role } }").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Only the system administrator revokes what nobody has seen.
    let used = officer("used-1", now());
    let (status, _) = graphql(&server, &used, "{ viewer { role } }").await;
    assert_eq!(status, StatusCode::OK);
    let (_, refused) = graphql(
        &server,
        &used,
        r#"mutation { revokeSignIn(input: {jti: "someone-elses", reason: "x"}) { jti } }"#,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );

    // The subject signs out everywhere: the token it used and one it never used are refused.
    let unused = officer("unused-1", now());
    let (_, out) = graphql(
        &server,
        &used,
        r#"mutation { revokeSubject(input: {subject: "officer-7", reason: "换岗"}) { subject signIns revokedBefore } }"#,
    )
    .await;
    assert_eq!(
        out["data"]["revokeSubject"]["subject"], "officer-7",
        "{out}"
    );
    assert_eq!(out["data"]["revokeSubject"]["signIns"], 1, "{out}");
    for (token, why) in [(&used, "used"), (&unused, "never used")] {
        let (status, body) = graphql(&server, token, "{ viewer { role } }").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
    }
    // Another subject's tokens are the system administrator's to revoke.
    let (_, other) = graphql(
        &server,
        &admin,
        r#"mutation { revokeSubject(input: {subject: "officer-8", reason: "离职"}) { signIns } }"#,
    )
    .await;
    assert_eq!(other["data"]["revokeSubject"]["signIns"], 0, "{other}");
    let stranger = hs256(&json!({
        "sub": "officer-9", "role": "REGULATOR", "region": "321100", "iss": "skillgraph",
        "aud": "skillgraph", "iat": now(), "exp": now() + 600, "jti": "officer-9-a",
    }));
    let (_, forbidden) = graphql(
        &server,
        &stranger,
        r#"mutation { revokeSubject(input: {subject: "officer-8", reason: "x"}) { signIns } }"#,
    )
    .await;
    assert_eq!(
        forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{forbidden}"
    );
    // A token issued after the revocation is good.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let fresh = officer("fresh-1", now());
    let (status, body) = graphql(&server, &fresh, "{ viewer { role } }").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
