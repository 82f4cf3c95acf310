//! The register of organizations read from a bureau's spreadsheet (Huai'an keeps thousands of
//! enterprises that way): CSV or XLSX, headers in Chinese or English, through the same reader and
//! limits as open-resource lists. Every bad row is named with its row number and column, and
//! nothing is registered while any row is bad.

use std::collections::HashMap;

use entity::{OrganizationKind, organization};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::domain::{
    kernel::{
        codes::{CreditCode, RegionCode},
        import::{Columns, Format, ImportError, Limits, RowError, read_table},
        input::bounded,
    },
    network::organizations::{NewOrganization, register_in},
};
use crate::{
    auth::Caller,
    domain::network::regions::{Place, Places},
    error::AppError,
};

/// The most organizations one file registers.
pub const MAX_ROWS: usize = 5_000;

/// Columns, with the headers each may have.
const HEADERS: &[(&str, &[&str])] = &[
    ("name", &["name", "名称", "单位名称", "机构名称"]),
    ("nameEn", &["nameEn", "name_en", "英文名称"]),
    ("kind", &["kind", "类型", "机构类型"]),
    (
        "creditCode",
        &["creditCode", "credit_code", "统一社会信用代码", "信用代码"],
    ),
    ("region", &["region", "地区", "地区代码", "行政区划代码"]),
    ("address", &["address", "地址"]),
    ("website", &["website", "网址"]),
    ("description", &["description", "简介"]),
    ("contact", &["contact", "联系方式", "联系人"]),
];

const REQUIRED: &[&str] = &["name", "kind", "creditCode", "region"];

fn kind_of(text: &str) -> Option<OrganizationKind> {
    Some(match text.trim() {
        "ENTERPRISE" | "企业" => OrganizationKind::Enterprise,
        "COLLEGE" | "院校" | "学校" => OrganizationKind::College,
        "TRAINING_INSTITUTION" | "培训机构" => OrganizationKind::TrainingInstitution,
        "ASSESSMENT_BODY" | "评价机构" => OrganizationKind::AssessmentBody,
        "GOVERNMENT" | "政府" | "政府部门" => OrganizationKind::Government,
        _ => return None,
    })
}

/// The limits of a register: the resource lists' own, with room for a bureau's rows.
pub fn limits() -> Limits {
    Limits {
        rows: MAX_ROWS + 1,
        cells: (MAX_ROWS + 1) * HEADERS.len(),
        ..Limits::default()
    }
}

/// Registers every organization of a file, by the regulator of their region (the system
/// administrator anywhere), in one transaction: all or, with any bad row, none.
pub async fn import(
    db: &DatabaseConnection,
    caller: &Caller,
    format: Format,
    bytes: Vec<u8>,
) -> Result<Vec<organization::Model>, ImportError> {
    // Who may register at all is decided before the file is read.
    if let Err(e) = crate::auth::policy::may_register_organization(
        &caller.viewer,
        caller.viewer.region_id().unwrap_or_default(),
    ) {
        return Err(ImportError::App(e));
    }
    // Read off the async runtime, within the limits (a workbook is unpacked as it is measured).
    let table = tokio::task::spawn_blocking(move || read_table(format, &bytes, &limits()))
        .await
        .map_err(|e| ImportError::App(AppError::internal(e)))?
        .map_err(|e| ImportError::Rows(vec![e]))?;
    let Some((header, rows)) = table.split_first() else {
        return Err(ImportError::Rows(vec![RowError {
            row: 0,
            column: String::new(),
            message: "the file is empty".to_owned(),
        }]));
    };
    let columns =
        Columns::read(header, HEADERS, REQUIRED).map_err(|e| ImportError::Rows(vec![e]))?;
    let named = rows.iter().map(|cells| columns.get(cells, "region"));
    let regions = Places::read(db, named).await.map_err(ImportError::App)?;
    let mut errors = Vec::new();
    let mut parsed: Vec<(usize, NewOrganization)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (offset, cells) in rows.iter().enumerate() {
        let row = offset + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut read = RowReader {
            columns: &columns,
            cells,
            row,
            errors: &mut errors,
        };
        if let Some(new) = read.organization(caller, &regions, &mut seen) {
            parsed.push((row, new));
        }
    }
    errors.extend(taken(db, &seen, &columns).await?);
    if parsed.is_empty() && errors.is_empty() {
        errors.push(RowError {
            row: 0,
            column: String::new(),
            message: "the file has no organizations".to_owned(),
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportError::Rows(errors));
    }
    register_all(db, caller, parsed, &columns).await
}

/// One row of a register being read: its cells, and the errors it adds to.
struct RowReader<'a> {
    columns: &'a Columns,
    cells: &'a [String],
    row: usize,
    errors: &'a mut Vec<RowError>,
}

