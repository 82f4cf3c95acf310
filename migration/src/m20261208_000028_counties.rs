//! Rows carry their county: organizations, demands, open resources, assessment sessions and
//! cohorts gain a nullable `county_id` (a county-level region under the row's city), indexed, so a
//! region filter or an aggregate can go down to the county. `region_id` stays the city.
//!
//! Old rows migrate without loss: every row keeps its city, and gets its county where that is
//! certain — its address names exactly one county of its city by full name
//! (`entity::region::county_in_address`); a cohort takes its provider's county. Anything unsure
//! stays empty, for the row's owner to give.

use std::collections::{BTreeMap, HashMap};

use sea_orm_migration::{
    prelude::*,
    schema::*,
    sea_orm::{ConnectionTrait, DatabaseBackend},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables that carry a place (a city and an address), and the cohorts, which take their
/// provider's county.
const PLACED: [&str; 4] = [
    "organizations",
    "demands",
    "open_resources",
    "assessment_sessions",
];

/// Every table that gains the column.
const TABLES: [&str; 5] = [
    "organizations",
    "demands",
    "open_resources",
    "assessment_sessions",
    "cohorts",
];

/// Ids per `UPDATE … WHERE id IN (…)`.
const BATCH: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(integer_null(Alias::new("county_id")))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_{table}_county"))
                        .table(Alias::new(table))
                        .col(Alias::new("county_id"))
                        .to_owned(),
                )
                .await?;
            if manager.get_database_backend() == DatabaseBackend::Postgres {
                // SQLite cannot add a foreign key to an existing table; there the domain keeps it
                // (a region is never deleted, and a county is checked when it is set).
                manager
                    .create_foreign_key(crate::fk(
                        &format!("fk_{table}_county"),
                        (Alias::new(table), Alias::new("county_id")),
                        (Alias::new("regions"), Alias::new("id")),
                        ForeignKeyAction::Restrict,
                    ))
                    .await?;
            }
        }
        backfill(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            if manager.get_database_backend() == DatabaseBackend::Postgres {
                manager
                    .drop_foreign_key(
                        ForeignKey::drop()
                            .name(format!("fk_{table}_county"))
                            .table(Alias::new(table))
                            .to_owned(),
                    )
                    .await?;
            }
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_county"))
                        .table(Alias::new(table))
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new("county_id"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

/// Sets the county of every old row whose address names it for certain, then each cohort's from
/// its provider.
async fn backfill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let counties = db
        .query_all(
            &Query::select()
                .columns([
                    Alias::new("id"),
                    Alias::new("name"),
                    Alias::new("parent_id"),
                ])
                .from(Alias::new("regions"))
                .and_where(Expr::col(Alias::new("level")).eq("COUNTY"))
                .and_where(Expr::col(Alias::new("retired_at")).is_null())
                .to_owned(),
        )
        .await?;
    let mut by_city: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
    for row in counties {
        if let Some(city) = row.try_get::<Option<i32>>("", "parent_id")? {
            by_city
                .entry(city)
                .or_default()
                .push((row.try_get("", "id")?, row.try_get("", "name")?));
        }
    }
    for table in PLACED {
        let rows = db
            .query_all(
                &Query::select()
                    .columns([
                        Alias::new("id"),
                        Alias::new("region_id"),
                        Alias::new("address"),
                    ])
                    .from(Alias::new(table))
                    .and_where(Expr::col(Alias::new("address")).is_not_null())
                    .to_owned(),
            )
            .await?;
        let mut by_county: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
        for row in rows {
            let city: i32 = row.try_get("", "region_id")?;
            let address: String = row.try_get("", "address")?;
            let Some(counties) = by_city.get(&city) else {
                continue;
            };
            let named: Vec<(i32, &str)> = counties.iter().map(|(i, n)| (*i, n.as_str())).collect();
            if let Some(county) = entity::region::county_in_address(&address, &named) {
                by_county
                    .entry(county)
                    .or_default()
                    .push(row.try_get("", "id")?);
            }
        }
        for (county, ids) in by_county {
            for chunk in ids.chunks(BATCH) {
                manager
                    .exec_stmt(
                        Query::update()
                            .table(Alias::new(table))
                            .value(Alias::new("county_id"), county)
                            .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().copied()))
                            .to_owned(),
                    )
                    .await?;
            }
        }
    }
    db.execute_unprepared(
        "UPDATE cohorts SET county_id = (SELECT o.county_id FROM organizations o \
         WHERE o.id = cohorts.provider_id)",
    )
    .await?;
    Ok(())
}
