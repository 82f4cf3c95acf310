//! Keyset pagination: the one implementation behind every Relay connection.
//!
//! A page is asked for with [`PageRequest`] (validated `first`/`after`/`last`/`before`) and
//! answered with a [`Page`]. Top-level lists page in SQL with [`fetch_page`]: rows are ordered by
//! a list of [`SortKey`]s that always ends with the primary key, and a cursor carries the sort
//! values of its row, so "after this cursor" is a `WHERE` on those values. A page therefore stays
//! correct while rows are inserted or deleted elsewhere, which an `OFFSET` would not.
//!
//! Lists nested under a parent (an alliance's members) page in SQL too, for every parent of a
//! level in one statement ([`crate::domain::read::nested`]). Lists computed in memory (a ranked backlog) are
//! paged with [`page_in_memory`], by the same rules.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
    sea_query::{Alias, Asterisk, ExprTrait, Query, SelectStatement, SimpleExpr, UnionType},
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;
/// The page size when a client names none.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// One sort value of a row, as a cursor carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v")]
pub enum CursorValue {
    /// An integer (ids, counts).
    Int(i64),
    /// A string (names, codes).
    Text(String),
    /// A calendar date.
    Date(NaiveDate),
    /// An instant.
    Time(DateTime<Utc>),
    /// A computed number (a squared distance).
    Float(f64),
}

impl CursorValue {
    fn to_value(&self) -> sea_orm::Value {
        match self {
            Self::Int(v) => (*v).into(),
            Self::Text(v) => v.clone().into(),
            Self::Date(v) => (*v).into(),
            Self::Time(v) => (*v).into(),
            Self::Float(v) => (*v).into(),
        }
    }

    fn kind(&self) -> KeyKind {
        match self {
            Self::Int(_) => KeyKind::Int,
            Self::Text(_) => KeyKind::Text,
            Self::Date(_) => KeyKind::Date,
            Self::Time(_) => KeyKind::Time,
            Self::Float(_) => KeyKind::Float,
        }
    }
}

/// The type of a sort key, so a tampered cursor is refused before it reaches SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// [`CursorValue::Int`].
    Int,
    /// [`CursorValue::Text`].
    Text,
    /// [`CursorValue::Date`].
    Date,
    /// [`CursorValue::Time`].
    Time,
    /// [`CursorValue::Float`].
    Float,
}

/// A position in an ordered list: the ordering it belongs to and the sort values of one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The name of the ordering, so a cursor is not replayed against another one.
    #[serde(rename = "o")]
    pub ordering: String,
    /// The row's sort values, in the ordering's key order.
    #[serde(rename = "k")]
    pub keys: Vec<CursorValue>,
}

impl Cursor {
    /// The opaque string a client sees.
    pub fn encode(&self) -> String {
        // Serialising a struct of strings and numbers cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a client's cursor; `field` names the argument for the error.
    pub fn decode(field: &str, input: &str) -> AppResult<Self> {
        URL_SAFE_NO_PAD
            .decode(input.trim())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| AppError::validation(field, "not a cursor this API issued"))
    }
}

/// Which way a page is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `first` rows after `after`.
    Forward,
    /// `last` rows before `before`.
    Backward,
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest {
    /// How many rows at most.
    pub limit: u64,
    /// Reading forwards or backwards.
    pub direction: Direction,
    /// Rows strictly after this one.
    pub after: Option<Cursor>,
    /// Rows strictly before this one.
    pub before: Option<Cursor>,
}

