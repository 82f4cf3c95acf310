//! SeaORM entities of skillgraph.
//!
//! One module per table. This crate knows nothing of GraphQL: the API builds its own types from these
//! models, so a column (personal data, say) never reaches the schema unless a GraphQL type exposes it.
//!
//! Enumerations are stored as short upper-case strings (or, for [`SkillLevel`], as its rank), so the
//! database stays readable and the same on SQLite and PostgreSQL.

pub mod alliance;
pub mod appointment;
pub mod assessment_body;
pub mod assessment_scope;
pub mod assessment_session;
pub mod attendance;
pub mod audit_event;
pub mod candidate;
pub mod catalogue_item;
pub mod certificate;
pub mod claim_line;
pub mod class_day;
pub mod cohort;
pub mod cohort_application;
pub mod cohort_demand;
pub mod competition;
pub mod competition_alliance;
pub mod competition_entrant;
pub mod competition_occupation;
pub mod competition_rule;
pub mod data_request;
pub mod demand;
pub mod demand_alliance;
pub mod direct_recognition;
pub mod enrollment;
mod enums;
pub mod follow_up;
pub mod honour;
pub mod indicator_target;
pub mod industry;
pub mod industry_cluster;
pub mod industry_cluster_member;
pub mod institution_evaluation;
pub mod key_check;
pub mod learner;
pub mod learner_target_group;
pub mod membership;
pub mod membership_application;
pub mod occupation;
pub mod occupation_group;
pub mod online_hours;
pub mod open_resource;
pub mod organization;
pub mod programme;
pub mod programme_department;
pub mod programme_mode;
pub mod programme_occupation;
pub mod programme_quota;
pub mod programme_target_group;
pub mod provider_link;
pub mod recommendation;
pub mod region;
pub mod resource_occupation;
pub mod search_entry;
pub mod search_label;
pub mod service_contact;
pub mod sign_in;
pub mod special_ability;
pub mod special_ability_candidate;
pub mod special_ability_certificate;
pub mod special_ability_scope;
pub mod special_ability_session;
pub mod subject_revocation;
pub mod subsidy_claim;
pub mod subsidy_slot;
pub mod subsidy_standard;
pub mod target_group;
pub mod training_intention;
pub mod training_order;
pub mod training_plan;
pub mod work_type;

pub use enums::{
    ApplicationStatus, AttendanceSource, BodyStatus, BodyType, CatalogueCategory,
    CatalogueItemStatus, CertificateRoute, CertificateStatus, ClaimEvidence, ClaimLineStatus,
    ClaimStatus, CohortKind, CohortStatus, CollegeType, CompetitionAward, CompetitionLevel,
    CompetitionStatus, ContactChannel, DataRequestKind, DataRequestStatus, DemandKind,
    DemandStatus, EnrollmentStatus, EvaluationStatus, FollowUpOutcome, FundingMode, HonourLevel,
    Indicator, Industry, InstitutionStatus, IntentionStatus, MembershipRole, OccupationGroupLevel,
    OrderStatus, OrganizationKind, Ownership, PersonalField, ProgrammeKind, RecognitionStatus,
    RecommendationOutcome, RegionLevel, ResourceKind, ResourceStatus, Schedule, SearchKind,
    ServiceContactKind, SessionStatus, SkillLevel, SubsidyType, TargetGroup, TrainingMode,
    TrainingPurpose, WageBand,
};
