//! Attendance and online study time imported from a provider's or a platform's export: every
//! row matched to an enrolled learner by national ID number (or name), every bad row named, and
//! nothing written while any row is bad.

use super::*;

/// The ENROLLED learners of a cohort, by the key an import row finds them with.
type People = HashMap<String, (enrollment::Model, learner::Model)>;

/// The cohort's enrolments by the person, for reading a sheet by real name: each learner's ID
/// number fingerprints (under every key of the ring) mapped to the enrolment and the learner.
async fn by_person(db: &DatabaseConnection, cohort_id: i32) -> AppResult<People> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::CohortId.eq(cohort_id))
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Enrolled))
        .all(db)
        .await?;
    let mut people = crate::domain::people::learners::by_ids(
        db,
        &rows.iter().map(|e| e.learner_id).collect::<Vec<_>>(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|e| {
            people
                .remove(&e.learner_id)
                .map(|l| (l.national_id_hash.clone(), (e, l)))
        })
        .collect())
}

/// Reads a person off a sheet row by real name: the ID number and the name must both match an
/// ENROLLED learner of the cohort.
fn person<'a>(
    key: &PersonalDataKey,
    people: &'a HashMap<String, (enrollment::Model, learner::Model)>,
    columns: &Columns,
    row: usize,
    cells: &[String],
    errors: &mut Vec<RowError>,
) -> Option<&'a (enrollment::Model, learner::Model)> {
    let id = match NationalId::parse("nationalId", &columns.get(cells, "nationalId")) {
        Ok(id) => id,
        Err(e) => {
            errors.push(columns.error(row, "nationalId", e.to_string()));
            return None;
        }
    };
    let Some(found) = key.fingerprints(&id).iter().find_map(|f| people.get(f)) else {
        errors.push(columns.error(
            row,
            "nationalId",
            "no ENROLLED learner of this cohort has this ID number",
        ));
        return None;
    };
    if !key.name_matches(&found.1, &columns.get(cells, "name")) {
        errors.push(columns.error(
            row,
            "name",
            "the name does not match the record of this ID number",
        ));
        return None;
    }
    Some(found)
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .or_else(|| {
            // A spreadsheet's date serial (days since 1899-12-30).
            let serial: f64 = text.parse().ok()?;
            NaiveDate::from_ymd_opt(1899, 12, 30)?
                .checked_add_days(chrono::Days::new(serial.trunc() as u64))
        })
}

fn limits() -> Limits {
    Limits {
        rows: MAX_IMPORT_ROWS + 1,
        cells: (MAX_IMPORT_ROWS + 1) * 5,
        ..Limits::default()
    }
}

const ATTENDANCE_HEADERS: &[(&str, &[&str])] = &[
    ("day", &["day", "date", "日期", "上课日期", "签到日期"]),
    (
        "nationalId",
        &[
            "nationalId",
            "national_id",
            "身份证号",
            "身份证号码",
            "证件号码",
        ],
    ),
    ("name", &["name", "姓名"]),
    ("signedInAt", &["signedInAt", "signed_in_at", "签到时间"]),
];

/// What an attendance import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportedAttendance {
    /// Rows read.
    pub rows: usize,
    /// Attendances newly recorded (a row recorded already is kept as it was).
    pub recorded: u64,
}

