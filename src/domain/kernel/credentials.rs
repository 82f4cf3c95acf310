//! The keys certificates are signed with when people carry them (Open Badges 3.0, W3C VC 2.0).
//!
//! - Each assessment body issues under its own DID, `did:web:<host>:bodies:<id>`, whose document
//!   skillgraph publishes at `<public url>/bodies/<id>/did.json`. Its Ed25519 key is derived
//!   with HKDF-SHA256 from the one configured credential key and the body's id, so nothing is
//!   stored and every instance signs alike.
//! - Credentials and status lists are compact VC-JWTs (`alg: EdDSA`, `kid` naming the key).
//! - A holder's share link is an HMAC-SHA256 token over the certificate and its expiry, under a
//!   key derived the same way: it needs no row and cannot be forged or stretched.

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::{SigningKey, pkcs8::EncodePrivateKey};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::error::{AppError, AppResult};

/// Which certificate a token or a status list entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateRef {
    /// A skill-level certificate, by id.
    Level(i32),
    /// A special-ability certificate, by id.
    Special(i32),
}

impl CertificateRef {
    /// The status list it is counted in (`levels` or `special`), its index there being its id.
    pub fn list(self) -> &'static str {
        match self {
            Self::Level(_) => "levels",
            Self::Special(_) => "special",
        }
    }

    /// Its row id.
    pub fn id(self) -> i32 {
        match self {
            Self::Level(id) | Self::Special(id) => id,
        }
    }
}

/// Signs credentials and status lists for every body, and share links for holders.
pub struct CredentialIssuer {
    secret: [u8; 32],
    public_url: String,
    host: String,
}

