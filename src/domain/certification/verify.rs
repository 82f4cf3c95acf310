//! Verifying a certificate: by its number, which says whether it stands and what it certifies
//! but names no one; and whether a named person holds it, which says MATCH or NO_MATCH only.
//! Both are public and budgeted by the caller's address (and a holder check by the number too) in
//! the API layer, so enumerating either costs real time.

use super::*;
use crate::domain::kernel::personal::{NationalId, PersonalDataKey};

/// What anyone may learn of a certificate by its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The number, normalised.
    pub number: String,
    /// What was found.
    pub found: Option<VerifiedCertificate>,
}

/// A certificate as verification shows it: what it certifies, how and by whom; nothing of its
/// holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCertificate {
    /// VALID or REVOKED.
    pub status: CertificateStatus,
    /// The occupation, for a skill-level certificate.
    pub occupation_code: Option<String>,
    /// The level, for a skill-level certificate.
    pub level: Option<SkillLevel>,
    /// How the level was reached, for a skill-level certificate.
    pub route: Option<CertificateRoute>,
    /// The special ability, for a special-ability certificate (level digit 0).
    pub special_ability_id: Option<i32>,
    /// The issuing body's organization.
    pub body_organization_id: i32,
    /// The day of issue.
    pub issued_on: NaiveDate,
}

fn parse_number(input: &str) -> AppResult<CertificateNumber> {
    CertificateNumber::parse(input).map_err(|e| AppError::validation("number", e))
}

/// Verifies a number (public): a malformed one is `BAD_USER_INPUT`, an unknown one NOT_FOUND in
/// the answer.
pub async fn verify(db: &DatabaseConnection, input: &str) -> AppResult<Verification> {
    let number = parse_number(input)?;
    let found = match held_by_number(db, &number).await? {
        None => None,
        Some(held) => {
            let body = assessment_body::Entity::find_by_id(held.body_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::internal("a certificate without its body"))?;
            Some(VerifiedCertificate {
                status: held.status,
                occupation_code: held.level.as_ref().map(|l| l.occupation_code.clone()),
                level: held.level.as_ref().map(|l| l.level),
                route: held.level.as_ref().map(|l| l.route),
                special_ability_id: held.special_ability_id,
                body_organization_id: body.organization_id,
                issued_on: held.issued_on,
            })
        }
    };
    Ok(Verification {
        number: number.as_str().to_owned(),
        found,
    })
}

/// A certificate of either kind, as a number finds it.
#[derive(Debug, Clone)]
pub(super) struct Held {
    /// The node it is.
    pub key: NodeKey,
    /// The holder.
    pub learner_id: i32,
    /// The issuing body.
    pub body_id: i32,
    /// VALID or REVOKED.
    pub status: CertificateStatus,
    /// The day of issue.
    pub issued_on: NaiveDate,
    /// A skill-level certificate's occupation, level and route.
    pub level: Option<certificate::Model>,
    /// A special-ability certificate's ability.
    pub special_ability_id: Option<i32>,
}

/// The certificate numbered `number`: a special-ability certificate for level digit 0, a
/// skill-level certificate otherwise.
pub(super) async fn held_by_number(
    db: &DatabaseConnection,
    number: &CertificateNumber,
) -> AppResult<Option<Held>> {
    use entity::special_ability_certificate as special;
    if number.is_special_ability() {
        return Ok(special::Entity::find()
            .filter(special::Column::Number.eq(number.as_str()))
            .one(db)
            .await?
            .map(|c| Held {
                key: NodeKey::SpecialAbilityCertificate(c.id),
                learner_id: c.learner_id,
                body_id: c.body_id,
                status: c.status,
                issued_on: c.issued_on,
                level: None,
                special_ability_id: Some(c.special_ability_id),
            }));
    }
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number.as_str()))
        .one(db)
        .await?
        .map(|c| Held {
            key: NodeKey::Certificate(c.id),
            learner_id: c.learner_id,
            body_id: c.body_id,
            status: c.status,
            issued_on: c.issued_on,
            special_ability_id: None,
            level: Some(c),
        }))
}

/// The number and ID number of a holder check, normalised; `BAD_USER_INPUT` naming the field
/// when one is malformed (which says nothing of any certificate or person), before any budget is
/// spent.
pub fn holder_check_input(
    number: &str,
    national_id: &str,
) -> AppResult<(CertificateNumber, NationalId)> {
    Ok((
        parse_number(number)?,
        NationalId::parse("nationalId", national_id)?,
    ))
}

/// Whether the certificate numbered `number` is held by the person of this full name and ID
/// number: true only when the number is known, its holder's data is not erased, and both the
/// name and the ID number match the sealed ones (by their fingerprints; nothing is decrypted).
/// An unknown number, a wrong name, a wrong ID number, an erased holder all answer false alike.
/// Every check is recorded in the audit trail (the number and the answer, never the name or the
/// ID number given), in the certificate's region when it is known.
pub async fn holder_matches(
    db: &DatabaseConnection,
    caller: &Caller,
    key: &PersonalDataKey,
    number: &CertificateNumber,
    name: &str,
    id: &NationalId,
) -> AppResult<bool> {
    let found = held_by_number(db, number).await?;
    let (matched, region_id, target_id) = match &found {
        None => (false, None, number.as_str().to_owned()),
        Some(found) => {
            let holder = learner::Entity::find_by_id(found.learner_id)
                .one(db)
                .await?
                .filter(|h| h.erased_at.is_none());
            let matched = holder.is_some_and(|holder| {
                key.fingerprints(id).contains(&holder.national_id_hash)
                    && key.name_matches(&holder, name.trim())
            });
            let body = assessment_body::Entity::find_by_id(found.body_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::internal("a certificate without its body"))?;
            let region_id = organization::Entity::find_by_id(body.organization_id)
                .one(db)
                .await?
                .map(|o| o.region_id);
            (matched, region_id, found.key.to_id().0)
        }
    };
    audit::record(
        db,
        caller,
        audit::Entry {
            action: "checkCertificateHolder",
            target_type: match found.as_ref().map(|f| &f.key) {
                Some(NodeKey::SpecialAbilityCertificate(_)) => "SpecialAbilityCertificate",
                Some(_) => "Certificate",
                None => "CertificateNumber",
            },
            target_id,
            region_id,
            changes: Some(json!({
                "number": number.as_str(),
                "result": if matched { "MATCH" } else { "NO_MATCH" },
            })),
        },
    )
    .await?;
    Ok(matched)
}
