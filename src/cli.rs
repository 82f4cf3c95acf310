//! The command line: `serve` (the default), `migrate`, `seed`, `schema`, `import`,
//! `keys`, `retention`, `token`.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};

use crate::{
    app,
    auth::{Claims, Role, viewer_from_claims},
    config::{Settings, Url},
    db, graphql, keys, seed, telemetry,
};

/// skillgraph: the GraphQL API over the regional vocational-training alliances.
#[derive(Debug, Parser)]
#[command(name = "skillgraph", version, about, long_about = None)]
pub struct Cli {
    /// A TOML settings file; used if it exists. Environment variables override it.
    #[arg(
        long,
        short,
        global = true,
        env = "SKILLGRAPH_CONFIG",
        default_value = "skillgraph.toml"
    )]
    pub config: PathBuf,
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, load the demo data into an empty database, and serve GraphQL over HTTP.
    Serve,
    /// Manage the database schema.
    Migrate {
        /// What to do with migrations.
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Load data into the database.
    Seed {
        /// Load the illustrative demo data (regions, alliances, organizations, memberships);
        /// does nothing if the database already has regions.
        #[arg(long)]
        demo: bool,
    },
    /// Print the GraphQL schema (SDL), as `schema.graphql` holds it.
    Schema,
    /// Load data from files.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// The personal-data keys: a new one, and re-sealing the rows under the configured one.
    Keys {
        /// What to do with keys.
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Erase the personal data of learners inactive for `rules.learner_retention_days` (or
    /// `--days`); `--dry-run` reports whom it would erase and changes nothing. Schedule it.
    Retention {
        /// Report, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Days of inactivity, instead of `rules.learner_retention_days`.
        #[arg(long)]
        days: Option<u32>,
    },
    /// Development tokens.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        action: TokenAction,
    },
}

/// What can be imported.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Publish a provider's open-resource list from a CSV or XLSX file (headers in Chinese or
    /// English); any bad row publishes nothing, and every bad row is reported with its number.
    Resources {
        /// The college or training institution, as the API shows its ID.
        #[arg(long)]
        org: String,
        /// The file: `.csv` or `.xlsx`.
        file: PathBuf,
    },
}

/// Token actions.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Sign a token with the configured key and print it on the last line. Try it in GraphiQL as
    /// the header `{"Authorization": "Bearer <token>"}`.
    Issue {
        /// The role the token grants.
        #[arg(long, value_enum)]
        role: Role,
        /// The organization acted for, as the API shows its ID (`organizations { nodes { id } }`).
        #[arg(long)]
        org: Option<String>,
        /// An alliance code an ALLIANCE_ADMIN administers; repeat for several.
        #[arg(long = "alliance")]
        alliances: Vec<String>,
        /// The region code a REGULATOR supervises (`321100`).
        #[arg(long)]
        region: Option<String>,
        /// The subject; for LEARNER, the learner's ID as the API shows it.
        #[arg(long, default_value = "dev-user")]
        subject: String,
        /// The holder administers its organization (lists and revokes its staff's sign-ins).
        #[arg(long)]
        org_admin: bool,
        /// How long the token lives (`8h`, `30m`, `7d`).
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: std::time::Duration,
    },
}

/// Key actions.
#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Print a new random personal-data key (base64 of 32 bytes) to configure.
    ///
    /// A rotation, with no downtime: (1) add the new key to every instance's
    /// `previous_personal_data_keys` (it reads, it does not seal yet) and restart them one by
    /// one; (2) make it `personal_data_key` and move the old one into
    /// `previous_personal_data_keys`, restarting them one by one again; (3) run `skillgraph keys
    /// reseal`; (4) drop the old key from the configuration.
    Generate,
    /// Re-seal every learner row not sealed with `personal_data_key`, while the server serves;
    /// prints how many rows it re-sealed. Run it after making a new key `personal_data_key`.
    Reseal {
        /// Rows read at a time.
        #[arg(long, default_value_t = 500)]
        batch: u64,
    },
}

