//! GraphiQL in a real browser, on a machine that reaches nothing but the server: headless
//! Chromium, driven through chromedriver, with every other host unreachable, opens the page,
//! runs a query and sees its answer. `.ci/run` installs Debian's chromium and chromium-driver and
//! names the driver in `SKILLGRAPH_TEST_CHROMEDRIVER`; without it this test is ignored.

use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::TestServer;

/// chromedriver, stopped when dropped.
struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
#[ignore = "needs Chromium: SKILLGRAPH_TEST_CHROMEDRIVER"]
async fn graphiql_runs_a_query_with_nothing_but_the_server() {
    let driver = crate::helpers::needed("SKILLGRAPH_TEST_CHROMEDRIVER");
    let server = TestServer::start(1 << 20).await;
    let expected: Value = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": "{ alliances { totalCount } }" }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let expected = expected["data"]["alliances"]["totalCount"]
        .as_u64()
        .expect("a count");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let _driver = Driver(
        std::process::Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({ "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            // Nothing but loopback: every other host through a proxy that is not there, and
            // no name resolves.
            "--proxy-server=http://127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        ] }),
    );
    let mut client = None;
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let browser = client.expect("chromedriver answers");
    let outcome = async {
        let document = "{ alliances { totalCount } }";
        let page = format!(
            "{}#query={}",
            server.url("/graphql"),
            url_escape(document)
        );
        browser.goto(&page).await?;
        // The rest of the world is out of reach from this page.
        let outside = browser
            .execute(
                "return fetch('https://unpkg.com/react@18/umd/react.production.min.js').then(() => 'reached', () => 'blocked');",
                vec![],
            )
            .await?;
        assert_eq!(outside, json!("blocked"));
        browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(".graphiql-execute-button"))
            .await?
            .click()
            .await?;
        let mut seen = String::new();
        for _ in 0..300 {
            seen = browser
                .find(Locator::Css(".result-window"))
                .await?
                .text()
                .await?;
            if seen.contains("totalCount") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok::<_, fantoccini::error::CmdError>(seen)
    }
    .await;
    let _ = browser.close().await;
    let seen = outcome.expect("the browser ran the page");
    let shown: String = seen
        .split("\"totalCount\":")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .skip_while(|c| c.is_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(
        shown,
        expected.to_string(),
        "the page shows the answer: {seen}"
    );
}

/// Percent-encodes a fragment parameter.
fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
