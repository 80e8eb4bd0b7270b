//! The non-interactive commands: each turns parsed arguments into output and an exit status.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::{
    ApplyArgs, CheckArgs, CheckFormat, ColorChoice, CommonArgs, CompletionsArgs, ConfigArgs, ExitStatus, FixArgs,
    ReportArgs, ReportFormat, RulesArgs, RulesFormat,
};
use std::path::Path;
use tf2_migrate_core::error::Error;
use tf2_migrate_core::fix::Safety;
use tf2_migrate_core::pipeline::{self, Analysis, Policy, Settings};
use tf2_migrate_core::plan::{Decision, FilePlan};
use tf2_migrate_core::report::{self, Paint, Tally};
use tf2_migrate_core::rules::Rule;
use tf2_migrate_core::session;

/// Whether to colour output on a stream.
pub fn paint(choice: ColorChoice, is_terminal: bool) -> Paint {
    Paint(match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    })
}

/// The pipeline's settings: the configuration file's, under the command-line flags.
pub fn settings(common: &CommonArgs) -> Result<Settings> {
    crate::config::Resolved::new(common)?.settings(common)
}

/// Scan and analyse, with a progress line on stderr when it is a terminal.
pub fn analyse(common: &CommonArgs, settings: &Settings) -> Analysis {
    let mut plans = Vec::new();
    let mut analysis = analyse_map(common, settings, |plan| plan, |plan| plans.push(plan));
    analysis.plans = plans;
    analysis
}

/// [`analyse`], keeping only what `map` makes of each plan ([`pipeline::analyse_map`]).
fn analyse_map<U: Send>(
    common: &CommonArgs,
    settings: &Settings,
    map: impl Fn(FilePlan) -> U + Sync,
    emit: impl FnMut(U) + Send,
) -> Analysis {
    let (candidates, errors) = pipeline::candidates(&common.paths, settings);
    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let show = !common.quiet && std::io::stderr().is_terminal() && candidates.len() > 50;
    std::thread::scope(|s| {
        if show {
            s.spawn(|| {
                let total = candidates.len();
                let mut stderr = std::io::stderr();
                while !finished.load(Ordering::Relaxed) {
                    let _ = write!(stderr, "\r\x1b[2Kscanning {}/{total} files", done.load(Ordering::Relaxed));
                    std::thread::sleep(Duration::from_millis(100));
                }
                let _ = write!(stderr, "\r\x1b[2K");
            });
        }
        let analysis = pipeline::analyse_map(&candidates, errors, settings, &done, map, emit);
        finished.store(true, Ordering::Relaxed);
        analysis
    })
}

/// Print skip reasons and errors on stderr; true if any is a real error (not a policy skip).
pub fn print_errors(errors: &[Error]) -> bool {
    let mut stderr = std::io::stderr().lock();
    let mut any = false;
    for e in errors {
        let kind = if matches!(e, Error::Skipped { .. }) { "note" } else { "error" };
        any |= kind == "error";
        let _ = writeln!(stderr, "tf2-migrate: {kind}: {}", tf2_migrate_core::text::printable(&e.to_string()));
    }
    any
}

pub fn run_check(args: &CheckArgs) -> Result<ExitStatus> {
    let settings = settings(&args.common)?;
    let stdout = std::io::stdout();
    let failed = |analysis: &Analysis| analysis.errors.iter().any(|e| !matches!(e, Error::Skipped { .. }));
    let (text, analysis, found) = match args.format {
        CheckFormat::Text => {
            // Each file's lines are made where its plan is, and the plan (its text, its line
            // index) dropped: memory grows with the findings, not with the tree.
            let paint = paint(args.common.color, stdout.is_terminal());
            let mut text = report::CheckText::default();
            let analysis =
                analyse_map(&args.common, &settings, |plan| report::FileLines::new(&plan, paint), |f| text.push(&f));
            let found = text.files() > 0;
            let mut text = text.finish();
            // After a path that failed, "nothing found" would read as an all-clear.
            if !found && !failed(&analysis) {
                text.push_str(report::NOTHING_FOUND);
            }
            (text, analysis, found)
        }
        CheckFormat::Json | CheckFormat::Sarif | CheckFormat::Github => {
            let analysis = analyse(&args.common, &settings);
            let text = match args.format {
                CheckFormat::Json => report::check_json(&analysis.plans, &analysis.errors),
                CheckFormat::Sarif => tf2_migrate_core::sarif::sarif(&analysis.plans, &cwd()),
                _ => report::check_github(&analysis.plans, &cwd()),
            };
            let found = !analysis.plans.is_empty();
            (text, analysis, found)
        }
    };
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    drop(out);
    print_errors(&analysis.errors);
    Ok(status(failed(&analysis), found))
}

