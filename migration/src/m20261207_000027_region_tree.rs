//! Regions as reference data: every province, city and county of the 2023 statistical division
//! codes (3,348 rows) from `data/regions.csv`, with each one's `level` and `parent`, so a fresh
//! database can register its first organization anywhere in China. A region is never deleted:
//! when divisions are redrawn it is retired (`retired_at`) naming its `successor`, and every row
//! that points at it keeps pointing at it. `in_service` marks the regions an organization or an
//! alliance is registered in (what `regions` lists by default), kept by the writes that register.
//!
//! Rows already present (a database that held the demo's three cities) keep their ids and English
//! names and gain their level and parent; the provinces get English names, cities and counties an
//! empty one (the CSV has none).

use std::collections::{BTreeMap, HashSet};

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DatabaseBackend},
};
use serde::Deserialize;

/// The CSV, as copied from the project's shared reference data (its README there says where it
/// comes from).
const REGIONS_CSV: &str = include_str!("../data/regions.csv");

/// The provinces' English names (the CSV has Chinese names only; cities and counties get theirs
/// from a deployment, `upsertRegion`).
const PROVINCES_EN: &[(&str, &str)] = &[
    ("110000", "Beijing"),
    ("120000", "Tianjin"),
    ("130000", "Hebei"),
    ("140000", "Shanxi"),
    ("150000", "Inner Mongolia"),
    ("210000", "Liaoning"),
    ("220000", "Jilin"),
    ("230000", "Heilongjiang"),
    ("310000", "Shanghai"),
    ("320000", "Jiangsu"),
    ("330000", "Zhejiang"),
    ("340000", "Anhui"),
    ("350000", "Fujian"),
    ("360000", "Jiangxi"),
    ("370000", "Shandong"),
    ("410000", "Henan"),
    ("420000", "Hubei"),
    ("430000", "Hunan"),
    ("440000", "Guangdong"),
    ("450000", "Guangxi"),
    ("460000", "Hainan"),
    ("500000", "Chongqing"),
    ("510000", "Sichuan"),
    ("520000", "Guizhou"),
    ("530000", "Yunnan"),
    ("540000", "Xizang"),
    ("610000", "Shaanxi"),
    ("620000", "Gansu"),
    ("630000", "Qinghai"),
    ("640000", "Ningxia"),
    ("650000", "Xinjiang"),
];

/// Rows per `INSERT` (4 parameters a row).
const BATCH: usize = 400;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    Level,
    ParentId,
    RetiredAt,
    SuccessorId,
    InService,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    RegionId,
}

#[derive(DeriveIden)]
enum Alliances {
    Table,
    RegionId,
}

/// One division as the CSV has it.
#[derive(Debug, Deserialize)]
pub(crate) struct Row {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) parent: Option<String>,
    pub(crate) level: String,
}

