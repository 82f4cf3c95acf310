//! Every ordering a list offers is served by an index: the plan of a page never sorts the table.
//!
//! Each case runs a real query through the schema, takes the page's statement as it reached the
//! database (with its values) and asks the database for its plan: on PostgreSQL `EXPLAIN` with
//! sorting priced out (`enable_sort = off`, so an index is chosen whenever one can give the order,
//! and a `Sort` node remains only when none can), on SQLite `EXPLAIN QUERY PLAN`, which names a
//! temporary B-tree when it sorts. Nested lists are checked on PostgreSQL, where their `LATERAL`
//! form reads each parent's page from an index range (SQLite numbers each parent's children with
//! a window function, which sorts them).

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

use crate::helpers::TestApp;

/// Top-level lists and each ordering they offer.
fn top_level() -> Vec<String> {
    let mut cases = vec![];
    for dir in ["ASC", "DESC"] {
        for field in ["POSTED_AT", "WAGE", "HEADCOUNT"] {
            cases.push(format!(
                "{{ demands(first: 5, orderBy: {{field: {field}, direction: {dir}}}) {{ nodes {{ id }} }} }}"
            ));
        }
        for field in ["NAME", "CREATED_AT"] {
            cases.push(format!(
                "{{ organizations(first: 5, orderBy: {{field: {field}, direction: {dir}}}) {{ nodes {{ id }} }} }}"
            ));
        }
        for field in ["CODE", "NAME", "FOUNDED_ON"] {
            cases.push(format!(
                "{{ alliances(first: 5, orderBy: {{field: {field}, direction: {dir}}}) {{ nodes {{ id }} }} }}"
            ));
        }
        for field in ["START_ON", "FEE", "CREDIT_STARS"] {
            cases.push(format!(
                "{{ openResources(first: 5, orderBy: {{field: {field}, direction: {dir}}}) {{ nodes {{ id }} }} }}"
            ));
        }
        cases.push(format!(
            "{{ assessmentSessions(first: 5, orderBy: {{field: DATE, direction: {dir}}}) {{ nodes {{ id }} }} }}"
        ));
    }
    // The register of assessment bodies, newest filing first.
    cases.push("{ assessmentBodies(first: 5) { nodes { status } } }".to_owned());
    // Competitions, latest first day first.
    cases.push("{ competitions(first: 5) { nodes { id } } }".to_owned());
    // Special-ability sessions, soonest first, everywhere and in a city.
    cases.push("{ specialAbilitySessions(first: 5) { nodes { id } } }".to_owned());
    cases.push(
        "{ specialAbilitySessions(first: 5, filter: {region: \"321100\"}) { nodes { id } } }"
            .to_owned(),
    );
    // A region filter means the region and everything under it (the row's city or its county):
    // a province's or a county's pages of demands, resources and sessions are served by the same
    // indexes as a city's. (Alliances and
    // organizations under a region filter are few; SQLite sorts them after the region lookup.)
    for region in ["320000", "321100", "321181"] {
        for list in [
            "demands(first: 5, orderBy: {field: POSTED_AT, direction: DESC}",
            "openResources(first: 5, orderBy: {field: START_ON, direction: ASC}",
            "assessmentSessions(first: 5, orderBy: {field: DATE, direction: ASC}",
        ] {
            cases.push(format!(
                "{{ {list}, filter: {{region: \"{region}\"}}) {{ nodes {{ id }} }} }}"
            ));
        }
    }
    cases.extend(
        [
            "{ cohorts(first: 5) { nodes { id } } }",
            "{ catalogueItems(first: 5) { nodes { id } } }",
            "{ occupations(first: 5) { nodes { code } } }",
        ]
        .map(String::from),
    );
    cases
}

/// Nested lists whose order key lives in another table than their parent key (an alliance's
/// resources are its members' resources, an occupation's are those of its distinct links).
const JOINED_ORDER: &[&str] = &[
    "{ alliances(first: 20) { nodes { openResources(first: 3) { nodes { id } } } } }",
    "{ occupations(first: 20) { nodes { openResources(first: 3) { nodes { id } } } } }",
];

