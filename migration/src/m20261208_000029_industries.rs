//! Industries as data: an `industries` table (code, Chinese and English names, the GB/T 4754
//! section it falls in, and the region whose regulator added it, none for the national list) that
//! the system administrator and a region's regulator extend without a release; a city's named
//! clusters ("7+3", "353") as sets of industries. `alliances.industry` keeps its code, which now
//! names an industries row (a foreign key on PostgreSQL); the ten industries the closed list held
//! are its first rows.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Industries {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    Section,
    RegionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IndustryClusters {
    Table,
    Id,
    Code,
    Name,
    RegionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IndustryClusterMembers {
    Table,
    ClusterId,
    IndustryId,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Alliances {
    Table,
    Industry,
}

/// The ten industries of the closed list, with their GB/T 4754-2017 sections (C manufacturing,
/// I information technology services, Q health and social work, H accommodation and catering).
const FIRST: &[(&str, &str, &str, &str)] = &[
    ("EYEWEAR", "眼镜", "Eyewear", "C"),
    (
        "MARINE_ENGINEERING_EQUIPMENT",
        "海工装备",
        "Marine engineering equipment",
        "C",
    ),
    ("DIGITAL_SKILLS", "数字技能", "Digital skills", "I"),
    (
        "INTELLIGENT_MANUFACTURING",
        "智能制造",
        "Intelligent manufacturing",
        "C",
    ),
    ("NEW_ENERGY", "新能源", "New energy", "C"),
    ("ELDERLY_CARE", "养老服务", "Elderly care", "Q"),
    ("CULINARY", "烹饪餐饮", "Culinary arts and catering", "H"),
    ("NEW_MATERIALS", "新材料", "New materials", "C"),
    ("FOOD_PROCESSING", "食品加工", "Food processing", "C"),
    ("BIOMEDICINE", "生物医药", "Biomedicine", "C"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Industries::Table)
                    .col(pk_auto(Industries::Id))
                    .col(string_len_uniq(Industries::Code, 40))
                    .col(string_len(Industries::Name, 50))
                    .col(string_len(Industries::NameEn, 100).default(""))
                    .col(string_len(Industries::Section, 1))
                    .col(integer_null(Industries::RegionId))
                    .col(timestamp_with_time_zone(Industries::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        "fk_industries_region",
                        (Industries::Table, Industries::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndustryClusters::Table)
                    .col(pk_auto(IndustryClusters::Id))
                    .col(string_len_uniq(IndustryClusters::Code, 40))
                    .col(string_len(IndustryClusters::Name, 50))
                    .col(integer(IndustryClusters::RegionId))
                    .col(timestamp_with_time_zone(IndustryClusters::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        "fk_industry_clusters_region",
                        (IndustryClusters::Table, IndustryClusters::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IndustryClusterMembers::Table)
                    .col(integer(IndustryClusterMembers::ClusterId))
                    .col(integer(IndustryClusterMembers::IndustryId))
                    .primary_key(
                        Index::create()
                            .col(IndustryClusterMembers::ClusterId)
                            .col(IndustryClusterMembers::IndustryId),
                    )
                    .foreign_key(&mut crate::fk(
                        "fk_cluster_members_cluster",
                        (
                            IndustryClusterMembers::Table,
                            IndustryClusterMembers::ClusterId,
                        ),
                        (IndustryClusters::Table, IndustryClusters::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(
                        "fk_cluster_members_industry",
                        (
                            IndustryClusterMembers::Table,
                            IndustryClusterMembers::IndustryId,
                        ),
                        (Industries::Table, Industries::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cluster_members_industry")
                    .table(IndustryClusterMembers::Table)
                    .col(IndustryClusterMembers::IndustryId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_alliances_industry")
                    .table(Alliances::Table)
                    .col(Alliances::Industry)
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert.into_table(Industries::Table).columns([
            Industries::Code,
            Industries::Name,
            Industries::NameEn,
            Industries::Section,
            Industries::CreatedAt,
        ]);
        for (code, name, name_en, section) in FIRST {
            insert.values_panic([
                (*code).into(),
                (*name).into(),
                (*name_en).into(),
                (*section).into(),
                Expr::current_timestamp(),
            ]);
        }
        manager.exec_stmt(insert).await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            // SQLite cannot add a foreign key to an existing table; there the domain keeps it (an
            // alliance is founded for an industry that exists, and an industry is never deleted).
            manager
                .create_foreign_key(crate::fk(
                    "fk_alliances_industry",
                    (Alliances::Table, Alliances::Industry),
                    (Industries::Table, Industries::Code),
                    ForeignKeyAction::Restrict,
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .drop_foreign_key(
                    ForeignKey::drop()
                        .name("fk_alliances_industry")
                        .table(Alliances::Table)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_alliances_industry")
                    .table(Alliances::Table)
                    .to_owned(),
            )
            .await?;
        for table in [
            IndustryClusterMembers::Table.into_iden(),
            IndustryClusters::Table.into_iden(),
            Industries::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
