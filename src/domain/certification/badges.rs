//! Certificates people carry: each certificate as a signed Open Badges 3.0
//! `OpenBadgeCredential` on the W3C VC 2.0 data model (a VC-JWT, [`credential`]); each body's
//! DID document ([`did_document`]) and Bitstring Status List ([`status_list`]), which a
//! revocation changes at once, so any verifier checks a certificate offline but for one fetch.
//!
//! The credential names the body as issuer (its `did:web`), the achievement aligned to the
//! occupation and level (or the special ability), the holder only as a salted SHA-256 of their
//! ID number (`identityType: nationalIdentityNumber`), the day of issue, and its entry in the
//! body's status list (the certificate's id as index).

use std::io::Write;

use entity::{special_ability, special_ability_certificate};
use sea_orm::QuerySelect;
use serde_json::Value;
use sha2::Digest;

use super::*;
use crate::domain::kernel::{
    credentials::{CertificateRef, CredentialIssuer},
    personal::PersonalDataKey,
};

/// The smallest status list a verifier accepts without telling its size (16 KiB: 131,072
/// entries, Bitstring Status List v1.0 §2.1).
const MIN_LIST_BITS: usize = 131_072;

/// How long a status list is good for: a verifier refuses an older copy, so a revocation cannot
/// be hidden by replaying one.
const LIST_VALID_HOURS: i64 = 24;

/// What a credential certifies, read from either kind of certificate.
struct Certified {
    number: String,
    learner_id: i32,
    body_id: i32,
    issued_on: NaiveDate,
    /// The achievement: its id path, name, description and alignments.
    achievement: Value,
    name: String,
}

fn achievement_url(issuer: &CredentialIssuer, path: &str) -> String {
    format!("{}/achievements/{path}", issuer.public_url())
}

async fn certified(
    db: &DatabaseConnection,
    issuer: &CredentialIssuer,
    certificate: CertificateRef,
) -> AppResult<Certified> {
    let not_found = || AppError::not_found("certificate");
    match certificate {
        CertificateRef::Level(id) => {
            let c = certificate::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(not_found)?;
            let occupation = occupation::Entity::find_by_id(c.occupation_code.clone())
                .one(db)
                .await?
                .ok_or_else(|| AppError::internal("a certificate without its occupation"))?;
            let digit = level_digit(c.level).unwrap_or_default();
            let level = level_name(c.level);
            let url = achievement_url(
                issuer,
                &format!("occupations/{}/levels/{digit}", occupation.code),
            );
            let name = format!("{}（{level}）", occupation.name);
            Ok(Certified {
                number: c.number,
                learner_id: c.learner_id,
                body_id: c.body_id,
                issued_on: c.issued_on,
                achievement: json!({
                    "id": url,
                    "type": ["Achievement"],
                    "achievementType": "Certificate",
                    "name": name,
                    "description": format!("职业技能等级证书：{}，{level}（{}）。", occupation.name, route_name(c.route)),
                    "criteria": { "narrative": format!("经{}达到国家职业标准{}要求。", route_name(c.route), level) },
                    "alignment": [
                        {
                            "type": ["Alignment"],
                            "targetName": occupation.name,
                            "targetCode": occupation.code,
                            "targetFramework": "中华人民共和国职业分类大典（2022年版）",
                            "targetUrl": achievement_url(issuer, &format!("occupations/{}", occupation.code)),
                        },
                        {
                            "type": ["Alignment"],
                            "targetName": level,
                            "targetCode": format!("{:?}", c.level),
                            "targetFramework": "国家职业技能等级",
                            "targetUrl": url,
                        },
                    ],
                }),
                name: format!("职业技能等级证书 {name}"),
            })
        }
        CertificateRef::Special(id) => {
            let c = special_ability_certificate::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(not_found)?;
            let ability = special_ability::Entity::find_by_id(c.special_ability_id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::internal("a certificate without its ability"))?;
            let url = achievement_url(issuer, &format!("special-abilities/{}", ability.code));
            Ok(Certified {
                number: c.number,
                learner_id: c.learner_id,
                body_id: c.body_id,
                issued_on: c.issued_on,
                achievement: json!({
                    "id": url,
                    "type": ["Achievement"],
                    "achievementType": "Certificate",
                    "name": ability.name,
                    "description": format!("专项职业能力证书：{}。", ability.name),
                    "criteria": { "narrative": format!("经专项职业能力考核合格：{}。", ability.name) },
                    "alignment": [{
                        "type": ["Alignment"],
                        "targetName": ability.name,
                        "targetCode": ability.code,
                        "targetFramework": "专项职业能力考核规范",
                        "targetUrl": url,
                    }],
                }),
                name: format!("专项职业能力证书 {}", ability.name),
            })
        }
    }
}

