//! Verifying a certificate by its number.

use super::*;

/// What anyone may learn of a certificate by its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The number, normalised.
    pub number: String,
    /// What was found.
    pub found: Option<VerifiedCertificate>,
}

/// A certificate as verification shows it: no personal data but the masked name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCertificate {
    /// VALID or REVOKED.
    pub status: CertificateStatus,
    /// The occupation.
    pub occupation_code: String,
    /// The level.
    pub level: SkillLevel,
    /// The issuing body's organization.
    pub body_organization_id: i32,
    /// The day of issue.
    pub issued_on: NaiveDate,
    /// The holder's name, masked; none once the holder's personal data is erased.
    pub holder_masked: Option<String>,
}

/// Verifies a number (public): a malformed one is `BAD_USER_INPUT`, an unknown one NOT_FOUND in
/// the answer.
pub async fn verify(db: &DatabaseConnection, input: &str) -> AppResult<Verification> {
    let number = CertificateNumber::parse(input).map_err(|e| AppError::validation("number", e))?;
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
    let holder = learner::Entity::find_by_id(found.learner_id)
        .one(db)
        .await?;
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
            body_organization_id: body.organization_id,
            issued_on: found.issued_on,
            holder_masked: holder
                .filter(|h| h.erased_at.is_none())
                .map(|h| h.name_masked),
        }),
    })
}
