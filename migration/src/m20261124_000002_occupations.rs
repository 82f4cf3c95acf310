//! Loads the 2022 national occupational classification (1,639 occupations) from `data/occupations.csv`.
//!
//! The file travels inside the binary, so a fresh database on any machine gets the whole catalogue.

use sea_orm_migration::prelude::*;
use serde::Deserialize;

/// The CSV, as copied from the project's shared reference data (its README there says where it
/// comes from and how it was checked).
const OCCUPATIONS_CSV: &str = include_str!("../data/occupations.csv");

/// Rows per `INSERT`: 5 parameters a row stays far below SQLite's and PostgreSQL's parameter limits.
const BATCH: usize = 400;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Occupations {
    Table,
    Code,
    Name,
    Major,
    Digital,
    Green,
}

#[derive(Debug, Deserialize)]
struct Row {
    code: String,
    name: String,
    major: i16,
    /// Empty for one disputed row (炼钢工 6-17-02-02: one source marks it S, the other does not).
    /// MOHRSS published 97 digital occupations, which holds only without it, so empty is false.
    digital: Option<bool>,
    green: Option<bool>,
}

/// One occupation as inserted.
pub(crate) struct Occupation {
    code: String,
    name: String,
    major: i16,
    digital: bool,
    green: bool,
}

#[cfg(test)]
impl Occupation {
    /// The code.
    pub(crate) fn code(&self) -> &str {
        &self.code
    }
}

/// Parses the embedded CSV. Public to the crate so a test can check the totals MOHRSS published.
pub(crate) fn rows() -> Result<Vec<Occupation>, DbErr> {
    let mut reader = csv::Reader::from_reader(OCCUPATIONS_CSV.as_bytes());
    reader
        .deserialize::<Row>()
        .map(|row| {
            row.map(|r| Occupation {
                code: r.code,
                name: r.name,
                major: r.major,
                digital: r.digital.unwrap_or(false),
                green: r.green.unwrap_or(false),
            })
            .map_err(|e| DbErr::Migration(format!("occupations.csv: {e}")))
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let rows = rows()?;
        for chunk in rows.chunks(BATCH) {
            let mut insert = Query::insert();
            insert.into_table(Occupations::Table).columns([
                Occupations::Code,
                Occupations::Name,
                Occupations::Major,
                Occupations::Digital,
                Occupations::Green,
            ]);
            for o in chunk {
                insert.values_panic([
                    o.code.as_str().into(),
                    o.name.as_str().into(),
                    o.major.into(),
                    o.digital.into(),
                    o.green.into(),
                ]);
            }
            manager.exec_stmt(insert).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(Query::delete().from_table(Occupations::Table).to_owned())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::rows;

    #[test]
    fn the_csv_matches_the_published_totals() {
        let rows = rows().expect("the embedded CSV parses");
        assert_eq!(rows.len(), 1639);
        assert_eq!(rows.iter().filter(|r| r.digital).count(), 97, "digital (S)");
        assert_eq!(rows.iter().filter(|r| r.green).count(), 134, "green (L)");
        assert_eq!(
            rows.iter().filter(|r| r.digital && r.green).count(),
            23,
            "both"
        );
        assert!(
            rows.iter()
                .all(|r| (1..=8).contains(&r.major) && r.code.len() == 10 && !r.name.is_empty())
        );
    }
}
