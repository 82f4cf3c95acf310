//! Signing and verifying tokens with one pinned algorithm.
//!
//! Development uses HS256 with a shared secret; production uses RS256 or ES256 with a public key
//! file. The verifier accepts exactly the configured algorithm: a token with `alg: none`, another
//! algorithm (an HS256 token signed with a public key, say), a wrong key, issuer or audience, no or
//! a past `exp`, or a future `nbf` is refused.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use super::Claims;
use crate::error::{AppError, AppResult};

pub use super::algorithm::JwtAlgorithm;

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

/// The names of the claims that carry skillgraph's scopes, for tokens of an identity provider
/// that calls them otherwise, and the provider's role names for skillgraph's roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimNames {
    /// The claim with the role.
    pub role: String,
    /// The claim with the organization acted for: its global ID or its credit code.
    pub organization: String,
    /// The claim with the alliance codes (a list, or one string of codes separated by spaces).
    pub alliances: String,
    /// The claim with the region code.
    pub region: String,
    /// The claim that, true, makes the holder its organization's administrator.
    pub organization_admin: String,
    /// The provider's role names, each for a skillgraph role (`{"hrss-admin" = "REGULATOR"}`);
    /// a value not listed must be a skillgraph role's name.
    pub roles: std::collections::BTreeMap<String, super::Role>,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self {
            role: "role".to_owned(),
            organization: "org".to_owned(),
            alliances: "alliances".to_owned(),
            region: "region".to_owned(),
            organization_admin: "org_admin".to_owned(),
            roles: Default::default(),
        }
    }
}

/// Where the verifying key comes from.
enum KeySource {
    /// One key, configured.
    Fixed(DecodingKey),
    /// The identity provider's published keys, chosen by `kid`.
    Published(std::sync::Arc<super::jwks::JwksKeys>),
}

/// Checks tokens.
pub struct TokenVerifier {
    key: KeySource,
    validation: Validation,
    max_lifetime: Duration,
    names: ClaimNames,
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
        let key = Self::fixed_key(rules, key)?;
        Ok(Self::with_source(
            rules,
            KeySource::Fixed(key),
            ClaimNames::default(),
        ))
    }

    /// A verifier of an identity provider's tokens: the keys it publishes at a JWKS URL, its claim
    /// names.
    pub fn published(
        rules: &TokenRules,
        keys: std::sync::Arc<super::jwks::JwksKeys>,
        names: ClaimNames,
    ) -> Self {
        Self::with_source(rules, KeySource::Published(keys), names)
    }

    fn fixed_key(rules: &TokenRules, key: &KeyMaterial) -> Result<DecodingKey, String> {
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
        Ok(key)
    }

    fn with_source(rules: &TokenRules, key: KeySource, names: ClaimNames) -> Self {
        let mut validation = Validation::new(rules.algorithm.algorithm());
        validation.algorithms = vec![rules.algorithm.algorithm()];
        validation.set_issuer(&[rules.issuer.as_str()]);
        validation.set_audience(&[rules.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = rules.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Self {
            key,
            validation,
            max_lifetime: rules.max_lifetime,
            names,
        }
    }

    /// The claims of a valid token; `UNAUTHENTICATED` with a reason otherwise.
    pub async fn verify(&self, token: &str) -> AppResult<Claims> {
        let token = token.trim();
        let published;
        let key = match &self.key {
            KeySource::Fixed(key) => key,
            KeySource::Published(keys) => {
                // Only the key id is read from the header before the signature is checked; the
                // algorithm stays the configured one.
                let header = jsonwebtoken::decode_header(token)
                    .map_err(|_| AppError::Unauthenticated("the token is malformed".to_owned()))?;
                published = keys.key(header.kid.as_deref()).await?;
                &published
            }
        };
        let raw =
            decode::<serde_json::Map<String, serde_json::Value>>(token, key, &self.validation)
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
        let claims = self.claims_of(raw)?;
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

impl TokenVerifier {
    /// skillgraph's claims out of a verified token's, by the configured names.
    fn claims_of(&self, raw: serde_json::Map<String, serde_json::Value>) -> AppResult<Claims> {
        use serde_json::Value;
        let refused = |why: &str| AppError::Unauthenticated(why.to_owned());
        let text = |name: &str| raw.get(name).and_then(Value::as_str).map(str::to_owned);
        let number = |name: &str| raw.get(name).and_then(Value::as_u64);
        let role_name = text(&self.names.role).ok_or_else(|| refused("the token lacks a role"))?;
        let role = match self.names.roles.get(&role_name) {
            Some(role) => *role,
            None => serde_json::from_value(Value::String(role_name))
                .map_err(|_| refused("the token's role is not one of skillgraph's"))?,
        };
        let alliances = match raw.get(&self.names.alliances) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(codes)) => codes.split_whitespace().map(str::to_owned).collect(),
            Some(Value::Array(codes)) => codes
                .iter()
                .map(|c| c.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| refused("the token's alliances are not codes"))?,
            Some(_) => return Err(refused("the token's alliances are not codes")),
        };
        // `aud` may be a list; validation has checked it holds ours.
        let aud = self
            .validation
            .aud
            .as_ref()
            .and_then(|a| a.iter().next().cloned())
            .unwrap_or_default();
        Ok(Claims {
            sub: text("sub").ok_or_else(|| refused("the token lacks a required claim"))?,
            role,
            org: text(&self.names.organization),
            alliances,
            region: text(&self.names.region),
            iss: text("iss").unwrap_or_default(),
            aud,
            exp: number("exp").ok_or_else(|| refused("the token lacks a required claim"))?,
            iat: number("iat").ok_or_else(|| refused("the token lacks an issue time (iat)"))?,
            nbf: number("nbf"),
            jti: text("jti").ok_or_else(|| refused("the token lacks its id (jti)"))?,
            org_admin: matches!(
                raw.get(&self.names.organization_admin),
                Some(Value::Bool(true))
            ) || matches!(raw.get(&self.names.organization_admin), Some(Value::String(s)) if s == "true"),
        })
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
