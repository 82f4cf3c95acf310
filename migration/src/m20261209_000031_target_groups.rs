//! Target groups as data: the groups training and employment policy names (就业困难人员, 零就业家庭,
//! 离校未就业高校毕业生, 农村转移劳动者, 脱贫家庭, 留守妇女, 残疾人, 退役军人, 返乡人员, 高素质农民, 企业职工,
//! …) in a `target_groups` table a region's regulator extends, some marked sensitive personal
//! information (disability, poverty); and a learner's memberships, several each, with the date
//! and basis of each. The group a learner declared at registration (`learners.target_group`)
//! becomes their first membership, dated the day they were registered.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TargetGroups {
    Table,
    Id,
    Code,
    Name,
    NameEn,
    Sensitive,
    RegionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LearnerTargetGroups {
    Table,
    Id,
    LearnerId,
    TargetGroupId,
    Since,
    Basis,
    RecordedById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Learners {
    Table,
    Id,
    TargetGroup,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

/// The national list: the five codes a learner could declare before (their names as the seeds
/// write them), then the groups the seeds name. `true`: sensitive personal information.
const FIRST: &[(&str, &str, &str, bool)] = &[
    ("GRADUATE", "高校毕业生", "College graduates", false),
    (
        "RURAL_MIGRANT_WORKER",
        "农村转移劳动者",
        "Rural migrant workers",
        false,
    ),
    ("UNEMPLOYED", "失业人员", "Unemployed people", false),
    ("VETERAN", "退役军人", "Veterans", false),
    ("DISABLED", "残疾人", "People with disabilities", true),
    ("OTHER", "其他人员", "Others", false),
    (
        "EMPLOYMENT_DIFFICULTY",
        "就业困难人员",
        "People with employment difficulties",
        true,
    ),
    (
        "ZERO_EMPLOYMENT_FAMILY",
        "零就业家庭成员",
        "Members of zero-employment families",
        true,
    ),
    (
        "UNPLACED_GRADUATE",
        "离校未就业高校毕业生",
        "Graduates not yet employed after leaving college",
        false,
    ),
    (
        "GRADUATING_STUDENT",
        "毕业学年高校毕业生",
        "Students in their graduating year",
        false,
    ),
    (
        "POVERTY_ALLEVIATED",
        "脱贫家庭成员",
        "Members of households lifted out of poverty",
        true,
    ),
    (
        "LEFT_BEHIND_WOMEN",
        "农村留守妇女",
        "Left-behind rural women",
        false,
    ),
    (
        "RETURNEE",
        "返乡入乡人员",
        "Returnees to the countryside",
        false,
    ),
    (
        "HIGH_QUALITY_FARMER",
        "高素质农民",
        "High-quality farmers",
        false,
    ),
    ("EMPLOYEE", "企业职工", "Enterprise employees", false),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TargetGroups::Table)
                    .col(pk_auto(TargetGroups::Id))
                    .col(string_len_uniq(TargetGroups::Code, 40))
                    .col(string_len(TargetGroups::Name, 50))
                    .col(string_len(TargetGroups::NameEn, 100).default(""))
                    .col(boolean(TargetGroups::Sensitive).default(false))
                    .col(integer_null(TargetGroups::RegionId))
                    .col(timestamp_with_time_zone(TargetGroups::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        "fk_target_groups_region",
                        (TargetGroups::Table, TargetGroups::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LearnerTargetGroups::Table)
                    .col(pk_auto(LearnerTargetGroups::Id))
                    .col(integer(LearnerTargetGroups::LearnerId))
                    .col(integer(LearnerTargetGroups::TargetGroupId))
                    .col(date(LearnerTargetGroups::Since))
                    .col(string_len(LearnerTargetGroups::Basis, 200))
                    .col(integer_null(LearnerTargetGroups::RecordedById))
                    .col(timestamp_with_time_zone(LearnerTargetGroups::CreatedAt))
                    .foreign_key(&mut crate::fk(
                        "fk_learner_target_groups_learner",
                        (LearnerTargetGroups::Table, LearnerTargetGroups::LearnerId),
                        (Learners::Table, Learners::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut crate::fk(
                        "fk_learner_target_groups_group",
                        (
                            LearnerTargetGroups::Table,
                            LearnerTargetGroups::TargetGroupId,
                        ),
                        (TargetGroups::Table, TargetGroups::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut crate::fk(
                        "fk_learner_target_groups_recorded_by",
                        (
                            LearnerTargetGroups::Table,
                            LearnerTargetGroups::RecordedById,
                        ),
                        (Organizations::Table, Organizations::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_learner_target_groups")
                    .table(LearnerTargetGroups::Table)
                    .col(LearnerTargetGroups::LearnerId)
                    .col(LearnerTargetGroups::TargetGroupId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Figures by group read from the group's side.
        manager
            .create_index(
                Index::create()
                    .name("idx_learner_target_groups_group")
                    .table(LearnerTargetGroups::Table)
                    .col(LearnerTargetGroups::TargetGroupId)
                    .col(LearnerTargetGroups::LearnerId)
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert.into_table(TargetGroups::Table).columns([
            TargetGroups::Code,
            TargetGroups::Name,
            TargetGroups::NameEn,
            TargetGroups::Sensitive,
            TargetGroups::CreatedAt,
        ]);
        for (code, name, name_en, sensitive) in FIRST {
            insert.values_panic([
                (*code).into(),
                (*name).into(),
                (*name_en).into(),
                (*sensitive).into(),
                Expr::current_timestamp(),
            ]);
        }
        manager.exec_stmt(insert).await?;
        // Every learner's declared group becomes their first membership, in one statement, dated
        // the (UTC) day of registration: SQLite keeps the timestamp as text.
        let registered_on = if manager.get_database_backend() == DatabaseBackend::Postgres {
            "CAST(learners.created_at AT TIME ZONE 'UTC' AS DATE)"
        } else {
            "substr(learners.created_at, 1, 10)"
        };
        let declared = Query::select()
            .expr(Expr::col((Learners::Table, Learners::Id)))
            .expr(Expr::col((TargetGroups::Table, TargetGroups::Id)))
            .expr(Expr::cust(registered_on))
            .expr(Expr::val("登记时申报"))
            .expr(Expr::col((Learners::Table, Learners::CreatedAt)))
            .from(Learners::Table)
            .inner_join(
                TargetGroups::Table,
                Expr::col((TargetGroups::Table, TargetGroups::Code))
                    .equals((Learners::Table, Learners::TargetGroup)),
            )
            .to_owned();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(LearnerTargetGroups::Table)
                    .columns([
                        LearnerTargetGroups::LearnerId,
                        LearnerTargetGroups::TargetGroupId,
                        LearnerTargetGroups::Since,
                        LearnerTargetGroups::Basis,
                        LearnerTargetGroups::CreatedAt,
                    ])
                    .select_from(declared)
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LearnerTargetGroups::Table.into_iden(),
            TargetGroups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
