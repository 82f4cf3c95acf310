//! Issuing certificates, whatever the route: a body's serial counter locked for the
//! transaction, a number drawn for each (enciphered serials, [`super::serials`]), the rows
//! inserted.

use entity::special_ability_certificate;

use super::*;

/// A certificate to issue.
#[derive(Debug, Clone)]
pub(super) struct Issue {
    /// The holder.
    pub learner_id: i32,
    /// The occupation.
    pub occupation_code: String,
    /// The level: one of the five national levels.
    pub level: SkillLevel,
    /// How it was reached.
    pub route: CertificateRoute,
    /// The session and candidacy, for EXAM and WORKPLACE.
    pub candidacy: Option<(i32, i32)>,
    /// Where it was reached.
    pub region_id: i32,
    /// The county of that place.
    pub county_id: Option<i32>,
}

/// Locks `body_id`'s serial counter for the transaction: the first statement of every issuing
/// transaction, so two issuers of one body take turns.
pub(super) async fn lock_serials(txn: &impl ConnectionTrait, body_id: i32) -> AppResult<()> {
    assessment_body::Entity::update_many()
        .col_expr(
            assessment_body::Column::LastSerial,
            Expr::col(assessment_body::Column::LastSerial),
        )
        .filter(assessment_body::Column::Id.eq(body_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Numbers drawn from a body's counter, to be saved with [`Drawn::save`] in the same
/// transaction.
pub(super) struct Drawn {
    /// The body, as read under the lock.
    pub body: assessment_body::Model,
    /// One number a certificate, in order.
    pub numbers: Vec<CertificateNumber>,
    count: i32,
    key: String,
    year: i32,
}

impl Drawn {
    /// Saves the body's counter past the numbers drawn.
    pub(super) async fn save(self, txn: &impl ConnectionTrait) -> AppResult<()> {
        let mut counter: assessment_body::ActiveModel = self.body.into();
        counter.serial_year = Set(self.year as i16);
        counter.last_serial = Set(self.count);
        counter.serial_key = Set(self.key);
        counter.update(txn).await?;
        Ok(())
    }
}

/// Draws one number a level digit (`0` for a special ability, 1 to 5 for a level) from
/// `body_id`'s counter, which [`lock_serials`] locked in `txn`.
pub(super) async fn draw(
    txn: &impl ConnectionTrait,
    body_id: i32,
    digits: &[u8],
) -> AppResult<Drawn> {
    let body = assessment_body::Entity::find_by_id(body_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("the body vanished"))?;
    let org = organization::Entity::find_by_id(body.organization_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("a body without its organization"))?;
    let province = region::Entity::find_by_id(org.region_id)
        .one(txn)
        .await?
        .map(|r| r.code[..2].to_owned())
        .unwrap_or_else(|| "32".to_owned());
    let year = Utc::now().date_naive().year();
    let mut count = if i32::from(body.serial_year) == year {
        body.last_serial
    } else {
        0
    };
    // A body filed before serials were enciphered draws its key when it first issues again.
    let key = if body.serial_key.is_empty() {
        super::serials::new_key()
    } else {
        body.serial_key.clone()
    };
    let mut numbers: Vec<CertificateNumber> = Vec::with_capacity(digits.len());
    while numbers.len() < digits.len() {
        let mut drawn = Vec::new();
        for digit in &digits[numbers.len()..] {
            count += 1;
            let serial = super::serials::serial(&key, year, u32::try_from(count).unwrap_or(0))?;
            drawn.push(
                CertificateNumber::compose(
                    body.body_type == BodyType::Employer,
                    &body.body_code,
                    &province,
                    &body.site_serial,
                    year,
                    *digit,
                    serial,
                )
                .ok_or_else(|| AppError::internal("a certificate number out of range"))?,
            );
        }
        // The numbers a body printed before its serials were enciphered were its counts: skip
        // a serial one of them holds already. A skipped number's level digit belongs to the
        // next certificate in line, so the rest are drawn again.
        let texts = || drawn.iter().map(|n| n.as_str().to_owned());
        let mut taken: BTreeSet<String> = certificate::Entity::find()
            .filter(certificate::Column::Number.is_in(texts()))
            .all(txn)
            .await?
            .into_iter()
            .map(|c| c.number)
            .collect();
        taken.extend(
            special_ability_certificate::Entity::find()
                .filter(special_ability_certificate::Column::Number.is_in(texts()))
                .all(txn)
                .await?
                .into_iter()
                .map(|c| c.number),
        );
        for number in drawn {
            if taken.contains(number.as_str()) {
                break;
            }
            numbers.push(number);
        }
    }
    Ok(Drawn {
        body,
        numbers,
        count,
        key,
        year,
    })
}

/// Issues `issues` through `body`, whose counter [`lock_serials`] locked in `txn`.
pub(super) async fn issue(
    txn: &impl ConnectionTrait,
    body_id: i32,
    issues: &[Issue],
) -> AppResult<Vec<certificate::Model>> {
    if issues.is_empty() {
        return Ok(Vec::new());
    }
    let digits = issues
        .iter()
        .map(|i| {
            level_digit(i.level)
                .ok_or_else(|| AppError::internal("a certificate above the national levels"))
        })
        .collect::<AppResult<Vec<u8>>>()?;
    let mut drawn = draw(txn, body_id, &digits).await?;
    let today = Utc::now().date_naive();
    let mut certificates = Vec::with_capacity(issues.len());
    for (issue, number) in issues.iter().zip(std::mem::take(&mut drawn.numbers)) {
        let saved = certificate::Entity::insert(certificate::ActiveModel {
            number: Set(number.as_str().to_owned()),
            learner_id: Set(issue.learner_id),
            occupation_code: Set(issue.occupation_code.clone()),
            level: Set(issue.level),
            body_id: Set(body_id),
            session_id: Set(issue.candidacy.map(|(s, _)| s)),
            candidate_id: Set(issue.candidacy.map(|(_, c)| c)),
            issued_on: Set(today),
            status: Set(CertificateStatus::Valid),
            route: Set(issue.route),
            revoked_reason: Set(None),
            revoked_at: Set(None),
            region_id: Set(issue.region_id),
            county_id: Set(issue.county_id),
            ..Default::default()
        })
        .exec_with_returning(txn)
        .await?;
        certificates.push(saved);
    }
    drawn.save(txn).await?;
    Ok(certificates)
}
