//! Codes that arrive as strings and leave as validated values: parse, don't validate.
//!
//! Each type here can only be built by parsing, so a function that takes one never re-checks it.

use std::fmt;

/// Why a code failed to parse, for a person to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CodeError(String);

fn err(message: impl Into<String>) -> CodeError {
    CodeError(message.into())
}

/// A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the digits and
/// upper-case letters without I, O, S, V and Z, the last one a check character over the first 17.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

/// The 31 characters a credit code is written in; a character's value is its index.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the first 17 characters: 3^i mod 31.
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: u8) -> Option<u32> {
    CREDIT_ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

impl CreditCode {
    /// Parses a code, accepting lower case and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(err(format!(
                "a unified social credit code has 18 characters, not {}",
                code.chars().count()
            )));
        }
        let bytes = code.as_bytes();
        let mut values = [0u32; 18];
        for (i, &b) in bytes.iter().enumerate() {
            values[i] = credit_value(b).ok_or_else(|| {
                err(format!(
                    "character {} ('{}') is not allowed in a unified social credit code",
                    i + 1,
                    char::from(b)
                ))
            })?;
        }
        let expected = Self::check_char(&code[..17]).ok_or_else(|| err("invalid characters"))?;
        if bytes[17] != expected {
            return Err(err(format!(
                "the check character is '{}' but should be '{}'",
                char::from(bytes[17]),
                char::from(expected)
            )));
        }
        Ok(Self(code))
    }

    /// The check character for the first 17 characters, or `None` if one is not in the alphabet.
    pub fn check_char(first17: &str) -> Option<u8> {
        if first17.len() != 17 {
            return None;
        }
        let mut sum = 0u32;
        for (i, b) in first17.bytes().enumerate() {
            sum += credit_value(b)? * CREDIT_WEIGHTS[i];
        }
        let check = (31 - sum % 31) % 31;
        CREDIT_ALPHABET.get(usize::try_from(check).ok()?).copied()
    }

    /// The code as stored and shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An occupation code of the national classification: `大类-中类-小类-细类`, 1-2-2-2 digits
/// (`6-18-02-04`), the major group 1 to 8.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OccupationCode(String);

impl OccupationCode {
    /// Parses a full code.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim();
        let parts: Vec<&str> = code.split('-').collect();
        let shape_ok = parts.len() == 4
            && parts
                .iter()
                .zip([1, 2, 2, 2])
                .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()));
        if !shape_ok {
            if parts.len() < 4 && OccupationPrefix::parse(code).is_ok() {
                return Err(err(format!(
                    "\"{code}\" is the code of a group of occupations (occupationGroup answers it), not of an occupation: four groups of 1-2-2-2 digits, such as 6-18-02-04"
                )));
            }
            return Err(err(format!(
                "\"{code}\" is not an occupation code: four groups of 1-2-2-2 digits, such as 6-18-02-04"
            )));
        }
        check_major(parts[0])?;
        Ok(Self(code.to_owned()))
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OccupationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_major(major: &str) -> Result<(), CodeError> {
    match major.parse::<u8>() {
        Ok(1..=8) => Ok(()),
        _ => Err(err(format!("the major group is 1 to 8, not {major}"))),
    }
}

/// The leading groups of an occupation code (`6`, `6-18`, `6-18-02`, or a whole code), for
/// "this group and everything in it".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OccupationPrefix(String);

impl OccupationPrefix {
    /// Parses a prefix of one to four groups; a trailing hyphen is ignored.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let prefix = input.trim().trim_end_matches('-');
        let parts: Vec<&str> = prefix.split('-').collect();
        let shape_ok = !prefix.is_empty()
            && parts.len() <= 4
            && parts
                .iter()
                .zip([1, 2, 2, 2])
                .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()));
        if !shape_ok {
            return Err(err(format!(
                "\"{prefix}\" is not an occupation code prefix: one to four groups of 1-2-2-2 digits, such as 6-18"
            )));
        }
        check_major(parts[0])?;
        Ok(Self(prefix.to_owned()))
    }

    /// The `LIKE` pattern matching this group: `6-18` matches `6-18-…` and not `6-180…`.
    pub fn like_pattern(&self) -> String {
        if self.0.len() == 10 {
            self.0.clone()
        } else {
            format!("{}-%", self.0)
        }
    }

    /// The prefix as written, without a trailing hyphen.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A GB/T 2260 administrative division code: six digits, such as Zhenjiang's `321100`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a code: six digits, the first two a province (11 to 82).
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(format!(
                "\"{code}\" is not a region code: six digits (GB/T 2260), such as 321100"
            )));
        }
        match code[..2].parse::<u8>() {
            Ok(11..=82) => Ok(Self(code.to_owned())),
            _ => Err(err(format!(
                "\"{code}\" does not start with a province code"
            ))),
        }
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An alliance's public code: lower-case letters, digits and single hyphens, 2 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllianceCode(String);

