//! `tf2-migrate report`: the migration plan of a tree (per-file status, what needs a person,
//! the entry points that owe switches, the packages to install) as Markdown or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diff;
use crate::error::Error;
use crate::fix::{Duty, Safety, Severity};
use crate::plan::{FilePlan, Position};
use crate::rules::Rule;
use crate::text::printable;

use super::{JsonError, JsonFile, NOTHING_FOUND, Tally, json_errors, json_files, locate, plural, sorted_findings};

/// What state a file is in, for the report's per-file table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    /// Only safe hunks: `apply` migrates it.
    Ready,
    /// Some hunks need a review (`review`, or `apply --unsafe`).
    Review,
    /// Some work must be done by hand.
    Manual,
    /// Python 2 or a file that does not parse: nothing is rewritten until that is fixed.
    Blocked,
}

impl FileStatus {
    fn of(plan: &FilePlan, tally: Tally) -> Self {
        if plan.blocker.is_some() {
            Self::Blocked
        } else if tally.manual > 0 {
            Self::Manual
        } else if tally.review > 0 {
            Self::Review
        } else {
            Self::Ready
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Ready => "ready: `apply`",
            Self::Review => "review",
            Self::Manual => "manual work",
            Self::Blocked => "blocked: fix the syntax first",
        }
    }
}

/// How many findings fail on TensorFlow 2 as written (`error`), behave differently or are
/// deprecated (`warning`), or are style (`info`). Not the safety of their fixes.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// One place, for the report.
#[derive(Debug, Serialize)]
pub struct Place<'a> {
    pub path: String,
    /// In a notebook: the 1-based cell (`line` and `column` are in its code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: &'a str,
}

/// The manual findings of one rule.
#[derive(Debug, Serialize)]
pub struct ManualGroup<'a> {
    pub rule: Rule,
    pub summary: &'static str,
    pub places: Vec<Place<'a>>,
}

/// Something the programs that import some modules must do, said once.
#[derive(Debug, Serialize)]
pub struct EntryPoint {
    pub duty: Duty,
    pub what: &'static str,
    /// The modules that need it (each once).
    pub modules: Vec<String>,
}

/// One row of the per-file table.
#[derive(Debug, Serialize)]
pub struct FileRow {
    pub path: String,
    pub safe: usize,
    pub review: usize,
    pub manual: usize,
    pub status: FileStatus,
}

#[derive(Debug, Serialize)]
pub struct PlanSummary {
    /// Files with something to migrate.
    pub files: usize,
    /// Files that could not be handled (listed under `errors`).
    pub not_handled: usize,
    /// Hunks by safety and manual items.
    #[serde(flatten)]
    pub tally: Tally,
    pub findings: usize,
    pub severity: SeverityCounts,
    /// Packages (pip names) the migrated code needs.
    pub packages: Vec<String>,
    /// What the programs' entry points must do, each once.
    pub entry_points: Vec<EntryPoint>,
    pub by_rule: BTreeMap<&'static str, usize>,
}

/// The migration plan `report` prints: a summary, the manual work grouped by rule, a per-file
/// table, then every finding. The Markdown and the JSON are two renderings of this.
#[derive(Debug, Serialize)]
pub struct MigrationPlan<'a> {
    pub summary: PlanSummary,
    /// Manual work (findings without a rewrite, duties of entry points aside), by rule.
    pub manual: Vec<ManualGroup<'a>>,
    pub files: Vec<FileRow>,
    /// Every finding, per file.
    pub changes: Vec<JsonFile<'a>>,
    pub errors: Vec<JsonError>,
}

