//! Personal data: validated national ID numbers and phone numbers, masking, and the keys that
//! seal a learner's personal data at rest.
//!
//! A learner's name, national ID number (sensitive personal information under PIPL) and phone
//! number are stored only as AES-256-GCM ciphertexts, each bound to its field; the ID number and
//! the name also as keyed HMAC-SHA256 fingerprints (de-duplication, and matching a name given
//! with a number), and all three masked for display. [`NationalId`], [`PhoneNumber`] and
//! [`Person`] have no `Display` and masking `Debug`s, so they cannot slip into a log or an error
//! message by accident. The keys form a ring ([`PersonalDataKey`]) so that they can be rotated
//! without downtime.

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

/// Which personal field a ciphertext holds. Each is bound into its ciphertexts as associated
/// data, so a ciphertext of one field cannot be passed off as another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The national ID number.
    NationalId,
    /// The real name.
    Name,
    /// The mobile number.
    Phone,
}

impl Field {
    fn associated_data(self) -> &'static [u8] {
        match self {
            Self::NationalId => b"skillgraph/learner/national_id/v1",
            Self::Name => b"skillgraph/learner/name/v1",
            Self::Phone => b"skillgraph/learner/phone/v1",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Self::NationalId => "national ID number",
            Self::Name => "name",
            Self::Phone => "phone number",
        }
    }
}

/// One key of the ring, derived from one 32-byte master key.
#[derive(Clone)]
struct OneKey {
    check_value: String,
    cipher: Aes256Gcm,
    mac_key: [u8; 32],
}

impl OneKey {
    fn from_master(master: &[u8; 32]) -> Self {
        let enc = derive(master, b"skillgraph/pii/encryption/v1");
        let mac_key = derive(master, b"skillgraph/pii/fingerprint/v1");
        Self {
            check_value: hex(&derive(&mac_key, b"skillgraph/pii/check/v1")),
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(enc)),
            mac_key,
        }
    }

    fn mac(&self, parts: &[&[u8]]) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.mac_key).expect("any key length");
        for part in parts {
            mac.update(part);
        }
        hex(&mac.finalize().into_bytes())
    }

    /// The ID number's fingerprint (the bare number under the key, as it always was).
    fn national_id_fingerprint(&self, id: &NationalId) -> String {
        self.mac(&[id.0.as_bytes()])
    }

    /// The name's fingerprint, kept apart from the ID numbers' by a label.
    fn name_fingerprint(&self, name: &str) -> String {
        self.mac(&[b"skillgraph/pii/name\0", name.as_bytes()])
    }

    fn encrypt(&self, field: Field, plain: &str) -> AppResult<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.as_bytes(),
                    aad: field.associated_data(),
                },
            )
            .map_err(|_| AppError::internal(format!("encrypting a {} failed", field.what())))?;
        let mut out = nonce.to_vec();
        out.extend(ciphertext);
        Ok(STANDARD.encode(out))
    }

    fn decrypt(&self, field: Field, stored: &str) -> Option<String> {
        let bytes = STANDARD.decode(stored).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: field.associated_data(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

/// The keys that protect personal data: a ring of one or more keys, each derived from a 32-byte
/// master key. The first seals everything written; every key of the ring reads what it sealed,
/// so a new key can be added beside the old one, made the first, and the rows re-sealed under
/// it ([`reseal`]) while the server runs. Each key is known by its check value, which the rows
/// it sealed name (`sealed_with`).
#[derive(Clone)]
pub struct PersonalDataKey {
    keys: std::sync::Arc<Vec<OneKey>>,
}

impl fmt::Debug for PersonalDataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PersonalDataKey({} keys: ***)", self.keys.len())
    }
}

/// A learner's personal data in the clear, as registered or as read back for an authorized
/// reader. Its `Debug` masks every field.
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    /// The real name.
    pub name: String,
    /// The national ID number.
    pub national_id: NationalId,
    /// The mobile number.
    pub phone: PhoneNumber,
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("name", &mask_name(&self.name))
            .field("national_id", &self.national_id)
            .field("phone", &self.phone)
            .finish()
    }
}

