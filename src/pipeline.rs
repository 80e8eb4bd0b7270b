//! The pipeline shared by every command: scan → source → rules → plan, and the automatic
//! decide → apply → verify → write used by `apply`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;

use crate::apply;
use crate::error::Error;
use crate::fix::{Finding, Fix, Safety};
use crate::plan::{Decision, FilePlan};
use crate::rules::{self, Options};
use crate::scan::{self, Candidate, ScanOptions};
use crate::source::SourceFile;
use crate::write::{self, WriteRequest};

/// Which findings a command works on.
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    /// Rule ids (or prefixes ending in `*`) to keep; empty keeps all.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

fn matches(pattern: &str, id: &str) -> bool {
    pattern.strip_suffix('*').map_or(pattern == id, |p| id.starts_with(p))
}

impl RuleFilter {
    pub fn keeps(&self, rule: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| matches(p, rule)))
            && !self.ignore.iter().any(|p| matches(p, rule))
    }

    /// Rule names given that match no rule.
    pub fn unknown(&self) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|p| !rules::RULES.iter().any(|r| matches(p, r.id)))
            .map(String::as_str)
            .collect()
    }

    /// Drop filtered findings, keeping `requires` indices consistent.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let keep: Vec<bool> = findings.iter().map(|f| self.keeps(f.rule)).collect();
        let mut new_index = HashMap::new();
        let mut out = Vec::new();
        for (i, f) in findings.into_iter().enumerate() {
            if keep[i] {
                new_index.insert(i, out.len());
                out.push(f);
            }
        }
        for f in &mut out {
            f.requires = f.requires.iter().filter_map(|r| new_index.get(r).copied()).collect();
        }
        out
    }
}

/// Everything a command needs to know about the files.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub scan: ScanOptions,
    pub rules: Options,
    pub filter: RuleFilter,
}

/// The result of analysing the given paths.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Flagged files, in path order.
    pub plans: Vec<FilePlan>,
    /// Files that could not be handled, with the reason.
    pub errors: Vec<Error>,
    pub files_scanned: usize,
    pub lines_scanned: usize,
}

/// Run the rules over one decoded text.
pub fn check_text(
    path: PathBuf,
    root: PathBuf,
    text: String,
    encoding: crate::source::Encoding,
    settings: &Settings,
) -> (FilePlan, usize) {
    let src = SourceFile::new(path, text, encoding);
    let findings = settings.filter.apply(rules::check(&src, &settings.rules));
    let lines = src.lines.line_count();
    let parsed_cleanly = !crate::source::has_syntax_error(&src.tree);
    let SourceFile { path, text, encoding, .. } = src;
    (FilePlan::new(path, root, text, encoding, parsed_cleanly, findings), lines)
}

/// Collect the candidate files of `paths`.
pub fn candidates(paths: &[PathBuf], settings: &Settings) -> (Vec<Candidate>, Vec<Error>) {
    scan::collect(paths, &settings.scan)
}

/// Analyse candidates in parallel; `done` counts finished files for a progress display.
pub fn analyse(candidates: &[Candidate], mut errors: Vec<Error>, settings: &Settings, done: &AtomicUsize) -> Analysis {
    let results = scan::par_map(candidates, done, |c| -> Result<Option<(FilePlan, usize)>, Error> {
        let Some(loaded) = scan::load(c, &settings.scan)? else {
            return Ok(None);
        };
        Ok(Some(check_text(loaded.path, loaded.root, loaded.text, loaded.encoding, settings)))
    });
    let mut analysis = Analysis { files_scanned: candidates.len(), ..Analysis::default() };
    for r in results {
        match r {
            Ok(Some((plan, lines))) => {
                analysis.lines_scanned += lines;
                if !plan.findings.is_empty() {
                    analysis.plans.push(plan);
                }
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    analysis.errors = errors;
    analysis
}

/// Which fixes `apply` takes without asking.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub min_safety: Safety,
}

impl Policy {
    pub fn accepts(self, fix: &Fix) -> bool {
        fix.safety >= self.min_safety
    }
}

/// How many times `apply` re-runs the rules over its own output to pick up fixes that overlapped.
pub const MAX_PASSES: usize = 4;

/// Decide by policy and compute a file's new text, re-running the rules over the result until
/// nothing more applies. Returns `None` when nothing changes.
pub fn migrate(plan: &mut FilePlan, policy: Policy, settings: &Settings) -> Result<Option<String>, Error> {
    plan.decide_where(Decision::Accepted, |_, fix| policy.accepts(fix));
    let mut text = plan.apply_accepted().text;
    if text == plan.text {
        return Ok(None);
    }
    verify(plan, &text)?;
    for _ in 1..MAX_PASSES {
        let (mut next, _) = check_text(plan.path.clone(), plan.root.clone(), text.clone(), plan.encoding, settings);
        next.decide_where(Decision::Accepted, |_, fix| policy.accepts(fix));
        let again = next.apply_accepted().text;
        if again == text {
            break;
        }
        verify(plan, &again)?;
        text = again;
    }
    Ok(Some(text))
}

/// The text with exactly the accepted fixes applied (decisions made elsewhere, e.g. in a review),
/// verified; `None` when nothing changes.
pub fn accepted_text(plan: &FilePlan) -> Result<Option<String>, Error> {
    let text = plan.apply_accepted().text;
    if text == plan.text {
        return Ok(None);
    }
    verify(plan, &text)?;
    Ok(Some(text))
}

/// Why `diff` and `apply` leave a whole file alone (a note naming it, not an error): Python 2 code,
/// or text that does not parse (a partial rewrite of a broken file cannot be verified, and the
/// passes over it need not converge). [`migrate`] itself still rewrites outside the broken
/// statement, for the review UI.
pub fn not_rewritable(plan: &FilePlan) -> Option<Error> {
    let at = |f: &Finding| {
        let (line, col) = plan.lines.line_col(&plan.text, f.range.start);
        format!("{line}:{col}")
    };
    let syntax = plan.findings.iter().find(|f| f.rule == "syntax-error");
    let reason = if let Some(f) = plan.findings.iter().find(|f| f.rule == "python2-syntax") {
        format!("Python 2 code at {}; convert it to Python 3 first (2to3, pyupgrade)", at(f))
    } else if let Some(f) = syntax.filter(|f| f.message.starts_with("nested")) {
        format!("{} (at {})", f.message, at(f))
    } else if !plan.parsed_cleanly || syntax.is_some() {
        let place = syntax.map_or_else(String::new, |f| format!(" at {}", at(f)));
        format!("it does not parse (syntax error{place}); fix that first, then run again")
    } else {
        return None;
    };
    Some(Error::Skipped { path: plan.path.clone(), reason })
}

fn verify(plan: &FilePlan, text: &str) -> Result<(), Error> {
    apply::verify(plan.parsed_cleanly, text).map_err(|_| Error::Refused {
        path: plan.path.clone(),
        reason: "the rewrite would introduce a syntax error (please report this); file left unchanged".into(),
    })
}

/// Write a file's new text through the safe writer.
pub fn write_plan(plan: &FilePlan, new_text: &str) -> Result<bool, Error> {
    write::write(&WriteRequest {
        path: &plan.path,
        root: &plan.root,
        original: &plan.text,
        new_text,
        encoding: plan.encoding,
    })
}