impl PageRequest {
    /// Validates Relay arguments. `first` and `last` together are refused (Relay discourages it and
    /// no client needs it); neither means the first [`DEFAULT_PAGE_SIZE`] rows.
    pub fn new(
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> AppResult<Self> {
        let size = |field: &str, n: i32| -> AppResult<u64> {
            let n = u64::try_from(n)
                .map_err(|_| AppError::validation(field, "must not be negative"))?;
            if n > MAX_PAGE_SIZE {
                return Err(AppError::validation(
                    field,
                    format!("at most {MAX_PAGE_SIZE} items per page, not {n}"),
                ));
            }
            Ok(n)
        };
        let (limit, direction) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::validation(
                    "last",
                    "give either first or last, not both",
                ));
            }
            (Some(n), None) => (size("first", n)?, Direction::Forward),
            (None, Some(n)) => (size("last", n)?, Direction::Backward),
            (None, None) => (DEFAULT_PAGE_SIZE, Direction::Forward),
        };
        Ok(Self {
            limit,
            direction,
            after: after.map(|c| Cursor::decode("after", c)).transpose()?,
            before: before.map(|c| Cursor::decode("before", c)).transpose()?,
        })
    }

    /// The first page of `limit` rows.
    pub fn first(limit: u64) -> Self {
        Self {
            limit,
            direction: Direction::Forward,
            after: None,
            before: None,
        }
    }
}

/// One page of rows, each with its cursor.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows of the page in list order, each with its cursor.
    pub items: Vec<(Cursor, T)>,
    /// Rows exist before the first one.
    pub has_previous: bool,
    /// Rows exist after the last one.
    pub has_next: bool,
}

impl<T> Page<T> {
    /// A page of rows read in `request`'s direction, with the flags that follow from it: `more`
    /// says rows exist beyond the page in that direction, a cursor given says rows exist on its
    /// other side.
    pub fn of(items: Vec<(Cursor, T)>, request: &PageRequest, more: bool) -> Self {
        match request.direction {
            Direction::Forward => Page {
                items,
                has_previous: request.after.is_some(),
                has_next: more,
            },
            Direction::Backward => Page {
                items,
                has_previous: more,
                has_next: request.before.is_some(),
            },
        }
    }

    /// Rows keyed by one unique integer, each with its cursor in the list `ordering`.
    pub fn keyed(
        ordering: &str,
        rows: impl IntoIterator<Item = T>,
        key: impl Fn(&T) -> i64,
        request: &PageRequest,
        more: bool,
    ) -> Self {
        let items = rows
            .into_iter()
            .map(|row| {
                let cursor = Cursor {
                    ordering: ordering.to_owned(),
                    keys: vec![CursorValue::Int(key(&row))],
                };
                (cursor, row)
            })
            .collect();
        Self::of(items, request, more)
    }

    /// Maps the rows concurrently with a fallible async function, dropping the rows it maps to
    /// `None` (their cursors go with them).
    pub async fn try_map_async<U, E, F, Fut>(self, f: F) -> Result<Page<U>, E>
    where
        F: Fn(T) -> Fut,
        Fut: std::future::Future<Output = Result<Option<U>, E>>,
    {
        let (cursors, rows): (Vec<_>, Vec<_>) = self.items.into_iter().unzip();
        let mapped = futures_util::future::try_join_all(rows.into_iter().map(f)).await?;
        Ok(Page {
            items: cursors
                .into_iter()
                .zip(mapped)
                .filter_map(|(c, u)| u.map(|u| (c, u)))
                .collect(),
            has_previous: self.has_previous,
            has_next: self.has_next,
        })
    }

    /// Maps the rows, keeping cursors and flags.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(c, t)| (c, f(t))).collect(),
            has_previous: self.has_previous,
            has_next: self.has_next,
        }
    }
}

/// Reads a sort key's value from a row, for the row's cursor.
pub type KeyValue<M> = Box<dyn Fn(&M) -> CursorValue + Send + Sync>;

/// One key of an ordering: a column, or an expression over columns (a distance).
pub struct SortKey<E: EntityTrait> {
    /// The column or expression.
    pub expr: SimpleExpr,
    /// Descending instead of ascending.
    pub descending: bool,
    /// The type of the key's values.
    pub kind: KeyKind,
    /// Computes the key from a row, exactly as SQL computes `expr`.
    pub value: KeyValue<E::Model>,
    /// For a distance key, the point and the rows' (latitude, longitude) columns: ascending, the
    /// page is read ring by ring around the point ([`fetch_page`]).
    pub nearest: Option<(crate::domain::kernel::geo::Near, E::Column, E::Column)>,
}

