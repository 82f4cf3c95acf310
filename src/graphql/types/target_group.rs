//! Target groups (重点群体) and a learner's memberships of them.

use async_graphql::{Context, Object};
use entity::{learner_target_group, target_group};

use super::Region;
use crate::graphql::{context::api, scalars::Date};

/// The GraphQL `TargetGroup` type over its row.
pub struct TargetGroup(pub target_group::Model);

/// A target group (重点群体) of training and employment policy: data that the system administrator
/// and a region's regulator extend without a release. Programmes serve groups, learners belong to
/// them, and figures count by them under the disclosure rule.
#[Object]
impl TargetGroup {
    /// Its stable code (`VETERAN`, `LEFT_BEHIND_WOMEN`).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Chinese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// English name (empty where none is known).
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// Membership is sensitive personal information (disability, poverty). Every membership is
    /// shown in a learner's full view only; a sensitive group stays sensitive once marked.
    async fn sensitive(&self) -> bool {
        self.0.sensitive
    }

    /// The region whose regulator added it; null for the national list.
    async fn added_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Region>> {
        let Some(id) = self.0.region_id else {
            return Ok(None);
        };
        Ok(api(ctx)?.loaders.region.load_one(id).await?.map(Region))
    }
}

/// The GraphQL `TargetGroupMembership` type over a membership and its group.
pub struct TargetGroupMembership(pub learner_target_group::Model, pub target_group::Model);

/// A learner's membership of a target group, with its date and basis: personal data, shown in
/// the learner's full view only.
#[Object]
impl TargetGroupMembership {
    /// The group.
    async fn group(&self) -> TargetGroup {
        TargetGroup(self.1.clone())
    }

    /// Since when the learner belongs to it.
    async fn since(&self) -> Date {
        Date(self.0.since)
    }

    /// On what basis (a certificate, a register entry; `登记时申报` for the group declared at
    /// registration); empty once the learner's personal data is erased.
    async fn basis(&self) -> &str {
        &self.0.basis
    }
}