fn level_name(level: SkillLevel) -> &'static str {
    match level {
        SkillLevel::Level5 => "五级/初级工",
        SkillLevel::Level4 => "四级/中级工",
        SkillLevel::Level3 => "三级/高级工",
        SkillLevel::Level2 => "二级/技师",
        SkillLevel::Level1 => "一级/高级技师",
        SkillLevel::Apprentice => "学徒工",
        SkillLevel::SpecialTechnician => "特级技师",
        SkillLevel::ChiefTechnician => "首席技师",
    }
}

fn route_name(route: CertificateRoute) -> &'static str {
    match route {
        CertificateRoute::Exam => "职业技能等级认定考核",
        CertificateRoute::Workplace => "企业“车间+考场”评价",
        CertificateRoute::Direct => "职业技能等级直接认定",
        CertificateRoute::Competition => "职业技能竞赛（以赛代评）",
    }
}

/// The holder `learner_id` of a certificate, for the holder alone (`caller`), or `None` for
/// whoever holds its share link; either way NOT_FOUND once the holder's data is erased.
async fn holder(
    db: &DatabaseConnection,
    learner_id: i32,
    caller: Option<&Caller>,
) -> AppResult<learner::Model> {
    if let Some(caller) = caller {
        policy::may_carry_certificate(&caller.viewer, learner_id)?;
    }
    learner::Entity::find_by_id(learner_id)
        .one(db)
        .await?
        .filter(|l| l.erased_at.is_none())
        .ok_or_else(|| AppError::not_found("certificate"))
}

/// The certificate as a signed `OpenBadgeCredential` (a compact VC-JWT): for its holder
/// (`caller`), or through its share link (`None`).
pub async fn credential(
    db: &DatabaseConnection,
    key: &PersonalDataKey,
    issuer: &CredentialIssuer,
    certificate: CertificateRef,
    caller: Option<&Caller>,
) -> AppResult<String> {
    let what = certified(db, issuer, certificate).await?;
    let holder = holder(db, what.learner_id, caller).await?;
    let body = assessment_body::Entity::find_by_id(what.body_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a certificate without its body"))?;
    let org = organization::Entity::find_by_id(body.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a body without its organization"))?;
    let person = key.open(&holder)?;
    let salt = issuer.recipient_salt(certificate);
    let hash = hex::encode(sha2::Sha256::digest(
        format!("{}{salt}", person.national_id.reveal()).as_bytes(),
    ));
    let did = issuer.did(body.id);
    let list = issuer.status_list_url(body.id, certificate.list());
    let id = format!("urn:skillgraph:certificate:{}", what.number);
    let valid_from = what.issued_on.and_time(chrono::NaiveTime::MIN).and_utc();
    let payload = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": what.name,
        "issuer": { "id": did, "type": ["Profile"], "name": org.name },
        "validFrom": valid_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": format!("sha256${hash}"),
                "identityType": "nationalIdentityNumber",
                "hashed": true,
                "salt": salt,
            }],
            "achievement": what.achievement,
        },
        "credentialStatus": {
            "id": format!("{list}#{}", certificate.id()),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": certificate.id().to_string(),
            "statusListCredential": list,
        },
        "iss": did,
        "nbf": valid_from.timestamp(),
        "jti": id,
    });
    issuer.sign(body.id, "vc+jwt", &payload)
}

/// A body's DID document, if the body is filed.
pub async fn did_document(
    db: &DatabaseConnection,
    issuer: &CredentialIssuer,
    body_id: i32,
) -> AppResult<Option<Value>> {
    Ok(assessment_body::Entity::find_by_id(body_id)
        .one(db)
        .await?
        .map(|b| issuer.did_document(b.id)))
}