/// Imports the provider's attendance export for a cohort (CSV or XLSX; headers 日期, 身份证号,
/// 姓名, 签到时间 or day, nationalId, name, signedInAt): each row a learner on a class day, by
/// real name (the ID number and the name must match an ENROLLED learner). Any bad row imports
/// nothing, and every bad row is named with its row and column.
pub async fn import_attendance(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    cohort_id: i32,
    format: Format,
    bytes: Vec<u8>,
) -> Result<ImportedAttendance, ImportError> {
    let found = provider_cohort(db, caller, cohort_id)
        .await
        .map_err(ImportError::App)?;
    attending(&found, "input.cohort").map_err(ImportError::App)?;
    let (header, rows) = read_rows(format, bytes, limits()).await?;
    let columns = Columns::read(&header, ATTENDANCE_HEADERS, &["day", "nationalId", "name"])
        .map_err(|e| ImportError::Rows(vec![e]))?;
    let app = ImportError::App;
    let days: HashMap<NaiveDate, class_day::Model> = class_day::Entity::find()
        .filter(class_day::Column::CohortId.eq(found.id))
        .all(db)
        .await
        .map_err(|e| app(e.into()))?
        .into_iter()
        .map(|d| (d.day, d))
        .collect();
    let people = by_person(db, found.id).await.map_err(app)?;
    let today = Utc::now().date_naive();
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    let mut seen: HashMap<(NaiveDate, i32), usize> = HashMap::new();
    for (row, cells) in &rows {
        let row = *row;
        let day = class_day(&columns, row, cells, &days, today, &mut errors);
        let signed_in_at = signed_in_at(&columns, row, cells, day, &mut errors);
        let who = person(key, &people, &columns, row, cells, &mut errors);
        if let (Some(day), Some((e, l))) = (day, who) {
            if let Some(first) = seen.insert((day.day, e.id), row) {
                errors.push(columns.error(
                    row,
                    "nationalId",
                    format!("the same learner and day as row {first}"),
                ));
                continue;
            }
            parsed.push(attendance::ActiveModel {
                class_day_id: Set(day.id),
                enrollment_id: Set(e.id),
                learner_id: Set(l.id),
                day: Set(day.day),
                signed_in_at: Set(signed_in_at),
                source: Set(AttendanceSource::Imported),
                recorded_at: Set(Utc::now()),
                ..Default::default()
            });
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    if parsed.is_empty() {
        return Err(ImportError::Rows(vec![RowError {
            row: 0,
            column: String::new(),
            message: "the file has no rows".to_owned(),
        }]));
    }
    let recorded = write_attendance(db, caller, &found, &people, parsed, rows.len())
        .await
        .map_err(app)?;
    Ok(ImportedAttendance {
        rows: rows.len(),
        recorded,
    })
}

/// The class day a row names: a day of the cohort's timetable that has come.
fn class_day<'a>(
    columns: &Columns,
    row: usize,
    cells: &[String],
    days: &'a HashMap<NaiveDate, class_day::Model>,
    today: NaiveDate,
    errors: &mut Vec<RowError>,
) -> Option<&'a class_day::Model> {
    match parse_day(&columns.get(cells, "day")) {
        Some(d) if d > today => {
            errors.push(columns.error(row, "day", "a day that has not come"));
            None
        }
        Some(d) => match days.get(&d) {
            Some(class) => Some(class),
            None => {
                errors.push(columns.error(
                    row,
                    "day",
                    format!("{d} is not a class day of the cohort"),
                ));
                None
            }
        },
        None => {
            errors.push(columns.error(row, "day", "a date, YYYY-MM-DD"));
            None
        }
    }
}

/// When the learner signed in, if the row says (HH:MM or HH:MM:SS on the class day).
fn signed_in_at(
    columns: &Columns,
    row: usize,
    cells: &[String],
    day: Option<&class_day::Model>,
    errors: &mut Vec<RowError>,
) -> Option<chrono::DateTime<Utc>> {
    let signed = columns.get(cells, "signedInAt");
    if signed.is_empty() {
        None
    } else {
        match NaiveTime::parse_from_str(&signed, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&signed, "%H:%M:%S"))
        {
            Ok(t) => day.map(|d| Utc.from_utc_datetime(&d.day.and_time(t))),
            Err(_) => {
                errors.push(columns.error(row, "signedInAt", "a time, HH:MM"));
                None
            }
        }
    }
}

/// The parsed attendances in one transaction (a row recorded already is kept as it was), with
/// the audit event; returns how many were new.
async fn write_attendance(
    db: &DatabaseConnection,
    caller: &Caller,
    found: &cohort::Model,
    people: &People,
    parsed: Vec<attendance::ActiveModel>,
    rows: usize,
) -> AppResult<u64> {
    let txn = begin_write(db).await?;
    let before = attendance::Entity::find()
        .filter(attendance::Column::EnrollmentId.is_in(people.values().map(|(e, _)| e.id)))
        .count(&txn)
        .await?;
    attendance::Entity::insert_many(parsed)
        .on_conflict_do_nothing_on([
            attendance::Column::ClassDayId,
            attendance::Column::EnrollmentId,
        ])
        .exec(&txn)
        .await?;
    let after = attendance::Entity::find()
        .filter(attendance::Column::EnrollmentId.is_in(people.values().map(|(e, _)| e.id)))
        .count(&txn)
        .await?;
    audit::record(
        &txn,
        caller,
        audit::Entry {
            action: "importAttendance",
            target_type: "Cohort",
            target_id: NodeKey::Cohort(found.id).to_id().0,
            region_id: region_of(&txn, found.alliance_id).await?,
            changes: Some(json!({ "rows": rows, "recorded": after - before })),
        },
    )
    .await?;
    txn.commit().await?;
    AppResult::Ok(after - before)
}

