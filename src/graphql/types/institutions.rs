//! Institution evaluations: the four dimensions, the credit stars and the standing.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::institution_evaluation;

use super::{InstitutionStatus, Organization};
use crate::{
    auth::policy,
    domain::institutions::credit,
    error::{AppError, AppResult},
    graphql::{
        context::{api, caller},
        ids::NodeKey,
        loaders::required,
        scalars::DateTime,
    },
};

/// Where an institution evaluation stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::EvaluationStatus")]
pub enum EvaluationStatus {
    /// Scored, waiting for the regulator to confirm the standing.
    Proposed,
    /// Confirmed: its stars and standing are the institution's.
    Confirmed,
    /// Replaced by a later evaluation before it was confirmed.
    Superseded,
}

/// The training results an evaluation rests on, counted from the graph's records over the
/// institution's cohorts finished in the three years before it.
#[derive(SimpleObject)]
pub struct EvaluationResults {
    /// Enrolments that ended (completed or withdrawn).
    pub ended_enrollments: i32,
    /// Of those, completed.
    pub completed: i32,
    /// Of the completed, holding a valid certificate of the occupation and level issued since
    /// the cohort began.
    pub certified: i32,
    /// Of the completed, employed at a follow-up.
    pub placed: i32,
    /// completed / ended, 0 to 1 (null when none ended).
    pub completion_rate: Option<f64>,
    /// certified / completed, 0 to 1 (null when none completed).
    pub certification_rate: Option<f64>,
    /// placed / completed, 0 to 1 (null when none completed).
    pub placement_rate: Option<f64>,
}

fn ratio(num: i32, den: i32) -> Option<f64> {
    (den > 0).then(|| (f64::from(num) / f64::from(den) * 10_000.0).round() / 10_000.0)
}

/// The GraphQL `InstitutionEvaluation` type over its row.
pub struct InstitutionEvaluation(pub institution_evaluation::Model);

/// An evaluation of a training institution (机构评估) on the four documented dimensions, each 0
/// to 100: qualifications and credit, teachers and training facilities (inspected by the
/// regulator) and training results (computed: 40 × completion + 30 × certification + 30 ×
/// placement rate). The total is their mean; 90 and above is five stars, 80 four, 70 three, 60
/// two, less one; three stars or more propose ADMITTED, two SUSPENDED, one EXITED. A CONFIRMED
/// evaluation is public (the bureau's published rating); a PROPOSED or SUPERSEDED one, the
/// counts of learners and the notes are for the regulator and the institution only.
#[Object]
impl InstitutionEvaluation {
    /// The global ID.
    pub(crate) async fn id(&self) -> ID {
        NodeKey::InstitutionEvaluation(self.0.id).to_id().into()
    }

    /// The training institution evaluated.
    async fn institution(&self, ctx: &Context<'_>) -> async_graphql::Result<Organization> {
        Ok(Organization(
            required(
                &api(ctx)?.loaders.organization,
                self.0.institution_id,
                || AppError::internal("an evaluation without its institution"),
            )
            .await?,
        ))
    }

    /// PROPOSED, CONFIRMED or SUPERSEDED.
    async fn status(&self) -> EvaluationStatus {
        self.0.status.into()
    }

    /// Qualifications and credit, 0 to 100 (inspected).
    async fn qualification_score(&self) -> i32 {
        i32::from(self.0.qualification_score)
    }

    /// Teachers, 0 to 100 (inspected).
    async fn teachers_score(&self) -> i32 {
        i32::from(self.0.teachers_score)
    }

    /// Training facilities, 0 to 100 (inspected).
    async fn facilities_score(&self) -> i32 {
        i32::from(self.0.facilities_score)
    }

