//! The one JWT algorithm a deployment accepts, pinned by configuration (never the token's own
//! choice).

use jsonwebtoken::Algorithm;
use serde::{Deserialize, Serialize};

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
    /// The `jsonwebtoken` algorithm.
    pub(super) fn algorithm(self) -> Algorithm {
        match self {
            Self::HS256 => Algorithm::HS256,
            Self::RS256 => Algorithm::RS256,
            Self::ES256 => Algorithm::ES256,
        }
    }
}
