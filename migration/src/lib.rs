//! Database migrations of skillgraph.
//!
//! One file per migration, applied in order by [`Migrator`]; the same migrations run on SQLite and
//! PostgreSQL. The national occupational classification (2022 edition, all 1,639 occupations) is
//! reference data, not demo data, so a migration loads it from `data/occupations.csv`; so are the
//! regions, every province, city and county (`data/regions.csv`).
//!
//! `skillgraph migrate up|down|status` runs them; this crate has no binary of its own (the stock
//! sea-orm migration CLI would pull in sea-orm-cli's code generator for nothing).

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_alliance_graph;
mod m20261124_000002_occupations;
mod m20261124_000003_identity;
mod m20261124_000004_demands;
mod m20261124_000005_cohorts;
mod m20261124_000006_resources;
mod m20261124_000007_evaluation;
mod m20261124_000008_orders;
mod m20261124_000009_employment;
mod m20261201_000010_person_gate;
mod m20261201_000011_subsidy_slots;
mod m20261202_000012_list_indexes;
mod m20261202_000013_location_indexes;
mod m20261203_000014_key_checks;
mod m20261203_000015_membership_applications;
mod m20261203_000016_sign_ins;
mod m20261203_000017_organization_contact;
mod m20261203_000018_sign_in_list_indexes;
mod m20261203_000019_sealed_learners;
mod m20261203_000020_data_requests;
mod m20261203_000021_training_records;
mod m20261203_000022_subsidy_claims;
mod m20261203_000023_institution_evaluations;
mod m20261206_000024_training_that_happened;
mod m20261207_000025_subject_revocations;
mod m20261207_000026_invitations;
mod m20261207_000027_region_tree;
mod m20261208_000028_counties;
mod m20261208_000029_industries;
mod m20261208_000030_organization_attributes;
mod m20261209_000031_target_groups;
mod m20261209_000032_programmes;
mod m20261209_000033_indicators;
mod m20261210_000034_service_contacts;
mod m20261211_000035_occupation_groups;
mod m20261212_000036_work_types;
mod m20261213_000037_search_entries;
mod m20261214_000038_catalogue_trades;
mod m20261215_000039_certificate_routes;
mod m20261216_000040_honours;
mod m20261217_000041_body_register;
mod m20261218_000042_competitions;
mod m20261219_000043_special_abilities;

/// The ordered list of skillgraph's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_alliance_graph::Migration),
            Box::new(m20261124_000002_occupations::Migration),
            Box::new(m20261124_000003_identity::Migration),
            Box::new(m20261124_000004_demands::Migration),
            Box::new(m20261124_000005_cohorts::Migration),
            Box::new(m20261124_000006_resources::Migration),
            Box::new(m20261124_000007_evaluation::Migration),
            Box::new(m20261124_000008_orders::Migration),
            Box::new(m20261124_000009_employment::Migration),
            Box::new(m20261201_000010_person_gate::Migration),
            Box::new(m20261201_000011_subsidy_slots::Migration),
            Box::new(m20261202_000012_list_indexes::Migration),
            Box::new(m20261202_000013_location_indexes::Migration),
            Box::new(m20261203_000014_key_checks::Migration),
            Box::new(m20261203_000015_membership_applications::Migration),
            Box::new(m20261203_000016_sign_ins::Migration),
            Box::new(m20261203_000017_organization_contact::Migration),
            Box::new(m20261203_000018_sign_in_list_indexes::Migration),
            Box::new(m20261203_000019_sealed_learners::Migration),
            Box::new(m20261203_000020_data_requests::Migration),
            Box::new(m20261203_000021_training_records::Migration),
            Box::new(m20261203_000022_subsidy_claims::Migration),
            Box::new(m20261203_000023_institution_evaluations::Migration),
            Box::new(m20261206_000024_training_that_happened::Migration),
            Box::new(m20261207_000025_subject_revocations::Migration),
            Box::new(m20261207_000026_invitations::Migration),
            Box::new(m20261207_000027_region_tree::Migration),
            Box::new(m20261208_000028_counties::Migration),
            Box::new(m20261208_000029_industries::Migration),
            Box::new(m20261208_000030_organization_attributes::Migration),
            Box::new(m20261209_000031_target_groups::Migration),
            Box::new(m20261209_000032_programmes::Migration),
            Box::new(m20261209_000033_indicators::Migration),
            Box::new(m20261210_000034_service_contacts::Migration),
            Box::new(m20261211_000035_occupation_groups::Migration),
            Box::new(m20261212_000036_work_types::Migration),
            Box::new(m20261213_000037_search_entries::Migration),
            Box::new(m20261214_000038_catalogue_trades::Migration),
            Box::new(m20261215_000039_certificate_routes::Migration),
            Box::new(m20261216_000040_honours::Migration),
            Box::new(m20261217_000041_body_register::Migration),
            Box::new(m20261218_000042_competitions::Migration),
            Box::new(m20261219_000043_special_abilities::Migration),
        ]
    }
}

/// Text columns that people sort by compare by code point on both backends: SQLite's default
/// `BINARY` collation does, and PostgreSQL gets `COLLATE "C"`, so an ordering (and a keyset cursor
/// built on it) means the same on either database.
pub(crate) fn sortable(manager: &SchemaManager<'_>, mut column: ColumnDef) -> ColumnDef {
    if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
        column.extra("COLLATE \"C\"");
    }
    column
}

/// A named foreign key from `from` to `to`.
pub(crate) fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}