    /// Training results, 0 to 100, computed (null before any enrolment of the institution
    /// ended; the total is then the mean of the other three). Below five ended enrolments it
    /// could tell one person's outcome, so only the regulator and the institution see it then
    /// (null for everyone else), as for every aggregate about people.
    async fn results_score(&self, ctx: &Context<'_>) -> Option<i32> {
        self.results_disclosed(ctx)
            .then_some(self.0.results_score.map(i32::from))
            .flatten()
    }

    /// The counts and rates the results score comes from (the regulator and the institution
    /// only; null for anyone else).
    async fn results(&self, ctx: &Context<'_>) -> Option<EvaluationResults> {
        self.in_full(ctx).then(|| EvaluationResults {
            ended_enrollments: self.0.ended_enrollments,
            completed: self.0.completed,
            certified: self.0.certified,
            placed: self.0.placed,
            completion_rate: ratio(self.0.completed, self.0.ended_enrollments),
            certification_rate: ratio(self.0.certified, self.0.completed),
            placement_rate: ratio(self.0.placed, self.0.completed),
        })
    }

    /// The mean of the scored dimensions, 0 to 100, rounded half up (null where `resultsScore`
    /// is withheld, since the total and the three inspected scores would give it away; the
    /// stars stay).
    async fn total_score(&self, ctx: &Context<'_>) -> Option<i32> {
        self.results_disclosed(ctx)
            .then_some(i32::from(self.0.total_score))
    }

    /// The credit stars, 1 to 5, from the total.
    async fn stars(&self) -> i32 {
        i32::from(self.0.stars)
    }

    /// The standing the stars propose.
    async fn proposed_standing(&self) -> InstitutionStatus {
        self.0.proposed_standing.into()
    }

    /// The standing the regulator confirmed (null until confirmed).
    async fn standing(&self) -> Option<InstitutionStatus> {
        self.0.standing.map(Into::into)
    }

    /// The regulator's reason on confirming.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// The evaluator's note (the regulator and the institution only).
    async fn note(&self, ctx: &Context<'_>) -> Option<&str> {
        self.in_full(ctx).then_some(self.0.note.as_str())
    }

    /// When it was evaluated.
    async fn evaluated_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When it was confirmed.
    async fn confirmed_at(&self) -> Option<DateTime> {
        self.0.confirmed_at.map(Into::into)
    }
}

impl InstitutionEvaluation {
    fn in_full(&self, ctx: &Context<'_>) -> bool {
        policy::evaluation_visible_in_full(
            &caller(ctx).viewer,
            self.0.institution_id,
            self.0.region_id,
        )
    }

    fn results_disclosed(&self, ctx: &Context<'_>) -> bool {
        policy::evaluation_results_visible(
            &caller(ctx).viewer,
            self.0.institution_id,
            self.0.region_id,
            u64::try_from(self.0.ended_enrollments).unwrap_or(0)
                >= crate::domain::read::disclosure::MIN_CELL,
        )
    }
}

/// Which institution evaluations to list.
#[derive(InputObject, Debug, Default)]
pub struct InstitutionEvaluationFilter {
    /// Only this institution's.
    pub institution: Option<ID>,
    /// Only these statuses (every status when left out).
    pub statuses: Option<Vec<EvaluationStatus>>,
}

impl InstitutionEvaluationFilter {
    /// The domain filter.
    pub fn into_domain(self) -> AppResult<credit::EvaluationFilter> {
        Ok(credit::EvaluationFilter {
            institution: self
                .institution
                .map(|i| NodeKey::organization("filter.institution", &i))
                .transpose()?,
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        })
    }
}

impl InstitutionEvaluation {
    /// The institution evaluation of `id`, if there is one and the caller may see it (`node(id:)`).
    pub(crate) async fn by_id(
        ctx: &async_graphql::Context<'_>,
        id: i32,
    ) -> async_graphql::Result<Option<Self>> {
        use crate::{
            domain,
            graphql::context::{api, caller},
        };
        Ok(
            domain::institutions::credit::by_id(&*api(ctx)?.db.turn().await?, &caller(ctx), id)
                .await?
                .map(Self),
        )
    }
}
