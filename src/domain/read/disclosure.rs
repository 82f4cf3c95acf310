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
//! Where a grouping breaks a cell into overlapping parts (target groups: a learner belongs to
//! several, or to one declared at registration), [`release_parts`] adds the secondary rule: in
//! each cell, the parts left out hold no people or at least [`MIN_CELL`] together, so the cell
//! less its released parts (a total less its groups) recovers no small group.
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

/// [`release`] for rows that break a whole cell (`whole`) into parts (`part`) that may overlap:
/// a part of fewer than [`MIN_CELL`] people is left out, and then, in each whole, the smallest
/// released parts too until the parts left out hold no people or at least [`MIN_CELL`] together
/// (secondary suppression: the whole less its released parts is never a small group when the
/// parts happen to be disjoint, and tells less when they overlap). Ties go to the lower part.
pub fn release_parts<T, W: Ord + Clone, P: Ord + Clone>(
    precision: Precision,
    rows: Vec<T>,
    whole: impl Fn(&T) -> W,
    part: impl Fn(&T) -> P,
    people: impl Fn(&T) -> u64,
) -> Vec<T> {
    if precision == Precision::Exact {
        return rows;
    }
    let mut sizes: BTreeMap<W, BTreeMap<P, u64>> = BTreeMap::new();
    for row in &rows {
        *sizes
            .entry(whole(row))
            .or_default()
            .entry(part(row))
            .or_default() += people(row);
    }
    let mut kept: std::collections::BTreeSet<(W, P)> = std::collections::BTreeSet::new();
    for (w, parts) in sizes {
        let mut left_out: u64 = parts.values().filter(|&&n| n < MIN_CELL).sum();
        let mut released: Vec<(u64, P)> = parts
            .into_iter()
            .filter(|(_, n)| *n >= MIN_CELL)
            .map(|(p, n)| (n, p))
            .collect();
        released.sort();
        let mut released = released.into_iter().peekable();
        while left_out > 0 && left_out < MIN_CELL {
            match released.next() {
                Some((n, _)) => left_out += n,
                None => break,
            }
        }
        kept.extend(released.map(|(_, p)| (w.clone(), p)));
    }
    rows.into_iter()
        .filter(|row| kept.contains(&(whole(row), part(row))))
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

    #[test]
    fn parts_left_out_hold_none_or_at_least_five() {
        // A cell of 11 people: groups of 6 and 5, and one of 1 that is left out, which takes the
        // group of 5 with it (1 alone would be the cell less the other two).
        let rows = vec![("c", "a", 6), ("c", "b", 5), ("c", "d", 1), ("e", "a", 9)];
        let kept = release_parts(
            Precision::Protected,
            rows.clone(),
            |r| r.0,
            |r| r.1,
            |r| r.2,
        );
        assert_eq!(kept, vec![("c", "a", 6), ("e", "a", 9)]);
        // Nothing small: everything stays; everything small: nothing.
        let even = vec![("c", "a", 6), ("c", "b", 5)];
        assert_eq!(
            release_parts(
                Precision::Protected,
                even.clone(),
                |r| r.0,
                |r| r.1,
                |r| r.2
            ),
            even
        );
        let small = vec![("c", "a", 4), ("c", "b", 2)];
        assert!(release_parts(Precision::Protected, small, |r| r.0, |r| r.1, |r| r.2).is_empty());
        // Left out together already five or more: the rest stays.
        let enough = vec![("c", "a", 6), ("c", "b", 3), ("c", "d", 2)];
        assert_eq!(
            release_parts(Precision::Protected, enough, |r| r.0, |r| r.1, |r| r.2),
            vec![("c", "a", 6)]
        );
        assert_eq!(
            release_parts(Precision::Exact, rows.clone(), |r| r.0, |r| r.1, |r| r.2),
            rows
        );
    }
}