/// Nested lists, each under several parents.
const NESTED: &[&str] = &[
    "{ alliances(first: 20) { nodes { members(first: 3) { nodes { id } } } } }",
    "{ alliances(first: 20) { nodes { demands(first: 3) { nodes { id } } } } }",
    "{ organizations(first: 20) { nodes { demands(first: 3) { nodes { id } } } } }",
    "{ organizations(first: 20) { nodes { openResources(first: 3) { nodes { id } } } } }",
    "{ occupations(first: 20) { nodes { demands(first: 3) { nodes { id } } } } }",
    "{ regions { alliances(first: 3) { nodes { id } } } }",
];

/// The page statement of `query`: the last one with `ORDER BY` and `LIMIT`.
async fn page_statement(app: &TestApp, query: &str) -> Statement {
    page_statement_as(app, &skillgraph::auth::Caller::public(), query).await
}

/// The page statement of `query` asked by `who` (lists for a token's holders only).
async fn page_statement_as(
    app: &TestApp,
    who: &skillgraph::auth::Caller,
    query: &str,
) -> Statement {
    app.db.clear_recent();
    app.data_as(who, query, serde_json::json!({})).await;
    app.db
        .recent_statements()
        .into_iter()
        .rev()
        .find(|s| s.sql.contains("ORDER BY") && s.sql.contains("LIMIT"))
        .unwrap_or_else(|| panic!("no page statement for {query}"))
}

/// The plan of a statement, one line each: on PostgreSQL with `settings` applied first, on SQLite
/// the `detail` of each step.
async fn plan(app: &TestApp, statement: &Statement, settings: &str) -> Vec<String> {
    let db = &app.db.db;
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await.expect("begin");
            txn.execute_unprepared(settings).await.expect("settings");
            let explain = Statement::from_sql_and_values(
                DbBackend::Postgres,
                format!("EXPLAIN {}", statement.sql),
                statement.values.clone().map(|v| v.0).unwrap_or_default(),
            );
            let rows = txn.query_all_raw(explain).await.expect("explain");
            txn.rollback().await.expect("rollback");
            rows.iter()
                .map(|r| r.try_get_by_index::<String>(0).expect("plan line"))
                .collect()
        }
        _ => {
            let explain = Statement::from_sql_and_values(
                DbBackend::Sqlite,
                // A fresh text each time: SQLite computes an EXPLAIN's answer when it is prepared,
                // and the driver keeps prepared statements, which would keep an old plan.
                format!(
                    "EXPLAIN QUERY PLAN /* {} */ {}",
                    uuid::Uuid::new_v4(),
                    statement.sql
                ),
                statement.values.clone().map(|v| v.0).unwrap_or_default(),
            );
            // Reading the schema inside the transaction makes this connection notice schema changes
            // made on others before the EXPLAIN is prepared.
            let txn = db.begin().await.expect("begin");
            txn.execute_unprepared("SELECT count(*) FROM sqlite_master")
                .await
                .expect("schema");
            let rows = txn.query_all_raw(explain).await.expect("explain");
            txn.rollback().await.expect("rollback");
            rows.iter()
                .map(|r| r.try_get::<String>("", "detail").expect("plan line"))
                .collect()
        }
    }
}

/// The plan lines of a statement that sort rows, if any.
async fn sorts(app: &TestApp, statement: &Statement) -> Vec<String> {
    let sorting = |line: &String| line.contains("Sort") || line.contains("TEMP B-TREE");
    plan(
        app,
        statement,
        "SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off",
    )
    .await
    .into_iter()
    .filter(sorting)
    .collect()
}

