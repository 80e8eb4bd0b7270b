//! Printing for the non-interactive commands: check lines, unified diffs, the migration report,
//! the rule list. Pure functions from plans to text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use similar::TextDiff;

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
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

pub fn locate<'a>(plan: &FilePlan, finding: &'a Finding) -> Located<'a> {
    let (line, column) = plan.lines.line_col(&plan.text, finding.range.start);
    let (end_line, end_column) = plan.lines.line_col(&plan.text, finding.range.end);
    let replacement =
        finding.fixes.first().map(|f| f.edits.iter().map(|e| e.content.as_str()).collect::<Vec<_>>().join(" … "));
    Located {
        rule: finding.rule,
        severity: finding.severity,
        safety: finding.safety(),
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
                "{}:{}:{}: {sev} [{}] {} ({}{kept})",
                paint.bold(&path),
                l.line,
                l.column,
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

/// A unified diff of one file, coloured when `paint` is on.
pub fn unified_diff(plan: &FilePlan, new_text: &str, paint: Paint) -> String {
    let path = printable(&plan.path.display().to_string());
    let diff = TextDiff::from_lines(plan.text.as_str(), new_text);
    let body = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{}", path.trim_start_matches('/')), &format!("b/{}", path.trim_start_matches('/')))
        .to_string();
    let body = printable(&body);
    if !paint.0 {
        return body;
    }
    body.lines()
        .map(|l| {
            if l.starts_with("+++") || l.starts_with("---") {
                paint.bold(l)
            } else if l.starts_with('+') {
                paint.green(l)
            } else if l.starts_with('-') {
                paint.red(l)
            } else if l.starts_with("@@") {
                paint.cyan(l)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
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
        let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in sorted_findings(plan) {
            groups.entry(f.rule.id()).or_default().push(f);
        }
        for (rule, findings) in groups {
            let _ = writeln!(out, "### {rule}\n");
            for f in findings {
                let l = locate(plan, f);
                let action = if f.fixes.is_empty() { "**manual**".to_owned() } else { format!("{} fix", l.safety) };
                let _ =
                    writeln!(out, "- {}:{} ({}, {action}): {}", l.line, l.column, f.severity, printable(&f.message));
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
