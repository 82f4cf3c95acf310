//! Demo data: subsidy standards for every region, and a claim on the finished demo cohort with
//! its lines paid, and pending — made through the domain's own code path.

use super::*;

/// A caller of the seed, as `role`.
fn seed_caller(role: Role, org: Option<i32>, region: Option<i32>) -> Caller {
    Caller {
        viewer: Viewer {
            subject: "demo-seed".to_owned(),
            role,
            organization_id: org,
            region_id: region,
            ..Viewer::public()
        },
        request_id: None,
        access: Default::default(),
    }
}

/// Standards from last year to two years ahead in every region (20 % for scarce occupations,
/// 6,000 CNY a year per apprentice); then the provider of the finished demo cohort claims for
/// its three completers, the regulator approves the first line and marks it paid, and the other
/// two wait. Returns the claims made.
pub(super) async fn demo_claims(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use crate::domain::{
        catalogue::{self, CatalogueEntry},
        cohorts::CompletionRule,
        input::{FromInput, Reason},
        subsidies::{self, LineDecision, Standard},
    };
    use chrono::Datelike;
    use entity::{CohortStatus, cohort};
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    let this_year = chrono::Utc::now().year() as i16;
    for r in region::Entity::find().all(db).await? {
        for year in this_year - 1..=this_year + 2 {
            subsidies::set_standard(
                db,
                &seed_caller(Role::Regulator, None, Some(r.id)),
                Standard {
                    year,
                    scarce_uplift_percent: 20,
                    apprenticeship_fen_per_year: 600_000,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo standard: {e}"))?;
        }
    }
    // The finished demo cohort that kept its training record.
    let finished = cohort::Entity::find()
        .filter(cohort::Column::Status.eq(CohortStatus::Finished))
        .filter(cohort::Column::Subsidized.eq(true))
        .order_by_asc(cohort::Column::Id)
        .all(db)
        .await?;
    let mut target = None;
    for c in finished {
        if !crate::domain::cohorts::class_days_by_cohort(db, &[c.id])
            .await?
            .is_empty()
        {
            target = Some(c);
            break;
        }
    }
    let Some(target) = target else {
        return Ok(0);
    };
    let region_id = alliance::Entity::find_by_id(target.alliance_id)
        .one(db)
        .await?
        .context("the cohort's alliance")?
        .region_id;
    let regulator = seed_caller(Role::Regulator, None, Some(region_id));
    // A special ability (专项职业能力): the completion with its attendance is the evidence.
    catalogue::upsert_item(
        db,
        &regulator,
        CatalogueEntry {
            occupation: crate::domain::codes::OccupationCode::parse(&target.occupation_code)?,
            level: target.target_level,
            category: entity::CatalogueCategory::SpecialAbility,
            subsidy_fen: 180_000,
            evidence: None,
            scarce: true,
            year: target.end_on.year() as i16,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo catalogue: {e}"))?;
    let provider = organization::Entity::find_by_id(target.provider_id)
        .one(db)
        .await?
        .context("the cohort's provider")?;
    let role = if provider.kind == entity::OrganizationKind::College {
        Role::College
    } else {
        Role::TrainingInstitution
    };
    let (_, lines) = subsidies::submit(
        db,
        &seed_caller(role, Some(provider.id), None),
        CompletionRule::default(),
        target.id,
        &[],
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo claim: {e}"))?;
    let reason = |t: &str| Reason::from_input(t).map_err(anyhow::Error::msg);
    if let Some(first) = lines.first() {
        subsidies::decide_line(
            db,
            &regulator,
            first.id,
            LineDecision::Approve(Some(reason("考勤与结业记录齐全")?)),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo claim line: {e}"))?;
        subsidies::mark_paid(db, &regulator, &[first.id], "ZJCZ-2026-000118")
            .await
            .map_err(|e| anyhow::anyhow!("demo payment: {e}"))?;
    }
    Ok(1)
}