impl<'a> MigrationPlan<'a> {
    pub fn new(plans: &'a [FilePlan], errors: &[Error]) -> Self {
        let mut severity = SeverityCounts::default();
        let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut manual: BTreeMap<Rule, Vec<Place<'a>>> = BTreeMap::new();
        let mut duties: BTreeMap<Duty, Vec<String>> = BTreeMap::new();
        let mut files = Vec::new();
        for plan in plans {
            let path = diff::display(&plan.path);
            let mut tally = Tally::default();
            tally.add(plan, |_| true);
            files.push(FileRow {
                path: path.clone(),
                safe: tally.safe,
                review: tally.review,
                manual: tally.manual,
                status: FileStatus::of(plan, tally),
            });
            for f in sorted_findings(plan) {
                match f.severity {
                    Severity::Error => severity.error += 1,
                    Severity::Warning => severity.warning += 1,
                    Severity::Info => severity.info += 1,
                }
                *by_rule.entry(f.rule.id()).or_default() += 1;
                if let Some(duty) = f.duty {
                    let modules = duties.entry(duty).or_default();
                    if modules.last() != Some(&path) {
                        modules.push(path.clone());
                    }
                } else if f.fixes.is_empty() {
                    let l = locate(plan, f);
                    manual.entry(f.rule).or_default().push(Place {
                        path: path.clone(),
                        cell: l.cell,
                        line: l.line,
                        column: l.column,
                        severity: f.severity,
                        message: &f.message,
                    });
                }
            }
        }
        let entry_points = duties
            .into_iter()
            .map(|(duty, mut modules)| {
                modules.dedup();
                EntryPoint { duty, what: duty.describe(), modules }
            })
            .collect();
        Self {
            summary: PlanSummary {
                files: plans.len(),
                not_handled: errors.iter().filter(|e| !matches!(e, Error::Skipped { .. })).count(),
                tally: Tally::of(plans),
                findings: plans.iter().map(|p| p.findings.len()).sum(),
                severity,
                packages: packages_needed(plans),
                entry_points,
                by_rule,
            },
            manual: manual
                .into_iter()
                .map(|(rule, places)| ManualGroup { rule, summary: rule.info().summary, places })
                .collect(),
            files,
            changes: json_files(plans),
            errors: json_errors(errors),
        }
    }
}

/// Markdown-safe inline code: the text between backticks, with no backtick or line break inside.
fn code(text: &str) -> String {
    format!("`{}`", printable(text).replace('`', "'").replace('\n', " "))
}

/// `report --format markdown`: the migration plan.
pub fn report_markdown(plans: &[FilePlan], errors: &[Error]) -> String {
    let plan = MigrationPlan::new(plans, errors);
    let s = &plan.summary;
    let mut out = String::from("# TensorFlow 2 migration plan\n\n");
    if s.files == 0 {
        out.push_str(NOTHING_FOUND);
    } else {
        let t = s.tally;
        let _ = writeln!(out, "- **{}** to migrate: {t}.", plural(s.files, "file"));
        let mut steps = Vec::new();
        if t.manual > 0 {
            steps.push("do the manual work below by hand".to_owned());
        }
        // Files that do not parse are left alone by `apply` until they are fixed.
        let blocked: usize = plan.files.iter().filter(|r| r.status == FileStatus::Blocked).map(|r| r.safe).sum();
        if t.safe > blocked {
            steps.push(format!("`tf2-migrate apply` writes the {}", plural(t.safe - blocked, "safe hunk")));
        }
        if blocked > 0 {
            steps.push(format!("fix the syntax of the blocked files (their {} wait)", plural(blocked, "safe hunk")));
        }
        if t.review > 0 {
            steps.push(format!(
                "`tf2-migrate review` goes through the {} (`apply --unsafe` takes them all)",
                plural(t.review, "review hunk")
            ));
        }
        let _ = writeln!(out, "- Order: {}.", steps.join("; then "));
        if !s.packages.is_empty() {
            let _ = writeln!(out, "- Install: `pip install {}`", s.packages.join(" "));
        }
        for e in &s.entry_points {
            let _ = writeln!(out, "- Entry points: every program that imports {} must {}.", importers(e), e.what);
        }
        let _ = writeln!(
            out,
            "- Findings by severity: {} (fail on TensorFlow 2 as written), {} (behave differently or are \
             deprecated), {} info (style).",
            plural(s.severity.error, "error"),
            plural(s.severity.warning, "warning"),
            s.severity.info,
        );
        if s.not_handled > 0 {
            let _ = writeln!(out, "- {} could not be handled (listed at the end).", plural(s.not_handled, "file"));
        }
        markdown_manual(&plan, &mut out);
        out.push_str("## Files\n\n| file | safe | review | manual | status |\n|---|--:|--:|--:|---|\n");
        for row in &plan.files {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                code(&row.path).replace('|', "\\|"),
                row.safe,
                row.review,
                row.manual,
                row.status.describe()
            );
        }
        out.push_str("\n## Every finding\n");
        for file in &plan.changes {
            let _ = writeln!(out, "\n### {}\n", code(&file.path));
            if let Some(cells) = file.stale_outputs.as_ref().filter(|c| !c.is_empty()) {
                let cells: Vec<String> = cells.iter().map(ToString::to_string).collect();
                let _ = writeln!(
                    out,
                    "Notebook: the cells that change ({}) keep their saved outputs, which are stale until the notebook is run again.\n",
                    cells.join(", ")
                );
            }
            for l in &file.findings {
                let action =
                    if l.safety == Safety::Manual { "**manual**".to_owned() } else { format!("{} fix", l.safety) };
                let _ = writeln!(
                    out,
                    "- {} [{}] {action} ({}): {}",
                    l.at(),
                    l.rule,
                    l.severity,
                    printable(l.message).replace('\n', " ")
                );
            }
        }
    }
    if !plan.errors.is_empty() {
        out.push_str("\n## Files not handled\n\n");
        for e in &plan.errors {
            let _ = writeln!(out, "- {}", printable(&e.error).replace('\n', " "));
        }
    }
    out
}

