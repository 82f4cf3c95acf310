//! `Mutation`: registering organizations, founding alliances, and applications to join them.

use crate::graphql::scalars::Date;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::graphql::{
    context::{api, caller},
    ids::NodeKey,
    types::{
        Alliance, IndustryCode, MembershipApplication, Organization, OrganizationKind, SignIn,
    },
};
use crate::{
    domain::{
        identity::sign_ins,
        kernel::{
            codes::RegionCode,
            input::{self, Note, Reason, Text},
        },
        network::{
            alliances,
            applications::{self, Decision},
            organizations::{self, profile_text, profile_website},
            regions,
        },
    },
    error::{AppError, AppResult},
};

/// Registering organizations, founding alliances, and applications to join them.
#[derive(Default)]
pub struct OnboardingMutation;

/// The id of the region a code names, or a validation error naming `field`.
async fn region_id(ctx: &Context<'_>, field: &str, code: &str) -> AppResult<i32> {
    let code = input::one::<RegionCode>(field, code)?;
    Ok(
        regions::for_new_rows(&*api(ctx)?.db.turn().await?, field, &code)
            .await?
            .id,
    )
}

#[Object]
impl OnboardingMutation {
    /// Registers an organization (REGULATOR of its region; SYSTEM_ADMIN anywhere). Its unified
    /// social credit code is checked (18 characters, the check character); one already
    /// registered is a CONFLICT naming the organization that holds it. Audited.
    async fn register_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization.")] input: RegisterOrganizationInput,
    ) -> async_graphql::Result<Organization> {
        let api = api(ctx)?;
        let address = profile_text("input.address", input.address.as_deref(), 200)?;
        let place = regions::place_for_new_rows(
            &*api.db.turn().await?,
            "input.region",
            &input::one::<RegionCode>("input.region", &input.region)?,
            address.as_deref(),
        )
        .await?;
        let new = organizations::NewOrganization {
            name: input::one::<Text<100>>("input.name", &input.name)?.into_string(),
            name_en: profile_text("input.nameEn", input.name_en.as_deref(), 200)?,
            kind: input.kind.into(),
            credit_code: input::one("input.creditCode", &input.credit_code)?,
            region_id: place.city_id,
            county_id: place.county_id,
            address,
            website: profile_website("input.website", input.website.as_deref())?,
            description: profile_text("input.description", input.description.as_deref(), 2000)?,
            contact: profile_text("input.contact", input.contact.as_deref(), 100)?,
        };
        Ok(Organization(
            organizations::register(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Registers the organizations of a CSV or XLSX spreadsheet (headers in Chinese or English:
    /// 名称/name, 类型/kind, 统一社会信用代码/creditCode, 地区/region, 地址/address, 网址/website,
    /// 英文名称/nameEn, 简介/description), at most 5,000 rows, each of the caller's region
    /// (REGULATOR; SYSTEM_ADMIN anywhere). Any bad row registers nothing, and every bad row is
    /// named (a field `input.contentBase64.row[N]`): a bad or repeated credit code, one already
    /// registered (with its holder), an unknown kind or region.
    async fn import_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file.")] input: ImportOrganizationsInput,
    ) -> async_graphql::Result<Vec<Organization>> {
        let api = api(ctx)?;
        let (format, bytes) = super::super::upload(input.format, &input.content_base64)?;
        match crate::domain::network::registry::import(
            &*api.db.turn().await?,
            &caller(ctx),
            format,
            bytes,
        )
        .await
        {
            Ok(saved) => Ok(saved.into_iter().map(Organization).collect()),
            Err(e) => Err(super::super::import_refused(ctx, e)),
        }
    }

    /// Founds an alliance (REGULATOR of its region; SYSTEM_ADMIN anywhere) with its lead
    /// organizations: those of the alliance's region (at least one) are LEAD members from the
    /// founding day; one of another region is invited (`invitedAs: LEAD`) and becomes a lead
    /// when it accepts with its own token. A code already taken is a CONFLICT. Audited.
    async fn found_alliance(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alliance.")] input: FoundAllianceInput,
    ) -> async_graphql::Result<Alliance> {
        let api = api(ctx)?;
        let mut leads = Vec::new();
        for (i, id) in input.leads.iter().enumerate() {
            let lead = NodeKey::organization(&format!("input.leads[{i}]"), id)?;
            if leads.contains(&lead) {
                return Err(
                    AppError::validation(format!("input.leads[{i}]"), "named twice").into(),
                );
            }
            leads.push(lead);
        }
        let new = alliances::NewAlliance {
            code: input::one("input.code", &input.code)?,
            name: input::one::<Text<100>>("input.name", &input.name)?.into_string(),
            name_en: input::one::<Text<200>>("input.nameEn", &input.name_en)?.into_string(),
            industry: match (input.sector, input.industry) {
                (Some(code), None) => code.trim().to_owned(),
                (None, Some(old)) => old.code().ok_or_else(|| {
                    AppError::validation(
                        "input.industry",
                        "OTHER names no one industry; use sector",
                    )
                })?,
                _ => {
                    return Err(AppError::validation(
                        "input.sector",
                        "name the industry once: sector (or the deprecated industry)",
                    )
                    .into());
                }
            },
            region_id: region_id(ctx, "input.region", &input.region).await?,
            founded_on: input.founded_on.into(),
            description: profile_text("input.description", input.description.as_deref(), 2000)?
                .unwrap_or_default(),
            leads,
        };
        Ok(Alliance(
            alliances::found(&*api.db.turn().await?, &caller(ctx), new).await?,
        ))
    }

    /// Asks for the token's own organization to join an alliance, with a note. A current member,
    /// or one with a pending application there, is a CONFLICT. Audited.
    async fn apply_for_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The alliance and a note.")] input: ApplyForMembershipInput,
    ) -> async_graphql::Result<MembershipApplication> {
        let api = api(ctx)?;
        let alliance = input::one("input.alliance", &input.alliance)?;
        let note = Note::optional("input.note", input.note.as_deref())?;
        Ok(MembershipApplication(
            applications::apply(&*api.db.turn().await?, &caller(ctx), &alliance, note).await?,
        ))
    }

    /// Admits a PENDING application (the alliance's ALLIANCE_ADMIN or the REGULATOR of its
    /// region): the organization is a MEMBER from today. A decided application is a CONFLICT.
    /// Audited.
    async fn admit_membership_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application.")] input: AdmitMembershipApplicationInput,
    ) -> async_graphql::Result<MembershipApplication> {
        decide(ctx, &input.application, Decision::Admit).await
    }

    /// Revokes a sign-in before it expires (its own subject, signing out; the REGULATOR of its
    /// region; SYSTEM_ADMIN): the token is refused from its next request and its open sockets
    /// are closed. A token never used yet (a leaked one) is revoked by SYSTEM_ADMIN alone and
    /// refused when it comes. A revoked sign-in is a CONFLICT. Audited.
    async fn revoke_sign_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The sign-in and why.")] input: RevokeSignInInput,
    ) -> async_graphql::Result<SignIn> {
        let api = api(ctx)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        Ok(SignIn(
            sign_ins::revoke(
                &*api.db.turn().await?,
                &caller(ctx),
                input.jti.trim(),
                reason,
            )
            .await?,
        ))
    }

    /// Accepts an invitation to an alliance (the invited organization's own token): a member in
    /// the role offered from today. A decided invitation is a CONFLICT. Audited.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation.")] input: AdmitMembershipApplicationInput,
    ) -> async_graphql::Result<MembershipApplication> {
        decide(ctx, &input.application, Decision::Admit).await
    }

    /// Declines an invitation to an alliance with a reason (the invited organization's own
    /// token). A decided invitation is a CONFLICT. Audited.
    async fn decline_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation and why.")] input: RejectMembershipApplicationInput,
    ) -> async_graphql::Result<MembershipApplication> {
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        decide(ctx, &input.application, Decision::Reject(reason)).await
    }

    /// Signs a subject out everywhere (the subject itself, or SYSTEM_ADMIN): every token of it
    /// issued until now is refused, whether it was used yet or not, and its active sign-ins are
    /// revoked (their sockets close). Tokens issued later are good. Audited.
    async fn revoke_subject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subject and why.")] input: RevokeSubjectInput,
    ) -> async_graphql::Result<SubjectRevoked> {
        let api = api(ctx)?;
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        let done =
            sign_ins::revoke_subject(&*api.db.turn().await?, &caller(ctx), &input.subject, reason)
                .await?;
        Ok(SubjectRevoked {
            subject: done.subject,
            revoked_before: done.revoked_before.into(),
            sign_ins: i32::try_from(done.sign_ins).unwrap_or(i32::MAX),
        })
    }

    /// Rejects a PENDING application with a reason the applicant reads (the alliance's
    /// ALLIANCE_ADMIN or the REGULATOR of its region). A decided application is a CONFLICT.
    /// Audited.
    async fn reject_membership_application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application and why.")] input: RejectMembershipApplicationInput,
    ) -> async_graphql::Result<MembershipApplication> {
        let reason = input::one::<Reason>("input.reason", &input.reason)?;
        decide(ctx, &input.application, Decision::Reject(reason)).await
    }
}

