//! The spreadsheet reader every import uses (open-resource lists, the register of organizations,
//! attendance and online hours): CSV or XLSX, headers in Chinese or English, within [`Limits`]
//! that refuse a hostile file whole; every bad row is named with its row number (the header is
//! row 1) and column.

use std::{collections::HashMap, io::Cursor};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use entity::SkillLevel;

/// The formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, UTF-8 (a byte-order mark is allowed).
    Csv,
    /// An Excel workbook; its first sheet is read.
    Xlsx,
}

impl Format {
    /// The format a file name implies.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// One problem with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The spreadsheet row, counting the header as row 1 (0 for the file as a whole).
    pub row: usize,
    /// The column, as the file names it (empty for the whole row or file).
    pub column: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, self.column.as_str()) {
            (0, _) => write!(f, "{}", self.message),
            (row, "") => write!(f, "row {row}: {}", self.message),
            (row, column) => write!(f, "row {row}, {column}: {}", self.message),
        }
    }
}

/// What an import reads at most; past any of these the file is refused whole, naming the limit,
/// and nothing is published. An XLSX workbook is a ZIP archive, so its entries are measured as
/// they decompress (never trusting the sizes it declares) before anything is parsed, and its
/// first sheet is streamed cell by cell: no structure is ever sized by the farthest cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file itself, in bytes.
    pub file_bytes: usize,
    /// Rows, the header included.
    pub rows: usize,
    /// Columns.
    pub columns: usize,
    /// Non-empty cells.
    pub cells: usize,
    /// One cell's text, in bytes.
    pub cell_bytes: usize,
    /// Entries of the XLSX archive.
    pub archive_entries: usize,
    /// Uncompressed bytes of the whole XLSX archive.
    pub uncompressed_bytes: u64,
    /// Worksheets of the workbook.
    pub sheets: usize,
    /// How long reading may take.
    pub time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_bytes: 4 * 1024 * 1024,
            rows: 601,
            columns: 64,
            cells: 64 * 1024,
            cell_bytes: 4 * 1024,
            archive_entries: 200,
            uncompressed_bytes: 32 * 1024 * 1024,
            sheets: 32,
            time: std::time::Duration::from_secs(5),
        }
    }
}

fn whole(message: String) -> RowError {
    RowError {
        row: 0,
        column: String::new(),
        message,
    }
}

/// A table being filled within the limits.
struct Table<'a> {
    limits: &'a Limits,
    rows: Vec<Vec<String>>,
    cells: usize,
    started: std::time::Instant,
}

impl<'a> Table<'a> {
    fn new(limits: &'a Limits) -> Self {
        Self {
            limits,
            rows: Vec::new(),
            cells: 0,
            started: std::time::Instant::now(),
        }
    }

    fn in_time(&self) -> Result<(), RowError> {
        if self.started.elapsed() > self.limits.time {
            return Err(whole(format!(
                "reading the file took longer than the {} s an import may take",
                self.limits.time.as_secs()
            )));
        }
        Ok(())
    }

