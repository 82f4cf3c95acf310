//! Importing an open-resource list from the spreadsheets colleges keep: CSV or XLSX, headers in
//! Chinese or English, read by [`crate::domain::kernel::import`]. Every bad row is reported with
//! its row number (the header is row 1) and nothing is published while any row is bad.

use std::collections::HashMap;

use entity::{FundingMode, ResourceKind, Schedule, SkillLevel};

use super::{ItemInput, MAX_ITEMS, PublishError, Published};
use crate::domain::kernel::import::{
    Format, ImportError, Limits, RowError, parse_bool, parse_date, parse_level, read_table,
};

/// What an open-resource list's file may hold: the reader's limits, with room for
/// [`MAX_ITEMS`] items, the header and blank rows.
pub fn limits() -> Limits {
    Limits {
        rows: MAX_ITEMS + 1 + 100,
        ..Limits::default()
    }
}

/// The fields of an item and the header names that mean them.
const HEADERS: &[(&str, &[&str])] = &[
    ("kind", &["kind", "类型", "资源类型"]),
    ("title", &["title", "名称", "资源名称", "课程名称"]),
    (
        "occupations",
        &["occupations", "职业", "职业及等级", "职业（工种）"],
    ),
    ("schedule", &["schedule", "时段", "上课时段"]),
    ("seats", &["seats", "名额", "座位数"]),
    (
        "seatsTaken",
        &["seats_taken", "seatstaken", "已报名", "已占名额"],
    ),
    ("fee", &["fee", "费用", "收费", "收费（元）"]),
    (
        "fundingMode",
        &["funding_mode", "fundingmode", "资金方式", "资金来源"],
    ),
    (
        "subsidyEligible",
        &[
            "subsidy_eligible",
            "subsidyeligible",
            "可补贴",
            "是否可补贴",
        ],
    ),
    ("region", &["region", "地区", "地区代码"]),
    ("address", &["address", "地址"]),
    ("latitude", &["latitude", "纬度"]),
    ("longitude", &["longitude", "经度"]),
    ("startOn", &["start_on", "starton", "开始日期"]),
    ("endOn", &["end_on", "endon", "结束日期"]),
    ("contact", &["contact", "联系人", "联系方式"]),
];

const REQUIRED: &[&str] = &[
    "kind",
    "title",
    "occupations",
    "schedule",
    "seats",
    "fee",
    "fundingMode",
    "region",
    "address",
    "startOn",
    "contact",
];

fn field_of(header: &str) -> Option<&'static str> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    HEADERS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.to_lowercase() == h))
        .map(|(f, _)| *f)
}

fn parse_kind(s: &str) -> Option<ResourceKind> {
    Some(match s {
        "COURSE" | "课程" => ResourceKind::Course,
        "TRAINING_BASE" | "实训基地" => ResourceKind::TrainingBase,
        "TEACHER_POOL" | "师资" | "师资库" => ResourceKind::TeacherPool,
        "EQUIPMENT" | "设备" => ResourceKind::Equipment,
        "ONLINE_COURSE" | "线上课程" | "网课" => ResourceKind::OnlineCourse,
        _ => return None,
    })
}

fn parse_schedule(s: &str) -> Option<Schedule> {
    Some(match s {
        "DAYTIME" | "白天" | "日间" => Schedule::Daytime,
        "EVENING" | "晚上" | "夜校" => Schedule::Evening,
        "WEEKEND" | "周末" => Schedule::Weekend,
        "ONLINE" | "线上" => Schedule::Online,
        "FLEXIBLE" | "灵活" => Schedule::Flexible,
        _ => return None,
    })
}

fn parse_funding(s: &str) -> Option<FundingMode> {
    Some(match s {
        "GOVERNMENT_PURCHASE" | "政府购买" => FundingMode::GovernmentPurchase,
        "MARKET_COOPERATION" | "市场合作" => FundingMode::MarketCooperation,
        "PUBLIC_GOOD" | "公益共享" | "公益" => FundingMode::PublicGood,
        _ => return None,
    })
}