impl AllianceCode {
    /// Parses a code; upper case is folded to lower case.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim().to_ascii_lowercase();
        let ok = (2..=64).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !code.starts_with('-')
            && !code.ends_with('-')
            && !code.contains("--");
        if !ok {
            return Err(err(format!(
                "\"{code}\" is not an alliance code: lower-case letters, digits and hyphens, such as zj-eyewear"
            )));
        }
        Ok(Self(code))
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn credit_code_accepts_valid_and_names_the_check_character() {
        // The worked example printed in GB 32100-2015.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        let first17 = "91350100M000100Y4";
        let check = char::from(CreditCode::check_char(first17).expect("valid alphabet"));
        let code = format!("{first17}{check}");
        assert!(CreditCode::parse(&code).is_ok());
        assert!(CreditCode::parse(&format!(" {} ", code.to_lowercase())).is_ok());
        let wrong = if check == '0' { '1' } else { '0' };
        let e = CreditCode::parse(&format!("{first17}{wrong}")).unwrap_err();
        assert!(e.to_string().contains("check character"), "{e}");
        assert!(
            CreditCode::parse("91350100M000100Y").is_err(),
            "17 characters"
        );
        assert!(
            CreditCode::parse("91350100M000100YI3").is_err(),
            "I is not in the alphabet"
        );
    }

    #[test]
    fn occupation_codes_and_prefixes() {
        assert!(OccupationCode::parse("6-18-02-04").is_ok());
        for bad in [
            "6-18-2-04",
            "61-8-02-04",
            "6-18-02",
            "9-18-02-04",
            "0-18-02-04",
            "a-18-02-04",
        ] {
            assert!(OccupationCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            OccupationPrefix::parse("6-18").unwrap().like_pattern(),
            "6-18-%"
        );
        assert_eq!(OccupationPrefix::parse("6-18-").unwrap().as_str(), "6-18");
        assert_eq!(
            OccupationPrefix::parse("6-18-02-04")
                .unwrap()
                .like_pattern(),
            "6-18-02-04"
        );
        assert!(OccupationPrefix::parse("6-1").is_err());
        assert!(OccupationPrefix::parse("").is_err());
    }

    #[test]
    fn region_and_alliance_codes() {
        assert!(RegionCode::parse("321100").is_ok());
        assert!(RegionCode::parse("32110").is_err());
        assert!(RegionCode::parse("991100").is_err());
        assert_eq!(
            AllianceCode::parse("ZJ-Eyewear").unwrap().as_str(),
            "zj-eyewear"
        );
        assert!(AllianceCode::parse("zj--eyewear").is_err());
        assert!(AllianceCode::parse("zj eyewear").is_err());
    }

    fn credit_char() -> impl Strategy<Value = char> {
        proptest::sample::select(
            CREDIT_ALPHABET
                .iter()
                .map(|&b| char::from(b))
                .collect::<Vec<_>>(),
        )
    }

    proptest! {
        #[test]
        fn every_code_with_its_check_character_parses(body in proptest::collection::vec(credit_char(), 17)) {
            let first17: String = body.into_iter().collect();
            let check = char::from(CreditCode::check_char(&first17).unwrap());
            let code = format!("{first17}{check}");
            let parsed = CreditCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
        }

        #[test]
        fn a_changed_character_is_caught(body in proptest::collection::vec(credit_char(), 17), pos in 0usize..17, delta in 1usize..31) {
            let first17: String = body.iter().collect();
            let check = char::from(CreditCode::check_char(&first17).unwrap());
            let mut chars: Vec<char> = body.clone();
            let idx = CREDIT_ALPHABET.iter().position(|&b| char::from(b) == chars[pos]).unwrap();
            chars[pos] = char::from(CREDIT_ALPHABET[(idx + delta) % 31]);
            let changed: String = chars.into_iter().collect();
            let tampered = format!("{changed}{check}");
            prop_assert!(CreditCode::parse(&tampered).is_err());
        }

        #[test]
        fn occupation_parser_never_panics(s in ".{0,20}") {
            let _ = OccupationCode::parse(&s);
            let _ = OccupationPrefix::parse(&s);
            let _ = RegionCode::parse(&s);
            let _ = CreditCode::parse(&s);
        }
    }
}

/// A skill-level certificate number (职业技能等级证书编号), 22 characters: the body type letter
/// (Y employer, S social organization), the 4-digit body code, the 2-digit province code, the
/// 6-digit site serial, the 2-digit year of issue, the level digit (1 = 高级技师 … 5 = 初级工; 0
/// for a special-ability certificate, 专项职业能力, which has no level) and a 6-digit serial
/// unique per body and year.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertificateNumber(String);

impl CertificateNumber {
    /// Parses a number, accepting lower case and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let number = input.trim().to_ascii_uppercase();
        if number.chars().count() != 22 {
            return Err(err(format!(
                "a certificate number has 22 characters, not {}",
                number.chars().count()
            )));
        }
        let bytes = number.as_bytes();
        if bytes[0] != b'Y' && bytes[0] != b'S' {
            return Err(err(
                "a certificate number starts with Y (employer) or S (social organization)",
            ));
        }
        if !bytes[1..].iter().all(u8::is_ascii_digit) {
            return Err(err("after its letter a certificate number has 21 digits"));
        }
        if !matches!(number[5..7].parse::<u8>(), Ok(11..=82)) {
            return Err(err(
                "characters 6–7 of a certificate number are a province code",
            ));
        }
        if !(b'0'..=b'5').contains(&bytes[15]) {
            return Err(err(
                "character 16 of a certificate number is the level digit, 1 to 5 (0 for a special ability)",
            ));
        }
        Ok(Self(number))
    }

