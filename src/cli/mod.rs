//! The command line: `serve` (the default), `migrate`, `seed`, `schema`, `import`,
//! `keys`, `retention`, `token`.

mod import;
mod keys;
mod migrate;
mod retention;
mod seed;
mod serve;
mod token;

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};

use crate::{
    app,
    auth::{Claims, Role, viewer_from_claims},
    config::{Settings, Url},
    db, graphql, telemetry,
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
        /// The provider (a college, a training institution, an enterprise that trains), as the
        /// API shows its ID.
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
        Command::Serve => serve::serve(&settings).await,
        Command::Migrate { action } => migrate::run(&settings, action).await,
        Command::Seed { demo } => seed::run(&settings, demo).await,
        Command::Schema => Ok(()),
        Command::Keys { action } => keys::run(&settings, action).await,
        Command::Retention { dry_run, days } => retention::run(&settings, dry_run, days).await,
        Command::Import {
            what: ImportWhat::Resources { org, file },
        } => import::resources(&settings, &org, &file).await,
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
            let issue = token::Issue {
                role,
                org,
                alliances,
                region,
                subject,
                org_admin,
                ttl,
            };
            token::issue(&settings, issue).await
        }
    }
}
