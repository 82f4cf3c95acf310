//! The public response cache: answers to anonymous queries, kept for a short time and thrown
//! away when what they read changes.
//!
//! Only a caller without a token is ever served from it or adds to it (what a token sees depends on
//! who holds it), only queries, and only answers without errors. An answer is kept under the
//! SHA-256 of its document, operation name and variables, with the [`tags`] of what it read and
//! each tag's version then; a mutation, once it has committed, bumps the version of every tag it
//! wrote, so an answer is served only while nothing it read has changed, on any instance (in
//! Redis a write deletes the answers filed under the tags it bumps instead, so a hit is one
//! read). An answer computed while a mutation ran is not kept:
//! the store counts every write, and a put is refused when the count moved since the answer
//! started. The short time to live bounds what a write the tags miss could leave stale.

use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures_util::future::BoxFuture;

use crate::redis_link::RedisLink;

pub mod tags;

/// A kept answer: its `data` as the JSON bytes sent (a hit is served without building or
/// serialising the document again), and what computing it cost (`extensions.cost`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The answer's `data`, serialised.
    pub json: Bytes,
    /// Its actual cost, as computed when it was executed.
    pub actual_cost: u64,
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// An answer none of whose tags has moved.
    Hit(Answer),
    /// Nothing to serve; `writes` is the store's count of writes now, to hand to
    /// [`ResponseCache::put`] once the answer is computed.
    Miss {
        /// Writes counted so far.
        writes: u64,
    },
}

/// Where answers are kept.
pub trait ResponseCache: Send + Sync + 'static {
    /// The answer kept under `key`, if still good; `None` when the store is out of reach (the
    /// cache is bypassed).
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Lookup>>;
    /// Keeps `answer` under `key` for `ttl` with the current versions of `tags`, unless the
    /// count of writes moved past `writes` (a mutation ran while it was computed).
    fn put<'a>(
        &'a self,
        key: &'a str,
        writes: u64,
        tags: &'a [String],
        answer: Answer,
        ttl: Duration,
    ) -> BoxFuture<'a, ()>;
    /// Bumps `tags` and the count of writes: no answer that read any of them is served again.
    fn invalidate<'a>(&'a self, tags: &'a [String]) -> BoxFuture<'a, ()>;
}

/// One kept answer.
struct Kept {
    until: Instant,
    tags: Vec<(String, u64)>,
    answer: Answer,
}

struct State {
    writes: u64,
    /// The write that last bumped each tag (the most recent ones).
    versions: lru::LruCache<String, u64>,
    /// The version of a tag not in `versions`: the newest version ever dropped from it, so an
    /// answer kept before a drop never matches after it.
    floor: u64,
    entries: lru::LruCache<String, Kept>,
}

impl State {
    fn version(&self, tag: &str) -> u64 {
        self.versions.peek(tag).copied().unwrap_or(self.floor)
    }
}

/// Answers in the process (the most recently used), with the versions of the most recently
/// written tags.
pub struct MemoryCache {
    state: Mutex<State>,
}

impl MemoryCache {
    /// A cache of at most `capacity` answers (and a hundred times as many tag versions).
    pub fn new(capacity: usize) -> Self {
        let size = |n: usize| NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        Self {
            state: Mutex::new(State {
                writes: 0,
                versions: lru::LruCache::new(size(capacity.saturating_mul(100))),
                floor: 0,
                entries: lru::LruCache::new(size(capacity)),
            }),
        }
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new(1_000)
    }
}

impl ResponseCache for MemoryCache {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Lookup>> {
        let found = self.state.lock().ok().map(|mut state| {
            let fresh = state.entries.peek(key).is_some_and(|kept| {
                kept.until > Instant::now()
                    && kept.tags.iter().all(|(tag, v)| state.version(tag) == *v)
            });
            if !fresh {
                state.entries.pop(key);
            } else if let Some(kept) = state.entries.get(key) {
                return Lookup::Hit(kept.answer.clone());
            }
            Lookup::Miss {
                writes: state.writes,
            }
        });
        Box::pin(async move { found })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        writes: u64,
        tags: &'a [String],
        answer: Answer,
        ttl: Duration,
    ) -> BoxFuture<'a, ()> {
        if let Ok(mut state) = self.state.lock()
            && state.writes == writes
        {
            let tags = tags
                .iter()
                .map(|tag| (tag.clone(), state.version(tag)))
                .collect();
            state.entries.put(
                key.to_owned(),
                Kept {
                    until: Instant::now() + ttl,
                    tags,
                    answer,
                },
            );
        }
        Box::pin(async {})
    }

    fn invalidate<'a>(&'a self, tags: &'a [String]) -> BoxFuture<'a, ()> {
        if let Ok(mut state) = self.state.lock() {
            state.writes += 1;
            let now = state.writes;
            for tag in tags {
                if let Some((dropped, version)) = state.versions.push(tag.clone(), now)
                    && &dropped != tag
                {
                    state.floor = state.floor.max(version);
                }
            }
        }
        Box::pin(async {})
    }
}

