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
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// How the level was reached.
    pub route: CertificateRoute,
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
    let Some(found) = certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number.as_str()))
        .one(db)
        .await?
    else {
        return Ok(Verification {
            number: number.as_str().to_owned(),
            found: None,
        });
    };
    let body = assessment_body::Entity::find_by_id(found.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a certificate without its body"))?;
    Ok(Verification {
        number: number.as_str().to_owned(),
        found: Some(VerifiedCertificate {
            status: found.status,
            occupation_code: found.occupation_code,
            level: found.level,
            route: found.route,
            body_organization_id: body.organization_id,
            issued_on: found.issued_on,
        }),
    })
}

/// The number and ID number of a holder check, normalised; `BAD_USER_INPUT` naming the field
/// when one is malformed (which says nothing of any certificate or person), before any budget is
/// spent.
pub fn holder_check_input(number: &str, national_id: &str) -> AppResult<(String, NationalId)> {
    Ok((
        parse_number(number)?.as_str().to_owned(),
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
    number: &str,
    name: &str,
    id: &NationalId,
) -> AppResult<bool> {
    let found = certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number))
        .one(db)
        .await?;
    let (matched, region_id, target_id) = match &found {
        None => (false, None, number.to_owned()),
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
            (matched, region_id, NodeKey::Certificate(found.id).to_id().0)
        }
    };
    audit::record(
        db,
        caller,
        audit::Entry {
            action: "checkCertificateHolder",
            target_type: if found.is_some() {
                "Certificate"
            } else {
                "CertificateNumber"
            },
            target_id,
            region_id,
            changes: Some(json!({
                "number": number,
                "result": if matched { "MATCH" } else { "NO_MATCH" },
            })),
        },
    )
    .await?;
    Ok(matched)
}
