use async_graphql::{ID, Interface};

use super::{
    Alliance, AssessmentSession, AuditEvent, Candidate, CatalogueItem, Certificate, ClaimLine,
    ClassDay, Cohort, Competition, CompetitionEntrant, DataRequest, Demand, DirectRecognition,
    Enrollment, FollowUp, Learner, Membership, MembershipApplication, Occupation, OpenResource,
    Organization, Recommendation, Region, ServiceContact, SubsidyClaim, TrainingIntention,
    TrainingOrder, TrainingPlan,
};

/// An object with a global ID (the Relay `Node` interface). Any node can be fetched again with
/// `node(id:)`. One rule for every type: `node` and `nodes` answer null for an ID the viewer may
/// not see, exactly as for an ID that does not exist.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The global ID: opaque, stable, unique across types."
))]
pub enum Node {
    /// A region.
    Region(Region),
    /// An alliance.
    Alliance(Alliance),
    /// An organization.
    Organization(Organization),
    /// A membership.
    Membership(Membership),
    /// An occupation.
    Occupation(Occupation),
    /// A learner (only within the viewer's scope).
    Learner(Learner),
    /// An audit event (only for readers of the audit trail).
    AuditEvent(AuditEvent),
    /// A demand (OPEN ones for everyone; others for those who may see them).
    Demand(Demand),
    /// A cohort.
    Cohort(Cohort),
    /// An enrolment (for those who may see who is enrolled).
    Enrollment(Enrollment),
    /// An open resource.
    OpenResource(OpenResource),
    /// A catalogue item.
    CatalogueItem(CatalogueItem),
    /// A training plan.
    TrainingPlan(TrainingPlan),
    /// An assessment session.
    AssessmentSession(AssessmentSession),
    /// A candidate (for the session's body and the regulator of its region).
    Candidate(Candidate),
    /// A certificate (for those who see its holder in full; anyone may verify a number).
    Certificate(Certificate),
    /// A competition (public).
    Competition(Competition),
    /// An entrant of a competition (for its organizer, the regulator of its region and the
    /// person).
    CompetitionEntrant(CompetitionEntrant),
    /// A direct recognition (for the proposing body and the regulator of its region).
    DirectRecognition(DirectRecognition),
    /// A special-ability session (public).
    SpecialAbilitySession(super::SpecialAbilitySession),
    /// A candidate of a special-ability session (for the session's body and the regulator of
    /// its region).
    SpecialAbilityCandidate(super::SpecialAbilityCandidate),
    /// A special-ability certificate (for those who see its holder in full; anyone may verify a
    /// number).
    SpecialAbilityCertificate(super::SpecialAbilityCertificate),
    /// A training intention (within the learner's scope).
    TrainingIntention(TrainingIntention),
    /// A training order (for the bureau and the provider).
    TrainingOrder(TrainingOrder),
    /// A job recommendation (for the learner's viewers, the employer and the demand's alliances).
    Recommendation(Recommendation),
    /// A follow-up (within the learner's scope).
    FollowUp(FollowUp),
    /// A 1131 service contact (for those who see the learner in full).
    ServiceContact(ServiceContact),
    /// An application to join an alliance (for the applicant and those who decide it).
    MembershipApplication(MembershipApplication),
    /// A learner's request about their personal data (for the learner and those who decide it).
    DataRequest(DataRequest),
    /// A cohort's class day.
    ClassDay(ClassDay),
    /// A subsidy claim (for its provider and the regulator who pays it).
    SubsidyClaim(SubsidyClaim),
    /// A line of a subsidy claim (likewise).
    ClaimLine(ClaimLine),
    /// An evaluation of a training institution (public once confirmed; before, for the
    /// regulator and the institution).
    InstitutionEvaluation(super::InstitutionEvaluation),
    /// A programme of a region (public).
    Programme(super::Programme),
}
