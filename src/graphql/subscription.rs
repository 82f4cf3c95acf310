//! The subscription root, served over graphql-ws at `/graphql/ws`.

use async_graphql::{Context, Subscription};
use futures_util::{Stream, StreamExt};

use super::{
    context::{api, caller},
    ids::NodeKey,
    types::{Demand, OpenResource, Suggestion},
};
use crate::{
    domain::{
        demands,
        kernel::codes::{AllianceCode, OccupationPrefix},
        network::alliances,
        orders,
        people::gate,
        training::resources,
    },
    error::AppError,
    events::Event,
};

/// The subscription root type.
#[derive(Default)]
pub struct SubscriptionRoot;

/// Live events.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Each demand as it opens, in any of `alliances` (every alliance when left out) and within
    /// `occupationPrefix` (any occupation when left out).
    async fn demand_posted(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Alliance codes; any of them.")] alliances: Option<Vec<String>>,
        #[graphql(desc = "An occupation code or prefix (`6-18`).")] occupation_prefix: Option<
            String,
        >,
    ) -> async_graphql::Result<impl Stream<Item = Demand> + use<>> {
        let api = api(ctx)?;
        let wanted = alliance_ids(api, alliances).await?;
        let prefix = occupation_prefix
            .map(|p| {
                OccupationPrefix::parse(&p).map_err(|e| AppError::validation("occupationPrefix", e))
            })
            .transpose()?;
        let db = api.db.ungated().clone();
        Ok(api.events.subscribe().filter_map(move |event| {
            let (db, wanted, prefix) = (db.clone(), wanted.clone(), prefix.clone());
            async move {
                let Event::DemandOpened { demand_id, alliance_ids, occupation_code } = event else {
                    return None;
                };
                let in_alliances = wanted
                    .as_ref()
                    .is_none_or(|w| alliance_ids.iter().any(|a| w.contains(a)));
                let in_occupation = prefix.as_ref().is_none_or(|p| {
                    occupation_code == p.as_str() || occupation_code.starts_with(&format!("{}-", p.as_str()))
                });
                if !(in_alliances && in_occupation) {
                    return None;
                }
                match demands::by_ids(&db, &[demand_id]).await {
                    Ok(mut found) => found.remove(&demand_id).map(Demand),
                    Err(err) => {
                        tracing::error!(error = %err, demand_id, "loading a posted demand for subscribers failed");
                        None
                    }
                }
            }
        }))
    }

    /// Each open resource as its provider publishes it in a new list version, from providers in any
    /// of `alliances` (every alliance when left out).
    async fn resource_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Alliance codes; any of them.")] alliances: Option<Vec<String>>,
    ) -> async_graphql::Result<impl Stream<Item = OpenResource> + use<>> {
        let api = api(ctx)?;
        let wanted = alliance_ids(api, alliances).await?;
        let db = api.db.ungated().clone();
        Ok(api
            .events
            .subscribe()
            .filter_map(move |event| {
                let (db, wanted) = (db.clone(), wanted.clone());
                async move {
                    let Event::ResourceListPublished { alliance_ids, resource_ids, .. } = event else {
                        return None;
                    };
                    if !wanted.as_ref().is_none_or(|w| alliance_ids.iter().any(|a| w.contains(a))) {
                        return None;
                    }
                    match resources::by_ids(&db, &resource_ids).await {
                        Ok(found) => {
                            let mut items: Vec<_> = found.into_values().collect();
                            items.sort_by_key(|i| i.id);
                            Some(futures_util::stream::iter(items.into_iter().map(OpenResource)))
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "loading published resources for subscribers failed");
                            None
                        }
                    }
                }
            })
            .flatten())
    }

    /// Each new suggestion for an intention: fires when a newly published resource or a newly
    /// planned cohort fits the OPEN intention (for those who may see the intention).
    async fn suggestion_available(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The training intention.")] intention: async_graphql::ID,
    ) -> async_graphql::Result<impl Stream<Item = Suggestion> + use<>> {
        let api = api(ctx)?;
        let id = NodeKey::intention("intention", &intention)?;
        let found = orders::intentions_by_ids(&*api.db.turn().await?, &[id])
            .await?
            .remove(&id)
            .ok_or_else(|| AppError::not_found("training intention"))?;
        let caller = caller(ctx);
        crate::auth::policy::may_reach_intention(
            gate::is_full(
                &*api.db.turn().await?,
                &caller,
                &caller.access,
                found.learner_id,
            )
            .await?,
        )?;
        let db = api.db.ungated().clone();
        Ok(api
            .events
            .subscribe()
            .filter_map(move |event| {
                let db = db.clone();
                async move {
                    let (resources, cohort): (Vec<i32>, Option<i32>) = match event {
                        Event::ResourceListPublished { resource_ids, .. } => (resource_ids, None),
                        Event::CohortPlanned { cohort_id } => (vec![], Some(cohort_id)),
                        Event::DemandOpened { .. }
                        | Event::RegionsChanged
                        | Event::IndustriesChanged => return None,
                    };
                    let current = orders::intentions_by_ids(&db, &[id])
                        .await
                        .ok()?
                        .remove(&id)?;
                    if current.status != entity::IntentionStatus::Open {
                        return None;
                    }
                    let fitting = match orders::suggestions(&db, &current, 50).await {
                        Ok(s) => s,
                        Err(err) => {
                            tracing::error!(error = %err, "suggesting for a subscriber failed");
                            return None;
                        }
                    };
                    let fresh: Vec<Suggestion> = fitting
                        .into_iter()
                        .filter(|s| match &s.item {
                            orders::Suggested::Resource(r) => resources.contains(&r.id),
                            orders::Suggested::Cohort(c) => cohort == Some(c.id),
                        })
                        .map(Suggestion)
                        .collect();
                    Some(futures_util::stream::iter(fresh))
                }
            })
            .flatten())
    }
}

/// Resolves alliance codes to ids; `None` for every alliance.
async fn alliance_ids(
    api: &super::ApiContext,
    codes: Option<Vec<String>>,
) -> async_graphql::Result<Option<Vec<i32>>> {
    let codes = codes
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            AllianceCode::parse(c).map_err(|e| AppError::validation(format!("alliances[{i}]"), e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if codes.is_empty() {
        return Ok(None);
    }
    let found = alliances::ids_of_codes(&*api.db.turn().await?, &codes).await?;
    if found.len() != codes.len() {
        return Err(AppError::validation("alliances", "no alliance has one of these codes").into());
    }
    Ok(Some(found.into_iter().collect()))
}