/// Who must do an entry-point duty: `` `a.py` `` or `one of 33 modules (listed below)`.
fn importers(e: &EntryPoint) -> String {
    match e.modules.as_slice() {
        [one] => code(one),
        [a, b] => format!("{} or {}", code(a), code(b)),
        more => format!("one of {} modules (listed below)", more.len()),
    }
}

/// The "by hand first" section: entry-point duties once, then the manual findings by rule.
fn markdown_manual(plan: &MigrationPlan<'_>, out: &mut String) {
    let places: usize = plan.manual.iter().map(|g| g.places.len()).sum();
    if places == 0 && plan.summary.entry_points.is_empty() {
        out.push_str("\nNothing needs doing by hand.\n\n");
        return;
    }
    let _ = writeln!(out, "\n## Do this by hand first\n");
    for e in &plan.summary.entry_points {
        let _ = writeln!(out, "### Entry points: {}\n", e.what);
        let modules: Vec<String> = e.modules.iter().map(|m| code(m)).collect();
        let _ = writeln!(
            out,
            "Every program that imports {} must do it once, at its start (a module cannot: it sets process-wide \
             state): {}.\n",
            if e.modules.len() == 1 { "this module" } else { "one of these modules" },
            modules.join(", ")
        );
    }
    for g in &plan.manual {
        let _ = writeln!(out, "### `{}` ({}): {}\n", g.rule, g.places.len(), g.summary);
        for p in &g.places {
            let _ = writeln!(
                out,
                "- {}: {}",
                code(&format!("{}:{}", p.path, Position { cell: p.cell, line: p.line, column: p.column })),
                printable(p.message).replace('\n', " ")
            );
        }
        out.push('\n');
    }
}

/// The packages (pip names) the migrated code needs: those of each finding's chosen fix, and
/// those the guidance of manual findings asks for.
fn packages_needed(plans: &[FilePlan]) -> Vec<String> {
    let mut out: Vec<String> = plans
        .iter()
        .flat_map(|p| (0..p.findings.len()).map(move |i| (p, i)))
        .flat_map(|(p, i)| match p.chosen(i) {
            Some(fix) => fix.packages.as_slice(),
            None => p.findings[i].packages.as_slice(),
        })
        .map(|&s| s.to_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `report --format json`: the same plan as the Markdown.
pub fn report_json(plans: &[FilePlan], errors: &[Error]) -> String {
    serde_json::to_string_pretty(&MigrationPlan::new(plans, errors)).unwrap_or_default() + "\n"
}
