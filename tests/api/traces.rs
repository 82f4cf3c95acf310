//! Traces over OTLP: the server binary, with `otlp_endpoint` set, sends its spans to a collector
//! (here a small HTTP server of the test's), continuing the caller's `traceparent`, and its log
//! lines carry the trace id.

use std::{
    io::{BufRead, BufReader},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, body::Bytes, http::HeaderMap};

/// What the collector received: each export's media type and body.
type Exports = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// The server process, stopped when dropped.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn spans_go_to_the_collector_with_the_callers_trace_and_logs_carry_its_id() {
    // The collector: every export's media type and body.
    let received: Exports = Arc::default();
    let kept = received.clone();
    let collector = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let kept = kept.clone();
        async move {
            let media = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            kept.lock().expect("lock").push((media, body.to_vec()));
            ""
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let collector_addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, collector).await });

    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skillgraph"))
        .arg("serve")
        .current_dir(dir.path())
        .env("SKILLGRAPH_LISTEN", format!("127.0.0.1:{port}"))
        .env(
            "SKILLGRAPH_DATABASE_URL",
            format!("sqlite://{}/t.db?mode=rwc", dir.path().display()),
        )
        .env("SKILLGRAPH_DEMO_DATA", "false")
        .env("SKILLGRAPH_LOG_FORMAT", "json")
        .env("SKILLGRAPH_LOG", "info,skillgraph=debug")
        .env_remove("RUST_LOG")
        .env(
            "SKILLGRAPH_OTLP_ENDPOINT",
            format!("http://{collector_addr}/v1/traces"),
        )
        // Export batches every 100 ms rather than every 5 s.
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the server starts");
    let stdout = child.stdout.take().expect("stdout");
    let _server = Server(child);
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let logged = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            logged.lock().expect("lock").push(line);
        }
    });

    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/graphql");
    let mut up = false;
    for _ in 0..300 {
        if client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok()
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server came up");
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let answer = client
        .post(&url)
        .header("traceparent", format!("00-{trace}-00f067aa0ba902b7-01"))
        .json(&serde_json::json!({ "query": "{ regions { code } }" }))
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status(), reqwest::StatusCode::OK);

    let trace_bytes = hex::decode(trace).expect("hex");
    let mut exported = false;
    for _ in 0..100 {
        exported = received.lock().expect("lock").iter().any(|(media, body)| {
            media.starts_with("application/x-protobuf")
                && body.windows(trace_bytes.len()).any(|w| w == trace_bytes)
        });
        if exported {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        exported,
        "a span of the caller's trace reached the collector ({} exports)",
        received.lock().expect("lock").len()
    );
    let logs = lines.lock().expect("lock").join("\n");
    assert!(
        logs.contains(&format!("\"trace_id\":\"{trace}\"")),
        "the request's log lines carry its trace id:\n{logs}"
    );
}