/// `4-14-03-03:LEVEL_4; 4-14-03-04:中级工` (`;` or `；` between pairs, `:` or `：` inside).
fn parse_occupations(s: &str) -> Option<Vec<(String, SkillLevel)>> {
    s.split([';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (code, level) = pair.split_once([':', '：'])?;
            let code = crate::domain::kernel::codes::OccupationCode::parse(code).ok()?;
            Some((code.as_str().to_owned(), parse_level(level.trim())?))
        })
        .collect()
}

/// Parses a file into items; every bad row and column is reported.
pub fn parse(format: Format, bytes: &[u8]) -> Result<Vec<ItemInput>, Vec<RowError>> {
    parse_within(format, bytes, &limits()).map(|(items, _)| items)
}

/// [`parse`] within `limits`, with the spreadsheet row of each item.
pub fn parse_within(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Vec<ItemInput>, Vec<usize>), Vec<RowError>> {
    let table = read_table(format, bytes, limits).map_err(|e| vec![e])?;
    let item_rows = rows_of(&table);
    let Some((header, rows)) = table.split_first() else {
        return Err(vec![RowError {
            row: 0,
            column: String::new(),
            message: "the file is empty".to_owned(),
        }]);
    };
    let columns = columns_of(header)?;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (offset, cells) in rows.iter().enumerate() {
        let row = offset + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if let Some(item) = parse_row(row, cells, &columns, &mut errors) {
            items.push((row, item));
        }
    }
    if errors.is_empty() {
        Ok((items.into_iter().map(|(_, item)| item).collect(), item_rows))
    } else {
        Err(errors)
    }
}

/// Where each known column is in the header, by field; a missing required column refuses the
/// file.
fn columns_of(header: &[String]) -> Result<Columns, Vec<RowError>> {
    let mut columns: HashMap<&'static str, (usize, String)> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        if let Some(field) = field_of(name) {
            columns.insert(field, (i, name.trim().to_owned()));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|f| !columns.contains_key(f))
        .collect();
    if !missing.is_empty() {
        return Err(vec![RowError {
            row: 1,
            column: String::new(),
            message: format!("missing columns: {}", missing.join(", ")),
        }]);
    }
    Ok(columns)
}

/// Each known field's column: its position and the header as the file wrote it.
type Columns = HashMap<&'static str, (usize, String)>;