/// Lists ordered by distance from a point, with the table each reads and its location index.
const NEAREST: &[(&str, &str, &str)] = &[
    (
        "{ demands(first: 5, filter: {near: {latitude: 32.2, longitude: 119.4, radiusKm: 50}}, orderBy: {field: DISTANCE, direction: ASC}) { nodes { id } } }",
        "demands",
        "idx_demands_location",
    ),
    (
        "{ openResources(first: 5, filter: {near: {latitude: 32.2, longitude: 119.4, radiusKm: 50}}, orderBy: {field: DISTANCE, direction: ASC}) { nodes { id } } }",
        "open_resources",
        "idx_open_resources_location",
    ),
    (
        "{ assessmentSessions(first: 5, filter: {near: {latitude: 32.2, longitude: 119.4, radiusKm: 50}}, orderBy: {field: DISTANCE, direction: ASC}) { nodes { id } } }",
        "assessment_sessions",
        "idx_sessions_location",
    ),
];

/// Whether every part of a nearest-first page's plan searches the table by its location index
/// (no part scans the table). On PostgreSQL scans are priced out, so that the small demo tables,
/// which a scan would otherwise read faster, show what the index can serve.
async fn searches_by_location(
    app: &TestApp,
    statement: &Statement,
    table: &str,
    index: &str,
) -> bool {
    let lines = plan(app, statement, "SET LOCAL enable_seqscan = off").await;
    let scans = lines.iter().any(|l| {
        l.contains(&format!("Seq Scan on {table}")) || l.starts_with(&format!("SCAN {table}"))
    });
    let searches = lines.iter().filter(|l| l.contains(index)).count();
    // A part per ring: every one of them finds its box through the index.
    let parts = statement.sql.matches("UNION ALL").count() + 1;
    !scans && searches >= parts
}

#[tokio::test]
async fn every_listed_ordering_is_served_by_an_index() {
    let app = TestApp::demo().await;
    let mut cases: Vec<String> = top_level();
    if app.db.db.get_database_backend() == DbBackend::Postgres {
        cases.extend(NESTED.iter().map(|q| q.to_string()));
        cases.extend(JOINED_ORDER.iter().map(|q| q.to_string()));
    }
    let mut failures = vec![];
    for query in &cases {
        let statement = page_statement(&app, query).await;
        let sorted = sorts(&app, &statement).await;
        if !sorted.is_empty() {
            failures.push(format!("{query}\n  {}\n  sorts: {sorted:?}", statement.sql));
        }
    }
    assert!(
        failures.is_empty(),
        "plans that sort:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn the_plan_check_notices_a_missing_index() {
    let app = TestApp::demo().await;
    let query = "{ demands(first: 5, orderBy: {field: WAGE, direction: DESC}) { nodes { id } } }";
    let statement = page_statement(&app, query).await;
    assert!(
        sorts(&app, &statement).await.is_empty(),
        "served by its index"
    );
    app.db
        .db
        .execute_unprepared("DROP INDEX idx_demands_status_wage")
        .await
        .expect("drop index");
    let statement = page_statement(&app, query).await;
    assert!(
        !sorts(&app, &statement).await.is_empty(),
        "without its index the page sorts, and the check says so"
    );
}

#[tokio::test]
async fn pages_nearest_a_point_search_the_location_index() {
    let app = TestApp::demo().await;
    for (query, table, index) in NEAREST {
        let statement = page_statement(&app, query).await;
        assert!(
            statement.sql.contains("UNION ALL"),
            "read ring by ring: {}",
            statement.sql
        );
        assert!(
            searches_by_location(&app, &statement, table, index).await,
            "{query}: {:#?}",
            plan(&app, &statement, "SET LOCAL enable_seqscan = off").await
        );
    }
    // Without the index, the check says so.
    let (query, table, index) = NEAREST[0];
    app.db
        .db
        .execute_unprepared(&format!("DROP INDEX {index}"))
        .await
        .expect("drop index");
    let statement = page_statement(&app, query).await;
    assert!(!searches_by_location(&app, &statement, table, index).await);
}

#[tokio::test]
async fn the_work_lists_of_requests_and_claims_are_served_by_an_index() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use skillgraph::auth::Role;
    let app = TestApp::demo().await;
    let zj = app.region_row("321100").await;
    let regulator = crate::helpers::who::regulator(zj);
    let provider = crate::helpers::who::staff(
        Role::College,
        TestApp::raw_id(&app.org_id("丹阳中等专业学校").await),
    );
    let institution = {
        let id = entity::organization::Entity::find()
            .filter(
                entity::organization::Column::Kind
                    .eq(entity::OrganizationKind::TrainingInstitution),
            )
            .one(&app.db.db)
            .await
            .expect("query")
            .expect("an institution")
            .id;
        crate::helpers::who::staff(Role::TrainingInstitution, id)
    };
    let mut failures = vec![];
    for (who, query) in [
        (
            &regulator,
            "{ dataRequests(first: 5, filter: {statuses: [PENDING]}) { nodes { id } } }",
        ),
        (&provider, "{ dataRequests(first: 5) { nodes { id } } }"),
        (&regulator, "{ subsidyClaims(first: 5) { nodes { id } } }"),
        (&provider, "{ subsidyClaims(first: 5) { nodes { id } } }"),
        (
            &regulator,
            "{ institutionEvaluations(first: 5) { nodes { id } } }",
        ),
        (
            &institution,
            "{ institutionEvaluations(first: 5) { nodes { id } } }",
        ),
        (
            &regulator,
            "{ directRecognitions(first: 5) { nodes { id } } }",
        ),
    ] {
        let statement = page_statement_as(&app, who, query).await;
        let sorted = sorts(&app, &statement).await;
        if !sorted.is_empty() {
            failures.push(format!("{query}\n  {}\n  sorts: {sorted:?}", statement.sql));
        }
    }
    assert!(
        failures.is_empty(),
        "plans that sort:\n{}",
        failures.join("\n")
    );
}