/// What the `learners` table stores of a [`Person`]: ciphertexts, fingerprints, masked forms and
/// the sealing key's check value.
#[derive(Clone)]
pub struct Sealed {
    /// The name's ciphertext.
    pub name_cipher: String,
    /// The name's fingerprint.
    pub name_hash: String,
    /// The name, masked.
    pub name_masked: String,
    /// The ID number's ciphertext.
    pub national_id_cipher: String,
    /// The ID number's fingerprint.
    pub national_id_hash: String,
    /// The ID number, masked.
    pub national_id_masked: String,
    /// The phone number's ciphertext.
    pub phone_cipher: String,
    /// The phone number, masked.
    pub phone_masked: String,
    /// The year of birth in the ID number.
    pub birth_year: i16,
    /// The check value of the key that sealed it.
    pub sealed_with: String,
}

impl Sealed {
    /// Sets the sealed columns of a learner row.
    pub fn apply(self, row: &mut entity::learner::ActiveModel) {
        use sea_orm::ActiveValue::Set;
        row.name_cipher = Set(Some(self.name_cipher));
        row.name_hash = Set(Some(self.name_hash));
        row.name_masked = Set(self.name_masked);
        row.national_id_cipher = Set(self.national_id_cipher);
        row.national_id_hash = Set(self.national_id_hash);
        row.national_id_masked = Set(self.national_id_masked);
        row.phone_cipher = Set(Some(self.phone_cipher));
        row.phone_masked = Set(self.phone_masked);
        row.birth_year = Set(self.birth_year);
        row.sealed_with = Set(Some(self.sealed_with));
    }
}

