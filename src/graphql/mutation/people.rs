//! `Mutation`: learner registration, and a learner's requests about their personal data.

use async_graphql::{Context, InputObject, Object};

use async_graphql::ID;

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{
        DataRequest, Learner, PersonalField, TargetGroup, TargetGroupCode, TargetGroupMembership,
    },
};
use crate::{
    domain::kernel::input::{self, Reason},
    domain::{
        kernel::personal::{NationalId, PhoneNumber},
        people::{
            data_requests::{self, Correction, Decision},
            learners::{self, NewLearner},
            target_groups,
        },
    },
};

/// Learner registration.
#[derive(Default)]
pub struct LearnersMutation;

#[Object]
impl LearnersMutation {
    /// Registers a learner (training providers, and the regulator for its region). CONFLICT when a
    /// learner with the same national ID number exists; the number is never echoed back.
    async fn register_learner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The learner's details.")] input: RegisterLearnerInput,
    ) -> async_graphql::Result<Learner> {
        let api = api(ctx)?;
        let new = NewLearner {
            name: learners::parse_name("input.name", &input.name)?,
            national_id: NationalId::parse("input.nationalId", &input.national_id)?,
            phone: PhoneNumber::parse("input.phone", &input.phone)?,
            region: input::one("input.region", &input.region)?,
            target_group: input.target_group.into(),
        };
        let registered = learners::register(
            &*api.db.turn().await?,
            &caller(ctx),
            &api.personal_data,
            new,
        )
        .await?;
        Learner::resolve(ctx, registered.learner().clone())
            .await?
            .ok_or_else(|| crate::auth::policy::registered_out_of_sight().into())
    }
}

/// A learner's requests about their personal data, and their decisions.
#[derive(Default)]
pub struct DataRequestsMutation;

#[Object]
impl DataRequestsMutation {
    /// Asks, as the LEARNER, for a correction of the name or the phone number; the provider that
    /// registered the learner or the regulator of their region decides. The new value is kept
    /// sealed until then and shown masked. CONFLICT while a correction is pending.
    async fn request_data_correction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The field, its corrected value and why.")]
        input: RequestDataCorrectionInput,
    ) -> async_graphql::Result<DataRequest> {
        let api = api(ctx)?;
        let correction = Correction::parse(input.field.into(), "input.value", &input.value)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(DataRequest(
            data_requests::request_correction(
                &*api.db.turn().await?,
                &caller(ctx),
                &api.personal_data,
                correction,
                reason,
            )
            .await?,
        ))
    }

    /// Asks, as the LEARNER, for the erasure of their personal data; the regulator of their
    /// region decides. CONFLICT while an erasure is pending.
    async fn request_data_erasure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Why.")] input: RequestDataErasureInput,
    ) -> async_graphql::Result<DataRequest> {
        let api = api(ctx)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(DataRequest(
            data_requests::request_erasure(&*api.db.turn().await?, &caller(ctx), reason).await?,
        ))
    }

    /// Approves a PENDING request and carries it out in the same transaction: a correction
    /// re-seals the learner's record with the new value (the provider that registered the
    /// learner, or the regulator of their region); an erasure destroys the learner's personal
    /// data for good (that regulator only). Audited with values masked. CONFLICT when decided
    /// already.
    async fn approve_data_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request and why.")] input: DecideDataRequestInput,
    ) -> async_graphql::Result<DataRequest> {
        decide(ctx, input, Decision::Approve).await
    }

    /// Rejects a PENDING request with a reason the learner reads; the value asked for is
    /// dropped. Who may: as for `approveDataRequest`.
    async fn reject_data_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request and why.")] input: DecideDataRequestInput,
    ) -> async_graphql::Result<DataRequest> {
        decide(ctx, input, Decision::Reject).await
    }
}

async fn decide(
    ctx: &Context<'_>,
    input: DecideDataRequestInput,
    decision: fn(Reason) -> Decision,
) -> async_graphql::Result<DataRequest> {
    let api = api(ctx)?;
    let id = NodeKey::data_request("input.request", &input.request)?;
    let reason = input::one::<Reason>("input.reason", &input.reason)?;
    Ok(DataRequest(
        data_requests::decide(
            &*api.db.turn().await?,
            &caller(ctx),
            &api.personal_data,
            id,
            decision(reason),
        )
        .await?,
    ))
}

