//! A hostile caller over a real socket: oversized heads, floods of requests, and WebSockets that
//! never initialise, flood, outlive their token or send huge messages. Each is refused within its
//! limit and the server goes on serving.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::helpers::{TEST_JWT_SECRET, TestServer};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn regulator_token(lifetime: u64) -> String {
    let claims = json!({
        "sub": "regulator-1", "role": "REGULATOR", "region": "321100",
        "iss": "skillgraph", "aud": "skillgraph",
        "iat": now(), "exp": now() + lifetime, "jti": "h-1",
    });
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
    )
    .expect("sign")
}

async fn served(server: &TestServer) {
    let response = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ regions { code } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK, "the server still serves");
}

#[tokio::test]
async fn an_oversized_request_head_is_refused() {
    let server = TestServer::start(1 << 20).await;
    let response = server
        .client
        .post(server.url("/graphql"))
        .header("x-padding", "a".repeat(64 * 1024))
        .json(&json!({ "query": "{ regions { code } }" }))
        .send()
        .await;
    match response {
        Ok(r) => assert_eq!(r.status(), StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
        Err(err) => assert!(err.is_request() || err.is_connect(), "{err}"),
    }
    let mut many = server.client.post(server.url("/graphql"));
    for i in 0..200 {
        many = many.header(format!("x-h{i}"), "v");
    }
    let response = many
        .json(&json!({ "query": "{ regions { code } }" }))
        .send()
        .await;
    match response {
        Ok(r) => assert_eq!(r.status(), StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
        Err(err) => assert!(err.is_request() || err.is_connect(), "{err}"),
    }
    served(&server).await;
}

#[tokio::test]
async fn a_client_that_never_finishes_its_head_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // The header-read timeout configured short (5 s in production).
    let mut settings = TestServer::settings();
    settings.server.header_read_timeout_ms = 500;
    let server = TestServer::start_with(settings).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let mut buffer = [0u8; 256];
    // The header-read timeout closes the connection; the test waits at most 15 s.
    let waited = std::time::Instant::now();
    let read = tokio::time::timeout(Duration::from_secs(15), stream.read(&mut buffer)).await;
    assert!(read.is_ok(), "the connection was closed by the server");
    assert!(
        waited.elapsed() < Duration::from_secs(4),
        "closed by the configured timeout: {:?}",
        waited.elapsed()
    );
    served(&server).await;
}

#[tokio::test]
async fn the_server_names_every_request_itself() {
    let server = TestServer::start(1 << 20).await;
    let response = server
        .client
        .post(server.url("/graphql"))
        .header("x-request-id", "attacker-chosen")
        .json(&json!({ "query": "{ regions { code } }" }))
        .send()
        .await
        .expect("send");
    let id = response.headers()["x-request-id"].to_str().expect("id");
    assert_ne!(
        id, "attacker-chosen",
        "the server's own id, never the client's"
    );
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_beyond_the_in_flight_limit_are_shed_with_503() {
    use skillgraph::domain::{begin_write, lock_row};
    let mut settings = TestServer::settings();
    settings.server.max_in_flight_requests = 1;
    let server = TestServer::start_with(settings).await;
    let college = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ organizations(filter: {kinds: [COLLEGE], region: \"321100\"}, first: 1) { nodes { id } } }" }))
        .send()
        .await
        .expect("send")
        .json::<Value>()
        .await
        .expect("json")["data"]["organizations"]["nodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let token = crate::auth::token_for("COLLEGE", &college);
    // Hold the college's row (and SQLite's write lock) so that its publication waits in flight.
    let holder = begin_write(server.db()).await.expect("txn");
    let raw = match skillgraph::domain::kernel::ids::NodeKey::parse("id", &college).expect("id") {
        skillgraph::domain::kernel::ids::NodeKey::Organization(id) => id,
        other => panic!("{other:?}"),
    };
    lock_row::<entity::organization::Entity>(&holder, entity::organization::Column::Id, raw)
        .await
        .expect("lock");
    let (client, url, bearer) = (server.client.clone(), server.url("/graphql"), token.clone());
    let slow = tokio::spawn(async move {
        client
            .post(url)
            .bearer_auth(bearer)
            .json(&json!({ "query": "mutation { publishResourceList(input: {items: [{kind: COURSE, title: \"占位\", occupations: [{code: \"4-14-03-03\", level: LEVEL_4}], schedule: EVENING, seats: 10, fee: 0, fundingMode: PUBLIC_GOOD, subsidyEligible: true, region: \"321100\", address: \"丹阳\", startOn: \"2099-01-01\", contact: \"王老师\"}]}) { id } }" }))
            .send()
            .await
            .expect("send")
            .status()
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shed = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ regions { code } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(
        shed.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "shed, not queued"
    );
    assert_eq!(shed.headers()["retry-after"], "1");
    holder.rollback().await.expect("release");
    let finished = slow.await.expect("task");
    assert!(
        finished == StatusCode::OK || finished == StatusCode::SERVICE_UNAVAILABLE,
        "{finished}"
    );
    served(&server).await;
}

async fn socket(
    server: &TestServer,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let url = server.url("/graphql/ws").replace("http://", "ws://");
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
}

async fn init(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    token: &str,
) {
    socket
        .send(Message::text(
            json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })
                .to_string(),
        ))
        .await
        .expect("init");
    let ack = next_json(socket).await.expect("an ack");
    assert_eq!(ack["type"], "connection_ack");
}

async fn next_json(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Option<Value> {
    while let Some(Ok(frame)) = socket.next().await {
        match frame {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("json")),
            Message::Close(_) => return None,
            _ => {}
        }
    }
    None
}

/// Whether the server closed the socket within `wait`.
async fn closed_within(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    wait: Duration,
) -> bool {
    let ended = tokio::time::timeout(wait, async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    ended.is_ok()
}

#[tokio::test]
async fn websocket_limits_hold() {
    let server = TestServer::start(1 << 20).await;
    let token = regulator_token(600);

    // A message larger than the body limit closes the socket.
    let mut big = socket(&server).await;
    init(&mut big, &token).await;
    let _ = big
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": format!("{{ regions {{ code }} }} #{}", "a".repeat(2 << 20)) } }).to_string(),
        ))
        .await;
    assert!(
        closed_within(&mut big, Duration::from_secs(5)).await,
        "a 2 MiB message"
    );

    // The same cost limits as over HTTP.
    let mut costly = socket(&server).await;
    init(&mut costly, &token).await;
    let cycle = "{ alliances(first: 100) { nodes { members(first: 100) { nodes { organization { alliances { members(first: 100) { nodes { organization { name } } } } } } } } } }";
    costly
        .send(Message::text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": cycle } }).to_string(),
        ))
        .await
        .expect("send");
    let reply = next_json(&mut costly).await.expect("a reply");
    assert_eq!(
        reply["payload"]["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
        "{reply}"
    );
    assert_eq!(reply["payload"]["data"], Value::Null, "nothing ran");

    // Operations at once on one socket: the 33rd subscription is refused.
    let mut busy = socket(&server).await;
    init(&mut busy, &token).await;
    for i in 0..33 {
        busy.send(Message::text(
            json!({ "id": format!("s{i}"), "type": "subscribe", "payload": { "query": "subscription { demandPosted { id } }" } }).to_string(),
        ))
        .await
        .expect("send");
    }
    let refused = next_json(&mut busy).await.expect("a reply");
    assert_eq!(refused["id"], "s32", "{refused}");
    let text = refused.to_string();
    assert!(text.contains("operations already"), "{text}");

    // Sockets per address: the 17th (with the two above still open; the server closed the
    // oversized one) is refused.
    drop(big);
    let mut open = Vec::new();
    let url = server.url("/graphql/ws").replace("http://", "ws://");
    let mut refused_at = None;
    for n in 0..20 {
        let mut request = url.clone().into_client_request().expect("request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        match tokio_tungstenite::connect_async(request).await {
            Ok((s, _)) => open.push(s),
            Err(_) => {
                refused_at = Some(n);
                break;
            }
        }
    }
    assert_eq!(
        refused_at,
        Some(14),
        "16 sockets per address, 2 open already"
    );
    drop(open);
    drop(costly);
    drop(busy);
    served(&server).await;
}

#[tokio::test]
async fn a_socket_without_connection_init_or_past_its_token_is_closed() {
    // The connection_init timeout configured short (10 s in production), so the test waits for
    // the server's rule and not for a production constant.
    let mut settings = TestServer::settings();
    settings.server.connection_init_timeout_ms = 1_000;
    let server = TestServer::start_with(settings).await;
    // Never initialised: closed after the connection_init timeout.
    let mut silent = socket(&server).await;
    let waited = std::time::Instant::now();
    assert!(
        closed_within(&mut silent, Duration::from_secs(20)).await,
        "no connection_init"
    );
    assert!(
        waited.elapsed() >= Duration::from_millis(900),
        "closed by the timeout, not at once: {:?}",
        waited.elapsed()
    );
    // A token that expires in three seconds: the socket goes with it.
    let mut short = socket(&server).await;
    // Timed from the token's making: a slow start of the socket must not shorten what is left.
    let started = std::time::Instant::now();
    init(&mut short, &regulator_token(3)).await;
    assert!(
        closed_within(&mut short, Duration::from_secs(40)).await,
        "the token expired"
    );
    assert!(started.elapsed() >= Duration::from_secs(2));
    served(&server).await;
}
