//! Personal data: validated national ID numbers and phone numbers, masking, and the key that
//! encrypts and fingerprints ID numbers.
//!
//! A national ID number is sensitive personal information (PIPL). It is stored only as AES-256-GCM
//! ciphertext plus an HMAC-SHA256 fingerprint (for de-duplication and lookup), and shown masked.
//! [`NationalId`] has no `Display` and a masking `Debug`, so it cannot slip into a log or an error
//! message by accident.

use std::fmt;

use aes_gcm::{
    Aes256Gcm, Key, Nonce,
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{Datelike, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{AppError, AppResult};

type HmacSha256 = Hmac<Sha256>;

/// Associated data bound into every ciphertext: a ciphertext of another field cannot be swapped in.
const AAD: &[u8] = b"skillgraph/learner/national_id/v1";

/// A valid 18-character resident identity number (GB 11643-1999): a 6-digit region code, the
/// birth date, a 3-digit sequence and an ISO 7064 MOD 11-2 check character (0–9 or X).
#[derive(Clone, PartialEq, Eq)]
pub struct NationalId(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

impl NationalId {
    /// Parses an ID number for `field`; the error never repeats the input.
    pub fn parse(field: &str, input: &str) -> AppResult<Self> {
        let id = input.trim().to_ascii_uppercase();
        let bad = |why: &str| AppError::validation(field, why);
        if id.len() != 18 || !id.is_ascii() {
            return Err(bad("a national ID number has 18 characters"));
        }
        let bytes = id.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit) {
            return Err(bad(
                "the first 17 characters of a national ID number are digits",
            ));
        }
        if !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
            return Err(bad(
                "the last character of a national ID number is a digit or X",
            ));
        }
        if !matches!(id[..2].parse::<u8>(), Ok(11..=82)) {
            return Err(bad(
                "the national ID number does not start with a province code",
            ));
        }
        let birth = NaiveDate::parse_from_str(&id[6..14], "%Y%m%d")
            .map_err(|_| bad("the national ID number holds no valid birth date"))?;
        if birth.year() < 1900 || birth > Utc::now().date_naive() {
            return Err(bad("the national ID number holds no plausible birth date"));
        }
        let sum: u32 = bytes[..17]
            .iter()
            .zip(ID_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        if ID_CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(bad(
                "the check character of the national ID number is wrong",
            ));
        }
        Ok(Self(id))
    }

    /// The year of birth written in the number.
    pub fn birth_year(&self) -> i16 {
        self.0[6..10].parse().unwrap_or_default()
    }

    /// `320111********1234`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// The number itself, for the one place that shows it to an authorized reader.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// The check character for 17 digits, for building synthetic numbers (demo data, tests).
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first17
            .bytes()
            .zip(ID_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        Some(char::from(ID_CHECK[(sum % 11) as usize]))
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.masked())
    }
}

/// A mainland mobile number: 11 digits starting with 1 and a digit from 3 to 9.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a phone number for `field`; spaces and hyphens are ignored, `+86` is dropped.
    pub fn parse(field: &str, input: &str) -> AppResult<Self> {
        let digits: String = input
            .trim()
            .trim_start_matches("+86")
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        let b = digits.as_bytes();
        if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) || b[0] != b'1' || b[1] < b'3' {
            return Err(AppError::validation(
                field,
                "a mobile number has 11 digits and starts with 13 to 19",
            ));
        }
        Ok(Self(digits))
    }

    /// The number as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", mask_phone(&self.0))
    }
}

/// `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "*".repeat(phone.chars().count())
    }
}

/// `张*` for 张三, `欧**` for 欧阳明: the first character, then one star per character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// The key that encrypts and fingerprints ID numbers, derived from one 32-byte master key.
#[derive(Clone)]
pub struct PersonalDataKey {
    cipher: Aes256Gcm,
    mac_key: [u8; 32],
}

impl fmt::Debug for PersonalDataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalDataKey(***)")
    }
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl PersonalDataKey {
    /// Derives the encryption and fingerprint keys from a master key.
    pub fn from_master(master: &[u8; 32]) -> Self {
        let enc = derive(master, b"skillgraph/pii/encryption/v1");
        Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(enc)),
            mac_key: derive(master, b"skillgraph/pii/fingerprint/v1"),
        }
    }

    /// Reads a base64 master key (32 bytes), as configured.
    pub fn from_base64(encoded: &str) -> Result<Self, String> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| "the personal-data key is not base64".to_owned())?;
        let master: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the personal-data key must be 32 bytes".to_owned())?;
        Ok(Self::from_master(&master))
    }

    /// A new random master key, base64, for development.
    pub fn generate_base64() -> String {
        STANDARD.encode(Aes256Gcm::generate_key(OsRng))
    }

    /// Nonce ‖ ciphertext, base64.
    pub fn encrypt(&self, id: &NationalId) -> AppResult<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: id.0.as_bytes(),
                    aad: AAD,
                },
            )
            .map_err(|_| AppError::internal("encrypting a national ID number failed"))?;
        let mut out = nonce.to_vec();
        out.extend(ciphertext);
        Ok(STANDARD.encode(out))
    }

    /// Decrypts what [`encrypt`](Self::encrypt) stored.
    pub fn decrypt(&self, stored: &str) -> AppResult<NationalId> {
        let fail =
            || AppError::internal("a stored national ID number does not decrypt with this key");
        let bytes = STANDARD.decode(stored).map_err(|_| fail())?;
        if bytes.len() < 12 {
            return Err(fail());
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| fail())?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: AAD,
                },
            )
            .map_err(|_| fail())?;
        String::from_utf8(plain).map(NationalId).map_err(|_| fail())
    }

    /// The key's check value, hex: a digest of a fixed label under the key, the same for the same
    /// key and telling nothing about it. The database records it beside the data the key wrote.
    pub fn check_value(&self) -> String {
        derive(&self.mac_key, b"skillgraph/pii/check/v1")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The keyed fingerprint, hex: equal numbers give equal fingerprints, and without the key it
    /// says nothing about the number.
    pub fn fingerprint(&self, id: &NationalId) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.mac_key).expect("any key length");
        mac.update(id.0.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// What [`check_key`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// The database records this key's check value.
    Matches,
    /// The database recorded none; it holds nothing this key cannot read, and now records it.
    Recorded,
    /// The database records another key's check value.
    Differs,
    /// The database recorded none, and holds ID numbers this key does not decrypt.
    CannotRead,
}

