//! Persisted documents: the automatic persisted-query protocol (APQ) that Apollo Client and Relay
//! speak, and a trusted-documents mode that runs only the operations of a manifest.
//!
//! APQ: a request may name its document by `extensions.persistedQuery.sha256Hash` (version 1)
//! instead of sending it. A hash the store does not know answers `PERSISTED_QUERY_NOT_FOUND`
//! (message `PersistedQueryNotFound`); the client then sends the document with its hash, which is
//! checked (`PERSISTED_QUERY_HASH_MISMATCH`), stored once it parses, and run. Later requests, over
//! `GET` too (so caches can keep them), send the hash alone. The store is in the process, or in
//! Redis and so shared by every instance.
//!
//! Relay and the GraphQL-over-HTTP persisted-documents proposal name a document by a top-level
//! `doc_id` or `documentId` (`sha256:<hex>` or the bare hex) instead: the HTTP layer turns either
//! into the same hash ([`name_by_document_id`]), so both run from the same store and manifest.
//!
//! Trusted documents (`trusted_documents` names a manifest): only the manifest's operations run,
//! by hash or as their exact text; anything else is refused with `TRUSTED_DOCUMENT_REQUIRED`,
//! and nothing is added to the store.

use std::{
    collections::HashMap,
    num::NonZeroUsize,
    path::Path,
    sync::{Arc, Mutex},
};

use async_graphql::{Request, ServerError, Value};
use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};

use crate::error::ErrorCode;

/// Where persisted documents are kept, by the hex SHA-256 of their text.
pub trait DocumentStore: Send + Sync + 'static {
    /// The document with this hash, if kept.
    fn get<'a>(&'a self, hash: &'a str) -> BoxFuture<'a, Option<Arc<str>>>;
    /// Keeps a document under its hash.
    fn put<'a>(&'a self, hash: &'a str, document: Arc<str>) -> BoxFuture<'a, ()>;
}

/// The documents most recently used, in the process, bounded by count and by bytes (the least
/// recently used go first).
pub struct MemoryDocuments(Mutex<Kept>);

struct Kept {
    documents: lru::LruCache<String, Arc<str>>,
    bytes: usize,
    most_bytes: usize,
}

impl MemoryDocuments {
    /// A store of at most `capacity` documents and `most_bytes` of their text.
    pub fn new(capacity: usize, most_bytes: usize) -> Self {
        Self(Mutex::new(Kept {
            documents: lru::LruCache::new(NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN)),
            bytes: 0,
            most_bytes,
        }))
    }

    /// The documents kept, and their bytes.
    pub fn size(&self) -> (usize, usize) {
        self.0
            .lock()
            .map(|k| (k.documents.len(), k.bytes))
            .unwrap_or_default()
    }
}

impl Default for MemoryDocuments {
    fn default() -> Self {
        Self::new(10_000, 16 << 20)
    }
}

impl DocumentStore for MemoryDocuments {
    fn get<'a>(&'a self, hash: &'a str) -> BoxFuture<'a, Option<Arc<str>>> {
        let found = self
            .0
            .lock()
            .ok()
            .and_then(|mut k| k.documents.get(hash).cloned());
        Box::pin(async move { found })
    }

    fn put<'a>(&'a self, hash: &'a str, document: Arc<str>) -> BoxFuture<'a, ()> {
        if let Ok(mut kept) = self.0.lock()
            && document.len() <= kept.most_bytes
        {
            let added = document.len();
            if let Some((_, gone)) = kept.documents.push(hash.to_owned(), document) {
                kept.bytes -= gone.len();
            }
            kept.bytes += added;
            while kept.bytes > kept.most_bytes {
                match kept.documents.pop_lru() {
                    Some((_, gone)) => kept.bytes -= gone.len(),
                    None => break,
                }
            }
        }
        Box::pin(async {})
    }
}

/// The operations a trusted-documents deployment runs, by hash.
#[derive(Debug, Default)]
pub struct TrustedDocuments(HashMap<String, Arc<str>>);

