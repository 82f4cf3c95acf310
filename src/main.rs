//! The `skillgraph` binary: parse the command line, then run it.

use std::process::ExitCode;

use clap::Parser;
use skillgraph::cli::{self, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    match cli::run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("skillgraph: {err:#}");
            ExitCode::FAILURE
        }
    }
}
