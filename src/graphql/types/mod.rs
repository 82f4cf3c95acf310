//! GraphQL output and input types. Each wraps a domain model; none is an entity, so columns reach
//! the schema only through a field written here.

mod alliance;
mod application;
mod audit;
pub(crate) mod certification;
mod cohort;
mod competition;
mod data_request;
pub(crate) mod demand;
mod employment;
mod enums;
mod honour;
mod indicators;
mod industry;
mod institutions;
mod learner;
mod location;
mod membership;
mod node;
mod occupation;
mod orders;
mod organization;
mod programme;
mod records;
mod region;
mod register;
mod reports;
mod resource;
mod review;
mod search;
mod service;
mod sign_in;
mod skill_level;
mod special_ability;
mod subsidies;
mod supervision;
mod target_group;
mod trades;
mod viewer;

pub use alliance::{Alliance, AllianceFilter, AllianceOrder, AllianceOrderField};
pub use application::{ApplicationStatus, MembershipApplication, MembershipApplicationFilter};
pub use audit::{AuditEvent, AuditEventFilter};
pub use certification::{
    AssessmentSession, AssessmentSessionFilter, AssessmentSessionOrder, BodyStatus, BodyType,
    Candidate, Certificate, CertificateHolderCheck, CertificateRoute, CertificateStatsDimension,
    CertificateStatsFilter, CertificateStatsRow, CertificateStatus, CertificateVerification,
    HolderMatch, SessionStatus,
};
pub use cohort::{Cohort, CohortFilter, CohortKind, CohortStatus, Enrollment, EnrollmentStatus};
pub use competition::{
    Competition, CompetitionAward, CompetitionEntrant, CompetitionFilter, CompetitionLevel,
    CompetitionStatus, DirectRecognition, DirectRecognitionFilter, PromotionRule,
    RecognitionStatus,
};
pub use data_request::{
    DataRequest, DataRequestFilter, DataRequestKind, DataRequestStatus, PersonalField,
};
pub use demand::{Demand, DemandFilter, DemandInput, DemandKind, DemandOrder, DemandStatus};
pub use employment::{
    DueFollowUp, FollowUp, FollowUpsDueFilter, JobSuggestion, RecommendJobInput, Recommendation,
    RecommendationBacklogEntry, RecommendationBacklogFilter, RecommendationOutcome,
    RecommendationOutcomeInput, RecordFollowUpInput, WageBand,
};
pub use enums::{
    CollegeType, Indicator, IndustryCode, MembershipRole, OrganizationKind, Ownership,
    ProgrammeKind, RegionLevel, SkillLevel, SortDirection, TrainingMode, TrainingPurpose,
    TrainingReach,
};
pub use honour::{Appointment, Honour, HonourLevel};
pub use indicators::{
    IndicatorDimension, IndicatorReport, IndicatorRow, IndicatorTarget, IndicatorValue,
    PeriodTarget, SetIndicatorTargetInput, indicator_values,
};
pub use industry::{Industry, IndustryCluster};
pub use institutions::{
    EvaluationResults, EvaluationStatus, InstitutionEvaluation, InstitutionEvaluationFilter,
};
pub use learner::{Learner, LearnerPersonalData, TargetGroupCode};
pub use location::Location;
pub use membership::Membership;
pub use node::Node;
pub use occupation::{Occupation, OccupationFilter, OccupationGroup, OccupationGroupLevel};
pub use orders::{
    IntentionDemandGroup, IntentionStatus, OrderStatus, Suggestion, SuggestionReason,
    TrainingIntention, TrainingOrder,
};
pub use organization::{
    Organization, OrganizationFilter, OrganizationOrder, OrganizationOrderField,
    OrganizationStatsDimension, OrganizationStatsRow,
};
pub use programme::{Programme, ProgrammeFilter, ProgrammeQuota};
pub use records::{ClassDay, EnrollmentAttendance, OnlineStudy};
pub use region::{Region, RegionFilter};
pub use register::{AssessmentBody, AssessmentBodyFilter, AssessmentScopeEntry};
pub use reports::{
    PlacementDimension, PlacementRate, PlacementRateFilter, SkillsBalanceFilter, SkillsBalanceRow,
};
pub use resource::{
    CatalogueCategory, CatalogueItem, CatalogueItemFilter, CatalogueItemStatus, FundingMode,
    InstitutionStatus, OpenResource, OpenResourceFilter, OpenResourceOrder, ResourceItemInput,
    ResourceKind, Schedule, SubsidyType, TrainingPlan, TrainingPlanFilter,
};
pub use review::CatalogueReview;
pub(crate) use review::ReviewCatalogueInput;
pub use search::{Completion, SearchFilter, SearchHit, SearchKind, SearchResults, search_input};
pub use service::{
    ContactChannel, RecordServiceContactInput, ServiceContact, ServiceContactKind, ServiceProgress,
    ServiceStep, ServiceWorkListFilter,
};
pub use sign_in::{SignIn, SignInFilter};
pub use skill_level::SkillLevelInfo;
pub use special_ability::{
    SpecialAbilityCandidate, SpecialAbilityCertificate, SpecialAbilitySession,
    SpecialAbilitySessionFilter,
};
pub use subsidies::{
    ClaimEvidence, ClaimLine, ClaimLineStatus, ClaimStatus, ExportFile, SubsidyClaim,
    SubsidyClaimFilter, SubsidyStandard,
};
pub use supervision::{
    LineStatusTotal, SubsidySupervision, SubsidySupervisionFilter, SupervisionFlag,
    SupervisionFlagKind, SupervisionRow,
};
pub use target_group::{TargetGroup, TargetGroupMembership};
pub use trades::{SpecialAbility, UpsertSpecialAbilityInput, UpsertWorkTypeInput, WorkType};
pub use viewer::{Permission, Role, Viewer};

use crate::{domain::read::page::PageRequest, error::AppResult};

/// Relay paging arguments, validated.
pub(crate) fn page_request(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> AppResult<PageRequest> {
    PageRequest::new(first, after.as_deref(), last, before.as_deref())
}
