//! The `tf2-migrate` binary: parse the command line, run, map the outcome to an exit code.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use tf2_migrate::cli::{Cli, ExitStatus};

/// mimalloc for Rust's allocations too (the `override` feature already routes C's `malloc`, so
/// tree-sitter's, to it): one allocator in the process.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match tf2_migrate::run(cli) {
        Ok(status) => status.into(),
        // A reader that stopped early (`diff | head`) is no error: end quietly, as ripgrep does.
        Err(e) if tf2_migrate::is_broken_pipe(&e) => ExitStatus::Clean.into(),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "tf2-migrate: error: {e:#}");
            ExitStatus::Error.into()
        }
    }
}
