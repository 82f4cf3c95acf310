//! Disclosure control for aggregates about people: figures that cannot be differenced.
//!
//! Counts of people (completers and their employment, certificates, training intentions) are
//! public, and two public queries that differ by one day, one provider or one filter value must
//! not tell one person's outcome. So for callers without a regulator's token
//! ([`Precision::Protected`]):
//!
//! - **periods snap to whole quarters**: `from` moves back to the first day of its quarter and
//!   `to` forward to the last day of its;
//! - every figure is a sum of **atomic cells**, each keyed by every attribute a filter or a
//!   grouping can name (for placement rates: quarter × alliance × provider × occupation × cohort
//!   kind), and a cell of fewer than [`MIN_CELL`] people is **left out of every figure, totals
//!   included**. Any filter or grouping is a union of whole cells, so the difference of two
//!   answers is again a sum of released cells of at least five people each: subtracting from a
//!   total or from a neighbouring filter recovers no small cell, let alone one person.
//!
//! Regulators ([`Precision::Exact`]) see exact figures; groups below [`MIN_CELL`] are still shown
//! as suppressed to them.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

pub use crate::auth::policy::Precision;

/// The fewest people a released cell holds.
pub const MIN_CELL: u64 = 5;

/// The first day of the quarter of `day`.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

/// The last day of the quarter of `day`.
pub fn quarter_end(day: NaiveDate) -> NaiveDate {
    quarter_start(day)
        .checked_add_months(Months::new(3))
        .and_then(|d| d.pred_opt())
        .unwrap_or(day)
}

/// A period as a caller of `precision` may ask it: whole quarters when protected.
pub fn period(precision: Precision, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    match precision {
        Precision::Exact => (from, to),
        Precision::Protected => (quarter_start(from), quarter_end(to)),
    }
}

/// The rows whose atomic cell (`cell` of the row) holds at least [`MIN_CELL`] people, each row
/// weighing `people` of them; the others are dropped. With [`Precision::Exact`] every row is kept.
pub fn release<T, K: Ord>(
    precision: Precision,
    rows: Vec<T>,
    cell: impl Fn(&T) -> K,
    people: impl Fn(&T) -> u64,
) -> Vec<T> {
    if precision == Precision::Exact {
        return rows;
    }
    let mut sizes: BTreeMap<K, u64> = BTreeMap::new();
    for row in &rows {
        *sizes.entry(cell(row)).or_default() += people(row);
    }
    rows.into_iter()
        .filter(|row| sizes.get(&cell(row)).copied().unwrap_or_default() >= MIN_CELL)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn periods_snap_to_whole_quarters() {
        assert_eq!(
            period(Precision::Protected, day("2026-02-17"), day("2026-05-01")),
            (day("2026-01-01"), day("2026-06-30"))
        );
        assert_eq!(
            period(Precision::Protected, day("2026-12-31"), day("2026-12-31")),
            (day("2026-10-01"), day("2026-12-31"))
        );
        assert_eq!(
            period(Precision::Exact, day("2026-02-17"), day("2026-05-01")),
            (day("2026-02-17"), day("2026-05-01"))
        );
    }

    #[test]
    fn small_cells_are_left_out_whole() {
        let rows = vec![("a", 3), ("a", 2), ("b", 4), ("c", 9)];
        let kept = release(Precision::Protected, rows.clone(), |r| r.0, |r| r.1);
        assert_eq!(kept, vec![("a", 3), ("a", 2), ("c", 9)]);
        assert_eq!(
            release(Precision::Exact, rows.clone(), |r| r.0, |r| r.1),
            rows
        );
    }
}
