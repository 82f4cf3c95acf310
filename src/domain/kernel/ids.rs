//! Opaque global IDs: the keys of the rows the API names (the Relay `Node` interface).
//!
//! An ID is the URL-safe base64 of `Type:key` (`Organization:42`). Clients must treat it as
//! opaque; the server decodes it to find the type and the row. The domain owns the keys (audit
//! events and tokens carry them); the GraphQL layer only converts a [`GlobalId`] into its `ID`.

use std::ops::Deref;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{AppError, AppResult};

/// Declares the node types once: the [`NodeKey`] variants (each keyed by an `i32` id, plus the
/// occupation keyed by its code), how each becomes a global ID and how one is read back. A new
/// node type is one line here.
macro_rules! node_keys {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// The row a global ID points at.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum NodeKey {
            $($(#[$doc])* $name(i32),)*
            /// An occupation by code.
            Occupation(String),
        }

        impl NodeKey {
            /// The type name a global ID carries, and the key.
            fn raw(&self) -> String {
                match self {
                    $(Self::$name(id) => format!(concat!(stringify!($name), ":{}"), id),)*
                    Self::Occupation(code) => format!("Occupation:{code}"),
                }
            }

            /// The key of `kind` (an id, or an occupation's code), if `kind` is a node type.
            fn of_kind(kind: &str, key: &str) -> Option<Self> {
                $(if kind == stringify!($name) {
                    return key.parse::<i32>().ok().map(Self::$name);
                })*
                (kind == "Occupation" && !key.is_empty()).then(|| Self::Occupation(key.to_owned()))
            }
        }
    };
}

node_keys! {
    /// A region by id.
    Region,
    /// An alliance by id.
    Alliance,
    /// An organization by id.
    Organization,
    /// A membership by id.
    Membership,
    /// A learner by id.
    Learner,
    /// An audit event by id.
    AuditEvent,
    /// A demand by id.
    Demand,
    /// A cohort by id.
    Cohort,
    /// An enrolment by id.
    Enrollment,
    /// An open resource by id.
    OpenResource,
    /// A catalogue item by id.
    CatalogueItem,
    /// A training plan by id.
    TrainingPlan,
    /// An assessment session by id.
    AssessmentSession,
    /// A candidate by id.
    Candidate,
    /// A certificate by id.
    Certificate,
    /// A training intention by id.
    TrainingIntention,
    /// A training order by id.
    TrainingOrder,
    /// A job recommendation by id.
    Recommendation,
    /// A follow-up by id.
    FollowUp,
    /// An application to join an alliance by id.
    MembershipApplication,
    /// A learner's request about their personal data by id.
    DataRequest,
    /// A cohort's class day by id.
    ClassDay,
    /// A subsidy claim by id.
    SubsidyClaim,
    /// A line of a subsidy claim by id.
    ClaimLine,
    /// An evaluation of a training institution by id.
    InstitutionEvaluation,
    /// A programme by id.
    Programme,
    /// A service contact (1131: policy briefing, career guidance) by id.
    ServiceContact,
    /// A competition by id.
    Competition,
    /// An entrant of a competition by id.
    CompetitionEntrant,
    /// A direct recognition by id.
    DirectRecognition,
    /// A special-ability session by id.
    SpecialAbilitySession,
    /// A candidate of a special-ability session by id.
    SpecialAbilityCandidate,
    /// A special-ability certificate by id.
    SpecialAbilityCertificate,
}

/// The opaque global ID of a row, as clients see it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct GlobalId(pub String);

impl Deref for GlobalId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<GlobalId> for String {
    fn from(id: GlobalId) -> Self {
        id.0
    }
}

impl NodeKey {
    /// The global ID of this row.
    pub fn to_id(&self) -> GlobalId {
        let raw = self.raw();
        GlobalId(URL_SAFE_NO_PAD.encode(raw))
    }

