//! One connection to Redis for the request path (persisted documents now), made on first use
//! and remade by redis-rs's connection manager. Redis out of reach never holds a request up for
//! long: a failed attempt to connect is not repeated for [`RETRY_AFTER`], and every command has a
//! short timeout, after which callers go on without Redis.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use redis::{
    Client,
    aio::{ConnectionManager, ConnectionManagerConfig},
};

/// How long a connection attempt or a command may take.
const TIMEOUT: Duration = Duration::from_millis(500);
/// How long to go without Redis after an attempt to connect failed.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// A lazily made, shared connection to one Redis, with the key prefix of this deployment.
pub struct RedisLink {
    client: Client,
    prefix: String,
    connection: tokio::sync::Mutex<Option<ConnectionManager>>,
    failed_at: Mutex<Option<Instant>>,
}

impl RedisLink {
    /// A link to the Redis at `url` (nothing is connected yet; only a malformed URL fails).
    pub fn new(url: &str, prefix: &str) -> redis::RedisResult<Self> {
        Ok(Self {
            client: Client::open(url)?,
            prefix: prefix.to_owned(),
            connection: tokio::sync::Mutex::new(None),
            failed_at: Mutex::new(None),
        })
    }

    /// The client, for connections of their own (a pub/sub subscription).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `{prefix}{name}`.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// A connection, or `None` while Redis is out of reach.
    pub async fn connection(&self) -> Option<ConnectionManager> {
        if let Ok(failed) = self.failed_at.lock()
            && failed.is_some_and(|at| at.elapsed() < RETRY_AFTER)
        {
            return None;
        }
        let mut slot = self.connection.lock().await;
        if let Some(conn) = slot.as_ref() {
            return Some(conn.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1);
        match ConnectionManager::new_with_config(self.client.clone(), config).await {
            Ok(conn) => {
                *slot = Some(conn.clone());
                Some(conn)
            }
            Err(err) => {
                tracing::warn!(error = %err, "Redis is out of reach; going on without it for a while");
                if let Ok(mut failed) = self.failed_at.lock() {
                    *failed = Some(Instant::now());
                }
                None
            }
        }
    }
}
