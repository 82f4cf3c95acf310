//! `Mutation`: institution evaluations and the standing they confirm.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::{
    institutions::credit::{self, Inspected},
    kernel::input::{self, Note, Reason},
};
use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{InstitutionEvaluation, InstitutionStatus},
};

/// Institution evaluations.
#[derive(Default)]
pub struct InstitutionsMutation;

#[Object]
impl InstitutionsMutation {
    /// Evaluates a training institution (the REGULATOR of its region): scores the three inspected
    /// dimensions 0 to 100, computes the training results from the graph and proposes credit
    /// stars and a standing. The evaluation is PROPOSED (a PROPOSED one before it is
    /// SUPERSEDED) until confirmed; nothing about the institution changes yet.
    async fn evaluate_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The institution and the inspected scores.")]
        input: EvaluateInstitutionInput,
    ) -> async_graphql::Result<InstitutionEvaluation> {
        let api = api(ctx)?;
        let institution = NodeKey::organization("input.institution", &input.institution)?;
        let score = |field: &str, n: i32| input::narrow::<i16>(field, n, "0 to 100");
        let inspected = Inspected {
            qualification: score("input.qualificationScore", input.qualification_score)?,
            teachers: score("input.teachersScore", input.teachers_score)?,
            facilities: score("input.facilitiesScore", input.facilities_score)?,
        };
        let note = Note::optional("input.note", input.note.as_deref())?;
        Ok(InstitutionEvaluation(
            credit::evaluate(
                &*api.db.turn().await?,
                &caller(ctx),
                institution,
                inspected,
                note,
            )
            .await?,
        ))
    }

    /// Confirms a PROPOSED evaluation once (the REGULATOR of the institution's region), with the
    /// standing decided (the proposed one when left out) and why. The institution takes the
    /// stars and the standing at once: a SUSPENDED or EXITED institution's resources and plans
    /// leave every public list, and it may neither publish nor train until ADMITTED again.
    async fn confirm_institution_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation, the standing and the reason.")]
        input: ConfirmInstitutionEvaluationInput,
    ) -> async_graphql::Result<InstitutionEvaluation> {
        let api = api(ctx)?;
        let id = NodeKey::institution_evaluation("input.evaluation", &input.evaluation)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(InstitutionEvaluation(
            credit::confirm(
                &*api.db.turn().await?,
                &caller(ctx),
                id,
                input.standing.map(Into::into),
                reason,
            )
            .await?,
        ))
    }
}

/// Evaluate an institution.
#[derive(InputObject)]
pub struct EvaluateInstitutionInput {
    /// The training institution.
    pub institution: ID,
    /// Qualifications and credit, 0 to 100.
    pub qualification_score: i32,
    /// Teachers, 0 to 100.
    pub teachers_score: i32,
    /// Training facilities, 0 to 100.
    pub facilities_score: i32,
    /// What the inspection found, up to 500 characters.
    pub note: Option<String>,
}

/// Confirm an evaluation's standing.
#[derive(InputObject)]
pub struct ConfirmInstitutionEvaluationInput {
    /// The PROPOSED evaluation.
    pub evaluation: ID,
    /// The standing decided (the proposed one when left out).
    pub standing: Option<InstitutionStatus>,
    /// Why, 1 to 500 characters (an override of the proposal says what outweighed it).
    pub reason: String,
}
