//! The `tf2-migrate` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use tf2_migrate::cli::{Cli, ExitStatus};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match tf2_migrate::run(cli) {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("tf2-migrate: error: {e:#}");
            ExitStatus::Error.into()
        }
    }
}