/// Ask for a correction of a personal field.
#[derive(InputObject)]
pub struct RequestDataCorrectionInput {
    /// The field to correct.
    pub field: PersonalField,
    /// Its corrected value (a name of 1 to 50 characters, or an 11-digit mobile number).
    pub value: String,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Ask for the erasure of one's personal data.
#[derive(InputObject)]
pub struct RequestDataErasureInput {
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Decide a learner's request.
#[derive(InputObject)]
pub struct DecideDataRequestInput {
    /// The request.
    pub request: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// Register a learner by real name.
#[derive(InputObject)]
pub struct RegisterLearnerInput {
    /// Real name.
    pub name: String,
    /// The 18-character national ID number; stored encrypted, shown masked.
    pub national_id: String,
    /// Mobile number, 11 digits.
    pub phone: String,
    /// The region the learner lives in (GB/T 2260 code).
    pub region: String,
    /// The employment-support group.
    pub target_group: TargetGroupCode,
}

/// Target groups as data, and learners' memberships of them.
#[derive(Default)]
pub struct TargetGroupsMutation;

#[Object]
impl TargetGroupsMutation {
    /// Adds a target group or changes one: SYSTEM_ADMIN (to the national list, and any group) or
    /// a REGULATOR (for its region, and those its region added). A sensitive group stays
    /// sensitive (`input.sensitive`). Audited.
    async fn upsert_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group.")] input: UpsertTargetGroupInput,
    ) -> async_graphql::Result<TargetGroup> {
        let change = target_groups::GroupChange {
            code: input.code,
            name: input.name,
            name_en: input.name_en.unwrap_or_default(),
            sensitive: input.sensitive,
        };
        Ok(TargetGroup(
            target_groups::upsert(&*api(ctx)?.db.turn().await?, &caller(ctx), change).await?,
        ))
    }

    /// Records that a learner belongs to a target group, since a date and on a basis (again: a
    /// new date and basis). Those who see the learner in full for a purpose record it: the
    /// REGULATOR of the learner's region, a provider in a current relation. Audited with the
    /// group and the date, never the basis's words.
    async fn record_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The learner, the group, since when and on what basis.")]
        input: RecordTargetGroupInput,
    ) -> async_graphql::Result<TargetGroupMembership> {
        let new = target_groups::NewMembership {
            learner_id: NodeKey::learner("input.learner", &input.learner)?,
            group: input.group,
            since: input.since.0,
            basis: input.basis,
        };
        let (membership, group) =
            target_groups::record(&*api(ctx)?.db.turn().await?, &caller(ctx), new).await?;
        Ok(TargetGroupMembership(membership, group))
    }

    /// Removes a learner from a target group (recorded in error, or ended), by those who record
    /// it; the learner's remaining memberships. Audited.
    async fn remove_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The learner and the group.")] input: RemoveTargetGroupInput,
    ) -> async_graphql::Result<Vec<TargetGroupMembership>> {
        let learner = NodeKey::learner("input.learner", &input.learner)?;
        let db = api(ctx)?.db.turn().await?;
        target_groups::remove(&db, &caller(ctx), learner, &input.group).await?;
        Ok(target_groups::of_learners(&*db, &[learner])
            .await?
            .remove(&learner)
            .unwrap_or_default()
            .into_iter()
            .map(|(m, g)| TargetGroupMembership(m, g))
            .collect())
    }
}

/// Add or change a target group.
#[derive(InputObject)]
pub struct UpsertTargetGroupInput {
    /// Its code: 2 to 40 upper-case letters, digits and underscores (`LEFT_BEHIND_WOMEN`); an
    /// existing code changes that group.
    pub code: String,
    /// Its Chinese name, 1 to 50 characters.
    pub name: String,
    /// Its English name, at most 100 characters.
    pub name_en: Option<String>,
    /// Membership is sensitive personal information (disability, poverty).
    #[graphql(default)]
    pub sensitive: bool,
}

/// Record a learner's membership of a target group.
#[derive(InputObject)]
pub struct RecordTargetGroupInput {
    /// The learner.
    pub learner: ID,
    /// The group's code (`targetGroups`).
    pub group: String,
    /// Since when the learner belongs to it; not in the future.
    pub since: crate::graphql::scalars::Date,
    /// On what basis (a certificate, a register entry), 1 to 200 characters.
    pub basis: String,
}

/// Remove a learner from a target group.
#[derive(InputObject)]
pub struct RemoveTargetGroupInput {
    /// The learner.
    pub learner: ID,
    /// The group's code.
    pub group: String,
}
