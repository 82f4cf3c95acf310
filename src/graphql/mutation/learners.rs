//! `Mutation`: learner registration.

use async_graphql::{Context, InputObject, Object};

use crate::graphql::{
    context::{api, caller},
    types::{Learner, TargetGroup},
};
use crate::{
    domain::input,
    domain::{
        learners::{self, NewLearner},
        personal::{NationalId, PhoneNumber},
    },
    error::AppError,
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
        let registered = learners::register(&api.db, &caller(ctx), &api.personal_data, new).await?;
        Learner::resolve(ctx, registered.learner().clone())
            .await?
            .ok_or_else(|| {
                AppError::Forbidden(
                    "the person is registered, and their record is not yours to see".to_owned(),
                )
                .into()
            })
    }
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
    pub target_group: TargetGroup,
}