impl TrustedDocuments {
    /// Reads a manifest: Apollo's persisted-query manifest (`{"format":
    /// "apollo-persisted-query-manifest", "operations": [{"id", "body", …}]}`) or Relay's
    /// (`{"<id>": "<text>"}`). Every id must be the SHA-256 of its text.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        Self::parse(&text)
    }

    /// Reads a manifest's JSON (see [`Self::load`]).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let json: serde_json::Value = serde_json::from_str(text)?;
        let pairs: Vec<(String, String)> = match json.get("operations") {
            Some(ops) => ops
                .as_array()
                .ok_or_else(|| anyhow::anyhow!("`operations` is not a list"))?
                .iter()
                .map(|op| {
                    let field = |name: &str| {
                        op.get(name)
                            .and_then(|v| v.as_str())
                            .map(str::to_owned)
                            .ok_or_else(|| anyhow::anyhow!("an operation has no `{name}`"))
                    };
                    Ok((field("id")?, field("body")?))
                })
                .collect::<anyhow::Result<_>>()?,
            None => json
                .as_object()
                .ok_or_else(|| anyhow::anyhow!("a manifest is a JSON object"))?
                .iter()
                .map(|(id, body)| {
                    body.as_str()
                        .map(|b| (id.clone(), b.to_owned()))
                        .ok_or_else(|| anyhow::anyhow!("the document of {id} is not text"))
                })
                .collect::<anyhow::Result<_>>()?,
        };
        let mut documents = HashMap::new();
        for (id, body) in pairs {
            let hash = sha256_hex(&body);
            anyhow::ensure!(
                id.eq_ignore_ascii_case(&hash),
                "the id {id} is not the SHA-256 of its document ({hash})"
            );
            documents.insert(hash, Arc::from(body));
        }
        Ok(Self(documents))
    }

    /// How many operations the manifest holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the manifest holds none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The hex SHA-256 of a document's text, as APQ names it.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// How requests may name their documents.
#[derive(Clone)]
pub struct Documents {
    /// Where APQ documents are kept.
    pub store: Arc<dyn DocumentStore>,
    /// When set, only these operations run.
    pub trusted: Option<Arc<TrustedDocuments>>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            store: Arc::new(MemoryDocuments::default()),
            trusted: None,
        }
    }
}

/// The APQ hash a request carries, if any.
fn hash_of(request: &Request) -> Result<Option<String>, ServerError> {
    let Some(persisted) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let bad = || {
        ErrorCode::BadRequest.error(
            "extensions.persistedQuery is {\"version\": 1, \"sha256Hash\": \"<64 hex digits>\"}",
        )
    };
    let Value::Object(fields) = persisted else {
        return Err(bad());
    };
    if !matches!(fields.get("version"), Some(Value::Number(n)) if n.as_u64() == Some(1)) {
        return Err(bad());
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => Err(bad()),
    }
}

/// Names the request's document by a `doc_id` or `documentId` (`sha256:<hex>` or the bare hex),
/// as `extensions.persistedQuery` would; a request naming two different hashes is refused.
pub fn name_by_document_id(request: &mut Request, id: &str) -> Result<(), String> {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "a document id is the SHA-256 of a persisted document: 64 hex digits, optionally after `sha256:` (got {:?})",
            id.chars().take(80).collect::<String>()
        ));
    }
    let hex = hex.to_ascii_lowercase();
    match hash_of(request) {
        Ok(None) => {}
        Ok(Some(named)) if named == hex => return Ok(()),
        Ok(Some(_)) => {
            return Err(
                "the request names its document twice, by a document id and by extensions.persistedQuery, differently"
                    .to_owned(),
            );
        }
        Err(malformed) => return Err(malformed.message),
    }
    request.extensions.insert(
        "persistedQuery".to_owned(),
        async_graphql::value!({ "version": 1, "sha256Hash": hex }),
    );
    Ok(())
}

/// What [`resolve`] found: a document to keep once it has been validated.
#[derive(Debug)]
pub(super) struct ToKeep(Option<(String, Arc<str>)>);

impl ToKeep {
    /// Keeps the document, if it is new and `response` shows it validated and ran (a document
    /// refused before running, validation included, is never stored).
    pub(super) async fn keep_if_ran(
        self,
        documents: &Documents,
        response: &async_graphql::Response,
    ) {
        if crate::error::ErrorCode::refused_before_running(response) {
            return;
        }
        if let Some((hash, document)) = self.0 {
            documents.store.put(&hash, document).await;
        }
    }
}

