//! The search index: one entry per searchable object, known by its kind and key (its id, or an
//! occupation's code; `object_id` repeats an integer id for joins): a demand, an open resource, an
//! organization, an occupation, a work type, a special ability or an alliance. It holds its display
//! text and the terms the server cut from it (`title_terms`, `body_terms`: distinct terms joined
//! by spaces, the same text on both databases).
//!
//! Each database indexes those terms with its own full-text engine, matching terms exactly:
//! PostgreSQL keeps them as `tsvector` columns built from the term lists (`array_to_tsvector`,
//! no parser, no stemming) with a GIN index; SQLite keeps an FTS5 table over the same two
//! columns (the `ascii` tokenizer: spaces separate, every other character is the term's), kept
//! in step by triggers. Entries are written by the server in the transaction of the write they
//! describe; rows that existed before this migration are indexed when the server starts.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchEntries {
    Table,
    Id,
    Kind,
    ObjectId,
    ObjectKey,
    Title,
    Body,
    TitleTerms,
    BodyTerms,
    TitleKey,
    RegionId,
    CountyId,
    OccupationCode,
    Level,
    RankedAt,
    Version,
}

#[derive(DeriveIden)]
enum SearchLabels {
    Table,
    Id,
    Label,
    Key,
    Pinyin,
    Initials,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchEntries::Table)
                    .col(pk_auto(SearchEntries::Id))
                    .col(string_len(SearchEntries::Kind, 20))
                    .col(integer_null(SearchEntries::ObjectId))
                    .col(string_len(SearchEntries::ObjectKey, 40))
                    .col(text(SearchEntries::Title))
                    .col(text(SearchEntries::Body))
                    .col(text(SearchEntries::TitleTerms))
                    .col(text(SearchEntries::BodyTerms))
                    .col(text(SearchEntries::TitleKey))
                    .col(integer_null(SearchEntries::RegionId))
                    .col(integer_null(SearchEntries::CountyId))
                    .col(string_len_null(SearchEntries::OccupationCode, 10))
                    .col(small_integer_null(SearchEntries::Level))
                    .col(timestamp_with_time_zone(SearchEntries::RankedAt))
                    .col(small_integer(SearchEntries::Version))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_search_entries_object")
                    .table(SearchEntries::Table)
                    .col(SearchEntries::Kind)
                    .col(SearchEntries::ObjectKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Autocomplete: every distinct title once, with its folded text, pinyin and initials,
        // each read by prefix from a B-tree index in byte order (PostgreSQL: the "C" collation,
        // as SQLite's default), so both databases suggest alike.
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        let keyed = |column: SearchLabels| {
            let mut def = ColumnDef::new(column);
            def.text().not_null();
            if postgres {
                def.extra("COLLATE \"C\"");
            }
            def
        };
        manager
            .create_table(
                Table::create()
                    .table(SearchLabels::Table)
                    .col(pk_auto(SearchLabels::Id))
                    .col(text_uniq(SearchLabels::Label))
                    .col(keyed(SearchLabels::Key))
                    .col(keyed(SearchLabels::Pinyin))
                    .col(keyed(SearchLabels::Initials))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_search_labels_key", SearchLabels::Key),
            ("ix_search_labels_pinyin", SearchLabels::Pinyin),
            ("ix_search_labels_initials", SearchLabels::Initials),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(SearchLabels::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        // A label is suggested while some entry of that title is visible.
        manager
            .create_index(
                Index::create()
                    .name("ix_search_entries_title")
                    .table(SearchEntries::Table)
                    .col(SearchEntries::Title)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                // The document also holds its kind as a term (`_demand`; the server's terms never
                // start with `_`), so a list's text filter is one GIN-indexed condition.
                for (column, terms) in [
                    (
                        "document",
                        "title_terms || ' ' || body_terms || ' _' || lower(kind)",
                    ),
                    ("title_document", "title_terms"),
                ] {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE search_entries ADD COLUMN {column} tsvector GENERATED ALWAYS AS \
                         (array_to_tsvector(array_remove(string_to_array({terms}, ' '), ''))) STORED"
                    ))
                    .await?;
                }
                db.execute_unprepared(
                    "CREATE INDEX ix_search_entries_document ON search_entries USING GIN (document)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_terms USING fts5(title_terms, body_terms, \
                     content='search_entries', content_rowid='id', tokenize='ascii')",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN \
                     INSERT INTO search_terms(rowid, title_terms, body_terms) \
                     VALUES (new.id, new.title_terms, new.body_terms); END",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN \
                     INSERT INTO search_terms(search_terms, rowid, title_terms, body_terms) \
                     VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN \
                     INSERT INTO search_terms(search_terms, rowid, title_terms, body_terms) \
                     VALUES ('delete', old.id, old.title_terms, old.body_terms); \
                     INSERT INTO search_terms(rowid, title_terms, body_terms) \
                     VALUES (new.id, new.title_terms, new.body_terms); END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS search_terms")
                .await?;
        }
        for table in [
            SearchEntries::Table.into_iden(),
            SearchLabels::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
