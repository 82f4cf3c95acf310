//! An index for every ordering a list offers, with the filter every such list applies, and for
//! every nested list's `(parent, order)`: a page is then a short index range, whatever the size
//! of the table (no plan sorts a table to return a page). The statements are plain SQL that
//! SQLite and PostgreSQL read alike; the partial ones hold only the rows the lists can show.
//! `tests/api/plans.rs` fails when a listed ordering loses its index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns, condition).
const INDEXES: &[(&str, &str, &str, Option<&str>)] = &[
    // Top-level lists: their orderings under their default filters.
    (
        "idx_demands_status_created",
        "demands",
        "status, created_at, id",
        None,
    ),
    (
        "idx_demands_status_wage",
        "demands",
        "status, wage_max, id",
        None,
    ),
    (
        "idx_demands_status_headcount",
        "demands",
        "status, headcount, id",
        None,
    ),
    (
        "idx_organizations_name_id",
        "organizations",
        "name, id",
        None,
    ),
    (
        "idx_organizations_created_id",
        "organizations",
        "created_at, id",
        None,
    ),
    ("idx_alliances_code_id", "alliances", "code, id", None),
    ("idx_alliances_name", "alliances", "name, id", None),
    ("idx_alliances_founded", "alliances", "founded_on, id", None),
    (
        "idx_open_resources_status_start_id",
        "open_resources",
        "status, start_on, id",
        None,
    ),
    (
        "idx_open_resources_status_fee",
        "open_resources",
        "status, fee, id",
        None,
    ),
    (
        "idx_open_resources_status_stars",
        "open_resources",
        "status, provider_stars, id",
        None,
    ),
    ("idx_cohorts_start", "cohorts", "start_on, id", None),
    (
        "idx_sessions_status_exam_date",
        "assessment_sessions",
        "status, exam_date, id",
        None,
    ),
    (
        "idx_catalogue_items_status_code",
        "catalogue_items",
        "status, occupation_code, id",
        None,
    ),
    // Nested lists: (parent, order) under the list's filter.
    (
        "idx_demands_enterprise_status",
        "demands",
        "enterprise_id, status, id",
        None,
    ),
    (
        "idx_demands_occupation_status",
        "demands",
        "occupation_code, status, id",
        None,
    ),
    (
        "idx_demand_alliances_alliance_demand",
        "demand_alliances",
        "alliance_id, demand_id",
        None,
    ),
    (
        "idx_memberships_current",
        "memberships",
        "alliance_id, id",
        Some("left_on IS NULL"),
    ),
    (
        "idx_open_resources_provider_status",
        "open_resources",
        "provider_id, status, id",
        None,
    ),
    (
        "idx_resource_occupations_code_resource",
        "resource_occupations",
        "occupation_code, resource_id",
        None,
    ),
    (
        "idx_alliances_region_id",
        "alliances",
        "region_id, id",
        None,
    ),
    (
        "idx_enrollments_cohort",
        "enrollments",
        "cohort_id, id",
        None,
    ),
];

/// Narrower indexes that the ones above make redundant: (name, table, columns).
const SUPERSEDED: &[(&str, &str, &str)] = &[
    (
        "idx_demand_alliances_alliance",
        "demand_alliances",
        "alliance_id",
    ),
    (
        "idx_resource_occupations_code",
        "resource_occupations",
        "occupation_code",
    ),
    ("idx_organizations_name", "organizations", "name"),
    (
        "idx_organizations_created_at",
        "organizations",
        "created_at",
    ),
    (
        "idx_open_resources_status_start",
        "open_resources",
        "status, start_on",
    ),
    ("idx_alliances_region", "alliances", "region_id"),
    ("idx_demands_enterprise", "demands", "enterprise_id"),
    (
        "idx_sessions_status_date",
        "assessment_sessions",
        "status, exam_date",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns, condition) in INDEXES {
            let condition = condition.map(|c| format!(" WHERE {c}")).unwrap_or_default();
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON {table} ({columns}){condition}"
            ))
            .await?;
        }
        // Superseded by the wider indexes above.
        for (name, ..) in SUPERSEDED {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns) in SUPERSEDED {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
                .await?;
        }
        for (name, ..) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
