//! The `skillgraph` binary: parse the command line, then run it.

use std::process::ExitCode;

use clap::Parser;
use skillgraph::cli::{self, Cli};

// mimalloc instead of glibc's malloc: a nested answer allocates and frees many small values on
// every worker thread, and glibc's arenas spent a quarter of the server's time in the allocator
// and its locks under 16 connections (`skillgraph bench graph`, measured with perf).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
