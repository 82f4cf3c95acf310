//! The public response cache: answers to anonymous queries, kept for a short time and thrown
//! away by any change.
//!
//! Only a caller without a token is ever served from it or adds to it (what a token sees depends on
//! who holds it), only queries, and only answers without errors. An answer is kept under the
//! SHA-256 of its document, operation name and variables, in the cache's current *generation*;
//! every mutation that runs starts a new generation, after it has committed, so no answer read
//! before a change is served after it, on any instance (with Redis the generation is one counter
//! there). A race can only keep an old answer under a generation nobody reads any more. The cost is
//! coarse invalidation (any change empties the cache); the short time to live bounds it.

use std::{
    num::NonZeroUsize,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use async_graphql::Value;
use futures_util::future::BoxFuture;

use crate::redis_link::RedisLink;

/// Where answers are kept.
pub trait ResponseCache: Send + Sync + 'static {
    /// The current generation; `None` when the store is out of reach (the cache is bypassed).
    fn generation(&self) -> BoxFuture<'_, Option<u64>>;
    /// The `data` kept under `key` in `generation`.
    fn get<'a>(&'a self, generation: u64, key: &'a str) -> BoxFuture<'a, Option<Arc<Value>>>;
    /// Keeps `data` under `key` in `generation` for `ttl`.
    fn put<'a>(
        &'a self,
        generation: u64,
        key: &'a str,
        data: Arc<Value>,
        ttl: Duration,
    ) -> BoxFuture<'a, ()>;
    /// Starts a new generation: nothing kept so far is served again.
    fn invalidate(&self) -> BoxFuture<'_, ()>;
}

/// Answers in the process (the most recently used).
pub struct MemoryCache {
    generation: AtomicU64,
    entries: Mutex<lru::LruCache<String, (Instant, Arc<Value>)>>,
}

impl MemoryCache {
    /// A cache of at most `capacity` answers.
    pub fn new(capacity: usize) -> Self {
        Self {
            generation: AtomicU64::new(0),
            entries: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new(1_000)
    }
}

impl ResponseCache for MemoryCache {
    fn generation(&self) -> BoxFuture<'_, Option<u64>> {
        let generation = self.generation.load(Ordering::SeqCst);
        Box::pin(async move { Some(generation) })
    }

    fn get<'a>(&'a self, generation: u64, key: &'a str) -> BoxFuture<'a, Option<Arc<Value>>> {
        let found = self.entries.lock().ok().and_then(|mut entries| {
            let k = format!("{generation}:{key}");
            match entries.get(&k) {
                Some((until, data)) if *until > Instant::now() => Some(data.clone()),
                Some(_) => {
                    entries.pop(&k);
                    None
                }
                None => None,
            }
        });
        Box::pin(async move { found })
    }

    fn put<'a>(
        &'a self,
        generation: u64,
        key: &'a str,
        data: Arc<Value>,
        ttl: Duration,
    ) -> BoxFuture<'a, ()> {
        if let Ok(mut entries) = self.entries.lock() {
            entries.put(format!("{generation}:{key}"), (Instant::now() + ttl, data));
        }
        Box::pin(async {})
    }

    fn invalidate(&self) -> BoxFuture<'_, ()> {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
        Box::pin(async {})
    }
}

/// Answers in Redis, shared by every instance: the generation is `{prefix}cache:generation`, an
/// answer `{prefix}cache:{generation}:{key}` (JSON, expiring after its time to live).
pub struct RedisCache {
    link: Arc<RedisLink>,
}

impl RedisCache {
    /// A cache over `link`.
    pub fn new(link: Arc<RedisLink>) -> Self {
        Self { link }
    }
}

impl ResponseCache for RedisCache {
    fn generation(&self) -> BoxFuture<'_, Option<u64>> {
        Box::pin(async move {
            let mut conn = self.link.connection().await?;
            let generation: redis::RedisResult<Option<u64>> =
                redis::AsyncCommands::get(&mut conn, self.link.key("cache:generation")).await;
            match generation {
                Ok(generation) => Some(generation.unwrap_or(0)),
                Err(err) => {
                    tracing::warn!(error = %err, "reading the cache generation from Redis failed");
                    None
                }
            }
        })
    }

    fn get<'a>(&'a self, generation: u64, key: &'a str) -> BoxFuture<'a, Option<Arc<Value>>> {
        Box::pin(async move {
            let mut conn = self.link.connection().await?;
            let found: Option<Vec<u8>> = redis::AsyncCommands::get(
                &mut conn,
                self.link.key(&format!("cache:{generation}:{key}")),
            )
            .await
            .ok()?;
            serde_json::from_slice::<Value>(&found?).ok().map(Arc::new)
        })
    }

    fn put<'a>(
        &'a self,
        generation: u64,
        key: &'a str,
        data: Arc<Value>,
        ttl: Duration,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(mut conn) = self.link.connection().await else {
                return;
            };
            let Ok(json) = serde_json::to_vec(data.as_ref()) else {
                return;
            };
            let kept: redis::RedisResult<()> = redis::AsyncCommands::set_ex(
                &mut conn,
                self.link.key(&format!("cache:{generation}:{key}")),
                json,
                ttl.as_secs().max(1),
            )
            .await;
            if let Err(err) = kept {
                tracing::warn!(error = %err, "keeping an answer in Redis failed");
            }
        })
    }

    fn invalidate(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let Some(mut conn) = self.link.connection().await else {
                tracing::warn!(
                    "Redis is out of reach: other instances may serve cached answers until they expire"
                );
                return;
            };
            let bumped: redis::RedisResult<u64> =
                redis::AsyncCommands::incr(&mut conn, self.link.key("cache:generation"), 1).await;
            if let Err(err) = bumped {
                tracing::warn!(error = %err, "starting a new cache generation in Redis failed");
            }
        })
    }
}

/// The public cache of a deployment.
#[derive(Clone)]
pub struct PublicCache {
    /// Where answers are kept.
    pub store: Arc<dyn ResponseCache>,
    /// How long an answer is kept (and `max-age` for HTTP caches).
    pub ttl: Duration,
}