    /// Puts a cell at (row, column), both from 0.
    fn put(&mut self, row: usize, column: usize, text: String) -> Result<(), RowError> {
        let l = self.limits;
        if row >= l.rows {
            return Err(whole(format!(
                "the sheet has a row {}, beyond the {} rows an import reads",
                row + 1,
                l.rows
            )));
        }
        if column >= l.columns {
            return Err(whole(format!(
                "row {} has a column {}, beyond the {} columns an import reads",
                row + 1,
                column + 1,
                l.columns
            )));
        }
        if text.len() > l.cell_bytes {
            return Err(whole(format!(
                "row {}, column {} holds more than the {} bytes a cell may have",
                row + 1,
                column + 1,
                l.cell_bytes
            )));
        }
        if text.is_empty() {
            return Ok(());
        }
        self.cells += 1;
        if self.cells > l.cells {
            return Err(whole(format!(
                "the sheet has more than the {} cells an import reads",
                l.cells
            )));
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text;
        Ok(())
    }
}

/// Measures every entry of a ZIP archive as it decompresses, refusing a bomb before it is parsed.
fn check_archive(bytes: &[u8], limits: &Limits, table: &Table<'_>) -> Result<(), RowError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| whole(format!("not an XLSX workbook: {e}")))?;
    if archive.len() > limits.archive_entries {
        return Err(whole(format!(
            "the workbook has {} parts, more than the {} an import reads",
            archive.len(),
            limits.archive_entries
        )));
    }
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| whole(format!("not an XLSX workbook: {e}")))?;
        loop {
            table.in_time()?;
            let n = std::io::Read::read(&mut entry, &mut buffer)
                .map_err(|e| whole(format!("not an XLSX workbook: {e}")))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limits.uncompressed_bytes {
                return Err(whole(format!(
                    "the workbook unpacks to more than the {} MiB an import reads",
                    limits.uncompressed_bytes / (1024 * 1024)
                )));
            }
        }
    }
    Ok(())
}

/// Reads rows of text cells from a file, within `limits`.
pub(crate) fn read_table(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Vec<String>>, RowError> {
    if bytes.len() > limits.file_bytes {
        return Err(whole(format!(
            "the file has more than the {} MiB an import reads",
            limits.file_bytes / (1024 * 1024)
        )));
    }
    let mut table = Table::new(limits);
    match format {
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes);
            let mut record = csv::StringRecord::new();
            let mut row = 0;
            loop {
                table.in_time()?;
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {}
                    Err(e) => return Err(whole(format!("not a CSV file: {e}"))),
                }
                for (column, field) in record.iter().enumerate() {
                    table.put(row, column, field.to_owned())?;
                }
                if table.rows.len() <= row {
                    table.rows.resize_with(row + 1, Vec::new);
                }
                row += 1;
            }
        }
        Format::Xlsx => {
            check_archive(bytes, limits, &table)?;
            let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
                .map_err(|e| whole(format!("not an XLSX workbook: {e}")))?;
            let names = workbook.sheet_names();
            if names.len() > limits.sheets {
                return Err(whole(format!(
                    "the workbook has {} sheets, more than the {} an import reads",
                    names.len(),
                    limits.sheets
                )));
            }
            let first = names
                .first()
                .cloned()
                .ok_or_else(|| whole("the workbook has no sheet".to_owned()))?;
            let mut cells = workbook
                .worksheet_cells_reader(&first)
                .map_err(|e| whole(format!("the first sheet cannot be read: {e}")))?;
            while let Some(cell) = cells
                .next_cell()
                .map_err(|e| whole(format!("the first sheet cannot be read: {e}")))?
            {
                table.in_time()?;
                let (row, column) = cell.get_position();
                let value: Data = cell.get_value().clone().into();
                table.put(row as usize, column as usize, cell_text(&value))?;
            }
        }
    }
    Ok(table.rows)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.date().to_string())
            .unwrap_or_default(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A skill level by its API name or its Chinese name.
pub fn parse_level(s: &str) -> Option<SkillLevel> {
    Some(match s {
        "APPRENTICE" | "学徒工" => SkillLevel::Apprentice,
        "LEVEL_5" | "初级工" | "五级" => SkillLevel::Level5,
        "LEVEL_4" | "中级工" | "四级" => SkillLevel::Level4,
        "LEVEL_3" | "高级工" | "三级" => SkillLevel::Level3,
        "LEVEL_2" | "技师" | "二级" => SkillLevel::Level2,
        "LEVEL_1" | "高级技师" | "一级" => SkillLevel::Level1,
        "SPECIAL_TECHNICIAN" | "特级技师" => SkillLevel::SpecialTechnician,
        "CHIEF_TECHNICIAN" | "首席技师" => SkillLevel::ChiefTechnician,
        _ => return None,
    })
}

/// A skill level's API name (`LEVEL_4`), as [`parse_level`] reads it.
pub fn level_name(level: SkillLevel) -> &'static str {
    match level {
        SkillLevel::Apprentice => "APPRENTICE",
        SkillLevel::Level5 => "LEVEL_5",
        SkillLevel::Level4 => "LEVEL_4",
        SkillLevel::Level3 => "LEVEL_3",
        SkillLevel::Level2 => "LEVEL_2",
        SkillLevel::Level1 => "LEVEL_1",
        SkillLevel::SpecialTechnician => "SPECIAL_TECHNICIAN",
        SkillLevel::ChiefTechnician => "CHIEF_TECHNICIAN",
    }
}

pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" => Some(true),
        "false" | "no" | "n" | "0" | "否" | "" => Some(false),
        _ => None,
    }
}

pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y.%m.%d"))
        .ok()
}

/// Why an import published nothing.
#[derive(Debug)]
pub enum ImportError {
    /// Rows are bad; every one is named.
    Rows(Vec<RowError>),
    /// Anything else (not allowed, a database failure).
    App(crate::error::AppError),
}

/// The columns of a sheet read by header: each field of `headers` at the position of the first
/// header naming it (any of its names, in any case; a byte-order mark ignored).
pub(crate) struct Columns {
    found: HashMap<&'static str, (usize, String)>,
}

impl Columns {
    /// Maps `header` (row 1) onto `headers`; a missing `required` field refuses the file.
    pub(crate) fn read(
        header: &[String],
        headers: &[(&'static str, &[&str])],
        required: &[&str],
    ) -> Result<Self, RowError> {
        let mut found = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let h = name.trim().trim_start_matches('\u{feff}').to_lowercase();
            if let Some((field, _)) = headers
                .iter()
                .find(|(_, names)| names.iter().any(|n| n.to_lowercase() == h))
            {
                found.entry(*field).or_insert((i, name.trim().to_owned()));
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|f| !found.contains_key(f))
            .collect();
        if missing.is_empty() {
            Ok(Self { found })
        } else {
            Err(RowError {
                row: 1,
                column: String::new(),
                message: format!("missing columns: {}", missing.join(", ")),
            })
        }
    }

    /// The trimmed cell of `field` in `cells` (empty when the sheet has no such column).
    pub(crate) fn get(&self, cells: &[String], field: &str) -> String {
        self.found
            .get(field)
            .and_then(|(i, _)| cells.get(*i))
            .map(|c| c.trim().to_owned())
            .unwrap_or_default()
    }

    /// A problem with `field` in spreadsheet row `row`, named by the file's own header.
    pub(crate) fn error(&self, row: usize, field: &str, message: impl Into<String>) -> RowError {
        RowError {
            row,
            column: self
                .found
                .get(field)
                .map(|c| c.1.clone())
                .unwrap_or_else(|| field.to_owned()),
            message: message.into(),
        }
    }
}

/// Reads a file off the async runtime within `limits`: its header and its non-blank rows, each
/// with its spreadsheet row number (the header is row 1).
pub(crate) async fn read_rows(
    format: Format,
    bytes: Vec<u8>,
    limits: Limits,
) -> Result<(Vec<String>, Vec<(usize, Vec<String>)>), ImportError> {
    let table = tokio::task::spawn_blocking(move || read_table(format, &bytes, &limits))
        .await
        .map_err(|e| ImportError::App(crate::error::AppError::internal(e)))?
        .map_err(|e| ImportError::Rows(vec![e]))?;
    let mut rows = table.into_iter();
    let Some(header) = rows.next() else {
        return Err(ImportError::Rows(vec![whole(
            "the file is empty".to_owned(),
        )]));
    };
    Ok((
        header,
        rows.enumerate()
            .filter(|(_, cells)| !cells.iter().all(|c| c.trim().is_empty()))
            .map(|(i, cells)| (i + 2, cells))
            .collect(),
    ))
}