/// Migration actions.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the latest migrations.
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Schema = command {
        print!("{}", graphql::sdl());
        return Ok(());
    }
    let settings = Settings::load(&cli.config).context("reading settings")?;
    // Kept to the end: dropping it sends the traces still batched.
    let _telemetry = telemetry::init(
        &settings.telemetry.log,
        settings.telemetry.log_format,
        settings.telemetry.otlp_endpoint.as_ref().map(Url::expose),
    );
    match command {
        Command::Serve => serve(&settings).await,
        Command::Migrate { action } => {
            let db = db::connect(settings.database.url.expose(), 2).await?;
            match action {
                MigrateAction::Up => Migrator::up(&db, None).await?,
                MigrateAction::Down { steps } => Migrator::down(&db, Some(steps)).await?,
                MigrateAction::Status => {
                    for migration in Migrator::get_migration_with_status(&db).await? {
                        println!("{:?}\t{}", migration.status(), migration.name());
                    }
                }
            }
            Ok(())
        }
        Command::Seed { demo } => {
            if !demo {
                bail!("nothing to seed: pass --demo to load the demo data");
            }
            let secrets = keys::load(&settings)?;
            let db = db::connect(settings.database.url.expose(), 2).await?;
            db::migrate(&db).await?;
            keys::accept_personal_data_key(&db, &secrets, &settings).await?;
            match seed::demo(&db, &secrets.personal_data).await? {
                seed::SeedOutcome::Loaded {
                    regions,
                    alliances,
                    organizations,
                    memberships,
                    learners,
                    demands,
                    cohorts,
                    resources,
                    certificates,
                    intentions,
                    completers,
                    recommendations,
                    data_requests,
                    claims,
                    evaluations,
                } => println!(
                    "loaded {regions} regions, {alliances} alliances, {organizations} organizations, {memberships} memberships, {learners} learners, {demands} demands, {cohorts} cohorts, {resources} open resources, {certificates} certificates, {intentions} training intentions, {completers} completers followed up, {recommendations} job recommendations, {data_requests} requests about personal data, {claims} subsidy claims, {evaluations} institution evaluations"
                ),
                seed::SeedOutcome::AlreadyPopulated => {
                    println!("the database already has data; nothing loaded");
                }
            }
            Ok(())
        }
        Command::Schema => Ok(()),
        Command::Keys {
            action: KeysAction::Generate,
        } => {
            println!(
                "{}",
                crate::domain::personal::PersonalDataKey::generate_base64()
            );
            Ok(())
        }
        Command::Keys {
            action: KeysAction::Reseal { batch },
        } => {
            use crate::domain::personal::{Reseal, reseal};
            let secrets = keys::load(&settings)?;
            let db = db::connect(settings.database.url.expose(), 2).await?;
            db::migrate(&db).await?;
            keys::accept_personal_data_key(&db, &secrets, &settings).await?;
            let done = reseal(
                &db,
                &secrets.personal_data,
                Reseal::NotByTheSealingKey,
                batch,
            )
            .await?;
            println!(
                "re-sealed {} learners with the configured personal_data_key; {} changed meanwhile (run again); {} registered twice under two keys (left as they are)",
                done.rows, done.skipped, done.duplicates
            );
            Ok(())
        }
        Command::Retention { dry_run, days } => {
            let Some(days) = days.or(settings.rules.learner_retention_days) else {
                bail!(
                    "no retention period: set rules.learner_retention_days (SKILLGRAPH_LEARNER_RETENTION_DAYS) or pass --days"
                );
            };
            let secrets = keys::load(&settings)?;
            let db = db::connect(settings.database.url.expose(), 2).await?;
            db::migrate(&db).await?;
            keys::accept_personal_data_key(&db, &secrets, &settings).await?;
            let report = crate::domain::retention::run(&db, days, dry_run).await?;
            if dry_run {
                println!(
                    "dry run: {} learners inactive since {} would be erased (nothing was changed)",
                    report.inactive.len(),
                    report.cutoff.to_rfc3339()
                );
                for id in &report.inactive {
                    println!("{id}");
                }
            } else {
                println!(
                    "erased the personal data of {} of {} learners inactive since {}",
                    report.erased,
                    report.inactive.len(),
                    report.cutoff.to_rfc3339()
                );
            }
            Ok(())
        }
        Command::Import {
            what: ImportWhat::Resources { org, file },
        } => import_resources(&settings, &org, &file).await,
        Command::Token {
            action:
                TokenAction::Issue {
                    role,
                    org,
                    alliances,
                    region,
                    subject,
                    org_admin,
                    ttl,
                },
        } => {
            let secrets = keys::load(&settings)?;
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
    }
}

async fn import_resources(
    settings: &Settings,
    org: &str,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    use crate::{
        auth::{Actor, Caller, Staff},
        domain::ids::NodeKey,
        domain::import::{self, Format, ImportError},
    };
    let format = Format::from_path(file)
        .ok_or_else(|| anyhow::anyhow!("{} is neither .csv nor .xlsx", file.display()))?;
    let size = std::fs::metadata(file)
        .with_context(|| format!("reading {}", file.display()))?
        .len();
    let most = import::Limits::default().file_bytes;
    if size > most as u64 {
        anyhow::bail!(
            "{} has {size} bytes, more than the {most} an import reads",
            file.display()
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let org_id = NodeKey::organization("--org", org).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = db::connect(settings.database.url.expose(), 2).await?;
    db::migrate(&db).await?;
    let provider = crate::domain::identity::organization(
        &db,
        &crate::domain::identity::OrganizationRef::Id(org_id),
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("no organization has the ID {org}"))?;
    let actor = match provider.kind {
        entity::OrganizationKind::College => Actor::College(Staff::of(org_id)),
        entity::OrganizationKind::TrainingInstitution => {
            Actor::TrainingInstitution(Staff::of(org_id))
        }
        _ => bail!("{} is not a college or training institution", provider.name),
    };
    let caller = Caller::acting("cli-import", actor);
    match import::import(&db, &caller, format, bytes).await {
        Ok(published) => {
            println!(
                "published version {} of {}'s list: {} items",
                published.version,
                provider.name,
                published.items.len()
            );
            Ok(())
        }
        Err(ImportError::Rows(rows)) => {
            for row in &rows {
                eprintln!("{row}");
            }
            bail!("{} bad rows; nothing was published", rows.len())
        }
        Err(ImportError::App(e)) => bail!("{e}"),
    }
}

async fn serve(settings: &Settings) -> anyhow::Result<()> {
    tracing::info!(database = %settings.database.url, "starting");
    let app = app::App::build(settings).await?;
    let addr = app.local_addr()?;
    tracing::info!(%addr, "serving GraphQL");
    println!(
        "skillgraph is serving GraphQL at http://{addr}/graphql (open it in a browser for GraphiQL)\n\
         a first query to try there, or with curl:\n  \
         curl -s http://{addr}/graphql -H 'content-type: application/json' \\\n    \
         -d '{{\"query\":\"{{ alliances(first: 3) {{ nodes {{ code name demands(first: 2) {{ nodes {{ occupation {{ name }} headcount }} }} }} }} }}\"}}'"
    );
    app.run_until_stopped(app::shutdown_signal()).await?;
    Ok(())
}