impl<E: EntityTrait> SortKey<E> {
    /// A key on one column.
    pub fn column(
        column: E::Column,
        descending: bool,
        kind: KeyKind,
        value: fn(&E::Model) -> CursorValue,
    ) -> Self {
        Self {
            expr: sea_orm::sea_query::Expr::col(column),
            descending,
            kind,
            value: Box::new(value),
            nearest: None,
        }
    }

    /// The squared distance from `near` to a row's (`latitude`, `longitude`), `place` reading
    /// them from a row (a row without a place has distance 0, as SQL filters it out anyway).
    pub fn distance(
        near: crate::domain::kernel::geo::Near,
        (latitude, longitude): (E::Column, E::Column),
        descending: bool,
        place: fn(&E::Model) -> Option<(f64, f64)>,
    ) -> Self {
        Self {
            expr: near.squared_km_sql(latitude, longitude),
            descending,
            kind: KeyKind::Float,
            value: Box::new(move |m| {
                CursorValue::Float(place(m).map_or(0.0, |(lat, lng)| near.squared_km(lat, lng)))
            }),
            nearest: Some((near, latitude, longitude)),
        }
    }
}

/// A named ordering: its keys end with the primary key, so every row has a distinct position.
pub struct Ordering<E: EntityTrait> {
    /// The name carried in cursors.
    pub name: String,
    /// The keys, most significant first.
    pub keys: Vec<SortKey<E>>,
}

impl<E: EntityTrait> Ordering<E> {
    fn cursor_of(&self, row: &E::Model) -> Cursor {
        Cursor {
            ordering: self.name.clone(),
            keys: self.keys.iter().map(|k| (k.value)(row)).collect(),
        }
    }

    /// Checks that a client's cursor belongs to this ordering and has values of the right kinds.
    fn check(&self, field: &str, cursor: &Cursor) -> AppResult<()> {
        let wrong = || {
            AppError::validation(
                field,
                "the cursor belongs to another list or ordering; start again without it",
            )
        };
        let kinds_match = cursor.keys.len() == self.keys.len()
            && self
                .keys
                .iter()
                .zip(&cursor.keys)
                .all(|(k, v)| k.kind == v.kind());
        if cursor.ordering != self.name || !kinds_match {
            return Err(wrong());
        }
        Ok(())
    }

    /// `WHERE` for rows strictly beyond `cursor` in the list order (`after`) or strictly before it.
    fn beyond(&self, cursor: &Cursor, after: bool) -> Condition {
        // (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... with > flipped for descending keys and for
        // `before`.
        let mut any = Condition::any();
        for i in 0..self.keys.len() {
            let mut all = Condition::all();
            for (key, value) in self.keys[..i].iter().zip(&cursor.keys) {
                all = all.add(key.expr.clone().eq(value.to_value()));
            }
            let key = &self.keys[i];
            let value = cursor.keys[i].to_value();
            let greater = after != key.descending;
            let cmp: SimpleExpr = if greater {
                key.expr.clone().gt(value)
            } else {
                key.expr.clone().lt(value)
            };
            any = any.add(all.add(cmp));
        }
        any
    }
}

/// `select` limited to the rows of one page in `ordering`, one more than the page holds (to tell
/// whether more follow), in the order the page is read.
fn page_select<E: EntityTrait>(
    select: Select<E>,
    ordering: &Ordering<E>,
    request: &PageRequest,
) -> AppResult<Select<E>> {
    let mut select = select;
    if let Some(after) = &request.after {
        ordering.check("after", after)?;
        select = select.filter(ordering.beyond(after, true));
    }
    if let Some(before) = &request.before {
        ordering.check("before", before)?;
        select = select.filter(ordering.beyond(before, false));
    }
    let backward = request.direction == Direction::Backward;
    for key in &ordering.keys {
        let order = if key.descending != backward {
            Order::Desc
        } else {
            Order::Asc
        };
        select = select.order_by(key.expr.clone(), order);
    }
    Ok(select.limit(request.limit + 1))
}

/// The page made of `rows` as [`page_select`] read them.
fn page_of<E: EntityTrait>(
    mut rows: Vec<E::Model>,
    ordering: &Ordering<E>,
    request: &PageRequest,
) -> Page<E::Model> {
    let more = rows.len() as u64 > request.limit;
    rows.truncate(usize::try_from(request.limit).unwrap_or(usize::MAX));
    if request.direction == Direction::Backward {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|row| (ordering.cursor_of(&row), row))
        .collect();
    Page::of(items, request, more)
}