const ONLINE_HEADERS: &[(&str, &[&str])] = &[
    ("day", &["day", "date", "日期", "学习日期"]),
    (
        "nationalId",
        &[
            "nationalId",
            "national_id",
            "身份证号",
            "身份证号码",
            "证件号码",
        ],
    ),
    ("name", &["name", "姓名"]),
    (
        "minutes",
        &["minutes", "分钟", "学习时长（分钟）", "学时（分钟）"],
    ),
];

/// Imports an online-course platform's study times for a cohort (CSV or XLSX; headers 日期,
/// 身份证号, 姓名, 分钟 or day, nationalId, name, minutes; 1 to 1,440 minutes a day), by real
/// name like attendance. A day imported again from the same platform takes the new figure. Any
/// bad row imports nothing. Returns the rows written.
pub async fn import_online_hours(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    cohort_id: i32,
    platform: &str,
    format: Format,
    bytes: Vec<u8>,
) -> Result<usize, ImportError> {
    let found = provider_cohort(db, caller, cohort_id)
        .await
        .map_err(ImportError::App)?;
    let (header, rows) = read_rows(format, bytes, limits()).await?;
    let columns = Columns::read(
        &header,
        ONLINE_HEADERS,
        &["day", "nationalId", "name", "minutes"],
    )
    .map_err(|e| ImportError::Rows(vec![e]))?;
    let people = by_person(db, found.id).await.map_err(ImportError::App)?;
    let today = Utc::now().date_naive();
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    let mut seen: HashMap<(NaiveDate, i32), usize> = HashMap::new();
    for (row, cells) in &rows {
        let row = *row;
        let day = match parse_day(&columns.get(cells, "day")) {
            Some(d) if d < found.start_on || d > found.end_on || d > today => {
                errors.push(columns.error(row, "day", "outside the cohort's dates, or to come"));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.push(columns.error(row, "day", "a date, YYYY-MM-DD"));
                None
            }
        };
        let minutes = match columns.get(cells, "minutes").parse::<i32>() {
            Ok(m @ 1..=1440) => Some(m),
            _ => {
                errors.push(columns.error(row, "minutes", "whole minutes, 1 to 1440"));
                None
            }
        };
        let who = person(key, &people, &columns, row, cells, &mut errors);
        if let (Some(day), Some(minutes), Some((e, l))) = (day, minutes, who) {
            if let Some(first) = seen.insert((day, e.id), row) {
                errors.push(columns.error(
                    row,
                    "nationalId",
                    format!("the same learner and day as row {first}"),
                ));
                continue;
            }
            parsed.push(online_hours::ActiveModel {
                enrollment_id: Set(e.id),
                learner_id: Set(l.id),
                platform: Set(platform.to_owned()),
                day: Set(day),
                minutes: Set(minutes),
                imported_at: Set(Utc::now()),
                ..Default::default()
            });
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let count = parsed.len();
    if count == 0 {
        return Err(ImportError::Rows(vec![RowError {
            row: 0,
            column: String::new(),
            message: "the file has no rows".to_owned(),
        }]));
    }
    let write = async {
        let txn = begin_write(db).await?;
        online_hours::Entity::insert_many(parsed)
            .on_conflict(
                OnConflict::columns([
                    online_hours::Column::EnrollmentId,
                    online_hours::Column::Platform,
                    online_hours::Column::Day,
                ])
                .update_columns([
                    online_hours::Column::Minutes,
                    online_hours::Column::ImportedAt,
                ])
                .to_owned(),
            )
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            caller,
            audit::Entry {
                action: "importOnlineHours",
                target_type: "Cohort",
                target_id: NodeKey::Cohort(found.id).to_id().0,
                region_id: region_of(&txn, found.alliance_id).await?,
                changes: Some(json!({ "platform": platform, "rows": count })),
            },
        )
        .await?;
        txn.commit().await?;
        AppResult::Ok(())
    };
    write.await.map_err(ImportError::App)?;
    Ok(count)
}