const PERSONAL_DATA: &str = "personal_data";

/// Whether `key` is the key the database's personal data was written with. The first time (an
/// empty database, or one from before check values) it tries the key on a stored ID number and,
/// if it reads, records the key's check value; concurrent first starts record one value.
pub async fn check_key(
    db: &sea_orm::DatabaseConnection,
    key: &PersonalDataKey,
) -> AppResult<KeyCheck> {
    use entity::{key_check, learner};
    use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder};

    let mine = key.check_value();
    if let Some(recorded) = key_check::Entity::find_by_id(PERSONAL_DATA).one(db).await? {
        return Ok(if recorded.check_value == mine {
            KeyCheck::Matches
        } else {
            KeyCheck::Differs
        });
    }
    if let Some(stored) = learner::Entity::find()
        .order_by_asc(learner::Column::Id)
        .one(db)
        .await?
        && key.decrypt(&stored.national_id_cipher).is_err()
    {
        return Ok(KeyCheck::CannotRead);
    }
    key_check::Entity::insert(key_check::ActiveModel {
        purpose: Set(PERSONAL_DATA.to_owned()),
        check_value: Set(mine.clone()),
        recorded_at: Set(chrono::Utc::now()),
    })
    .on_conflict_do_nothing_on([key_check::Column::Purpose])
    .exec(db)
    .await?;
    // Another instance may have recorded its key first.
    let recorded = key_check::Entity::find_by_id(PERSONAL_DATA)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the key check was not recorded"))?;
    Ok(if recorded.check_value == mine {
        KeyCheck::Recorded
    } else {
        KeyCheck::Differs
    })
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(first17: &str) -> String {
        format!("{first17}{}", NationalId::check_char(first17).unwrap())
    }

    #[test]
    fn national_ids_are_checked_and_masked() {
        // The worked example of GB 11643-1999.
        assert!(NationalId::parse("id", "11010519491231002X").is_ok());
        let good = id("32111119900307123");
        let parsed = NationalId::parse("nationalId", &good).unwrap();
        assert_eq!(parsed.masked(), format!("321111********{}", &good[14..]));
        assert_eq!(parsed.birth_year(), 1990);
        assert!(!format!("{parsed:?}").contains(&good));
        let mut wrong = good.clone();
        wrong.replace_range(17..18, if good.ends_with('0') { "1" } else { "0" });
        let e = NationalId::parse("nationalId", &wrong).unwrap_err();
        assert!(matches!(&e, AppError::Validation { field, .. } if field == "nationalId"));
        assert!(
            !e.to_string().contains(&wrong),
            "errors never repeat the number"
        );
        assert!(
            NationalId::parse("id", &id("32111119901337123")).is_err(),
            "no 13th month"
        );
        assert!(
            NationalId::parse("id", &id("99111119900307123")).is_err(),
            "no province 99"
        );
    }

    #[test]
    fn phones_and_names_mask() {
        let phone = PhoneNumber::parse("phone", "+86 138-0013-1234").unwrap();
        assert_eq!(phone.as_str(), "13800131234");
        assert_eq!(mask_phone(phone.as_str()), "138****1234");
        assert!(PhoneNumber::parse("phone", "12800131234").is_err());
        assert!(PhoneNumber::parse("phone", "1380013123").is_err());
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳明"), "欧**");
    }

    #[test]
    fn encryption_round_trips_and_fingerprints_are_keyed() {
        let key = PersonalDataKey::from_master(&[7; 32]);
        let other = PersonalDataKey::from_master(&[8; 32]);
        let nid = NationalId::parse("id", &id("32111119900307123")).unwrap();
        let stored = key.encrypt(&nid).unwrap();
        assert!(!stored.contains(nid.reveal()));
        assert_ne!(
            stored,
            key.encrypt(&nid).unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(key.decrypt(&stored).unwrap(), nid);
        assert!(
            other.decrypt(&stored).is_err(),
            "another key cannot read it"
        );
        assert_eq!(key.fingerprint(&nid), key.fingerprint(&nid));
        assert_ne!(key.fingerprint(&nid), other.fingerprint(&nid));
        assert_eq!(key.fingerprint(&nid).len(), 64);
    }

    proptest! {
        #[test]
        fn every_number_with_its_check_character_parses(seq in 0u32..1000, day in 1u32..28) {
            let first17 = format!("3211111990{:02}{:02}{:03}", 3, day, seq);
            let full = id(&first17);
            prop_assert!(NationalId::parse("id", &full).is_ok());
        }

        #[test]
        fn parsing_never_panics(s in ".{0,24}") {
            let _ = NationalId::parse("id", &s);
            let _ = PhoneNumber::parse("phone", &s);
        }
    }
}
