//! Hostile spreadsheets: each bomb is refused within limits with an error naming what was
//! exceeded, nothing is published, and the next request is served.

use std::io::Write;

use base64::Engine;
use entity::open_resource;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use skillgraph::{
    auth::Role,
    domain::{kernel::import::Format, training::resources::import},
};
use zip::write::SimpleFileOptions;

use crate::helpers::{TestApp, first_code, who};

const IMPORT: &str = "mutation($f: ImportFormat!, $c: String!) { importResourceList(input: {format: $f, contentBase64: $c}) { id } }";

/// An XLSX workbook of the given sheets (their `<sheetData>` content) and shared strings.
fn workbook(sheets: &[String], shared: Option<&str>) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        let mut put = |name: &str, body: &[u8]| {
            zip.start_file(name, options).expect("entry");
            zip.write_all(body).expect("write");
        };
        let overrides: String = (1..=sheets.len())
            .map(|i| format!("<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"))
            .collect();
        put(
            "[Content_Types].xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>{overrides}</Types>").as_bytes(),
        );
        put(
            "_rels/.rels",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
        );
        let entries: String = (1..=sheets.len())
            .map(|i| format!("<sheet name=\"S{i}\" sheetId=\"{i}\" r:id=\"rId{i}\"/>"))
            .collect();
        put(
            "xl/workbook.xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>{entries}</sheets></workbook>").as_bytes(),
        );
        let mut rels: String = (1..=sheets.len())
            .map(|i| format!("<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"))
            .collect();
        if shared.is_some() {
            rels.push_str("<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>");
        }
        put(
            "xl/_rels/workbook.xml.rels",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>").as_bytes(),
        );
        if let Some(strings) = shared {
            put(
                "xl/sharedStrings.xml",
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">{strings}</sst>").as_bytes(),
            );
        }
        for (i, data) in sheets.iter().enumerate() {
            put(
                &format!("xl/worksheets/sheet{}.xml", i + 1),
                format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{data}</sheetData></worksheet>").as_bytes(),
            );
        }
        zip.finish().expect("finish");
    }
    out.into_inner()
}

fn inline(reference: &str, text: &str) -> String {
    format!("<c r=\"{reference}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

/// Sends a file through `importResourceList` and checks the refusal names `limit`, publishes
/// nothing, and leaves the server serving.
async fn refused(app: &TestApp, format: &str, bytes: &[u8], limit: &str) {
    let college = who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("丹阳中等专业学校").await),
    );
    let before = open_resource::Entity::find()
        .count(&app.db.db)
        .await
        .expect("count");
    let started = std::time::Instant::now();
    let response = app
        .query_as(
            &college,
            IMPORT,
            json!({ "f": format, "c": base64::engine::general_purpose::STANDARD.encode(bytes) }),
        )
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{limit}: refused within limits"
    );
    assert_eq!(
        first_code(&response),
        "BAD_USER_INPUT",
        "{limit}: {response}"
    );
    let message = response["errors"][0]["message"].as_str().expect("message");
    assert!(message.contains(limit), "{limit}: {message}");
    assert_eq!(
        open_resource::Entity::find()
            .count(&app.db.db)
            .await
            .expect("count"),
        before,
        "{limit}: nothing published"
    );
    // The next request is served.
    let next = app.data("{ alliances { totalCount } }").await;
    assert!(next["alliances"]["totalCount"].as_u64().expect("n") > 0);
}

#[tokio::test]
async fn an_xlsx_with_a_far_sparse_cell_is_refused_without_allocating_the_range() {
    let app = TestApp::demo().await;
    // The 1,590-byte file of the issue: A1 and XFD1048576.
    let bomb = workbook(
        &[format!(
            "<row r=\"1\">{}</row><row r=\"1048576\">{}</row>",
            inline("A1", "x"),
            inline("XFD1048576", "y")
        )],
        None,
    );
    assert!(bomb.len() < 4096, "a small file: {}", bomb.len());
    refused(&app, "XLSX", &bomb, "rows an import reads").await;
    // Far to the right only.
    let wide = workbook(
        &[format!("<row r=\"1\">{}</row>", inline("XFD1", "y"))],
        None,
    );
    refused(&app, "XLSX", &wide, "columns an import reads").await;
}

#[tokio::test]
async fn a_deflate_bomb_is_measured_as_it_unpacks() {
    let app = TestApp::demo().await;
    let padding = " ".repeat(64 * 1024 * 1024);
    let bomb = workbook(
        &[format!("<row r=\"1\">{}</row>{padding}", inline("A1", "x"))],
        None,
    );
    assert!(bomb.len() < 1024 * 1024, "compressed small: {}", bomb.len());
    refused(&app, "XLSX", &bomb, "unpacks to more than").await;
}

#[tokio::test]
async fn thousands_of_sheets_are_refused() {
    let app = TestApp::demo().await;
    let sheets: Vec<String> = (0..3000).map(|_| String::new()).collect();
    let bomb = workbook(&sheets, None);
    refused(&app, "XLSX", &bomb, "parts, more than").await;
}

#[tokio::test]
async fn huge_shared_strings_are_refused() {
    let app = TestApp::demo().await;
    // One string larger than the whole archive may unpack to.
    let huge = format!("<si><t>{}</t></si>", "字".repeat(12 * 1024 * 1024));
    let bomb = workbook(
        &["<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>".to_owned()],
        Some(&huge),
    );
    refused(&app, "XLSX", &bomb, "unpacks to more than").await;
    // Smaller, but one cell past the size of a cell.
    let big = format!("<si><t>{}</t></si>", "a".repeat(64 * 1024));
    let cell = workbook(
        &["<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>".to_owned()],
        Some(&big),
    );
    refused(&app, "XLSX", &cell, "bytes a cell may have").await;
}

#[tokio::test]
async fn a_csv_with_a_million_columns_is_refused() {
    let app = TestApp::demo().await;
    let wide = ",".repeat(1_000_000);
    refused(&app, "CSV", wide.as_bytes(), "columns an import reads").await;
}

#[test]
fn a_hundred_megabyte_csv_line_is_refused_before_it_is_read() {
    let line = vec![b'a'; 100 * 1024 * 1024];
    let errors = import::parse(Format::Csv, &line).expect_err("refused");
    assert!(
        errors[0].message.contains("MiB an import reads"),
        "{}",
        errors[0].message
    );
    // A long line under the file size is still refused by the size of a cell.
    let long = vec![b'a'; 1024 * 1024];
    let errors = import::parse(Format::Csv, &long).expect_err("refused");
    assert!(
        errors[0].message.contains("bytes a cell may have"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_limits_are_what_the_messages_say() {
    let limits = import::limits();
    assert_eq!(limits.columns, 64);
    assert!(limits.rows > skillgraph::domain::training::resources::MAX_ITEMS);
    // A well-formed file within the limits reaches the row checks (here: missing columns).
    let fine = "kind,title\nCOURSE,x\n";
    let errors = import::parse(Format::Csv, fine.as_bytes()).expect_err("missing columns");
    assert!(
        errors
            .iter()
            .all(|e| !e.message.contains("an import reads"))
    );
}
