//! The settings: defaults, files, the environment, refusals.

use super::*;

#[test]
fn passwords_never_reach_logs() {
    assert_eq!(
        redact_url("postgres://app:s3cret@db:5432/skills"),
        "postgres://app:***@db:5432/skills"
    );
    assert_eq!(
        redact_url("sqlite://skillgraph.db?mode=rwc"),
        "sqlite://skillgraph.db?mode=rwc"
    );
    let mut settings = Settings::default();
    settings.database.url = Url::from("postgres://app:s3cret@db/skills");
    settings.redis.url = Some(Url::from("redis://:hunter2@cache:6379"));
    settings.telemetry.otlp_endpoint = Some(Url::from("http://u:otlp-pw@collector:4318"));
    settings.identity.jwt_secret = Some(SecretString::from("a-very-long-development-secret-xyz"));
    settings.identity.personal_data_key = Some(SecretString::from("bWFzdGVyLWtleQ=="));
    let shown = format!("{settings:?} {settings:#?}");
    for secret in [
        "s3cret",
        "hunter2",
        "otlp-pw",
        "development-secret",
        "bWFzdGVyLWtleQ",
    ] {
        assert!(!shown.contains(secret), "{secret} reached Debug");
    }
    assert!(shown.contains("postgres://app:***@db/skills"), "{shown}");
    assert_eq!(
        settings.database.url.expose(),
        "postgres://app:s3cret@db/skills"
    );
}

/// Every leaf of the settings, as `section.key`.
fn leaves(value: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match value.as_object() {
        Some(object) if !object.is_empty() && !path.ends_with("restore_by_role") => {
            for (key, child) in object {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                leaves(child, &child_path, out);
            }
        }
        _ => out.push(path.to_owned()),
    }
}

#[test]
fn every_setting_has_one_environment_name_and_a_documented_row() {
    let mut all = Vec::new();
    leaves(
        &serde_json::to_value(Settings::default()).expect("settings serialise"),
        "",
        &mut all,
    );
    all.sort();
    let mut named: Vec<String> = ENVIRONMENT.iter().map(|(_, p)| (*p).to_owned()).collect();
    named.sort();
    assert_eq!(all, named, "ENVIRONMENT and Settings drifted apart");
    let mut flat: Vec<&str> = ENVIRONMENT.iter().map(|(f, _)| *f).collect();
    flat.sort_unstable();
    flat.dedup();
    assert_eq!(flat.len(), ENVIRONMENT.len(), "an environment name twice");
    let doc = include_str!("../config.rs");
    for (_, path) in ENVIRONMENT {
        assert!(
            doc.contains(&format!("`{path}`")),
            "{path} is not in the table"
        );
    }
}

#[test]
#[expect(
    clippy::result_large_err,
    reason = "figment's Jail fixes the error type"
)]
fn file_then_environment_override_defaults() {
    figment::Jail::expect_with(|jail| {
        jail.create_file(
            "skillgraph.toml",
            "[server]\nlisten = \"0.0.0.0:9000\"\n[limits]\nmax_query_depth = 9\n[rules]\nmax_open_intentions = 5\n",
        )?;
        jail.set_env("SKILLGRAPH_MAX_QUERY_DEPTH", "11");
        jail.set_env("SKILLGRAPH_TEST_DATABASE_URL", "postgres://ignored/x");
        jail.set_env("DATABASE_URL", "postgres://localhost/x");
        let s = Settings::load(Path::new("skillgraph.toml")).map_err(|e| e.to_string())?;
        assert_eq!(s.server.listen.port(), 9000);
        assert_eq!(s.limits.max_query_depth, 11);
        assert_eq!(s.rules.max_open_intentions, 5);
        assert_eq!(s.database.url.expose(), "postgres://localhost/x");
        assert!(s.database.demo_data);
        assert!(s.rate_limit.restore_by_role.is_empty());
        jail.set_env(
            "SKILLGRAPH_RATE_LIMIT_RESTORE_BY_ROLE",
            "{REGULATOR=400000}",
        );
        jail.set_env("SKILLGRAPH_REDIS_URL", "redis://:pw@cache:6379");
        let s = Settings::load(Path::new("skillgraph.toml")).map_err(|e| e.to_string())?;
        assert_eq!(
            s.rate_limit
                .restore_by_role
                .get(&crate::auth::Role::Regulator),
            Some(&400_000)
        );
        assert!(
            !format!("{s:?}").contains("pw@"),
            "the Redis password stays out of logs"
        );
        jail.create_file("stale.toml", "max_query_depth = 9\n")?;
        let stale = Settings::load(Path::new("stale.toml")).expect_err("a flat key");
        assert!(stale.to_string().contains("max_query_depth"), "{stale}");
        Ok(())
    });
}