    /// The type name and key a global ID carries (`("Demand", "17")`), unchecked: for telling
    /// what an answer holds, not for trusting a client's input (that is [`Self::parse`]).
    pub fn parts(id: &str) -> Option<(String, String)> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(id.trim()).ok()?).ok()?;
        let (kind, key) = raw.split_once(':')?;
        Some((kind.to_owned(), key.to_owned()))
    }

    /// Decodes a client's ID; `field` names the argument for the error.
    pub fn parse(field: &str, id: &str) -> AppResult<Self> {
        let invalid = || AppError::validation(field, "not an ID this API issued");
        let bytes = URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| invalid())?;
        let raw = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (kind, key) = raw.split_once(':').ok_or_else(invalid)?;
        Self::of_kind(kind, key).ok_or_else(invalid)
    }

    /// Decodes an ID that must name a membership application.
    pub fn membership_application(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::MembershipApplication(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not a membership application's ID",
            )),
        }
    }

    /// Decodes an ID that must name a learner's request about their personal data.
    pub fn data_request(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::DataRequest(id) => Ok(id),
            _ => Err(AppError::validation(field, "not a data request's ID")),
        }
    }

    /// Decodes an ID that must name a subsidy claim's line.
    pub fn claim_line(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::ClaimLine(id) => Ok(id),
            _ => Err(AppError::validation(field, "not a claim line's ID")),
        }
    }

    /// Decodes an ID that must name an institution evaluation.
    pub fn institution_evaluation(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::InstitutionEvaluation(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not an institution evaluation's ID",
            )),
        }
    }

    /// Decodes an ID that must name a class day.
    pub fn class_day(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::ClassDay(id) => Ok(id),
            _ => Err(AppError::validation(field, "not a class day's ID")),
        }
    }

    /// Decodes an ID that must name an organization.
    pub fn organization(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Organization(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of an organization")),
        }
    }

    /// Decodes an ID that must name a membership.
    pub fn membership(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Membership(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a membership")),
        }
    }

    /// Decodes an ID that must name a demand.
    pub fn demand(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Demand(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a demand")),
        }
    }

    /// Decodes an ID that must name a programme.
    pub fn programme(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Programme(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a programme")),
        }
    }

    /// Decodes an ID that must name a cohort.
    pub fn cohort(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Cohort(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a cohort")),
        }
    }

    /// Decodes an ID that must name an enrolment.
    pub fn enrollment(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Enrollment(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of an enrollment")),
        }
    }

    /// Decodes an ID that must name an open resource.
    pub fn open_resource(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::OpenResource(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of an open resource",
            )),
        }
    }

    /// Decodes an ID that must name a catalogue item.
    pub fn catalogue_item(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::CatalogueItem(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a catalogue item",
            )),
        }
    }

    /// Decodes an ID that must name an assessment session.
    pub fn session(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::AssessmentSession(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of an assessment session",
            )),
        }
    }

    /// Decodes an ID that must name a candidate.
    pub fn candidate(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Candidate(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a candidate")),
        }
    }

    /// Decodes an ID that must name a competition.
    pub fn competition(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Competition(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a competition")),
        }
    }

    /// Decodes an ID that must name an entrant of a competition.
    pub fn entrant(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::CompetitionEntrant(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a competition entrant",
            )),
        }
    }

    /// Decodes an ID that must name a direct recognition.
    pub fn recognition(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::DirectRecognition(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a direct recognition",
            )),
        }
    }

    /// Decodes an ID that must name a special-ability session.
    pub fn special_session(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::SpecialAbilitySession(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a special-ability session",
            )),
        }
    }

    /// Decodes an ID that must name a candidate of a special-ability session.
    pub fn special_candidate(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::SpecialAbilityCandidate(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a special-ability candidate",
            )),
        }
    }

    /// Decodes an ID that must name a certificate.
    pub fn certificate(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Certificate(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a certificate")),
        }
    }

    /// Decodes an ID that must name a training intention.
    pub fn intention(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::TrainingIntention(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a training intention",
            )),
        }
    }

    /// Decodes an ID that must name a training order.
    pub fn order(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::TrainingOrder(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a training order",
            )),
        }
    }

    /// Decodes an ID that must name a job recommendation.
    pub fn recommendation(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Recommendation(id) => Ok(id),
            _ => Err(AppError::validation(
                field,
                "not the ID of a recommendation",
            )),
        }
    }

    /// Decodes an ID that must name a learner.
    pub fn learner(field: &str, id: &str) -> AppResult<i32> {
        match Self::parse(field, id)? {
            Self::Learner(id) => Ok(id),
            _ => Err(AppError::validation(field, "not the ID of a learner")),
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_opaque_and_round_trip() {
        let id = NodeKey::Organization(42).to_id();
        assert!(!id.0.contains("Organization"));
        assert_eq!(
            NodeKey::parse("id", &id).unwrap(),
            NodeKey::Organization(42)
        );
        let occ = NodeKey::Occupation("6-18-02-04".into()).to_id();
        assert_eq!(
            NodeKey::parse("id", &occ).unwrap(),
            NodeKey::Occupation("6-18-02-04".into())
        );
        assert!(NodeKey::organization("org", &NodeKey::Region(1).to_id()).is_err());
    }

    proptest! {
        #[test]
        fn garbage_ids_are_refused_not_panicked(s in ".{0,40}") {
            let _ = NodeKey::parse("id", &s);
        }
    }
}