impl PersonalDataKey {
    /// A ring of the one key derived from `master`.
    pub fn from_master(master: &[u8; 32]) -> Self {
        Self {
            keys: std::sync::Arc::new(vec![OneKey::from_master(master)]),
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

    /// This ring with the keys of `others` after its own (each key once): they read what they
    /// sealed; the first key of `self` seals.
    pub fn with_previous(self, others: impl IntoIterator<Item = Self>) -> Self {
        let mut keys = self.keys.to_vec();
        for key in others.into_iter().flat_map(|o| o.keys.to_vec()) {
            if keys.iter().all(|k| k.check_value != key.check_value) {
                keys.push(key);
            }
        }
        Self {
            keys: std::sync::Arc::new(keys),
        }
    }

    /// A new random master key, base64.
    pub fn generate_base64() -> String {
        STANDARD.encode(Aes256Gcm::generate_key(OsRng))
    }

    fn primary(&self) -> &OneKey {
        &self.keys[0]
    }

    /// The sealing key's check value, hex: a digest of a fixed label under the key, the same for
    /// the same key and telling nothing about it. The database records it beside the data the
    /// key wrote.
    pub fn check_value(&self) -> String {
        self.primary().check_value.clone()
    }

    /// The check values of every key of the ring, the sealing key's first.
    pub fn check_values(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.check_value.clone()).collect()
    }

    /// The keys to try on what `sealed_with` sealed: that one key when the ring has it, none when
    /// it does not, every key when the row names none.
    fn readers<'a>(&'a self, sealed_with: Option<&'a str>) -> impl Iterator<Item = &'a OneKey> {
        self.keys
            .iter()
            .filter(move |k| sealed_with.is_none_or(|id| k.check_value == id))
    }

    /// Seals an ID number with the sealing key (nonce ‖ ciphertext, base64).
    pub fn encrypt(&self, id: &NationalId) -> AppResult<String> {
        self.primary().encrypt(Field::NationalId, &id.0)
    }

    /// Opens a sealed ID number with whichever key of the ring sealed it.
    pub fn decrypt(&self, stored: &str) -> AppResult<NationalId> {
        self.open_field(Field::NationalId, None, stored)
            .map(NationalId)
    }

    /// Seals one value of `field` with the sealing key: its ciphertext and the key's check value.
    pub fn seal_value(&self, field: Field, plain: &str) -> AppResult<(String, String)> {
        let key = self.primary();
        Ok((key.encrypt(field, plain)?, key.check_value.clone()))
    }

    /// Opens one sealed field; `sealed_with` narrows the keys tried to the one that sealed it.
    pub fn open_field(
        &self,
        field: Field,
        sealed_with: Option<&str>,
        stored: &str,
    ) -> AppResult<String> {
        self.readers(sealed_with)
            .find_map(|k| k.decrypt(field, stored))
            .ok_or_else(|| {
                AppError::internal(format!(
                    "a stored {} does not decrypt with the configured keys",
                    field.what()
                ))
            })
    }

    /// The ID number's fingerprint under the sealing key, hex: equal numbers give equal
    /// fingerprints, and without the key it says nothing about the number.
    pub fn fingerprint(&self, id: &NationalId) -> String {
        self.primary().national_id_fingerprint(id)
    }

    /// The ID number's fingerprints under every key of the ring, the sealing key's first: a row
    /// sealed under any of them is found by one of these.
    pub fn fingerprints(&self, id: &NationalId) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| k.national_id_fingerprint(id))
            .collect()
    }

    /// Whether `name` is the name sealed in `row`, by its fingerprint under the row's key.
    pub fn name_matches(&self, row: &entity::learner::Model, name: &str) -> bool {
        let Some(stored) = &row.name_hash else {
            return false;
        };
        self.readers(row.sealed_with.as_deref())
            .any(|k| &k.name_fingerprint(name) == stored)
    }

    /// Seals a person's data with the sealing key.
    pub fn seal(&self, person: &Person) -> AppResult<Sealed> {
        let key = self.primary();
        Ok(Sealed {
            name_cipher: key.encrypt(Field::Name, &person.name)?,
            name_hash: key.name_fingerprint(&person.name),
            name_masked: mask_name(&person.name),
            national_id_cipher: key.encrypt(Field::NationalId, &person.national_id.0)?,
            national_id_hash: key.national_id_fingerprint(&person.national_id),
            national_id_masked: person.national_id.masked(),
            phone_cipher: key.encrypt(Field::Phone, &person.phone.0)?,
            phone_masked: mask_phone(&person.phone.0),
            birth_year: person.national_id.birth_year(),
            sealed_with: key.check_value.clone(),
        })
    }

    /// Opens a learner row's personal data: NOT_FOUND once erased, INTERNAL when no key of the
    /// ring reads it. A row from before names and phones were sealed holds them in the clear.
    pub fn open(&self, row: &entity::learner::Model) -> AppResult<Person> {
        if row.erased_at.is_some() {
            return Err(AppError::not_found("the learner's personal data (erased)"));
        }
        let with = row.sealed_with.as_deref();
        let national_id =
            NationalId(self.open_field(Field::NationalId, with, &row.national_id_cipher)?);
        let (name, phone) = match (&row.name_cipher, &row.phone_cipher) {
            (Some(name), Some(phone)) => (
                self.open_field(Field::Name, with, name)?,
                self.open_field(Field::Phone, with, phone)?,
            ),
            _ => (row.name_masked.clone(), row.phone_masked.clone()),
        };
        Ok(Person {
            name,
            national_id,
            phone: PhoneNumber(phone),
        })
    }
}

/// What [`check_key`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    /// The database records the sealing key's check value.
    Matches,
    /// The database recorded none; it holds nothing the ring cannot read, and now records the
    /// sealing key.
    Recorded,
    /// The database recorded another key of the ring, which now seals no more: it records the
    /// new sealing key (a rotation under way; [`reseal`] finishes it).
    Rotated,
    /// The database records a key, or holds rows sealed with a key, that the ring does not have.
    Differs,
    /// The database recorded none, and holds ID numbers no key of the ring decrypts.
    CannotRead,
}

const PERSONAL_DATA: &str = "personal_data";

