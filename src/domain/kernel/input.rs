//! Parse once, at the boundary: a client's raw input becomes a domain value here, and a failure
//! names the input field it came from (`input.region`, `filter.alliances[2]`).
//!
//! A type that can be read from a client's string implements [`FromInput`]; the resolvers call
//! [`one`], [`optional`] or [`each`] with the field's path and hand the domain the value, which it
//! never re-checks. Free text a person writes is a [`Text`] with its bound in its type
//! ([`Reason`], [`Note`]).

use std::fmt;

use crate::{
    domain::kernel::codes::{
        AllianceCode, CertificateNumber, CodeError, CreditCode, OccupationCode, OccupationPrefix,
        RegionCode,
    },
    error::{AppError, AppResult},
};

/// A value read from one string a client sent.
pub trait FromInput: Sized {
    /// Why a string is not one, for a person to read.
    type Error: fmt::Display;
    /// Reads the value.
    fn from_input(raw: &str) -> Result<Self, Self::Error>;
}

/// Reads a required field.
pub fn one<T: FromInput>(field: &str, raw: &str) -> AppResult<T> {
    T::from_input(raw).map_err(|e| AppError::validation(field, e))
}

/// Reads a field the client may leave out.
pub fn optional<T: FromInput>(field: &str, raw: Option<&str>) -> AppResult<Option<T>> {
    raw.map(|raw| one(field, raw)).transpose()
}

/// Reads every item of a list field, naming the first bad one by its index (`field[i]`).
pub fn each<T: FromInput, S: AsRef<str>>(field: &str, raws: &[S]) -> AppResult<Vec<T>> {
    raws.iter()
        .enumerate()
        .map(|(i, raw)| one(&format!("{field}[{i}]"), raw.as_ref()))
        .collect()
}

/// Narrows a GraphQL `Int` to the width the domain keeps, `expected` saying what fits.
pub fn narrow<T: TryFrom<i32>>(field: &str, n: i32, expected: &str) -> AppResult<T> {
    T::try_from(n).map_err(|_| AppError::validation(field, expected))
}

/// Reads a list field the client may leave out (none: an empty list).
pub fn listed<T: FromInput, S: AsRef<str>>(field: &str, raws: Option<&[S]>) -> AppResult<Vec<T>> {
    each(field, raws.unwrap_or_default())
}

macro_rules! codes_from_input {
    ($($code:ty),*) => {$(
        impl FromInput for $code {
            type Error = CodeError;
            fn from_input(raw: &str) -> Result<Self, CodeError> {
                <$code>::parse(raw)
            }
        }
    )*};
}

codes_from_input!(
    AllianceCode,
    CertificateNumber,
    CreditCode,
    OccupationCode,
    OccupationPrefix,
    RegionCode
);

/// Text a person wrote: trimmed, 1 to `MAX` characters, no control characters but line breaks.
/// It can only be built by [`FromInput`], so a function that takes one never re-checks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

/// Why a decision was taken (a withdrawal, a closure, a rejection): 1 to 500 characters.
pub type Reason = Text<500>;
/// A note for another person: 1 to 500 characters.
pub type Note = Text<500>;

impl<const MAX: usize> Text<MAX> {
    /// Reads a text the client may leave out or blank: `None` for either.
    pub fn optional(field: &str, raw: Option<&str>) -> AppResult<Option<Self>> {
        match raw.map(|raw| bounded(raw, MAX)).transpose() {
            Ok(text) => Ok(text.flatten().map(|t| Self(t.to_owned()))),
            Err(e) => Err(AppError::validation(field, e)),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<const MAX: usize> fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize> FromInput for Text<MAX> {
    type Error = String;
    fn from_input(raw: &str) -> Result<Self, String> {
        match bounded(raw, MAX)? {
            Some(text) => Ok(Self(text.to_owned())),
            None => Err("must not be empty".to_owned()),
        }
    }
}

/// The trimmed text if it is within `max` characters and has no control characters but line
/// breaks; `None` when it is empty.
pub fn bounded(raw: &str, max: usize) -> Result<Option<&str>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(format!("at most {max} characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("no control characters".to_owned());
    }
    Ok(Some(text))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_bounded_and_never_empty() {
        let reason: Reason = one("input.reason", "  moved away \n").unwrap();
        assert_eq!(reason.as_str(), "moved away");
        assert_eq!(one::<Text<3>>("f", "一二三").unwrap().as_str(), "一二三");
        let too_long = one::<Text<3>>("input.reason", "一二三四").unwrap_err();
        assert_eq!(
            too_long.to_string(),
            AppError::validation("input.reason", "at most 3 characters").to_string()
        );
        assert!(one::<Reason>("input.reason", " \t ").is_err());
        assert!(one::<Reason>("input.reason", "a\u{7}b").is_err());
        assert_eq!(Note::optional("input.note", Some("  ")).unwrap(), None);
        assert_eq!(Note::optional("input.note", None).unwrap(), None);
        assert!(Note::optional("input.note", Some(&"字".repeat(501))).is_err());
        assert_eq!(
            one::<Note>("n", "第一行\n第二行").unwrap().as_str(),
            "第一行\n第二行"
        );
    }

    #[test]
    fn list_items_are_named_by_their_index() {
        let err =
            each::<AllianceCode, _>("filter.alliances", &["zj-eyewear", "NOT A CODE"]).unwrap_err();
        match err {
            AppError::Validation { field, .. } => assert_eq!(field, "filter.alliances[1]"),
            other => panic!("{other:?}"),
        }
        let codes: Vec<RegionCode> = each("filter.regions", &["321100", "320800"]).unwrap();
        assert_eq!(codes.len(), 2);
        assert_eq!(optional::<RegionCode>("filter.region", None).unwrap(), None);
    }
}
