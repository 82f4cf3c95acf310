//! `skillgraph token issue`: a development token, signed with the configured key.

use super::*;

/// The claims of `skillgraph token issue`.
pub(super) struct Issue {
    pub(super) role: Role,
    pub(super) org: Option<String>,
    pub(super) alliances: Vec<String>,
    pub(super) region: Option<String>,
    pub(super) subject: String,
    pub(super) org_admin: bool,
    pub(super) ttl: std::time::Duration,
}

/// Signs a token the server would accept (its claims are checked first) and prints it.
pub(super) async fn issue(settings: &Settings, issue: Issue) -> anyhow::Result<()> {
    let Issue {
        role,
        org,
        alliances,
        region,
        subject,
        org_admin,
        ttl,
    } = issue;
    let secrets = crate::keys::load(settings)?;
    // The server must verify what is signed here: keep a generated JWT secret.
    secrets.save_generated()?;
    let Some(signer) = secrets.signer else {
        bail!(
            "no signing key: set jwt_private_key_file to issue {:?} tokens",
            settings.identity.jwt_algorithm
        );
    };
    let claims = Claims {
        sub: subject,
        role,
        org,
        alliances,
        region,
        iss: String::new(),
        aud: String::new(),
        exp: 0,
        iat: 0,
        nbf: None,
        jti: String::new(),
        org_admin,
    };
    // Refuse to sign what the server would refuse to accept.
    let db = db::connect(settings.database.url.expose(), 2).await?;
    db::migrate(&db).await?;
    viewer_from_claims(&db, &claims)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let token = signer
        .issue(claims, ttl)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "a {} token valid for {}:",
        role.as_str(),
        humantime::format_duration(ttl)
    );
    println!("{token}");
    Ok(())
}
