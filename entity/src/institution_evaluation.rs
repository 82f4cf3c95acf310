//! An evaluation of a training institution (机构评估): the four dimensions, the credit stars and
//! the standing they lead to.

use sea_orm::entity::prelude::*;

use crate::{EvaluationStatus, InstitutionStatus};

/// An evaluation row; at most one PROPOSED per institution.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "institution_evaluations")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The training institution evaluated.
    pub institution_id: i32,
    /// Its region (whose regulator evaluates).
    pub region_id: i32,
    /// Qualifications and credit, 0 to 100 (inspected).
    pub qualification_score: i16,
    /// Teachers, 0 to 100 (inspected).
    pub teachers_score: i16,
    /// Training facilities, 0 to 100 (inspected).
    pub facilities_score: i16,
    /// Training results, 0 to 100, computed; none before any enrolment of it ended.
    pub results_score: Option<i16>,
    /// Enrolments of its finished cohorts that ended (completed or withdrawn).
    pub ended_enrollments: i32,
    /// Of those, completed.
    pub completed: i32,
    /// Of the completed, certified in the occupation and level.
    pub certified: i32,
    /// Of the completed, employed at a follow-up.
    pub placed: i32,
    /// The mean of the scored dimensions, 0 to 100.
    pub total_score: i16,
    /// The credit stars, 1 to 5, from the total.
    pub stars: i16,
    /// The standing the stars propose.
    pub proposed_standing: InstitutionStatus,
    /// PROPOSED, CONFIRMED or SUPERSEDED.
    pub status: EvaluationStatus,
    /// The standing the regulator confirmed.
    pub standing: Option<InstitutionStatus>,
    /// The evaluator's note.
    pub note: String,
    /// The regulator's reason on confirming.
    pub reason: Option<String>,
    /// Who evaluated (the token's subject).
    pub evaluated_by: String,
    /// When it was evaluated.
    pub created_at: DateTimeUtc,
    /// Who confirmed.
    pub confirmed_by: Option<String>,
    /// When it was confirmed.
    pub confirmed_at: Option<DateTimeUtc>,
}

/// Related through ids; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