/// Decides an application or an invitation (the domain asks the policy who may).
async fn decide(
    ctx: &Context<'_>,
    application: &ID,
    decision: Decision,
) -> async_graphql::Result<MembershipApplication> {
    let id = NodeKey::membership_application("input.application", application)?;
    let (saved, _) =
        applications::decide(&*api(ctx)?.db.turn().await?, &caller(ctx), id, decision).await?;
    Ok(MembershipApplication(saved))
}

/// A register of organizations to import.
#[derive(InputObject)]
pub struct ImportOrganizationsInput {
    /// The file's format.
    pub format: crate::graphql::mutation::training::ImportFormat,
    /// The file, base64-encoded (at most the request body limit).
    pub content_base64: String,
}

/// A sign-in to revoke.
#[derive(InputObject)]
pub struct RevokeSignInInput {
    /// The token's id (`jti`).
    pub jti: String,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// A subject to sign out everywhere.
#[derive(InputObject)]
pub struct RevokeSubjectInput {
    /// The tokens' subject (`sub`), 1 to 200 characters.
    pub subject: String,
    /// Why, 1 to 500 characters.
    pub reason: String,
}

/// A subject signed out everywhere.
#[derive(SimpleObject)]
pub struct SubjectRevoked {
    /// The subject.
    pub subject: String,
    /// Its tokens issued at or before this moment are refused.
    pub revoked_before: crate::graphql::scalars::DateTime,
    /// Its active sign-ins that were revoked now.
    pub sign_ins: i32,
}

/// An organization to register.
#[derive(InputObject)]
pub struct RegisterOrganizationInput {
    /// The registered Chinese name, 1 to 100 characters.
    pub name: String,
    /// The English name.
    pub name_en: Option<String>,
    /// Its kind.
    pub kind: OrganizationKind,
    /// Its unified social credit code (统一社会信用代码), 18 characters.
    pub credit_code: String,
    /// The region it is located in (GB/T 2260 code): its city, or a county under it (the
    /// organization then belongs to the city, in that county); a city with an address that names
    /// one of its counties gets that county.
    pub region: String,
    /// Postal address.
    pub address: Option<String>,
    /// Website, http:// or https://.
    pub website: Option<String>,
    /// Public description.
    pub description: Option<String>,
    /// A phone line or a person to ask for, at most 100 characters: shown to the organization's
    /// own users, the regulator of its region and SYSTEM_ADMIN only.
    pub contact: Option<String>,
}

/// An alliance to found.
#[derive(InputObject)]
pub struct FoundAllianceInput {
    /// Its code: lower-case letters, digits and hyphens (`zj-eyewear`).
    pub code: String,
    /// The Chinese name, 1 to 100 characters.
    pub name: String,
    /// The English name, 1 to 200 characters.
    pub name_en: String,
    /// The industry it serves, from the closed list of the first release.
    #[graphql(deprecation = "use sector, which takes any industry's code")]
    pub industry: Option<IndustryCode>,
    /// The code of the industry it serves (`EYEWEAR`, or one added with `upsertIndustry`); give
    /// this or the deprecated `industry`.
    pub sector: Option<String>,
    /// The region it is founded in (GB/T 2260 code).
    pub region: String,
    /// The founding day.
    pub founded_on: Date,
    /// What it does.
    pub description: Option<String>,
    /// The lead organizations (牵头单位), at least one.
    pub leads: Vec<ID>,
}

/// An application to join an alliance.
#[derive(InputObject)]
pub struct ApplyForMembershipInput {
    /// The alliance's code.
    pub alliance: String,
    /// What the organization says of itself and why it joins, at most 500 characters.
    pub note: Option<String>,
}

/// An application to admit.
#[derive(InputObject)]
pub struct AdmitMembershipApplicationInput {
    /// The application.
    pub application: ID,
}

/// An application to reject.
#[derive(InputObject)]
pub struct RejectMembershipApplicationInput {
    /// The application.
    pub application: ID,
    /// Why, 1 to 500 characters.
    pub reason: String,
}
