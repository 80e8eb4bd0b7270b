//! Printing for the non-interactive commands: check lines, unified diffs, the migration report,
//! the rule list. Pure functions from plans to text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diff;
use crate::error::Error;
use crate::fix::{Finding, Safety, Severity};
use crate::plan::FilePlan;
use crate::rules::{Rule, RuleInfo, table};
use crate::text::{escape_line, printable};

/// ANSI styling for terminal output (not the review UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint(pub bool);

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.0 { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }
    pub(crate) fn red(self, t: &str) -> String {
        self.wrap("31", t)
    }
    pub(crate) fn green(self, t: &str) -> String {
        self.wrap("32", t)
    }
    pub(crate) fn cyan(self, t: &str) -> String {
        self.wrap("36", t)
    }
    pub fn bold(self, t: &str) -> String {
        self.wrap("1", t)
    }
}

/// A finding located for output.
#[derive(Debug, Serialize)]
pub struct Located<'a> {
    pub rule: Rule,
    pub severity: Severity,
    pub safety: Safety,
    /// In a notebook: the 1-based cell; `line` and `column` are then in that cell's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

pub fn locate<'a>(plan: &FilePlan, finding: &'a Finding) -> Located<'a> {
    let start = plan.position(finding.range.start);
    let end = plan.position(finding.range.end);
    let (line, column) = (start.line, start.column);
    // A range that ends where the next cell starts ends at the end of its own cell's last line.
    let (end_line, end_column) = if end.cell == start.cell {
        (end.line, end.column)
    } else {
        let last = plan.position(finding.range.end.saturating_sub(1).max(finding.range.start));
        (last.line, last.column + 1)
    };
    let replacement =
        finding.fixes.first().map(|f| f.edits.iter().map(|e| e.content.as_str()).collect::<Vec<_>>().join(" … "));
    Located {
        rule: finding.rule,
        severity: finding.severity,
        safety: finding.safety(),
        cell: start.cell,
        line,
        column,
        end_line,
        end_column,
        message: &finding.message,
        replacement,
    }
}

fn sorted_findings(plan: &FilePlan) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = plan.findings.iter().collect();
    v.sort_by_key(|f| (f.range.start, f.range.end, f.rule.id()));
    v
}

/// Per-safety counts over all plans: (safe, review, manual).
pub fn safety_counts(plans: &[FilePlan]) -> (usize, usize, usize) {
    plans.iter().flat_map(|p| &p.findings).fold((0, 0, 0), |(s, r, m), f| match f.safety() {
        Safety::Safe => (s + 1, r, m),
        Safety::Review => (s, r + 1, m),
        Safety::Manual => (s, r, m + 1),
    })
}

/// `check --format text`.
pub fn check_text(plans: &[FilePlan], paint: Paint) -> String {
    let mut out = String::new();
    for plan in plans {
        let path = escape_line(&plan.path.display().to_string());
        for f in sorted_findings(plan) {
            let l = locate(plan, f);
            let sev = match f.severity {
                Severity::Error => paint.red("error"),
                Severity::Warning => paint.wrap("33", "warning"),
                Severity::Info => paint.cyan("info"),
            };
            let kept = if f.kept_for_dependants { "; kept: selected fixes need it" } else { "" };
            let _ = writeln!(
                out,
                "{}:{}: {sev} [{}] {} ({}{kept})",
                paint.bold(&path),
                plan.position(f.range.start),
                f.rule,
                printable(&f.message),
                l.safety
            );
        }
    }
    let (s, r, m) = safety_counts(plans);
    let total = s + r + m;
    if total == 0 {
        out.push_str("No TensorFlow 1 or standalone Keras code found that needs migrating.\n");
    } else {
        let _ = writeln!(
            out,
            "Found {total} findings in {} files: {s} safe fixes, {r} to review, {m} manual.",
            plans.len()
        );
    }
    out
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: String,
    findings: Vec<Located<'a>>,
    /// A notebook's cells that the migration may change: their saved outputs go stale.
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_outputs: Option<Vec<usize>>,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    error: String,
}

