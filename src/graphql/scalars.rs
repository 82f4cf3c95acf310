//! The schema's own scalars, named and described for the people who read the SDL rather than for
//! the Rust types behind them: `Date` (a calendar date) and `DateTime` (an instant), each with
//! the scalars.graphql.org specification it follows.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SecondsFormat, Utc};

/// A calendar date without a time or a zone, as ISO 8601 writes it: `2026-12-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

/// A calendar date without a time or a zone, in ISO 8601's extended form `YYYY-MM-DD`
/// (`2026-12-01`): a day as the documents of the alliances state it (founded on, valid until,
/// exam date), the same day in every time zone.
#[Scalar(
    name = "Date",
    specified_by_url = "https://scalars.graphql.org/andimarek/local-date.html"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::expected_type(value));
        };
        // Exactly YYYY-MM-DD: chrono alone would take `2026-1-5` or a leading `+`.
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) if shaped => Ok(Self(date)),
            _ => Err(InputValueError::custom(format!(
                "`{text}` is not a calendar date written YYYY-MM-DD"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> Self {
        date.0
    }
}

/// An instant, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant, as RFC 3339 writes it with its offset: `2026-12-01T08:30:00Z`. Answers are in
/// UTC; an input may carry any offset (`2026-12-01T16:30:00+08:00` is the same instant).
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://scalars.graphql.org/chillicream/date-time.html"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::expected_type(value));
        };
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|at| Self(at.with_timezone(&Utc)))
            .map_err(|_| {
                InputValueError::custom(format!(
                    "`{text}` is not an RFC 3339 date and time with an offset"
                ))
            })
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(at: chrono::DateTime<Utc>) -> Self {
        Self(at)
    }
}

impl From<DateTime> for chrono::DateTime<Utc> {
    fn from(at: DateTime) -> Self {
        at.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_exactly_iso_calendar_dates() {
        let date = |s: &str| Date::parse(Value::String(s.to_owned())).map(|d| d.to_value());
        assert_eq!(
            date("2026-12-01").ok(),
            Some(Value::String("2026-12-01".into()))
        );
        for bad in [
            "2026-1-5",
            "+2026-12-01",
            "2026-02-30",
            "2026-12-01T00:00:00Z",
            "",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
        assert!(Date::parse(Value::from(20261201)).is_err());
    }

    #[test]
    fn instants_take_any_offset_and_answer_in_utc() {
        let at = DateTime::parse(Value::String("2026-12-01T16:30:00+08:00".into())).expect("ok");
        assert_eq!(at.to_value(), Value::String("2026-12-01T08:30:00Z".into()));
        assert!(DateTime::parse(Value::String("2026-12-01 08:30".into())).is_err());
    }
}

/// An amount of money in fen (1 CNY = 100 fen), a whole number of 64 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

/// An amount of money in fen (分; 1 CNY = 100 fen): a whole number of 64 bits, so a region's
/// yearly totals fit (GraphQL's `Int` stops at 2,147,483,647 fen, about 21.5 million CNY).
/// Answers are JSON numbers, exact in every JSON reader up to 2^53 − 1 fen (about 90 trillion
/// CNY); an input may be a JSON number or a string of digits (`"123456"`), never a fraction.
#[Scalar(name = "Fen")]
impl ScalarType for Fen {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Number(n) => n.as_i64().map(Self).ok_or_else(|| {
                InputValueError::custom(format!("`{n}` is not a whole number of fen"))
            }),
            Value::String(text)
                if !text.is_empty()
                    && text
                        .strip_prefix('-')
                        .unwrap_or(text)
                        .bytes()
                        .all(|b| b.is_ascii_digit()) =>
            {
                text.parse::<i64>().map(Self).map_err(|_| {
                    InputValueError::custom(format!("`{text}` is out of range for fen"))
                })
            }
            Value::String(text) => Err(InputValueError::custom(format!(
                "`{text}` is not a whole number of fen"
            ))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Number(self.0.into())
    }
}

impl From<i64> for Fen {
    fn from(fen: i64) -> Self {
        Self(fen)
    }
}
