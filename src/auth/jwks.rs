//! Keys published by an identity provider (a JWKS URL): fetched, kept, chosen by a token's `kid`,
//! and fetched again when a token names a key not seen yet (the provider rotated) or the kept set
//! is older than its refresh period. The algorithm is the configured one, never the token's: a
//! published key of another type, or one whose `alg` says otherwise, is not used.
//!
//! A token naming a known key is verified from the kept set without waiting for anything: the
//! fetch runs outside the keys' lock, one at a time, so a slow provider (or tokens naming keys
//! that do not exist) delays only the requests that need the new set.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use jsonwebtoken::{
    DecodingKey,
    jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm},
};
use tokio::sync::Mutex;

use super::algorithm::JwtAlgorithm;
use crate::error::{AppError, AppResult};

/// The most a JWKS document may weigh.
const MAX_BYTES: usize = 256 * 1024;

/// The keys of one provider.
pub struct JwksKeys {
    url: String,
    algorithm: JwtAlgorithm,
    client: reqwest::Client,
    refresh: Duration,
    /// The least time between two fetches, so tokens naming unknown keys cannot make the
    /// server hammer the provider.
    min_interval: Duration,
    /// Read by every token; written only when a fetch has finished.
    kept: std::sync::RwLock<Arc<Kept>>,
    /// Held by the one fetch under way, with the time of the last attempt.
    fetching: Mutex<Option<Instant>>,
}

/// The keys kept, and when they were fetched.
#[derive(Default)]
struct Kept {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

impl std::fmt::Debug for JwksKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksKeys")
            .field("url", &crate::urls::redact_url(&self.url))
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl JwksKeys {
    /// The keys at `url` for tokens signed with `algorithm` (RS256 or ES256), kept for `refresh`
    /// and fetched at most once every `min_interval`.
    pub fn new(
        url: &str,
        algorithm: JwtAlgorithm,
        refresh: Duration,
        min_interval: Duration,
    ) -> Result<Self, String> {
        if algorithm == JwtAlgorithm::HS256 {
            return Err("a JWKS URL needs jwt_algorithm RS256 or ES256".to_owned());
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the JWKS client: {e}"))?;
        Ok(Self {
            url: url.to_owned(),
            algorithm,
            client,
            refresh,
            min_interval,
            kept: std::sync::RwLock::default(),
            fetching: Mutex::new(None),
        })
    }

    fn kept(&self) -> Arc<Kept> {
        self.kept.read().map(|k| k.clone()).unwrap_or_default()
    }

    /// The key a token's `kid` names: from the kept set at once when it holds it (a stale set is
    /// refreshed in the background, one fetch at a time), else after the one fetch that may run
    /// now.
    pub async fn key(self: &Arc<Self>, kid: Option<&str>) -> AppResult<DecodingKey> {
        let kid = kid.ok_or_else(|| {
            AppError::Unauthenticated("the token names no signing key (kid)".to_owned())
        })?;
        let kept = self.kept();
        if let Some(key) = kept.keys.get(kid) {
            let fresh = kept.fetched.is_some_and(|t| t.elapsed() < self.refresh);
            if !fresh {
                // In the background: this token, and every other, goes on with the kept key.
                let this = self.clone();
                tokio::spawn(async move {
                    if let Ok(attempted) = this.fetching.try_lock() {
                        let _logged = this.refresh(attempted).await;
                    }
                });
            }
            return Ok(key.clone());
        }
        // A key not seen: wait for the fetch under way (its keys may hold it), or run one.
        let attempted = self.fetching.lock().await;
        if let Some(key) = self.kept().keys.get(kid) {
            return Ok(key.clone());
        }
        if let Err(e) = self.refresh(attempted).await
            && self.kept().keys.is_empty()
        {
            return Err(AppError::Unavailable(e.into()));
        }
        self.kept().keys.get(kid).cloned().ok_or_else(|| {
            AppError::Unauthenticated(
                "the token's signing key (kid) is not one the identity provider publishes"
                    .to_owned(),
            )
        })
    }

    /// Fetches the set, unless the last attempt was less than `min_interval` ago, while holding
    /// only the fetch's own lock; the kept keys go on serving while the provider is out of reach.
    async fn refresh(
        &self,
        mut attempted: tokio::sync::MutexGuard<'_, Option<Instant>>,
    ) -> Result<(), String> {
        if attempted.is_some_and(|t| t.elapsed() < self.min_interval) {
            return Ok(());
        }
        *attempted = Some(Instant::now());
        match self.fetch().await {
            Ok(keys) => {
                let fresh = Arc::new(Kept {
                    keys,
                    fetched: Some(Instant::now()),
                });
                if let Ok(mut kept) = self.kept.write() {
                    *kept = fresh;
                }
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "the identity provider's keys cannot be read");
                Err(e)
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, String> {
        let mut response = self
            .client
            .get(&self.url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("fetching the JWKS: {e}"))?;
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("reading the JWKS: {e}"))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BYTES {
                return Err(format!("the JWKS is larger than {MAX_BYTES} bytes"));
            }
        }
        let set: JwkSet =
            serde_json::from_slice(&body).map_err(|e| format!("the JWKS does not parse: {e}"))?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let Some(kid) = &jwk.common.key_id else {
                continue;
            };
            if !self.fits(jwk) {
                continue;
            }
            if let Ok(key) = DecodingKey::from_jwk(jwk) {
                keys.insert(kid.clone(), key);
            }
        }
        Ok(keys)
    }

    /// Whether a published key is one for the configured algorithm.
    fn fits(&self, jwk: &jsonwebtoken::jwk::Jwk) -> bool {
        let (kind_fits, alg) = match self.algorithm {
            JwtAlgorithm::RS256 => (
                matches!(jwk.algorithm, AlgorithmParameters::RSA(_)),
                KeyAlgorithm::RS256,
            ),
            JwtAlgorithm::ES256 => (
                matches!(&jwk.algorithm, AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256),
                KeyAlgorithm::ES256,
            ),
            JwtAlgorithm::HS256 => (false, KeyAlgorithm::HS256),
        };
        kind_fits && jwk.common.key_algorithm.is_none_or(|a| a == alg)
    }
}