/// The folder the command runs in, which output paths are made relative to.
fn cwd() -> std::path::PathBuf {
    std::env::current_dir().unwrap_or_default()
}

fn status(failed: bool, found: bool) -> ExitStatus {
    if failed {
        ExitStatus::Error
    } else if found {
        ExitStatus::Found
    } else {
        ExitStatus::Clean
    }
}

fn policy(args: &FixArgs) -> Policy {
    Policy { min_safety: if args.unsafe_fixes { Safety::Review } else { Safety::Safe } }
}

pub fn run_diff(args: &FixArgs) -> Result<ExitStatus> {
    let settings = settings(&args.common)?;
    let mut analysis = analyse(&args.common, &settings);
    let paint = paint(args.common.color, std::io::stdout().is_terminal());
    // Names as seen from here, so that `git apply` and `patch -p1` take the diff in this folder.
    let cwd = cwd();
    let mut out = std::io::stdout().lock();
    let mut changed = 0;
    let mut errors = std::mem::take(&mut analysis.errors);
    let policy = policy(args);
    // Each file's diff (or why it has none) on the thread pool, printed in path order.
    let mut written = Ok(());
    pipeline::each_plan(
        &mut analysis.plans,
        |plan| {
            if let Some(skip) = pipeline::not_rewritable(plan) {
                return Err(skip);
            }
            let new_text = pipeline::migrate(plan, policy, &settings)?;
            Ok(new_text.map(|new_text| {
                let name = tf2_migrate_core::diff::relative_to(&plan.path, &cwd);
                report::unified_diff(plan, &name, &new_text, paint)
            }))
        },
        |diff| {
            match diff {
                Ok(Some(bytes)) => {
                    changed += 1;
                    written = out.write_all(&bytes);
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
            written.is_ok()
        },
    );
    written?;
    out.flush()?;
    drop(out);
    let failed = print_errors(&errors);
    Ok(status(failed, changed > 0))
}

pub fn run_apply(args: &ApplyArgs) -> Result<ExitStatus> {
    let settings = settings(&args.fix.common)?;
    let mut analysis = analyse(&args.fix.common, &settings);
    let mut errors = std::mem::take(&mut analysis.errors);
    let saved = match &args.decisions {
        Some(path) => Some(saved_decisions(path.as_deref(), &args.fix.common, &mut analysis.plans)?),
        None => None,
    };
    let (mut written, mut hunks, mut notebooks) = (0, 0, 0);
    // What is left after this run, in hunks and manual items (as `check` and the review count).
    let mut left = Tally::default();
    let (from_review, policy) = (saved.is_some(), policy(&args.fix));
    // Rewrite and write each file on the thread pool (`Err`: not rewritable, with the reason);
    // counted and reported below in path order.
    let mut outcomes = Vec::with_capacity(analysis.plans.len());
    pipeline::each_plan(
        &mut analysis.plans,
        |plan| {
            if let Some(skip) = pipeline::not_rewritable(plan) {
                return Err(skip);
            }
            let new_text = if from_review {
                // Exactly what the review accepted, as it was shown: no policy, no second pass.
                pipeline::accepted_text(plan)
            } else {
                pipeline::migrate(plan, policy, &settings)
            };
            Ok(new_text.and_then(|new| match new {
                Some(text) => pipeline::write_plan(plan, &text),
                None => Ok(false),
            }))
        },
        |outcome| {
            outcomes.push(outcome);
            true
        },
    );
    for (plan, outcome) in analysis.plans.iter().zip(outcomes) {
        let result = match outcome {
            Ok(result) => result,
            Err(skip) => {
                errors.push(skip);
                left.add(plan, |_| true);
                continue;
            }
        };
        let done = matches!(result, Ok(true));
        match result {
            Ok(true) => {
                written += 1;
                notebooks += usize::from(plan.notebook.is_some());
                hunks += (0..plan.hunks.len()).filter(|&h| plan.hunk_decision(h) == Decision::Accepted).count();
            }
            Ok(false) => {}
            Err(e) => errors.push(e),
        }
        left.add(plan, |h| !done || plan.hunk_decision(h) != Decision::Accepted);
    }
    let failed = print_errors(&errors);
    if !args.fix.common.quiet {
        let mut msg =
            format!("tf2-migrate: {} written ({})", report::plural(written, "file"), report::plural(hunks, "hunk"));
        if let Some(restored) = saved {
            let _ = write!(msg, "; from {} saved review decisions ({} stale", restored.restored, restored.stale);
            if restored.skipped > 0 {
                let _ = write!(msg, ", {} unreadable journal lines skipped", restored.skipped);
            }
            msg.push(')');
        }
        match notebooks {
            0 => {}
            1 => msg.push_str("; the notebook written keeps stale outputs in its changed cells until run again"),
            n => {
                let _ = write!(
                    msg,
                    "; the {n} notebooks written keep stale outputs in their changed cells until run again"
                );
            }
        }
        if !left.is_empty() {
            let _ = write!(msg, "; left: {left}");
            let mut hints = Vec::new();
            if left.review > 0 || left.safe > 0 {
                hints.push("`review` to go through them, `diff --unsafe` to see them");
            }
            if left.manual > 0 {
                hints.push("`report` lists the manual items");
            }
            let _ = write!(msg, " ({})", hints.join("; "));
        }
        let kept = analysis.plans.iter().flat_map(|p| &p.findings).filter(|f| f.kept_for_dependants).count();
        if kept > 0 {
            let _ = write!(
                msg,
                "; {kept} fixes of rules left out by --select/--ignore kept, because selected fixes need them"
            );
        }
        let _ = writeln!(std::io::stderr(), "{msg}");
    }
    Ok(if failed { ExitStatus::Error } else { ExitStatus::Clean })
}

/// Load the review journal (`path`, or the default one for these roots) onto the plans.
fn saved_decisions(
    path: Option<&Path>,
    common: &CommonArgs,
    plans: &mut [tf2_migrate_core::plan::FilePlan],
) -> Result<session::Restored> {
    let path = match path {
        Some(path) => path.to_path_buf(),
        None => session::default_path(&session::roots(&common.paths))
            .context("--decisions: no session folder (set XDG_STATE_HOME or HOME, or name the journal file)")?,
    };
    let log = session::load(&path).with_context(|| format!("{}: cannot read the review decisions", path.display()))?;
    let restored = session::restore(plans, &log);
    // As in the review: no accepted hunk is written without the hunks it needs.
    for plan in plans {
        plan.enforce_requirements();
    }
    Ok(restored)
}

pub fn run_report(args: &ReportArgs) -> Result<ExitStatus> {
    let settings = settings(&args.common)?;
    let analysis = analyse(&args.common, &settings);
    let text = match args.format {
        ReportFormat::Markdown => report::report_markdown(&analysis.plans, &analysis.errors),
        ReportFormat::Json => report::report_json(&analysis.plans, &analysis.errors),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("{}: cannot write the report", path.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    let failed = print_errors(&analysis.errors);
    Ok(if failed { ExitStatus::Error } else { ExitStatus::Clean })
}

pub fn run_rules(args: &RulesArgs) -> Result<ExitStatus> {
    let paint = paint(args.color, std::io::stdout().is_terminal());
    let only: Vec<Rule> = match &args.rule {
        Some(pattern) => {
            let rules: Vec<Rule> = Rule::matching(pattern).collect();
            anyhow::ensure!(!rules.is_empty(), "unknown rule {pattern} (see `tf2-migrate rules`)");
            rules
        }
        None => Vec::new(),
    };
    let text = match (args.format, only.is_empty()) {
        (RulesFormat::Json, _) => report::rules_json(&only),
        (_, true) => report::rules_text(paint),
        (_, false) => only.iter().map(|&r| report::rule_text(r, paint)).collect::<Vec<_>>().join("\n"),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Clean)
}

pub fn run_config(args: &ConfigArgs) -> Result<ExitStatus> {
    let resolved = crate::config::Resolved::new(&args.common)?;
    // The same checks a command makes (rule names given as flags, globs).
    resolved.settings(&args.common)?;
    let mut out = std::io::stdout().lock();
    out.write_all(resolved.describe().as_bytes())?;
    out.flush()?;
    Ok(ExitStatus::Clean)
}

pub fn run_completions(args: &CompletionsArgs) -> Result<ExitStatus> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::Cli::command(), "tf2-migrate", &mut out);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(ExitStatus::Clean)
}

pub fn run_man() -> Result<ExitStatus> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::cli::Cli::command()).render(&mut out)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(ExitStatus::Clean)
}