impl std::fmt::Debug for CredentialIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialIssuer")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl CredentialIssuer {
    /// From the configured key (base64 of 32 bytes) and the public URL the server is reached at
    /// (`https://skills.example.cn`, or with a port or a path).
    pub fn new(key_base64: &str, public_url: &str) -> Result<Self, String> {
        let bytes = STANDARD
            .decode(key_base64.trim())
            .map_err(|_| "the credential key is not base64".to_owned())?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the credential key is not 32 bytes".to_owned())?;
        let public_url = public_url.trim().trim_end_matches('/').to_owned();
        let rest = public_url
            .strip_prefix("https://")
            .or_else(|| public_url.strip_prefix("http://"))
            .filter(|r| !r.is_empty())
            .ok_or_else(|| "the public URL starts with https:// and names a host".to_owned())?;
        // did:web: the host (its port's colon percent-encoded), then each path segment.
        let host = rest
            .split('/')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.replace(':', "%3A")
                } else {
                    part.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(":");
        Ok(Self {
            secret,
            public_url,
            host,
        })
    }

    /// A new random credential key, base64.
    pub fn new_key() -> String {
        STANDARD.encode(rand_key())
    }

    /// The public URL, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    fn derive(&self, info: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        hkdf::Hkdf::<Sha256>::new(Some(b"skillgraph credentials v1"), &self.secret)
            .expand(info.as_bytes(), &mut out)
            .expect("32 bytes is a valid HKDF-SHA256 length");
        out
    }

    fn signing_key(&self, body_id: i32) -> SigningKey {
        SigningKey::from_bytes(&self.derive(&format!("body:{body_id}")))
    }

    /// The body's DID.
    pub fn did(&self, body_id: i32) -> String {
        format!("did:web:{}:bodies:{body_id}", self.host)
    }

    /// The id of the body's signing key (its verification method).
    pub fn key_id(&self, body_id: i32) -> String {
        format!("{}#key-1", self.did(body_id))
    }

    /// The URL of the body's status list of one kind of certificate.
    pub fn status_list_url(&self, body_id: i32, list: &str) -> String {
        format!("{}/bodies/{body_id}/status/{list}", self.public_url)
    }

    /// The body's public key as a JWK (OKP, Ed25519).
    pub fn public_jwk(&self, body_id: i32) -> Value {
        let public = self.signing_key(body_id).verifying_key();
        json!({ "kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(public.as_bytes()) })
    }

    /// The body's DID document: its one key, for assertions.
    pub fn did_document(&self, body_id: i32) -> Value {
        let did = self.did(body_id);
        let key = self.key_id(body_id);
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
            "id": did,
            "verificationMethod": [{
                "id": key, "type": "JsonWebKey2020", "controller": did,
                "publicKeyJwk": self.public_jwk(body_id),
            }],
            "assertionMethod": [key],
        })
    }

    /// `payload` as a compact JWS signed by the body's key (`alg: EdDSA`, `kid`, `typ`).
    pub fn sign(&self, body_id: i32, typ: &str, payload: &Value) -> AppResult<String> {
        let der = self
            .signing_key(body_id)
            .to_pkcs8_der()
            .map_err(|e| AppError::internal(format!("encoding a signing key: {e}")))?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.key_id(body_id));
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, payload, &EncodingKey::from_ed_der(der.as_bytes()))
            .map_err(|e| AppError::internal(format!("signing a credential: {e}")))
    }

    /// The salt of the holder's hashed identifier in a certificate's credential: the same for
    /// every download of it, and unguessable without the key.
    pub fn recipient_salt(&self, certificate: CertificateRef) -> String {
        let mut mac = self.share_mac();
        mac.update(format!("salt:{}:{}", certificate.list(), certificate.id()).as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    fn share_mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.derive("share-links"))
            .expect("HMAC takes a key of any length")
    }

    /// A token that lets whoever holds it download `certificate`'s credential until `expires`.
    pub fn share_token(&self, certificate: CertificateRef, expires: DateTime<Utc>) -> String {
        let body = format!(
            "{}.{}.{}",
            certificate.list(),
            certificate.id(),
            expires.timestamp()
        );
        let mut mac = self.share_mac();
        mac.update(body.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(body),
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    /// The certificate a share token names, if the token is this server's and not expired.
    pub fn open_share_token(&self, token: &str) -> Option<CertificateRef> {
        let (body, tag) = token.split_once('.')?;
        let body = URL_SAFE_NO_PAD.decode(body).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = self.share_mac();
        mac.update(&body);
        mac.verify_slice(&tag).ok()?;
        let body = String::from_utf8(body).ok()?;
        let mut parts = body.split('.');
        let (list, id, expires) = (parts.next()?, parts.next()?, parts.next()?);
        let id: i32 = id.parse().ok()?;
        let expires = Utc.timestamp_opt(expires.parse().ok()?, 0).single()?;
        if expires < Utc::now() {
            return None;
        }
        match list {
            "levels" => Some(CertificateRef::Level(id)),
            "special" => Some(CertificateRef::Special(id)),
            _ => None,
        }
    }
}

fn rand_key() -> [u8; 32] {
    use aes_gcm::{Aes256Gcm, KeyInit, aead::OsRng};
    Aes256Gcm::generate_key(OsRng).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> CredentialIssuer {
        CredentialIssuer::new(
            &STANDARD.encode([7u8; 32]),
            "https://skills.example.cn:8443/",
        )
        .expect("an issuer")
    }

    #[test]
    fn a_body_is_a_did_web_under_the_public_url() {
        let issuer = issuer();
        assert_eq!(issuer.did(5), "did:web:skills.example.cn%3A8443:bodies:5");
        assert_eq!(
            issuer.status_list_url(5, "levels"),
            "https://skills.example.cn:8443/bodies/5/status/levels"
        );
        assert_ne!(issuer.public_jwk(5), issuer.public_jwk(6), "a key a body");
        assert_eq!(
            issuer.public_jwk(5),
            self::issuer().public_jwk(5),
            "derived alike"
        );
        assert!(CredentialIssuer::new(&STANDARD.encode([7u8; 31]), "https://a").is_err());
        assert!(CredentialIssuer::new(&STANDARD.encode([7u8; 32]), "ftp://a").is_err());
    }

    #[test]
    fn share_tokens_open_until_they_expire_and_not_when_altered() {
        let issuer = issuer();
        let later = Utc::now() + chrono::Duration::days(1);
        let token = issuer.share_token(CertificateRef::Special(9), later);
        assert_eq!(
            issuer.open_share_token(&token),
            Some(CertificateRef::Special(9))
        );
        let past = issuer.share_token(
            CertificateRef::Level(9),
            Utc::now() - chrono::Duration::seconds(5),
        );
        assert_eq!(issuer.open_share_token(&past), None);
        let (_, tag) = token.split_once('.').expect("two parts");
        let forged = format!(
            "{}.{tag}",
            URL_SAFE_NO_PAD.encode(format!("levels.1.{}", later.timestamp()))
        );
        assert_eq!(issuer.open_share_token(&forged), None);
        let other =
            CredentialIssuer::new(&STANDARD.encode([8u8; 32]), "https://a.cn").expect("issuer");
        assert_eq!(other.open_share_token(&token), None);
    }
}
