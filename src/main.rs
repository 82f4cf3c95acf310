//! The `skillgraph` binary: parse the command line, then run it.

// The schema's merged roots nest deeply enough that computing the layout of its execution
// future overflows the default query depth in release builds.
#![recursion_limit = "256"]

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
