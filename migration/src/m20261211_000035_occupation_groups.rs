//! Occupations a person can understand: the named groups above each occupation (the 8 大类, 79
//! 中类 and 450 小类 of the 2022 classification) from `data/occupation_groups.csv`, and what each
//! occupation does — its one-sentence definition and its numbered main tasks — from
//! `data/occupation_texts.csv` (1,627 of the 1,639 occupations; the README of the shared
//! reference data says where both come from and how they were checked).

use sea_orm_migration::{prelude::*, schema::*};
use serde::Deserialize;

const GROUPS_CSV: &str = include_str!("../data/occupation_groups.csv");
const TEXTS_CSV: &str = include_str!("../data/occupation_texts.csv");

/// Rows per `INSERT` (4 parameters a row).
const BATCH: usize = 400;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OccupationGroups {
    Table,
    Code,
    Name,
    Level,
    ParentCode,
}

#[derive(DeriveIden)]
enum Occupations {
    Table,
    Code,
    Definition,
    Tasks,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Group {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) level: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Text {
    pub(crate) code: String,
    pub(crate) definition: String,
    pub(crate) tasks: String,
}

/// The embedded groups.
pub(crate) fn groups() -> Result<Vec<Group>, DbErr> {
    csv::Reader::from_reader(GROUPS_CSV.as_bytes())
        .deserialize::<Group>()
        .map(|r| r.map_err(|e| DbErr::Migration(format!("occupation_groups.csv: {e}"))))
        .collect()
}

/// The embedded texts.
pub(crate) fn texts() -> Result<Vec<Text>, DbErr> {
    csv::Reader::from_reader(TEXTS_CSV.as_bytes())
        .deserialize::<Text>()
        .map(|r| r.map_err(|e| DbErr::Migration(format!("occupation_texts.csv: {e}"))))
        .collect()
}

/// The group a code belongs to: `6-18-02` → `6-18` → `6`; none for a major group.
fn parent(code: &str) -> Option<&str> {
    code.rfind('-').map(|i| &code[..i])
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OccupationGroups::Table)
                    .col(string_len(OccupationGroups::Code, 10).primary_key())
                    .col(string_len(OccupationGroups::Name, 100))
                    .col(string_len(OccupationGroups::Level, 10))
                    .col(string_len_null(OccupationGroups::ParentCode, 10))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_occupation_groups_parent")
                    .table(OccupationGroups::Table)
                    .col(OccupationGroups::ParentCode)
                    .to_owned(),
            )
            .await?;
        let groups = groups()?;
        for chunk in groups.chunks(BATCH) {
            let mut insert = Query::insert();
            insert.into_table(OccupationGroups::Table).columns([
                OccupationGroups::Code,
                OccupationGroups::Name,
                OccupationGroups::Level,
                OccupationGroups::ParentCode,
            ]);
            for g in chunk {
                insert.values_panic([
                    g.code.as_str().into(),
                    g.name.as_str().into(),
                    g.level.as_str().into(),
                    parent(&g.code).map(str::to_owned).into(),
                ]);
            }
            manager.exec_stmt(insert).await?;
        }
        for column in [Occupations::Definition, Occupations::Tasks] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Occupations::Table)
                        .add_column(text(column).default(""))
                        .to_owned(),
                )
                .await?;
        }
        for t in texts()? {
            manager
                .exec_stmt(
                    Query::update()
                        .table(Occupations::Table)
                        .value(Occupations::Definition, t.definition.as_str())
                        .value(Occupations::Tasks, t.tasks.as_str())
                        .and_where(Expr::col(Occupations::Code).eq(t.code.as_str()))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Occupations::Definition, Occupations::Tasks] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Occupations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(OccupationGroups::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{groups, parent, texts};

    #[test]
    fn every_occupation_has_its_three_named_groups_and_most_have_texts() {
        let groups = groups().expect("the groups parse");
        let count = |level: &str| groups.iter().filter(|g| g.level == level).count();
        assert_eq!(
            (count("MAJOR"), count("MIDDLE"), count("MINOR")),
            (8, 79, 450)
        );
        let codes: std::collections::HashSet<&str> =
            groups.iter().map(|g| g.code.as_str()).collect();
        for g in &groups {
            if let Some(p) = parent(&g.code) {
                assert!(codes.contains(p), "{} has its parent", g.code);
            }
        }
        for o in crate::m20261124_000002_occupations::rows().expect("occupations") {
            let minor = parent(o.code()).expect("a group");
            assert!(codes.contains(minor), "{} has its 小类", o.code());
        }
        let texts = texts().expect("the texts parse");
        assert_eq!(texts.len(), 1627);
        let welder = texts.iter().find(|t| t.code == "6-18-02-04").expect("焊工");
        assert_eq!(
            welder.definition,
            "使用焊机或焊接设备，焊接金属工件的人员。"
        );
        assert!(welder.tasks.starts_with("1.设定焊接参数 2."));
    }
}
