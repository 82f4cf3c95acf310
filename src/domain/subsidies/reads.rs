//! Reading claims and lines within the caller's scope.

use super::*;

/// Which claims to list.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    /// Only these statuses (empty: every status).
    pub statuses: Vec<ClaimStatus>,
    /// Only this provider's.
    pub provider: Option<i32>,
}

pub(super) fn select(scope: ClaimScope, filter: &ClaimFilter) -> Select<subsidy_claim::Entity> {
    let mut cond = Condition::all();
    cond = match scope {
        ClaimScope::All => cond,
        ClaimScope::Region(region) => cond.add(subsidy_claim::Column::RegionId.eq(region)),
        ClaimScope::Provider(org) => cond.add(subsidy_claim::Column::ProviderId.eq(org)),
    };
    if !filter.statuses.is_empty() {
        cond = cond.add(subsidy_claim::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(org) = filter.provider {
        cond = cond.add(subsidy_claim::Column::ProviderId.eq(org));
    }
    subsidy_claim::Entity::find().filter(cond)
}

pub(super) fn ordering() -> Ordering<subsidy_claim::Entity> {
    Ordering {
        name: "subsidy-claims:id".to_owned(),
        keys: vec![SortKey::column(
            subsidy_claim::Column::Id,
            false,
            KeyKind::Int,
            |m: &subsidy_claim::Model| CursorValue::Int(i64::from(m.id)),
        )],
    }
}

/// One page of the claims the caller may see, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ClaimFilter,
    request: &PageRequest,
) -> AppResult<Page<subsidy_claim::Model>> {
    let scope = policy::claim_scope(&caller.viewer)?;
    page::fetch_page(db, select(scope, filter), &ordering(), request).await
}

/// How many claims the caller may see match.
pub async fn count(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ClaimFilter,
) -> AppResult<u64> {
    let scope = policy::claim_scope(&caller.viewer)?;
    page::count(db, select(scope, filter)).await
}

/// A claim by id, if the caller may see it.
pub async fn by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<subsidy_claim::Model>> {
    let Some(found) = subsidy_claim::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(policy::claim_visible(&caller.viewer, found.provider_id, found.region_id).then_some(found))
}

/// A line by id, if the caller may see its claim.
pub async fn line_by_id(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> AppResult<Option<claim_line::Model>> {
    let Some(line) = claim_line::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(by_id(db, caller, line.claim_id).await?.map(|_| line))
}

/// The lines of each claim, in order.
pub async fn lines_by_claim(
    db: &DatabaseConnection,
    claim_ids: &[i32],
) -> AppResult<HashMap<i32, Vec<claim_line::Model>>> {
    crate::domain::children_of::<claim_line::Entity>(
        db,
        claim_line::Column::ClaimId,
        claim_ids,
        claim_line::Column::Id,
        |l| l.claim_id,
    )
    .await
}