fn json_files(plans: &[FilePlan]) -> Vec<JsonFile<'_>> {
    plans
        .iter()
        .map(|p| JsonFile {
            path: p.path.display().to_string(),
            findings: sorted_findings(p).into_iter().map(|f| locate(p, f)).collect(),
            stale_outputs: p.notebook.is_some().then(|| p.cells_with_fixes()),
        })
        .collect()
}

fn json_errors(errors: &[Error]) -> Vec<JsonError> {
    errors.iter().map(|e| JsonError { path: e.path().display().to_string(), error: e.to_string() }).collect()
}

/// `check --format json`.
pub fn check_json(plans: &[FilePlan], errors: &[Error]) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        files: Vec<JsonFile<'a>>,
        errors: Vec<JsonError>,
    }
    serde_json::to_string_pretty(&Out { files: json_files(plans), errors: json_errors(errors) }).unwrap_or_default()
        + "\n"
}

/// The unified diff of one file: in the file's own bytes (encoding, line endings) when `paint` is
/// off, so that `git apply` and `patch -p1` take it; coloured and made safe for a terminal when
/// it is on. Names are relative (no `./`) and quoted like git's where needed.
///
/// For a notebook (`new_text` is its new JSON): the diff of each changed code cell's code, under
/// a `path:cell N` header.
pub fn unified_diff(plan: &FilePlan, new_text: &str, paint: Paint) -> Vec<u8> {
    if let Some(nb) = &plan.notebook {
        return if paint.0 { nb.diff(&plan.path, new_text, &paint) } else { nb.diff(&plan.path, new_text, &diff::Raw) };
    }
    let (Some(old), Some(new)) = (plan.encoding.encode(&plan.text), plan.encoding.encode(new_text)) else {
        return Vec::new();
    };
    let (a, b) = (diff::header_path("a/", &plan.path), diff::header_path("b/", &plan.path));
    if paint.0 { diff::unified(&old, &new, &a, &b, &paint) } else { diff::unified(&old, &new, &a, &b, &diff::Raw) }
}

impl diff::Style for Paint {
    fn line(&self, kind: diff::LineKind, bytes: &[u8], out: &mut Vec<u8>) {
        let line = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = printable(&String::from_utf8_lossy(line));
        let text = text.as_str();
        let painted = match kind {
            diff::LineKind::Header => self.bold(text),
            diff::LineKind::HunkHead => self.cyan(text),
            diff::LineKind::Removed => self.red(text),
            diff::LineKind::Added => self.green(text),
            diff::LineKind::Context | diff::LineKind::Note => text.to_owned(),
        };
        out.extend_from_slice(painted.as_bytes());
        out.push(b'\n');
    }
}