impl RowReader<'_> {
    fn get(&self, field: &str) -> String {
        self.columns.get(self.cells, field)
    }

    fn bad(&mut self, field: &str, message: String) {
        self.errors
            .push(self.columns.error(self.row, field, message));
    }

    /// An optional text of at most `max` characters.
    fn text(&mut self, field: &str, max: usize) -> Option<String> {
        match bounded(&self.get(field), max) {
            Ok(value) => value.map(str::to_owned),
            Err(e) => {
                self.bad(field, e);
                None
            }
        }
    }

    /// The row's organization, or `None` with every bad field named. A credit code is
    /// remembered in `seen` with its row, so a second row with it is named too.
    fn organization(
        &mut self,
        caller: &Caller,
        regions: &Places,
        seen: &mut HashMap<String, usize>,
    ) -> Option<NewOrganization> {
        let name = self.text("name", 100);
        if name.is_none() && self.get("name").is_empty() {
            self.bad("name", "must not be empty".to_owned());
        }
        let kind = kind_of(&self.get("kind"));
        if kind.is_none() {
            self.bad(
                "kind",
                "ENTERPRISE (企业), COLLEGE (院校), TRAINING_INSTITUTION (培训机构), ASSESSMENT_BODY (评价机构) or GOVERNMENT (政府)".to_owned(),
            );
        }
        let code = match CreditCode::parse(&self.get("creditCode")) {
            Ok(code) => {
                if let Some(first) = seen.insert(code.as_str().to_owned(), self.row) {
                    self.bad("creditCode", format!("{code} is in row {first} too"));
                }
                Some(code)
            }
            Err(e) => {
                self.bad("creditCode", e.to_string());
                None
            }
        };
        let place = self.region(caller, regions);
        let name_en = self.text("nameEn", 200);
        let address = self.text("address", 200);
        let description = self.text("description", 2000);
        let contact = self.text("contact", 100);
        let website = match crate::domain::network::organizations::profile_website(
            "website",
            Some(&self.get("website")),
        ) {
            Ok(w) => w,
            Err(e) => {
                self.bad(
                    "website",
                    e.to_string().trim_start_matches("website: ").to_owned(),
                );
                None
            }
        };
        Some(NewOrganization {
            name: name?,
            name_en,
            kind: kind?,
            credit_code: code?,
            region_id: place?.city_id,
            county_id: place?.county_id,
            address,
            website,
            description,
            contact,
        })
    }

    /// The row's place (a city, or a county under it): known, and the caller's to register in.
    fn region(&mut self, caller: &Caller, regions: &Places) -> Option<Place> {
        match RegionCode::parse(&self.get("region")) {
            Ok(code) => match regions.get(code.as_str()) {
                Some(Err(why)) => {
                    self.bad("region", why.clone());
                    None
                }
                Some(Ok(place)) => {
                    if crate::auth::policy::may_register_organization(&caller.viewer, place.city_id)
                        .is_ok()
                    {
                        Some(*place)
                    } else {
                        self.bad("region", format!("{code} is another region's to register"));
                        None
                    }
                }
                None => {
                    self.bad("region", format!("no region has the code {code}"));
                    None
                }
            },
            Err(e) => {
                self.bad("region", e.to_string());
                None
            }
        }
    }
}

/// The credit codes of the file already registered, each named with its holder at its row.
async fn taken(
    db: &DatabaseConnection,
    seen: &HashMap<String, usize>,
    columns: &Columns,
) -> Result<Vec<RowError>, ImportError> {
    let codes: Vec<String> = seen.keys().cloned().collect();
    let mut errors = Vec::new();
    for chunk in codes.chunks(500) {
        let taken = organization::Entity::find()
            .filter(organization::Column::CreditCode.is_in(chunk.to_vec()))
            .all(db)
            .await
            .map_err(|e| ImportError::App(e.into()))?;
        for existing in taken {
            let row = seen.get(&existing.credit_code).copied().unwrap_or_default();
            errors.push(columns.error(
                row,
                "creditCode",
                format!(
                    "{} is already registered to {}",
                    existing.credit_code, existing.name
                ),
            ));
        }
    }
    Ok(errors)
}

/// Registers every parsed row in one transaction; a code registered by someone else since the
/// check names its row, and nothing is kept.
async fn register_all(
    db: &DatabaseConnection,
    caller: &Caller,
    parsed: Vec<(usize, NewOrganization)>,
    columns: &Columns,
) -> Result<Vec<organization::Model>, ImportError> {
    let txn = crate::domain::begin_write(db)
        .await
        .map_err(ImportError::App)?;
    let mut saved = Vec::with_capacity(parsed.len());
    for (row, new) in parsed {
        match register_in(&txn, caller, new).await {
            Ok(model) => saved.push(model),
            Err(AppError::Conflict(message)) => {
                return Err(ImportError::Rows(vec![columns.error(
                    row,
                    "creditCode",
                    message.trim_start_matches("input.creditCode: "),
                )]));
            }
            Err(e) => return Err(ImportError::App(e)),
        }
    }
    txn.commit().await.map_err(|e| ImportError::App(e.into()))?;
    Ok(saved)
}
