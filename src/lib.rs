//! tf2-migrate: move TensorFlow 1.x and standalone Keras code to TensorFlow 2 and tf.keras.
//!
//! The core (`scan`, `source`, `resolve`, `rules`, `fix`, `plan`, `apply`, `write`, `report`)
//! knows nothing of the terminal; `tui` is the review UI on top; `cli` and `commands` wire them.

pub mod apply;
pub mod cli;
pub mod commands;
pub mod error;
pub mod fix;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod scan;
pub mod session;
pub mod source;
pub mod tui;
pub mod write;

use std::io::IsTerminal;

use cli::{Cli, Command, ExitStatus};

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Some(Command::Review(args)) => tui::run_review(&args),
        Some(Command::Check(args)) => commands::run_check(&args),
        Some(Command::Diff(args)) => commands::run_diff(&args),
        Some(Command::Apply(args)) => commands::run_apply(&args),
        Some(Command::Report(args)) => commands::run_report(&args),
        Some(Command::Rules(args)) => commands::run_rules(&args),
        None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => tui::run_review(&cli.default),
        None => commands::run_check(&cli::CheckArgs { common: cli.default.common, format: cli::CheckFormat::Text }),
    }
}
