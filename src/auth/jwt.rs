//! Signing and verifying tokens with one pinned algorithm.
//!
//! Development uses HS256 with a shared secret; production uses RS256 or ES256 with a public key
//! file. The verifier accepts exactly the configured algorithm: a token with `alg: none`, another
//! algorithm (an HS256 token signed with a public key, say), a wrong key, issuer or audience, no or
//! a past `exp`, or a future `nbf` is refused.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use super::Claims;
use crate::error::{AppError, AppResult};

/// The algorithms skillgraph accepts; one is pinned by configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with a shared secret (development).
    #[default]
    HS256,
    /// RSA PKCS#1 v1.5 with SHA-256 (production).
    RS256,
    /// ECDSA P-256 with SHA-256 (production).
    ES256,
}

impl JwtAlgorithm {
    fn algorithm(self) -> Algorithm {
        match self {
            Self::HS256 => Algorithm::HS256,
            Self::RS256 => Algorithm::RS256,
            Self::ES256 => Algorithm::ES256,
        }
    }
}

/// Where a key comes from.
#[derive(Debug, Clone)]
pub enum KeyMaterial {
    /// An HS256 secret.
    Secret(Vec<u8>),
    /// A PEM file's contents.
    Pem(Vec<u8>),
}

/// What every token must say besides its signature.
#[derive(Debug, Clone)]
pub struct TokenRules {
    /// The pinned algorithm.
    pub algorithm: JwtAlgorithm,
    /// The expected `iss`.
    pub issuer: String,
    /// The expected `aud`.
    pub audience: String,
    /// Clock skew allowed for `exp` and `nbf`.
    pub leeway: Duration,
    /// The longest lifetime (`exp` − `iat`) accepted.
    pub max_lifetime: Duration,
}

/// Checks tokens.
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
    max_lifetime: Duration,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// A verifier for the rules with the public key (or the HS256 secret).
    pub fn new(rules: &TokenRules, key: &KeyMaterial) -> Result<Self, String> {
        let key =
            match (rules.algorithm, key) {
                (JwtAlgorithm::HS256, KeyMaterial::Secret(secret)) => {
                    if secret.len() < 32 {
                        return Err("the HS256 secret must have at least 32 bytes".to_owned());
                    }
                    DecodingKey::from_secret(secret)
                }
                (JwtAlgorithm::RS256, KeyMaterial::Pem(pem)) => DecodingKey::from_rsa_pem(pem)
                    .map_err(|e| format!("the RS256 public key: {e}"))?,
                (JwtAlgorithm::ES256, KeyMaterial::Pem(pem)) => DecodingKey::from_ec_pem(pem)
                    .map_err(|e| format!("the ES256 public key: {e}"))?,
                (alg, _) => return Err(format!("{alg:?} needs {}", needs(alg))),
            };
        let mut validation = Validation::new(rules.algorithm.algorithm());
        validation.algorithms = vec![rules.algorithm.algorithm()];
        validation.set_issuer(&[rules.issuer.as_str()]);
        validation.set_audience(&[rules.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = rules.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Ok(Self {
            key,
            validation,
            max_lifetime: rules.max_lifetime,
        })
    }

    /// The claims of a valid token; `UNAUTHENTICATED` with a reason otherwise.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        let claims = decode::<Claims>(token.trim(), &self.key, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind::*;
                let why = match e.kind() {
                    ExpiredSignature => "the token has expired",
                    ImmatureSignature => "the token is not valid yet",
                    InvalidIssuer => "the token has the wrong issuer",
                    InvalidAudience => "the token has the wrong audience",
                    InvalidAlgorithm => {
                        "the token is signed with an algorithm this server does not accept"
                    }
                    InvalidSignature => "the token's signature does not verify",
                    MissingRequiredClaim(_) => "the token lacks a required claim",
                    _ => "the token is malformed",
                };
                AppError::Unauthenticated(why.to_owned())
            })?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        if claims.iat > now.saturating_add(self.validation.leeway) {
            return Err(AppError::Unauthenticated(
                "the token claims to be issued in the future".to_owned(),
            ));
        }
        if claims.exp.saturating_sub(claims.iat) > self.max_lifetime.as_secs() {
            return Err(AppError::Unauthenticated(format!(
                "the token lives longer than the {} s this server accepts",
                self.max_lifetime.as_secs()
            )));
        }
        Ok(claims)
    }
}

fn needs(alg: JwtAlgorithm) -> &'static str {
    match alg {
        JwtAlgorithm::HS256 => "a secret",
        JwtAlgorithm::RS256 | JwtAlgorithm::ES256 => "a PEM key file",
    }
}

/// Signs tokens (the `token issue` command and tests).
pub struct TokenSigner {
    key: EncodingKey,
    rules: TokenRules,
}

impl TokenSigner {
    /// A signer with the HS256 secret or a private key.
    pub fn new(rules: TokenRules, key: &KeyMaterial) -> Result<Self, String> {
        let key = match (rules.algorithm, key) {
            (JwtAlgorithm::HS256, KeyMaterial::Secret(secret)) => EncodingKey::from_secret(secret),
            (JwtAlgorithm::RS256, KeyMaterial::Pem(pem)) => {
                EncodingKey::from_rsa_pem(pem).map_err(|e| format!("the RS256 private key: {e}"))?
            }
            (JwtAlgorithm::ES256, KeyMaterial::Pem(pem)) => {
                EncodingKey::from_ec_pem(pem).map_err(|e| format!("the ES256 private key: {e}"))?
            }
            (alg, _) => return Err(format!("{alg:?} needs {}", needs(alg))),
        };
        Ok(Self { key, rules })
    }

    /// Fills in `iss`, `aud`, `iat`, `exp` and `jti` and signs.
    pub fn issue(&self, mut claims: Claims, ttl: Duration) -> AppResult<String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(AppError::internal)?
            .as_secs();
        if ttl > self.rules.max_lifetime {
            return Err(AppError::validation(
                "ttl",
                format!(
                    "a token lives at most {} s here (jwt_max_lifetime_secs)",
                    self.rules.max_lifetime.as_secs()
                ),
            ));
        }
        claims.iss = self.rules.issuer.clone();
        claims.aud = self.rules.audience.clone();
        claims.iat = now;
        claims.exp = now + ttl.as_secs();
        claims.jti = uuid::Uuid::new_v4().to_string();
        self.sign(&claims)
    }

    /// Signs the claims exactly as given.
    pub fn sign(&self, claims: &Claims) -> AppResult<String> {
        encode(
            &Header::new(self.rules.algorithm.algorithm()),
            claims,
            &self.key,
        )
        .map_err(AppError::internal)
    }
}