/// Parses the embedded CSV. Public to the crate so a test can check its totals.
pub(crate) fn rows() -> Result<Vec<Row>, DbErr> {
    csv::Reader::from_reader(REGIONS_CSV.as_bytes())
        .deserialize::<Row>()
        .map(|row| row.map_err(|e| DbErr::Migration(format!("regions.csv: {e}"))))
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one at a time.
        for mut column in [
            string_len(Regions::Level, 10).default("CITY").to_owned(),
            integer_null(Regions::ParentId),
            integer_null(Regions::SuccessorId),
            timestamp_with_time_zone_null(Regions::RetiredAt),
            boolean(Regions::InService).default(false).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Regions::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, columns) in [
            (
                "idx_regions_in_service",
                vec![Regions::InService, Regions::Code],
            ),
            ("idx_regions_parent", vec![Regions::ParentId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Regions::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            // SQLite cannot add a foreign key to an existing table; there the domain keeps them
            // (a region is never deleted, and a parent or successor must exist when it is set).
            for (name, column) in [
                ("fk_regions_parent", Regions::ParentId),
                ("fk_regions_successor", Regions::SuccessorId),
            ] {
                manager
                    .create_foreign_key(crate::fk(
                        name,
                        (Regions::Table, column),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .await?;
            }
        }
        load(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            for name in ["fk_regions_parent", "fk_regions_successor"] {
                manager
                    .drop_foreign_key(
                        ForeignKey::drop()
                            .name(name)
                            .table(Regions::Table)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        for index in ["idx_regions_parent", "idx_regions_in_service"] {
            manager
                .drop_index(Index::drop().name(index).table(Regions::Table).to_owned())
                .await?;
        }
        for column in [
            Regions::Level,
            Regions::ParentId,
            Regions::SuccessorId,
            Regions::RetiredAt,
            Regions::InService,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Regions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Inserts the divisions the database lacks, then sets every division's level and parent.
async fn load(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let rows = rows()?;
    if let Some(odd) = rows
        .iter()
        .find(|r| r.parent.as_deref().unwrap_or("") != parent_by_digits(r))
    {
        return Err(DbErr::Migration(format!(
            "regions.csv: {} names its parent {:?}, not the one its digits give",
            odd.code, odd.parent
        )));
    }
    let present: HashSet<String> = codes(manager).await?;
    let missing: Vec<&Row> = rows.iter().filter(|r| !present.contains(&r.code)).collect();
    for chunk in missing.chunks(BATCH) {
        let mut insert = Query::insert();
        insert.into_table(Regions::Table).columns([
            Regions::Code,
            Regions::Name,
            Regions::NameEn,
            Regions::Level,
        ]);
        for r in chunk {
            let name_en = PROVINCES_EN
                .iter()
                .find(|(code, _)| *code == r.code)
                .map_or("", |(_, name)| name);
            insert.values_panic([
                r.code.as_str().into(),
                r.name.as_str().into(),
                name_en.into(),
                r.level.as_str().into(),
            ]);
        }
        manager.exec_stmt(insert).await?;
    }
    // Levels of the rows that were there (the demo's cities), one statement per level.
    let mut by_level: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in rows.iter().filter(|r| present.contains(&r.code)) {
        by_level.entry(&r.level).or_default().push(&r.code);
    }
    for (level, codes) in by_level {
        manager
            .exec_stmt(
                Query::update()
                    .table(Regions::Table)
                    .value(Regions::Level, level)
                    .and_where(Expr::col(Regions::Code).is_in(codes))
                    .to_owned(),
            )
            .await?;
    }
    // Every parent, by the code: a county's city shares its first four digits, a city's province
    // its first two (the test below holds the CSV to it). Two statements, so a database on a slow
    // disk migrates in moments.
    for (level, digits, pad) in [("COUNTY", 4, "00"), ("CITY", 2, "0000")] {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE regions SET parent_id = (SELECT p.id FROM regions p \
                 WHERE p.code = SUBSTR(regions.code, 1, {digits}) || '{pad}') \
                 WHERE level = '{level}'"
            ))
            .await?;
    }
    // In service: where an organization or an alliance is registered.
    manager
        .exec_stmt(
            Query::update()
                .table(Regions::Table)
                .value(Regions::InService, true)
                .cond_where(
                    Condition::any()
                        .add(
                            Expr::col(Regions::Id).in_subquery(
                                Query::select()
                                    .column(Organizations::RegionId)
                                    .from(Organizations::Table)
                                    .to_owned(),
                            ),
                        )
                        .add(
                            Expr::col(Regions::Id).in_subquery(
                                Query::select()
                                    .column(Alliances::RegionId)
                                    .from(Alliances::Table)
                                    .to_owned(),
                            ),
                        ),
                )
                .to_owned(),
        )
        .await?;
    Ok(())
}

/// The parent code a division's own code gives: a county's city shares its first four digits, a
/// city's province its first two; a province has none.
fn parent_by_digits(r: &Row) -> String {
    match r.level.as_str() {
        "PROVINCE" => String::new(),
        "CITY" => format!("{}0000", &r.code[..2]),
        _ => format!("{}00", &r.code[..4]),
    }
}

/// Every region's code already in the table.
async fn codes(manager: &SchemaManager<'_>) -> Result<HashSet<String>, DbErr> {
    let select = Query::select()
        .column(Regions::Code)
        .from(Regions::Table)
        .to_owned();
    let rows = manager.get_connection().query_all(&select).await?;
    rows.into_iter()
        .map(|r| r.try_get::<String>("", "code"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::rows;

    #[test]
    fn the_csv_holds_every_division_once_under_its_parent() {
        let rows = rows().expect("the embedded CSV parses");
        assert_eq!(rows.len(), 3348);
        let count = |level: &str| rows.iter().filter(|r| r.level == level).count();
        assert_eq!(
            (count("PROVINCE"), count("CITY"), count("COUNTY")),
            (31, 342, 2975)
        );
        let codes: std::collections::HashMap<&str, &str> = rows
            .iter()
            .map(|r| (r.code.as_str(), r.level.as_str()))
            .collect();
        assert_eq!(codes.len(), rows.len(), "codes are unique");
        for r in &rows {
            let parent = r.parent.as_deref().filter(|p| !p.is_empty());
            let expected = match r.level.as_str() {
                "PROVINCE" => None,
                "CITY" => Some("PROVINCE"),
                _ => Some("CITY"),
            };
            assert_eq!(parent.map(|p| codes[p]), expected, "{}", r.code);
            // The migration sets parents by the code's digits; the CSV agrees.
            assert_eq!(
                parent.unwrap_or_default(),
                super::parent_by_digits(r),
                "{}",
                r.code
            );
        }
        let zhenjiang = rows
            .iter()
            .filter(|r| r.parent.as_deref() == Some("321100"))
            .count();
        assert_eq!(zhenjiang, 7, "Zhenjiang's county-level rows");
        for (code, _) in super::PROVINCES_EN {
            assert_eq!(codes.get(code), Some(&"PROVINCE"), "{code}");
        }
        assert_eq!(super::PROVINCES_EN.len(), count("PROVINCE"));
    }
}