/// A body's revocation list of one kind of certificate (`levels` or `special`) as a signed
/// `BitstringStatusListCredential` (a compact VC-JWT), valid for a day; `None` for an unknown
/// body or list.
pub async fn status_list(
    db: &DatabaseConnection,
    issuer: &CredentialIssuer,
    body_id: i32,
    list: &str,
) -> AppResult<Option<String>> {
    if assessment_body::Entity::find_by_id(body_id)
        .one(db)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let (revoked, highest) = match list {
        "levels" => {
            revoked_of::<certificate::Entity>(
                db,
                body_id,
                [
                    certificate::Column::Id,
                    certificate::Column::BodyId,
                    certificate::Column::Status,
                ],
            )
            .await?
        }
        "special" => {
            revoked_of::<special_ability_certificate::Entity>(
                db,
                body_id,
                [
                    special_ability_certificate::Column::Id,
                    special_ability_certificate::Column::BodyId,
                    special_ability_certificate::Column::Status,
                ],
            )
            .await?
        }
        _ => return Ok(None),
    };
    let bits = MIN_LIST_BITS.max(usize::try_from(highest.unwrap_or(0)).unwrap_or(0) + 1);
    let mut bitstring = vec![0u8; bits.div_ceil(8)];
    for index in revoked.into_iter().filter_map(|i| usize::try_from(i).ok()) {
        // Bit 0 is the most significant bit of the first byte.
        bitstring[index / 8] |= 0x80 >> (index % 8);
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&bitstring)
        .map_err(|e| AppError::internal(format!("compressing a status list: {e}")))?;
    let compressed = gzip
        .finish()
        .map_err(|e| AppError::internal(format!("compressing a status list: {e}")))?;
    let encoded = format!(
        "u{}",
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            compressed
        )
    );
    let did = issuer.did(body_id);
    let url = issuer.status_list_url(body_id, list);
    let now = Utc::now();
    let until = now + chrono::Duration::hours(LIST_VALID_HOURS);
    let stamp = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let payload = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": stamp(now),
        "validUntil": stamp(until),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
        "iss": did,
        "nbf": now.timestamp(),
        "exp": until.timestamp(),
        "jti": url,
    });
    Ok(Some(issuer.sign(body_id, "vc+jwt", &payload)?))
}

/// The most days a share link lasts.
pub const MAX_SHARE_DAYS: i64 = 90;

/// A link to the certificate's credential that whoever holds it may download until it expires:
/// made by the holder alone, for 1 to [`MAX_SHARE_DAYS`] days; audited.
pub async fn share_link(
    db: &DatabaseConnection,
    caller: &Caller,
    issuer: &CredentialIssuer,
    certificate: CertificateRef,
    days: i64,
) -> AppResult<(String, chrono::DateTime<Utc>)> {
    let learner_id = match certificate {
        CertificateRef::Level(id) => certificate::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.learner_id),
        CertificateRef::Special(id) => special_ability_certificate::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.learner_id),
    }
    .ok_or_else(|| AppError::not_found("certificate"))?;
    let holder = holder(db, learner_id, Some(caller)).await?;
    if !(1..=MAX_SHARE_DAYS).contains(&days) {
        return Err(AppError::validation(
            "input.days",
            format!("1 to {MAX_SHARE_DAYS}"),
        ));
    }
    let expires = Utc::now() + chrono::Duration::days(days);
    let url = format!(
        "{}/credentials/{}",
        issuer.public_url(),
        issuer.share_token(certificate, expires)
    );
    audit::record(
        db,
        caller,
        audit::Entry {
            action: "shareCertificate",
            target_type: match certificate {
                CertificateRef::Level(_) => "Certificate",
                CertificateRef::Special(_) => "SpecialAbilityCertificate",
            },
            target_id: match certificate {
                CertificateRef::Level(id) => NodeKey::Certificate(id),
                CertificateRef::Special(id) => NodeKey::SpecialAbilityCertificate(id),
            }
            .to_id()
            .0,
            region_id: Some(holder.region_id),
            changes: Some(json!({ "expiresAt": expires })),
        },
    )
    .await?;
    Ok((url, expires))
}

/// The ids of the body's revoked certificates of one table (`columns`: its id, body and
/// status), and the table's highest id: the list holds every index a certificate of it may have.
async fn revoked_of<E: EntityTrait>(
    db: &DatabaseConnection,
    body_id: i32,
    [id, body, status]: [E::Column; 3],
) -> AppResult<(Vec<i32>, Option<i32>)> {
    let revoked: Vec<i32> = E::find()
        .select_only()
        .column(id)
        .filter(body.eq(body_id))
        .filter(status.eq(CertificateStatus::Revoked))
        .into_tuple()
        .all(db)
        .await?;
    let highest: Option<i32> = E::find()
        .select_only()
        .column_as(id.max(), "max")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok((revoked, highest))
}
