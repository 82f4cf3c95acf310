//! `Mutation`: alliance membership and organization profiles.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{Membership, MembershipRole, Organization},
};
use crate::{
    domain::kernel::input,
    domain::{
        kernel::codes::AllianceCode,
        network::{
            memberships,
            organizations::{self, ProfileChange},
        },
    },
    error::AppResult,
};

/// Alliance membership and organization profiles.
#[derive(Default)]
pub struct MembersMutation;

#[Object]
impl MembersMutation {
    /// Admits an organization to an alliance the token administers (ALLIANCE_ADMIN), or re-admits
    /// a former member. CONFLICT for a current member.
    async fn admit_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to admit.")] input: AdmitMemberInput,
    ) -> async_graphql::Result<Membership> {
        let api = api(ctx)?;
        let alliance = input::one::<AllianceCode>("input.alliance", &input.alliance)?;
        let organization = NodeKey::organization("input.organization", &input.organization)?;
        let saved = memberships::admit(
            &*api.db.turn().await?,
            &caller(ctx),
            &alliance,
            organization,
            input.role.into(),
            input.joined_on.map(Into::into),
        )
        .await?;
        Ok(Membership(saved, None))
    }

    /// Changes the role of a current member of an alliance the token administers.
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership and its new role.")] input: ChangeMemberRoleInput,
    ) -> async_graphql::Result<Membership> {
        let api = api(ctx)?;
        let membership = NodeKey::membership("input.membership", &input.membership)?;
        let saved = memberships::change_role(
            &*api.db.turn().await?,
            &caller(ctx),
            membership,
            input.role.into(),
        )
        .await?;
        Ok(Membership(saved, None))
    }

    /// Ends a membership of an alliance the token administers; the record stays, with its
    /// `leftOn` date.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership to end.")] input: RemoveMemberInput,
    ) -> async_graphql::Result<Membership> {
        let api = api(ctx)?;
        let membership = NodeKey::membership("input.membership", &input.membership)?;
        let saved = memberships::remove(
            &*api.db.turn().await?,
            &caller(ctx),
            membership,
            input.left_on.map(Into::into),
        )
        .await?;
        Ok(Membership(saved, None))
    }

    /// Changes the public profile of the token's own organization.
    async fn update_organization_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization and the fields to change.")]
        input: UpdateOrganizationProfileInput,
    ) -> async_graphql::Result<Organization> {
        let api = api(ctx)?;
        let organization = NodeKey::organization("input.organization", &input.organization)?;
        let change = ProfileChange {
            name_en: text_change("input.nameEn", input.name_en, 200, false)?,
            address: text_change("input.address", input.address, 200, false)?,
            website: text_change("input.website", input.website, 200, true)?,
            description: text_change("input.description", input.description, 2000, false)?,
        };
        let saved = organizations::update_profile(
            &*api.db.turn().await?,
            &caller(ctx),
            organization,
            change,
        )
        .await?;
        Ok(Organization(saved))
    }
}

/// Admit an organization to an alliance.
#[derive(InputObject, Debug)]
pub struct AdmitMemberInput {
    /// The alliance's code (`zj-eyewear`); one the token administers.
    pub alliance: String,
    /// The organization to admit.
    pub organization: ID,
    /// Its role; MEMBER unless told otherwise.
    #[graphql(default_with = "MembershipRole::Member")]
    pub role: MembershipRole,
    /// The day it joins; today unless told otherwise.
    pub joined_on: Option<Date>,
}

/// Change a member's role.
#[derive(InputObject, Debug)]
pub struct ChangeMemberRoleInput {
    /// The membership.
    pub membership: ID,
    /// The new role.
    pub role: MembershipRole,
}

/// End a membership.
#[derive(InputObject, Debug)]
pub struct RemoveMemberInput {
    /// The membership.
    pub membership: ID,
    /// The day the organization leaves; today unless told otherwise.
    pub left_on: Option<Date>,
}

/// Change an organization's public profile. A field left out stays as it is; null clears it.
#[derive(InputObject, Debug)]
pub struct UpdateOrganizationProfileInput {
    /// The organization; the token's own.
    pub organization: ID,
    /// English name, at most 200 characters.
    pub name_en: MaybeUndefined<String>,
    /// Postal address, at most 200 characters.
    pub address: MaybeUndefined<String>,
    /// Website, `http://` or `https://`, at most 200 characters.
    pub website: MaybeUndefined<String>,
    /// Public description, at most 2,000 characters.
    pub description: MaybeUndefined<String>,
}

fn text_change(
    field: &str,
    value: MaybeUndefined<String>,
    max: usize,
    website: bool,
) -> AppResult<Option<Option<String>>> {
    let parse = |v: Option<&str>| {
        if website {
            organizations::profile_website(field, v)
        } else {
            organizations::profile_text(field, v, max)
        }
    };
    match value {
        MaybeUndefined::Undefined => Ok(None),
        MaybeUndefined::Null => Ok(Some(None)),
        MaybeUndefined::Value(v) => parse(Some(&v)).map(Some),
    }
}
