//! tf2-migrate: move TensorFlow 1.x and standalone Keras code to TensorFlow 2 and tf.keras.
//!
//! This crate is the application: the command line (`cli`, `commands`) and the review UI (`tui`)
//! on top of the terminal-free engine in `tf2_migrate_core`.

pub mod cli;
pub mod commands;
pub mod config;
pub mod tui;

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
        Some(Command::Config(args)) => commands::run_config(&args),
        Some(Command::Completions(args)) => commands::run_completions(&args),
        Some(Command::Man) => commands::run_man(),
        None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => tui::run_review(&cli.default),
        None => commands::run_check(&cli::CheckArgs { common: cli.default.common, format: cli::CheckFormat::Text }),
    }
}

/// Whether an error is a closed output pipe (the reader of `diff | head` stopped reading).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().filter_map(|c| c.downcast_ref::<std::io::Error>()).any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
