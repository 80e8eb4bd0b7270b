//! The non-interactive commands: each turns parsed arguments into output and an exit status.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::{
    ApplyArgs, CheckArgs, CheckFormat, ColorChoice, CommonArgs, ExitStatus, FixArgs, ReportArgs, ReportFormat,
    RulesArgs,
};
use std::path::Path;
use tf2_migrate_core::error::Error;
use tf2_migrate_core::fix::Safety;
use tf2_migrate_core::pipeline::{self, Analysis, Policy, RuleFilter, Settings};
use tf2_migrate_core::report::{self, Paint};
use tf2_migrate_core::rules::Options;
use tf2_migrate_core::scan::ScanOptions;
use tf2_migrate_core::session;

/// Whether to colour output on a stream.
pub fn paint(choice: ColorChoice, is_terminal: bool) -> Paint {
    Paint(match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    })
}

pub fn settings(common: &CommonArgs) -> Result<Settings> {
    tf2_migrate_core::scan::check_excludes(&common.exclude).map_err(anyhow::Error::msg)?;
    let filter = RuleFilter::new(&common.select, &common.ignore)
        .map_err(|unknown| anyhow::anyhow!("unknown rule {} (see `tf2-migrate rules`)", unknown.join(", ")))?;
    Ok(Settings {
        scan: ScanOptions {
            exclude: common.exclude.clone(),
            max_file_size: common.max_file_size,
            respect_ignore: !common.no_ignore,
        },
        rules: Options { strategy: common.strategy, target: common.target_tf },
        filter,
    })
}

/// Scan and analyse, with a progress line on stderr when it is a terminal.
pub fn analyse(common: &CommonArgs, settings: &Settings) -> Analysis {
    let (candidates, errors) = pipeline::candidates(&common.paths, settings);
    let done = AtomicUsize::new(0);
    let finished = AtomicBool::new(false);
    let show = !common.quiet && std::io::stderr().is_terminal() && candidates.len() > 50;
    std::thread::scope(|s| {
        if show {
            s.spawn(|| {
                let total = candidates.len();
                while !finished.load(Ordering::Relaxed) {
                    eprint!("\r\x1b[2Kscanning {}/{total} files", done.load(Ordering::Relaxed));
                    std::thread::sleep(Duration::from_millis(100));
                }
                eprint!("\r\x1b[2K");
            });
        }
        let analysis = pipeline::analyse(&candidates, errors, settings, &done);
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
    let analysis = analyse(&args.common, &settings);
    let stdout = std::io::stdout();
    let text = match args.format {
        CheckFormat::Text => report::check_text(&analysis.plans, paint(args.common.color, stdout.is_terminal())),
        CheckFormat::Json => report::check_json(&analysis.plans, &analysis.errors),
    };
    stdout.lock().write_all(text.as_bytes())?;
    let failed = print_errors(&analysis.errors);
    Ok(status(failed, !analysis.plans.is_empty()))
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
    let mut out = std::io::stdout().lock();
    let mut changed = 0;
    let mut errors = std::mem::take(&mut analysis.errors);
    for plan in &mut analysis.plans {
        if let Some(skip) = pipeline::not_rewritable(plan) {
            errors.push(skip);
            continue;
        }
        match pipeline::migrate(plan, policy(args), &settings) {
            Ok(Some(new_text)) => {
                changed += 1;
                out.write_all(&report::unified_diff(plan, &new_text, paint))?;
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    drop(out);
    let failed = print_errors(&errors);
    Ok(status(failed, changed > 0))
}

pub fn run_apply(args: &ApplyArgs) -> Result<ExitStatus> {
    let settings = settings(&args.fix.common)?;
    let mut analysis = analyse(&args.fix.common, &settings);
    let mut errors = std::mem::take(&mut analysis.errors);
    let saved = match &args.decisions {
        Some(path) => Some(saved_decisions(path, &args.fix.common, &mut analysis.plans)?),
        None => None,
    };
    let (mut written, mut edits, mut notebooks) = (0, 0, 0);
    for plan in &mut analysis.plans {
        if let Some(skip) = pipeline::not_rewritable(plan) {
            errors.push(skip);
            continue;
        }
        let new_text = match saved {
            // Exactly what the review accepted, as it was shown: no policy, no second pass.
            Some(_) => pipeline::accepted_text(plan),
            None => pipeline::migrate(plan, policy(&args.fix), &settings),
        };
        let result = new_text.and_then(|new| match new {
            Some(text) => pipeline::write_plan(plan, &text),
            None => Ok(false),
        });
        match result {
            Ok(true) => {
                written += 1;
                notebooks += usize::from(plan.notebook.is_some());
                edits += plan.decisions.iter().filter(|d| **d == tf2_migrate_core::plan::Decision::Accepted).count();
            }
            Ok(false) => {}
            Err(e) => errors.push(e),
        }
    }
    let failed = print_errors(&errors);
    let (_, review, manual) = report::safety_counts(&analysis.plans);
    if !args.fix.common.quiet {
        let mut msg = format!("tf2-migrate: {written} files written ({edits} fixes)");
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
        if review > 0 && !args.fix.unsafe_fixes {
            let _ = write!(msg, "; {review} review-level fixes left (see `diff --unsafe`, or `review`)");
        }
        if manual > 0 {
            let _ = write!(msg, "; {manual} manual actions (see `report`)");
        }
        let kept = analysis.plans.iter().flat_map(|p| &p.findings).filter(|f| f.kept_for_dependants).count();
        if kept > 0 {
            let _ = write!(
                msg,
                "; {kept} fixes of rules left out by --select/--ignore kept, because selected fixes need them"
            );
        }
        eprintln!("{msg}");
    }
    Ok(if failed { ExitStatus::Error } else { ExitStatus::Clean })
}

/// Load the review journal (`path`, or the default one for these roots) onto the plans.
fn saved_decisions(
    path: &Path,
    common: &CommonArgs,
    plans: &mut [tf2_migrate_core::plan::FilePlan],
) -> Result<session::Restored> {
    let path = if path.as_os_str().is_empty() {
        session::default_path(&session::roots(&common.paths))
            .context("--decisions: no session folder (set XDG_STATE_HOME or HOME, or name the journal file)")?
    } else {
        path.to_path_buf()
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
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    let failed = print_errors(&analysis.errors);
    Ok(if failed { ExitStatus::Error } else { ExitStatus::Clean })
}

pub fn run_rules(args: &RulesArgs) -> Result<ExitStatus> {
    let text = match args.format {
        CheckFormat::Text => report::rules_text(paint(args.color, std::io::stdout().is_terminal())),
        CheckFormat::Json => report::rules_json(),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitStatus::Clean)
}