/// `report --format markdown`: per file, every change and manual action, grouped by rule.
pub fn report_markdown(plans: &[FilePlan], errors: &[Error]) -> String {
    let mut out = String::from("# TensorFlow 2 migration report\n\n");
    let (s, r, m) = safety_counts(plans);
    let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in plans.iter().flat_map(|p| &p.findings) {
        *by_sev.entry(f.severity).or_default() += 1;
        *by_rule.entry(f.rule.id()).or_default() += 1;
    }
    let _ = writeln!(
        out,
        "{} files flagged, {} findings: {s} safe fixes, {r} to review, {m} manual actions.\n",
        plans.len(),
        s + r + m
    );
    out.push_str("| severity | count |\n|---|---|\n");
    for (sev, n) in &by_sev {
        let _ = writeln!(out, "| {sev} | {n} |");
    }
    out.push_str("\n| rule | count | summary |\n|---|---|---|\n");
    for (rule, n) in &by_rule {
        let summary = rule.parse::<Rule>().map_or("", |r| r.info().summary);
        let _ = writeln!(out, "| `{rule}` | {n} | {summary} |");
    }
    let packages = packages_needed(plans);
    if !packages.is_empty() {
        let _ = writeln!(out, "\nPackages to install: {}", packages.join(", "));
    }
    for plan in plans {
        let _ = writeln!(out, "\n## `{}`\n", printable(&plan.path.display().to_string()));
        let stale = plan.cells_with_fixes();
        if !stale.is_empty() {
            let cells: Vec<String> = stale.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                out,
                "Notebook: the cells that change ({}) keep their saved outputs, which are stale until the notebook is run again.\n",
                cells.join(", ")
            );
        }
        let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in sorted_findings(plan) {
            groups.entry(f.rule.id()).or_default().push(f);
        }
        for (rule, findings) in groups {
            let _ = writeln!(out, "### {rule}\n");
            for f in findings {
                let l = locate(plan, f);
                let action = if f.fixes.is_empty() { "**manual**".to_owned() } else { format!("{} fix", l.safety) };
                let at = plan.position(f.range.start);
                let _ = writeln!(out, "- {at} ({}, {action}): {}", f.severity, printable(&f.message));
            }
            out.push('\n');
        }
    }
    if !errors.is_empty() {
        out.push_str("\n## Files not handled\n\n");
        for e in errors {
            let _ = writeln!(out, "- {}", printable(&e.to_string()));
        }
    }
    out
}

/// The packages (pip names) the migrated code needs: those of each finding's chosen fix, and
/// those the guidance of manual findings asks for.
pub(crate) fn packages_needed(plans: &[FilePlan]) -> Vec<String> {
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

/// `report --format json`.
pub fn report_json(plans: &[FilePlan], errors: &[Error]) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        summary: Summary,
        files: Vec<JsonFile<'a>>,
        errors: Vec<JsonError>,
        packages: Vec<String>,
    }
    #[derive(Serialize)]
    struct Summary {
        files: usize,
        safe: usize,
        review: usize,
        manual: usize,
        by_rule: BTreeMap<&'static str, usize>,
    }
    let (safe, review, manual) = safety_counts(plans);
    let mut by_rule = BTreeMap::new();
    for f in plans.iter().flat_map(|p| &p.findings) {
        *by_rule.entry(f.rule.id()).or_default() += 1;
    }
    let files = json_files(plans);
    let out = Out {
        summary: Summary { files: plans.len(), safe, review, manual, by_rule },
        files,
        errors: json_errors(errors),
        packages: packages_needed(plans),
    };
    serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
}

/// `tf2-migrate rules`.
pub fn rules_text(paint: Paint) -> String {
    let mut out = String::new();
    for rule in Rule::ALL {
        let r = rule.info();
        let _ = writeln!(
            out,
            "{}  ({})\n  {}\n  why: {}\n  before: {}\n  after:  {}\n",
            paint.bold(r.id),
            r.safety_label(),
            r.summary,
            r.why,
            r.before,
            r.after.replace('\n', "\n          ")
        );
    }
    out.push_str("Data tables (core/src/rules/data):\n");
    for file in table::ALL {
        let source = file.provenance().into_iter().find(|(k, _)| *k == "source").map_or("", |(_, v)| v);
        let _ = writeln!(out, "  {:<20} {:>6} entries  {}", file.name, file.len(), source);
    }
    out
}

pub fn rules_json() -> String {
    #[derive(Serialize)]
    struct Table {
        name: &'static str,
        entries: usize,
        provenance: Vec<(&'static str, &'static str)>,
    }
    #[derive(Serialize)]
    struct Out {
        rules: Vec<&'static RuleInfo>,
        tables: Vec<Table>,
    }
    let tables =
        table::ALL.iter().map(|f| Table { name: f.name, entries: f.len(), provenance: f.provenance() }).collect();
    let rules = Rule::ALL.iter().map(|r| r.info()).collect();
    serde_json::to_string_pretty(&Out { rules, tables }).unwrap_or_default() + "\n"
}