/// One row into an item, or `None` with each bad cell reported in `errors`.
fn parse_row(
    row: usize,
    cells: &[String],
    columns: &Columns,
    errors: &mut Vec<RowError>,
) -> Option<ItemInput> {
    let mut bad = |field: &str, message: &str| {
        let column = columns
            .get(field)
            .map(|c| c.1.clone())
            .unwrap_or_else(|| field.to_owned());
        errors.push(RowError {
            row,
            column,
            message: message.to_owned(),
        });
    };
    let get = |field: &str| -> String {
        columns
            .get(field)
            .and_then(|(i, _)| cells.get(*i))
            .map(|c| c.trim().to_owned())
            .unwrap_or_default()
    };
    let int = |field: &str, bad: &mut dyn FnMut(&str, &str)| -> i32 {
        let text = get(field);
        if text.is_empty() && field == "seatsTaken" {
            return 0;
        }
        text.parse().unwrap_or_else(|_| {
            bad(field, "not a whole number");
            0
        })
    };
    let kind = parse_kind(&get("kind"));
    if kind.is_none() {
        bad(
            "kind",
            "not a resource kind (COURSE/课程, TRAINING_BASE/实训基地, TEACHER_POOL/师资, EQUIPMENT/设备, ONLINE_COURSE/线上课程)",
        );
    }
    let schedule = parse_schedule(&get("schedule"));
    if schedule.is_none() {
        bad(
            "schedule",
            "not a schedule (DAYTIME/白天, EVENING/夜校, WEEKEND/周末, ONLINE/线上, FLEXIBLE/灵活)",
        );
    }
    let funding = parse_funding(&get("fundingMode"));
    if funding.is_none() {
        bad(
            "fundingMode",
            "not a funding mode (GOVERNMENT_PURCHASE/政府购买, MARKET_COOPERATION/市场合作, PUBLIC_GOOD/公益共享)",
        );
    }
    let occupations = parse_occupations(&get("occupations"));
    if occupations.is_none() {
        bad(
            "occupations",
            "write code:level pairs, such as 4-14-03-03:中级工; 4-14-03-04:LEVEL_5",
        );
    }
    let eligible = parse_bool(&get("subsidyEligible"));
    if eligible.is_none() {
        bad("subsidyEligible", "yes/no, 是/否");
    }
    let start = parse_date(&get("startOn"));
    if start.is_none() {
        bad("startOn", "not a date (2026-03-01)");
    }
    let end_text = get("endOn");
    let end = if end_text.is_empty() {
        Some(None)
    } else {
        parse_date(&end_text).map(Some)
    };
    if end.is_none() {
        bad("endOn", "not a date (2026-06-30)");
    }
    let coordinate = |field: &str, bad: &mut dyn FnMut(&str, &str)| -> Option<f64> {
        let text = get(field);
        if text.is_empty() {
            return None;
        }
        text.parse().map_err(|_| bad(field, "not a number")).ok()
    };
    let lat = coordinate("latitude", &mut bad);
    let lng = coordinate("longitude", &mut bad);
    let seats = int("seats", &mut bad);
    let seats_taken = int("seatsTaken", &mut bad);
    let fee = int("fee", &mut bad);
    if let (
        Some(kind),
        Some(schedule),
        Some(funding_mode),
        Some(occupations),
        Some(subsidy_eligible),
        Some(start_on),
        Some(end_on),
    ) = (kind, schedule, funding, occupations, eligible, start, end)
    {
        return Some(ItemInput {
            kind,
            title: get("title"),
            occupations,
            schedule,
            seats,
            seats_taken,
            fee,
            funding_mode,
            subsidy_eligible,
            region: get("region"),
            address: get("address"),
            point: lat.zip(lng),
            start_on,
            end_on,
            contact: get("contact"),
        });
    }
    None
}

/// The spreadsheet row of each item of a table (blank rows are skipped).
fn rows_of(table: &[Vec<String>]) -> Vec<usize> {
    table
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, cells)| !cells.iter().all(|c| c.trim().is_empty()))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Parses a file and publishes it as the caller's new list; any bad row publishes nothing. The
/// file is read on a blocking thread, off the async runtime, within [`Limits`].
pub async fn import(
    db: &sea_orm::DatabaseConnection,
    caller: &crate::auth::Caller,
    format: Format,
    bytes: Vec<u8>,
) -> Result<Published, ImportError> {
    // Refuse callers who may not publish before reading their file.
    crate::auth::policy::may_publish_resources(&caller.viewer).map_err(ImportError::App)?;
    let limits = limits();
    let (items, rows) = tokio::task::spawn_blocking(move || parse_within(format, &bytes, &limits))
        .await
        .map_err(|e| ImportError::App(crate::error::AppError::internal(e)))?
        .map_err(ImportError::Rows)?;
    match super::publish(db, caller, items).await {
        Ok(published) => Ok(published),
        Err(PublishError::App(e)) => Err(ImportError::App(e)),
        Err(PublishError::Invalid(errors)) => Err(ImportError::Rows(
            errors
                .into_iter()
                .map(|e| RowError {
                    row: rows.get(e.item).copied().unwrap_or(0),
                    column: e.field,
                    message: e.message,
                })
                .collect(),
        )),
    }
}
