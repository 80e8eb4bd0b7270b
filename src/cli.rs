//! The command line: clap definitions and exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use tf2_migrate_core::rules::{Strategy, TfVersion};

/// The process exit status of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing to migrate, or the command did what was asked.
    Clean,
    /// `check`/`diff`: there is something to migrate.
    Found,
    /// A file could not be handled, or the arguments were wrong.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        Self::from(match s {
            ExitStatus::Clean => 0,
            ExitStatus::Found => 1,
            ExitStatus::Error => 2,
        })
    }
}

const AFTER_HELP: &str = "\
Examples:
  tf2-migrate src/                      review the migration of src/ in the terminal UI
  tf2-migrate check src/                list what needs migrating (exit 1 if anything does)
  tf2-migrate diff src/ | less -R       the rewrites that `apply` would make
  tf2-migrate apply src/                write the safe rewrites (add --unsafe for review-level ones)
  tf2-migrate report src/ -o MIGRATION.md
  tf2-migrate rules                     every rule, with examples and safety levels
  tf2-migrate check --format sarif > results.sarif     for code scanning (also: --format github)
  tf2-migrate config                    the settings in effect and where each came from

Configuration: [tool.tf2-migrate] in the nearest pyproject.toml (or a tf2-migrate.toml) with
select, ignore, strategy, target-tf, exclude and [[tool.tf2-migrate.per-path]] tables (paths =
[globs] plus any of select, ignore, strategy, target-tf); command-line flags win.

Exit codes: 0 nothing found / done, 1 findings (check, diff), 2 error.";

/// Migrate TensorFlow 1.x and standalone Keras code to TensorFlow 2 and tf.keras.
#[derive(Debug, Parser)]
#[command(name = "tf2-migrate", version, about, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no command: `review` on a terminal, else `check`.
    #[command(flatten)]
    pub default: ReviewArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review every proposed rewrite in a full-screen terminal UI, then write the accepted ones.
    Review(ReviewArgs),
    /// List the files and places that need migrating.
    Check(CheckArgs),
    /// Print the rewrites `apply` would make, as a unified diff.
    Diff(FixArgs),
    /// Write the rewrites chosen by safety level, rule and saved review decisions.
    Apply(ApplyArgs),
    /// A migration report: every change and every manual action, per file.
    Report(ReportArgs),
    /// Explain every rule and list the data tables; `rules ID` shows one rule in full.
    Rules(RulesArgs),
    /// Print the settings in effect (configuration file and flags) and where each came from.
    Config(ConfigArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `tf2-migrate man > tf2-migrate.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. `tf2-migrate completions bash > ~/.local/share/bash-completion/completions/tf2-migrate`.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--strategy`: the core's strategies, each with its one-line help.
fn strategies() -> impl TypedValueParser<Value = Strategy> {
    PossibleValuesParser::new(Strategy::ALL.map(|s| PossibleValue::new(s.as_str()).help(s.summary())))
        .map(|name| name.parse::<Strategy>().expect("every possible value names a strategy"))
}

/// Options every command that reads code shares.
#[derive(Debug, Args, Clone)]
#[allow(clippy::struct_excessive_bools)] // command-line switches, each its own flag
pub struct CommonArgs {
    /// Files or folders to migrate (folders are searched for *.py, *.ipynb and dependency files, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// How far rewrites go (default: upgrade, or `strategy` in the configuration).
    #[arg(long, value_parser = strategies())]
    pub strategy: Option<Strategy>,
    /// Only these rules (ids from `tf2-migrate rules`; comma-separated or repeated; `prefix*` allowed).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Leave these rules out.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// The TensorFlow release to migrate to (default: the newest, 2.21; 2.16 and later: tf.keras
    /// is Keras 3).
    #[arg(long, value_name = "VERSION")]
    pub target_tf: Option<TfVersion>,
    /// Skip files and folders matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Also look at files .gitignore and hidden-file rules would skip.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = tf2_migrate_core::scan::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Parse every file, also those the byte pre-filter says cannot have findings (slower; to
    /// check that filter: `tools/prefilter_agreement.py`).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
    /// Colour output: auto (a terminal without `NO_COLOR`), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No progress display.
    #[arg(long, short)]
    pub quiet: bool,
    /// Analyse every file afresh: neither read nor write the cache of earlier runs'
    /// findings (`.tf2-migrate-cache`, or `$TF2_MIGRATE_CACHE_DIR`).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Colour theme of the review UI (a name from themes/, or a .toml file).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Journal of review decisions (default: one per root under $XDG_STATE_HOME/tf2-migrate).
    #[arg(long, value_name = "FILE")]
    pub session: Option<PathBuf>,
    /// Forget the decisions of earlier reviews of this root.
    #[arg(long)]
    pub fresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CheckFormat {
    /// `path:line:col: severity [rule] message (safety)`, then a summary.
    #[default]
    Text,
    /// Files, findings, errors and the summary as JSON.
    Json,
    /// SARIF 2.1.0 for code scanning: rule metadata, locations, fixes as replacements.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum RulesFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Include review-level rewrites (behaviour may change; each finding says how).
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub fix: FixArgs,
    /// Apply the decisions saved by `review` (accepted hunks only) instead of the safety policy.
    /// `--decisions` alone reads the review journal of the given paths; `--decisions=FILE` (with
    /// `=`) reads FILE.
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true)]
    pub decisions: Option<Option<PathBuf>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Show only this rule, in full (an id, or `prefix*` for several).
    #[arg(value_name = "ID|PREFIX*")]
    pub rule: Option<String>,
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}