/// Answers in Redis, shared by every instance: `{prefix}cache:writes` counts writes, an answer
/// is the hash `{prefix}cache:a:{key}` (its JSON under `d`, its cost under `c`, expiring after
/// its time to live), and `{prefix}cache:s:{tag}` is the set of the answers that read a tag. A
/// write deletes the answers of every tag it bumps, so a hit checks nothing: it is one `HMGET`
/// whose reply is the bytes sent. Each step is one script, so a check and what it decides are
/// atomic.
pub struct RedisCache {
    link: Arc<RedisLink>,
    get: redis::Script,
    put: redis::Script,
    invalidate: redis::Script,
}

/// Serves the answer if it is kept (no write to what it read has deleted it); else the count of
/// writes.
const GET: &str = r"
local kept = redis.call('HMGET', KEYS[1], 'd', 'c')
if kept[1] then return {1, kept[1], kept[2] or '0'} end
return {0, redis.call('GET', KEYS[2]) or '0', '0'}
";

/// Keeps the answer, and files it under each tag it read, unless a write was counted since
/// `ARGV[1]`; a tag's set lives as long as its longest-kept answer.
const PUT: &str = r"
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[2])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'd', ARGV[3], 'c', ARGV[4])
redis.call('EXPIRE', KEYS[1], ttl)
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('TTL', KEYS[i]) < ttl then redis.call('EXPIRE', KEYS[i], ttl) end
end
return 1
";

/// Counts a write and deletes every answer that read one of the tags, with the tags' sets.
const INVALIDATE: &str = r"
redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
  local answers = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #answers, 500 do
    redis.call('DEL', unpack(answers, j, math.min(j + 499, #answers)))
  end
  redis.call('DEL', KEYS[i])
end
return 1
";

impl RedisCache {
    /// A cache over `link`.
    pub fn new(link: Arc<RedisLink>) -> Self {
        Self {
            link,
            get: redis::Script::new(GET),
            put: redis::Script::new(PUT),
            invalidate: redis::Script::new(INVALIDATE),
        }
    }

    fn tag_key(&self, tag: &str) -> String {
        self.link.key(&format!("cache:s:{tag}"))
    }
}

impl ResponseCache for RedisCache {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Lookup>> {
        Box::pin(async move {
            let mut conn = self.link.connection().await?;
            let found: redis::RedisResult<(u8, Vec<u8>, Option<u64>)> = self
                .get
                .key(self.link.key(&format!("cache:a:{key}")))
                .key(self.link.key("cache:writes"))
                .invoke_async(&mut conn)
                .await;
            match found {
                Ok((1, json, cost)) => Some(Lookup::Hit(Answer {
                    json: Bytes::from(json),
                    actual_cost: cost.unwrap_or_default(),
                })),
                Ok((_, writes, _)) => Some(Lookup::Miss {
                    writes: std::str::from_utf8(&writes)
                        .ok()
                        .and_then(|w| w.parse().ok())
                        .unwrap_or(u64::MAX),
                }),
                Err(err) => {
                    tracing::warn!(error = %err, "reading the public cache in Redis failed");
                    None
                }
            }
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        writes: u64,
        tags: &'a [String],
        answer: Answer,
        ttl: Duration,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(mut conn) = self.link.connection().await else {
                return;
            };
            let mut invocation = self.put.prepare_invoke();
            invocation
                .key(self.link.key(&format!("cache:a:{key}")))
                .key(self.link.key("cache:writes"))
                .arg(writes)
                .arg(ttl.as_secs().max(1))
                .arg(answer.json.as_ref())
                .arg(answer.actual_cost);
            for tag in tags {
                invocation.key(self.tag_key(tag));
            }
            let kept: redis::RedisResult<u8> = invocation.invoke_async(&mut conn).await;
            if let Err(err) = kept {
                tracing::warn!(error = %err, "keeping an answer in Redis failed");
            }
        })
    }

    fn invalidate<'a>(&'a self, tags: &'a [String]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(mut conn) = self.link.connection().await else {
                tracing::warn!(
                    "Redis is out of reach: other instances may serve cached answers until they expire"
                );
                return;
            };
            let mut invocation = self.invalidate.prepare_invoke();
            invocation.key(self.link.key("cache:writes"));
            for tag in tags {
                invocation.key(self.tag_key(tag));
            }
            let bumped: redis::RedisResult<u8> = invocation.invoke_async(&mut conn).await;
            if let Err(err) = bumped {
                tracing::warn!(error = %err, "bumping the cache's tags in Redis failed");
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