    /// Builds a number from its parts; `None` if a part has the wrong width or range.
    pub fn compose(
        employer: bool,
        body_code: &str,
        province: &str,
        site_serial: &str,
        year: i32,
        level_digit: u8,
        serial: u32,
    ) -> Option<Self> {
        if level_digit > 5 || serial > 999_999 {
            return None;
        }
        let text = format!(
            "{}{body_code}{province}{site_serial}{:02}{level_digit}{serial:06}",
            if employer { 'Y' } else { 'S' },
            year.rem_euclid(100)
        );
        Self::parse(&text).ok()
    }

    /// The number as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level digit, 1 (高级技师) to 5 (初级工); 0 for a special ability.
    pub fn level_digit(&self) -> u8 {
        self.0.as_bytes()[15] - b'0'
    }

    /// Whether it numbers a special-ability certificate (level digit 0).
    pub fn is_special_ability(&self) -> bool {
        self.level_digit() == 0
    }

    /// The 6-digit serial.
    pub fn serial(&self) -> u32 {
        self.0[16..].parse().unwrap_or_default()
    }
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod certificate_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_are_composed_and_parsed_by_their_parts() {
        let n = CertificateNumber::compose(true, "0000", "32", "000123", 2026, 3, 42).unwrap();
        assert_eq!(n.as_str(), "Y000032000123263000042");
        assert_eq!(n.level_digit(), 3);
        assert_eq!(n.serial(), 42);
        assert_eq!(
            CertificateNumber::parse(&format!("  {} ", n.as_str().to_lowercase())).unwrap(),
            n
        );
        for bad in [
            "",
            "X00003200012326300004",
            "Y0000320001232630000422",
            "Y00009900012326300004 ",
            "Y000032000123266000042",
            "Y0000320001232630000A2",
            "Y000032000123269000042",
        ] {
            assert!(CertificateNumber::parse(bad).is_err(), "{bad:?}");
        }
        assert!(CertificateNumber::compose(false, "0000", "32", "000123", 2026, 6, 1).is_none());
    }

    proptest! {
        #[test]
        fn composed_numbers_round_trip(employer: bool, code in 0u32..10000, site in 0u32..1_000_000, year in 2000i32..2100, level in 0u8..=5, serial in 0u32..1_000_000) {
            let n = CertificateNumber::compose(employer, &format!("{code:04}"), "32", &format!("{site:06}"), year, level, serial).unwrap();
            let parsed = CertificateNumber::parse(n.as_str()).unwrap();
            prop_assert_eq!(parsed.level_digit(), level);
            prop_assert_eq!(parsed.serial(), serial);
        }

        #[test]
        fn parsing_never_panics(s in ".{0,30}") {
            let _ = CertificateNumber::parse(&s);
        }
    }
}

/// The code and names of a row of reference data a region extends (an industry, a target
/// group), trimmed and checked, each refusal naming its field: a code of 2 to 40 upper-case
/// letters, digits and underscores starting with a letter (`SHIPBUILDING`), a Chinese name of 1
/// to 50 characters, an English name of at most 100.
pub fn reference_names(
    code: &str,
    name: &str,
    name_en: &str,
) -> crate::error::AppResult<(String, String, String)> {
    use crate::error::AppError;
    let code = code.trim().to_owned();
    let valid_code = (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !valid_code {
        return Err(AppError::validation(
            "input.code",
            "2 to 40 upper-case letters, digits and underscores, starting with a letter (SHIPBUILDING)",
        ));
    }
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::validation("input.name", "1 to 50 characters"));
    }
    let name_en = name_en.trim().to_owned();
    if name_en.chars().count() > 100 {
        return Err(AppError::validation(
            "input.nameEn",
            "at most 100 characters",
        ));
    }
    Ok((code, name, name_en))
}