/// Lists filtered by text, and the search itself: each reads the search index's full-text
/// engine, never a `LIKE` over a table.
const TEXT_FILTERS: &[&str] = &[
    r#"{ demands(first: 5, filter: {text: "焊工"}) { nodes { id } } }"#,
    r#"{ openResources(first: 5, filter: {text: "焊接"}) { nodes { id } } }"#,
    r#"{ organizations(first: 5, filter: {nameContains: "眼镜"}) { nodes { id } } }"#,
    r#"{ occupations(first: 5, filter: {nameContains: "焊工"}) { nodes { code } } }"#,
    r#"{ search(text: "焊工 hg") { hits(first: 5) { nodes { title } } } }"#,
];

/// Whether a statement finds its text through the full-text index (on PostgreSQL with scans
/// priced out, so the small demo tables show what the index serves).
async fn reads_the_text_index(app: &TestApp, statement: &Statement) -> Result<(), String> {
    let lines = plan(app, statement, "SET LOCAL enable_seqscan = off").await;
    let indexed = lines.iter().any(|l| {
        l.contains("ix_search_entries_document") || l.contains("search_terms VIRTUAL TABLE INDEX")
    });
    let scans = lines
        .iter()
        .any(|l| l.contains("Seq Scan on search_entries") || l.starts_with("SCAN search_entries"));
    let like = statement.sql.contains("LIKE") && !statement.sql.contains("title_key");
    if indexed && !scans && !like {
        Ok(())
    } else {
        Err(format!("{}\n  {lines:#?}", statement.sql))
    }
}

#[tokio::test]
async fn text_filters_and_search_read_the_full_text_index() {
    let app = TestApp::demo().await;
    if app.db.db.get_database_backend() == DbBackend::Postgres {
        // What autovacuum does on a live database: without statistics the planner guesses.
        app.db
            .db
            .execute_unprepared("ANALYZE")
            .await
            .expect("analyze");
    }
    let mut failures = vec![];
    for query in TEXT_FILTERS {
        let statement = page_statement(&app, query).await;
        if let Err(e) = reads_the_text_index(&app, &statement).await {
            failures.push(format!("{query}\n  {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Without the index, the check says so (PostgreSQL; SQLite's FTS5 table is the index).
    if app.db.db.get_database_backend() == DbBackend::Postgres {
        app.db
            .db
            .execute_unprepared("DROP INDEX ix_search_entries_document")
            .await
            .expect("drop index");
        let statement = page_statement(&app, TEXT_FILTERS[0]).await;
        assert!(reads_the_text_index(&app, &statement).await.is_err());
    }
}