/// Reads one page of `select` in `ordering`, with one statement. An ordering nearest first
/// from a point, read forwards, is read ring by ring around it ([`fetch_page_of_parts`], the
/// rings before the cursor left out), so the page costs about the same whatever the number of
/// rows in the radius.
pub async fn fetch_page<E, C>(
    db: &C,
    select: Select<E>,
    ordering: &Ordering<E>,
    request: &PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ConnectionTrait,
{
    let nearest = ordering
        .keys
        .first()
        .filter(|key| !key.descending && request.direction == Direction::Forward)
        .and_then(|key| key.nearest);
    if let Some((near, latitude, longitude)) = nearest {
        let backend = db.get_database_backend();
        let beyond = request
            .after
            .as_ref()
            .and_then(|cursor| match cursor.keys.first() {
                Some(CursorValue::Float(squared)) => Some(*squared),
                _ => None,
            });
        let parts = near
            .rings(beyond)
            .into_iter()
            .map(|ring| {
                select
                    .clone()
                    .filter(near.ring(backend, latitude, longitude, ring))
            })
            .collect();
        return fetch_page_of_parts(db, parts, ordering, request).await;
    }
    let rows = page_select(select, ordering, request)?.all(db).await?;
    Ok(page_of(rows, ordering, request))
}

/// Reads one page of a list that `parts` partition in the order the page is read (every row of
/// the first part comes before every row of the second, and so on: rings around a point, nearest
/// first), with one statement: each part's page under `UNION ALL` and one `LIMIT`, which both
/// databases read part by part and stop reading once the page is full. A page near the point
/// then costs the rows of the few small rings it needs, not a sort of every row in the radius.
pub async fn fetch_page_of_parts<E, C>(
    db: &C,
    parts: Vec<Select<E>>,
    ordering: &Ordering<E>,
    request: &PageRequest,
) -> AppResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ConnectionTrait,
{
    let mut statement: Option<SelectStatement> = None;
    for (i, part) in parts.into_iter().enumerate() {
        let part = page_select(part, ordering, request)?.into_query();
        let wrapped = Query::select()
            .column(Asterisk)
            .from_subquery(part, Alias::new(format!("part{i}")))
            .to_owned();
        match &mut statement {
            None => statement = Some(wrapped),
            Some(s) => {
                s.union(UnionType::All, wrapped);
            }
        }
    }
    let Some(mut statement) = statement else {
        return Ok(Page::of(Vec::new(), request, false));
    };
    statement.limit(request.limit + 1);
    let built = db.get_database_backend().build(&statement);
    let rows = E::find().from_raw_sql(built).all(db).await?;
    Ok(page_of(rows, ordering, request))
}

/// Counts the rows of `select`, for a connection's `totalCount`.
pub async fn count<E, C>(db: &C, select: Select<E>) -> AppResult<u64>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ConnectionTrait,
{
    Ok(select.count(db).await?)
}

/// The integer a cursor of a list ordered by one unique integer key carries (`field` names the
/// argument when the cursor belongs to another list).
pub fn int_bound(ordering: &str, field: &str, cursor: &Option<Cursor>) -> AppResult<Option<i64>> {
    match cursor {
        None => Ok(None),
        Some(c) => match c.keys.as_slice() {
            [CursorValue::Int(id)] if c.ordering == ordering => Ok(Some(*id)),
            _ => Err(AppError::validation(
                field,
                "the cursor belongs to another list or ordering; start again without it",
            )),
        },
    }
}

/// Pages rows already in memory, ordered by a unique integer key (ascending), by the same rules as
/// [`fetch_page`]. Used for lists computed in memory (a ranked backlog).
pub fn page_in_memory<T: Clone>(
    ordering: &str,
    rows: &[T],
    key: impl Fn(&T) -> i64,
    request: &PageRequest,
) -> AppResult<Page<T>> {
    let after = int_bound(ordering, "after", &request.after)?;
    let before = int_bound(ordering, "before", &request.before)?;
    let window: Vec<&T> = rows
        .iter()
        .filter(|r| after.is_none_or(|a| key(r) > a) && before.is_none_or(|b| key(r) < b))
        .collect();
    let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
    let more = window.len() > limit;
    let chosen: Vec<&T> = match request.direction {
        Direction::Forward => window.into_iter().take(limit).collect(),
        Direction::Backward => {
            let skip = window.len().saturating_sub(limit);
            window.into_iter().skip(skip).collect()
        }
    };
    Ok(Page::keyed(
        ordering,
        chosen.into_iter().cloned(),
        key,
        request,
        more,
    ))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn page_sizes_are_bounded_and_named() {
        let e = PageRequest::new(Some(101), None, None, None).unwrap_err();
        assert!(
            matches!(&e, AppError::Validation { field, .. } if field == "first"),
            "{e}"
        );
        let e = PageRequest::new(None, None, Some(-1), None).unwrap_err();
        assert!(
            matches!(&e, AppError::Validation { field, .. } if field == "last"),
            "{e}"
        );
        let e = PageRequest::new(Some(1), None, Some(1), None).unwrap_err();
        assert!(matches!(e, AppError::Validation { .. }));
        let e = PageRequest::new(Some(1), Some("not a cursor"), None, None).unwrap_err();
        assert!(
            matches!(&e, AppError::Validation { field, .. } if field == "after"),
            "{e}"
        );
        assert_eq!(
            PageRequest::new(None, None, None, None).unwrap().limit,
            DEFAULT_PAGE_SIZE
        );
    }

    fn walk_forward(rows: &[i64], size: u64) -> Vec<i64> {
        let mut seen = vec![];
        let mut request = PageRequest::first(size);
        loop {
            let page = page_in_memory("id", rows, |r| *r, &request).unwrap();
            seen.extend(page.items.iter().map(|(_, r)| *r));
            if !page.has_next {
                return seen;
            }
            request.after = page.items.last().map(|(c, _)| c.clone());
        }
    }

    fn walk_backward(rows: &[i64], size: u64) -> Vec<i64> {
        let mut seen = vec![];
        let mut request = PageRequest {
            limit: size,
            direction: Direction::Backward,
            after: None,
            before: None,
        };
        loop {
            let page = page_in_memory("id", rows, |r| *r, &request).unwrap();
            let mut chunk: Vec<i64> = page.items.iter().map(|(_, r)| *r).collect();
            chunk.extend(seen);
            seen = chunk;
            if !page.has_previous {
                return seen;
            }
            request.before = page.items.first().map(|(c, _)| c.clone());
        }
    }

    proptest! {
        #[test]
        fn cursors_round_trip(id in any::<i64>(), text in ".{0,30}") {
            let cursor = Cursor { ordering: "name".into(), keys: vec![CursorValue::Text(text), CursorValue::Int(id)] };
            prop_assert_eq!(Cursor::decode("after", &cursor.encode()).unwrap(), cursor);
        }

        /// A distance cursor keeps its value to the bit: one ulp off and the keyset `WHERE` would
        /// show its row again, or skip the next one.
        #[test]
        fn float_cursors_round_trip_exactly(bits in any::<u64>()) {
            let value = f64::from_bits(bits);
            prop_assume!(value.is_finite());
            let cursor = Cursor { ordering: "distance".into(), keys: vec![CursorValue::Float(value)] };
            let back = Cursor::decode("after", &cursor.encode()).unwrap();
            let CursorValue::Float(read) = back.keys[0] else { panic!("{back:?}") };
            prop_assert_eq!(read.to_bits(), value.to_bits());
        }

        #[test]
        fn garbage_is_never_a_cursor_panic(s in ".{0,40}") {
            let _ = Cursor::decode("after", &s);
        }

        #[test]
        fn paging_visits_every_row_once_both_ways(mut ids in proptest::collection::btree_set(0i64..1000, 0..60), size in 1u64..10) {
            let rows: Vec<i64> = std::mem::take(&mut ids).into_iter().collect();
            prop_assert_eq!(walk_forward(&rows, size), rows.clone());
            prop_assert_eq!(walk_backward(&rows, size), rows);
        }
    }
}
