//! The finance export of claim lines (CSV or XLSX), safe to open in a spreadsheet.

use super::*;

/// Fen as yuan with two decimals (`123456` → `1234.56`), for people and the finance system.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

/// The columns of an export, one row per claim line.
pub const EXPORT_COLUMNS: [&str; 13] = [
    "claim",
    "line",
    "provider",
    "cohort",
    "learner",
    "occupation",
    "level",
    "evidence",
    "amount_fen",
    "amount_yuan",
    "status",
    "payment_reference",
    "paid_at",
];

/// The claim lines the caller may see (narrowed by `filter`), as rows of [`EXPORT_COLUMNS`] for
/// the finance system: the learner by global ID and masked name, never more of the person.
pub async fn export_rows(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ClaimFilter,
) -> AppResult<Vec<Vec<String>>> {
    let scope = policy::claim_scope(&caller.viewer)?;
    let claims = select(scope, filter)
        .order_by_asc(subsidy_claim::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = claims.iter().map(|c| c.id).collect();
    let mut lines = lines_by_claim(db, &ids).await?;
    let providers = crate::domain::network::organizations::by_ids(
        db,
        &claims.iter().map(|c| c.provider_id).collect::<Vec<_>>(),
    )
    .await?;
    let cohorts = crate::domain::training::cohorts::by_ids(
        db,
        &claims.iter().map(|c| c.cohort_id).collect::<Vec<_>>(),
    )
    .await?;
    let learner_ids: Vec<i32> = lines.values().flatten().map(|l| l.learner_id).collect();
    let learners = crate::domain::people::learners::by_ids(db, &learner_ids).await?;
    let mut rows = Vec::new();
    for claim in &claims {
        for line in lines.remove(&claim.id).unwrap_or_default() {
            rows.push(vec![
                NodeKey::SubsidyClaim(claim.id).to_id().0,
                NodeKey::ClaimLine(line.id).to_id().0,
                providers
                    .get(&claim.provider_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                cohorts
                    .get(&claim.cohort_id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                format!(
                    "{} {}",
                    NodeKey::Learner(line.learner_id).to_id().0,
                    learners
                        .get(&line.learner_id)
                        .map(|l| l.name_masked.as_str())
                        .unwrap_or_default()
                ),
                line.occupation_code.clone(),
                crate::domain::kernel::import::level_name(line.level).to_owned(),
                line.evidence.to_value(),
                line.amount_fen.to_string(),
                yuan(line.amount_fen),
                line.status.to_value(),
                line.payment_reference.clone().unwrap_or_default(),
                line.paid_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            ]);
        }
    }
    Ok(rows)
}

/// An export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// UTF-8 CSV with a byte-order mark (so spreadsheet programs read the Chinese right).
    Csv,
    /// An Excel workbook of one sheet.
    Xlsx,
}

/// Writes export rows under their header in `format`.
/// A CSV cell a spreadsheet reads as text: one that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be taken for a formula (a provider's cohort name turned into
/// `=HYPERLINK(...)` in the bureau's workbook), so it is written behind an apostrophe, which
/// spreadsheets show as text and do not evaluate. (The XLSX export writes text cells as strings,
/// which are never evaluated.)
pub fn spreadsheet_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The export's bytes: a CSV with a byte-order mark (cells that would read as formulas written
/// as text, see [`spreadsheet_text`]), or an XLSX workbook with the fen as numbers.
pub fn write_export(format: ExportFormat, rows: &[Vec<String>]) -> AppResult<Vec<u8>> {
    match format {
        ExportFormat::Csv => {
            let mut out = "\u{feff}".as_bytes().to_vec();
            {
                let mut writer = csv::Writer::from_writer(&mut out);
                writer
                    .write_record(EXPORT_COLUMNS)
                    .map_err(AppError::internal)?;
                for row in rows {
                    let cells: Vec<_> = row.iter().map(|cell| spreadsheet_text(cell)).collect();
                    writer
                        .write_record(cells.iter().map(|cell| cell.as_bytes()))
                        .map_err(AppError::internal)?;
                }
                writer.flush().map_err(AppError::internal)?;
            }
            Ok(out)
        }
        ExportFormat::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name("claims").map_err(AppError::internal)?;
            for (c, name) in EXPORT_COLUMNS.iter().enumerate() {
                sheet
                    .write_string(0, c as u16, *name)
                    .map_err(AppError::internal)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let at = (r as u32 + 1, c as u16);
                    // The amount in fen as a number the finance system sums; the rest as text.
                    if EXPORT_COLUMNS[c] == "amount_fen"
                        && let Ok(fen) = cell.parse::<i64>()
                    {
                        sheet
                            .write_number(at.0, at.1, fen as f64)
                            .map_err(AppError::internal)?;
                    } else {
                        sheet
                            .write_string(at.0, at.1, cell)
                            .map_err(AppError::internal)?;
                    }
                }
            }
            book.save_to_buffer().map_err(AppError::internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_would_be_a_formula_is_exported_as_text() {
        let mut row: Vec<String> = vec![String::new(); EXPORT_COLUMNS.len()];
        let hostile = [
            "=HYPERLINK(\"http://x\",\"点此\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tcmd",
            "\rcmd",
        ];
        let mut rows = Vec::new();
        for h in hostile {
            row[0] = h.to_owned();
            row[1] = "眼镜验光学徒班".to_owned();
            rows.push(row.clone());
        }
        let bytes = write_export(ExportFormat::Csv, &rows).expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let read: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(read.len(), hostile.len());
        for (record, h) in read.iter().zip(hostile) {
            assert_eq!(&record[0], format!("'{h}"), "written as text");
            assert_eq!(
                &record[1], "眼镜验光学徒班",
                "an ordinary cell is as it was"
            );
        }
    }

    #[test]
    fn fen_read_as_yuan_exactly() {
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(123_456), "1234.56");
        assert_eq!(yuan(-250), "-2.50");
    }
}