/// Whether the ring reads the database's personal data: the key the database recorded and
/// every key a row names must be in it. The first time (an empty database, or one from before
/// check values) it tries the ring on a stored ID number and, if it reads, records the sealing
/// key's check value; concurrent first starts record one value. Nothing is written unless the
/// answer is `Recorded` or `Rotated`.
pub async fn check_key(
    db: &sea_orm::DatabaseConnection,
    key: &PersonalDataKey,
) -> AppResult<KeyCheck> {
    use entity::{key_check, learner};
    use sea_orm::{
        ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    };

    let ring = key.check_values();
    let mine = key.check_value();
    let in_use: Vec<String> = learner::Entity::find()
        .select_only()
        .column(learner::Column::SealedWith)
        .filter(learner::Column::SealedWith.is_not_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    if in_use.iter().any(|k| !ring.contains(k)) {
        return Ok(KeyCheck::Differs);
    }
    let recorded = key_check::Entity::find_by_id(PERSONAL_DATA).one(db).await?;
    if let Some(recorded) = &recorded {
        if recorded.check_value == mine {
            return Ok(KeyCheck::Matches);
        }
        if !ring.contains(&recorded.check_value) {
            return Ok(KeyCheck::Differs);
        }
        // Another key of the ring was recorded: the ring's first key seals from now on.
        key_check::Entity::update(key_check::ActiveModel {
            purpose: Set(PERSONAL_DATA.to_owned()),
            check_value: Set(mine),
            recorded_at: Set(chrono::Utc::now()),
        })
        .exec(db)
        .await?;
        return Ok(KeyCheck::Rotated);
    }
    if let Some(stored) = learner::Entity::find()
        .filter(learner::Column::ErasedAt.is_null())
        .order_by_asc(learner::Column::Id)
        .one(db)
        .await?
        && key
            .open_field(
                Field::NationalId,
                stored.sealed_with.as_deref(),
                &stored.national_id_cipher,
            )
            .is_err()
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
    } else if ring.contains(&recorded.check_value) {
        KeyCheck::Matches
    } else {
        KeyCheck::Differs
    })
}

/// Which rows [`reseal`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reseal {
    /// Rows from before names and phones were sealed (the server does these before it serves).
    Unsealed,
    /// Every row the sealing key did not seal (`skillgraph keys reseal`, after a new key).
    NotByTheSealingKey,
}

/// What [`reseal`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Rows now sealed with the sealing key.
    pub rows: u64,
    /// Rows changed by someone else meanwhile (they are taken again by the next pass).
    pub skipped: u64,
    /// Rows whose ID number another row, sealed under another key, holds too: left as they are
    /// and reported, for a person to merge.
    pub duplicates: u64,
}

/// Re-seals learner rows with the ring's sealing key, reading `batch` rows at a time until none
/// is left: each row is opened with the key that sealed it and written back sealed anew, on the
/// condition that it did not change meanwhile (its ID number's ciphertext, fresh with every seal,
/// is the row's version). Each row is its own statement, so the server goes on serving and
/// writing while this runs.
pub async fn reseal(
    db: &sea_orm::DatabaseConnection,
    key: &PersonalDataKey,
    which: Reseal,
    batch: u64,
) -> AppResult<Resealed> {
    use entity::learner;
    use sea_orm::{
        ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
        SqlErr,
    };

    let mine = key.check_value();
    let mut done = Resealed::default();
    let mut after = 0;
    loop {
        let pending = match which {
            Reseal::Unsealed => Condition::all().add(learner::Column::SealedWith.is_null()),
            Reseal::NotByTheSealingKey => Condition::any()
                .add(learner::Column::SealedWith.is_null())
                .add(learner::Column::SealedWith.ne(mine.clone())),
        };
        let rows = learner::Entity::find()
            .filter(pending)
            .filter(learner::Column::ErasedAt.is_null())
            .filter(learner::Column::Id.gt(after))
            .order_by_asc(learner::Column::Id)
            .limit(batch.max(1))
            .all(db)
            .await?;
        let Some(last) = rows.last() else {
            return Ok(done);
        };
        after = last.id;
        for row in rows {
            let id = row.id;
            let person = key.open(&row)?;
            let version = row.national_id_cipher.clone();
            let mut active = row.into_active_model();
            key.seal(&person)?.apply(&mut active);
            let updated = learner::Entity::update_many()
                .set(active)
                .filter(learner::Column::Id.eq(id))
                .filter(learner::Column::NationalIdCipher.eq(version))
                .exec(db)
                .await;
            match updated {
                Ok(r) if r.rows_affected == 1 => done.rows += 1,
                Ok(_) => done.skipped += 1,
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    tracing::warn!(
                        learner = id,
                        "a learner's ID number is registered twice, under two keys; left for a person to merge"
                    );
                    done.duplicates += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
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