/// Puts the request's document in place: looked up by its hash, checked against it, or checked
/// against the trusted documents.
pub(super) async fn resolve(
    documents: &Documents,
    request: &mut Request,
) -> Result<ToKeep, ServerError> {
    let hash = hash_of(request)?;
    let has_text = !request.query.trim().is_empty();
    if let Some(hash) = &hash
        && has_text
        && sha256_hex(&request.query) != *hash
    {
        return Err(ErrorCode::PersistedQueryHashMismatch
            .error("extensions.persistedQuery.sha256Hash is not the SHA-256 of the query"));
    }
    if let Some(trusted) = &documents.trusted {
        let hash = hash.unwrap_or_else(|| sha256_hex(&request.query));
        return match trusted.0.get(&hash) {
            Some(document) => {
                if !has_text {
                    request.query = document.to_string();
                }
                Ok(ToKeep(None))
            }
            None => Err(ErrorCode::TrustedDocumentRequired.error("this server runs only its trusted documents; send one of them, by hash or as its exact text",
            )),
        };
    }
    let Some(hash) = hash else {
        return Ok(ToKeep(None));
    };
    if has_text {
        return Ok(ToKeep(Some((hash, Arc::from(request.query.as_str())))));
    }
    match documents.store.get(&hash).await {
        Some(document) => {
            request.query = document.to_string();
            Ok(ToKeep(None))
        }
        None => Err(ErrorCode::PersistedQueryNotFound.error("PersistedQueryNotFound")),
    }
}

/// Persisted documents in Redis, shared by every instance: `{prefix}apq:{hash}`, kept for
/// [`RedisDocuments::TTL`] after their last storing, and at most [`RedisDocuments::CAPACITY`] of
/// them: an index (`{prefix}apq-index`, a sorted set by the time each was stored) drops the oldest
/// beyond it, in the same script that stores. With documents of at most
/// [`super::cost::CostLimits::max_document_bytes`], the store's footprint is bounded. Redis out of
/// reach means a miss (the client sends the document again) and nothing kept.
pub struct RedisDocuments {
    link: Arc<crate::redis_link::RedisLink>,
    capacity: usize,
}

/// Stores a document, indexes it, and drops the oldest beyond the capacity: KEYS[1] the
/// document's key, KEYS[2] the index; ARGV: the text, its TTL in seconds, now in milliseconds,
/// its hash, the capacity, the prefix of document keys.
const PUT_SCRIPT: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if over > 0 then
  local gone = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #gone, 2 do
    redis.call('DEL', ARGV[6] .. gone[i])
  end
end
return 0
";

impl RedisDocuments {
    /// How long a document is kept.
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);
    /// The most documents kept.
    pub const CAPACITY: usize = 2_000;

    /// A store over `link`.
    pub fn new(link: Arc<crate::redis_link::RedisLink>) -> Self {
        Self::with_capacity(link, Self::CAPACITY)
    }

    /// A store over `link` keeping at most `capacity` documents.
    pub fn with_capacity(link: Arc<crate::redis_link::RedisLink>, capacity: usize) -> Self {
        Self { link, capacity }
    }

    /// How many documents the index holds.
    pub async fn kept(&self) -> Option<usize> {
        let mut conn = self.link.connection().await?;
        redis::AsyncCommands::zcard(&mut conn, self.link.key("apq-index"))
            .await
            .ok()
    }
}

impl DocumentStore for RedisDocuments {
    fn get<'a>(&'a self, hash: &'a str) -> BoxFuture<'a, Option<Arc<str>>> {
        Box::pin(async move {
            let mut conn = self.link.connection().await?;
            let found: redis::RedisResult<Option<String>> =
                redis::AsyncCommands::get(&mut conn, self.link.key(&format!("apq:{hash}"))).await;
            match found {
                Ok(found) => found.map(Arc::from),
                Err(err) => {
                    tracing::warn!(error = %err, "reading a persisted document from Redis failed");
                    None
                }
            }
        })
    }

    fn put<'a>(&'a self, hash: &'a str, document: Arc<str>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(mut conn) = self.link.connection().await else {
                return;
            };
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            let stored: redis::RedisResult<i64> = redis::Script::new(PUT_SCRIPT)
                .key(self.link.key(&format!("apq:{hash}")))
                .key(self.link.key("apq-index"))
                .arg(document.as_ref())
                .arg(Self::TTL.as_secs())
                .arg(now_ms)
                .arg(hash)
                .arg(self.capacity)
                .arg(self.link.key("apq:"))
                .invoke_async(&mut conn)
                .await;
            if let Err(err) = stored {
                tracing::warn!(error = %err, "keeping a persisted document in Redis failed");
            }
        })
    }
}
