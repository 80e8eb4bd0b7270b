//! Printing for the non-interactive commands: check lines, unified diffs, the migration report,
//! the rule list. Pure functions from plans to text.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::diff;
use crate::error::Error;
use crate::fix::{Finding, Safety, Severity};
use crate::plan::{FilePlan, Position};
use crate::rules::{Rule, RuleInfo, table};
use crate::text::{escape_line, printable};

mod migration;

pub use migration::{
    EntryPoint, FileRow, FileStatus, ManualGroup, MigrationPlan, Place, PlanSummary, SeverityCounts, report_json,
    report_markdown,
};

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

impl Located<'_> {
    /// Where it starts: `line:column`, or `cell N:line:column` in a notebook.
    pub fn at(&self) -> Position {
        Position { cell: self.cell, line: self.line, column: self.column }
    }
}

fn sorted_findings(plan: &FilePlan) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = plan.findings.iter().collect();
    v.sort_by_key(|f| (f.range.start, f.range.end, f.rule.id()));
    v
}

/// What is left to do, in the review UI's units: **hunks** (edits on adjacent lines, reviewed
/// and written together; counted by the lowest safety of their fixes) and **manual items**
/// (findings without a rewrite). `check`, `apply` and `report` all count with this.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub safe: usize,
    pub review: usize,
    pub manual: usize,
}

impl Tally {
    /// Every hunk and manual item of the plans.
    pub fn of(plans: &[FilePlan]) -> Self {
        let mut t = Self::default();
        for plan in plans {
            t.add(plan, |_| true);
        }
        t
    }

    /// Add the hunks of `plan` that `left` keeps, and all its manual items.
    pub fn add(&mut self, plan: &FilePlan, left: impl Fn(usize) -> bool) {
        for h in (0..plan.hunks.len()).filter(|&h| left(h)) {
            // A hunk that only supports others (an import line they use) is written with them:
            // it counts at their lowest safety.
            let support = plan.hunks[h].findings.iter().all(|&i| plan.findings[i].support);
            let safety = if support {
                plan.dependants(h).into_iter().map(|d| plan.hunk_safety(d)).min().unwrap_or(plan.hunk_safety(h))
            } else {
                plan.hunk_safety(h)
            };
            match safety {
                Safety::Safe => self.safe += 1,
                Safety::Review => self.review += 1,
                Safety::Manual => self.manual += 1,
            }
        }
        self.manual += plan.manual().count();
    }

    pub fn hunks(self) -> usize {
        self.safe + self.review
    }

    pub fn is_empty(self) -> bool {
        self.hunks() + self.manual == 0
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Self) {
        self.safe += other.safe;
        self.review += other.review;
        self.manual += other.manual;
    }
}

impl std::fmt::Display for Tally {
    /// `3 safe hunks, 1 review hunk, 2 manual items`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {}, {}",
            plural(self.safe, "safe hunk"),
            plural(self.review, "review hunk"),
            plural(self.manual, "manual item")
        )
    }
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}

/// A path as every output shows it: `/`-separated, without `./` (escaped for one line).
pub fn shown(path: &Path) -> String {
    escape_line(&diff::display(path))
}

/// `check --format text` a file at a time: each file's lines ([`FileLines::new`], made where
/// its plan is, which can then be dropped) in path order, then the summary.
#[derive(Default)]
pub struct CheckText {
    out: String,
    files: usize,
    findings: usize,
    tally: Tally,
}

/// One file's part of [`CheckText`].
pub struct FileLines {
    text: String,
    findings: usize,
    tally: Tally,
}

impl FileLines {
    /// A file's findings, one line each.
    pub fn new(plan: &FilePlan, paint: Paint) -> Self {
        let mut text = String::new();
        let path = paint.bold(&shown(&plan.path));
        let (error, warning, info) = (paint.red("error"), paint.wrap("33", "warning"), paint.cyan("info"));
        let findings = sorted_findings(plan);
        let offsets: Vec<usize> = findings.iter().map(|f| f.range.start).collect();
        for (f, position) in findings.into_iter().zip(plan.positions(&offsets)) {
            let sev = match f.severity {
                Severity::Error => &error,
                Severity::Warning => &warning,
                Severity::Info => &info,
            };
            let kept = if f.kept_for_dependants { "; kept: selected fixes need it" } else { "" };
            let _ = writeln!(
                text,
                "{path}:{position}: {sev} [{}] {} ({}{kept})",
                f.rule,
                printable(&f.message),
                f.safety()
            );
        }
        let mut tally = Tally::default();
        tally.add(plan, |_| true);
        Self { text, findings: plan.findings.len(), tally }
    }
}

impl CheckText {
    pub fn push(&mut self, file: &FileLines) {
        self.out.push_str(&file.text);
        self.files += 1;
        self.findings += file.findings;
        self.tally += file.tally;
    }

    /// How many files were pushed.
    pub fn files(&self) -> usize {
        self.files
    }

    /// The lines, and the summary when there was anything to say.
    pub fn finish(mut self) -> String {
        if self.findings > 0 {
            let _ = writeln!(
                self.out,
                "Found {} in {}: {}.",
                plural(self.findings, "finding"),
                plural(self.files, "file"),
                self.tally
            );
        }
        self.out
    }
}

/// What `check` says when it found nothing (and nothing failed).
pub const NOTHING_FOUND: &str = "No TensorFlow 1 or standalone Keras code found that needs migrating.\n";

#[derive(Debug, Serialize)]
pub struct JsonFile<'a> {
    path: String,
    findings: Vec<Located<'a>>,
    /// A notebook's cells that the migration may change: their saved outputs go stale.
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_outputs: Option<Vec<usize>>,
}

#[derive(Debug, Serialize)]
pub struct JsonError {
    path: String,
    error: String,
}

fn json_files(plans: &[FilePlan]) -> Vec<JsonFile<'_>> {
    plans
        .iter()
        .map(|p| JsonFile {
            path: diff::display(&p.path),
            findings: sorted_findings(p).into_iter().map(|f| locate(p, f)).collect(),
            stale_outputs: p.notebook.is_some().then(|| p.cells_with_fixes()),
        })
        .collect()
}

fn json_errors(errors: &[Error]) -> Vec<JsonError> {
    errors.iter().map(|e| JsonError { path: diff::display(e.path()), error: e.to_string() }).collect()
}

/// `check --format json`.
pub fn check_json(plans: &[FilePlan], errors: &[Error]) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        files: Vec<JsonFile<'a>>,
        errors: Vec<JsonError>,
        summary: Tally,
    }
    serde_json::to_string_pretty(&Out {
        files: json_files(plans),
        errors: json_errors(errors),
        summary: Tally::of(plans),
    })
    .unwrap_or_default()
        + "\n"
}

/// The unified diff of one file: in the file's own bytes (encoding, line endings) when `paint` is
/// off, so that `git apply` and `patch -p1` take it; coloured and made safe for a terminal when
/// it is on. Names are relative (no `./`) and quoted like git's where needed.
/// `name` is the path to show (the plan's, made relative to the folder the command runs in).
///
/// For a notebook (`new_text` is its new JSON): the diff of each changed code cell's code, under
/// a `name:cell N` header.
pub fn unified_diff(plan: &FilePlan, name: &Path, new_text: &str, paint: Paint) -> Vec<u8> {
    if let Some(nb) = &plan.notebook {
        return if paint.0 { nb.diff(name, new_text, &paint) } else { nb.diff(name, new_text, &diff::Raw) };
    }
    let (Some(old), Some(new)) = (plan.encoding.encode(&plan.text), plan.encoding.encode(new_text)) else {
        return Vec::new();
    };
    let (a, b) = (diff::header_path("a/", name), diff::header_path("b/", name));
    if paint.0 { diff::unified(&old, &new, &a, &b, &paint) } else { diff::unified(&old, &new, &a, &b, &diff::Raw) }
}

impl diff::Style for Paint {
    fn line(&self, kind: diff::LineKind, bytes: &[u8], out: &mut Vec<u8>) {
        let line = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let lossy = String::from_utf8_lossy(line);
        let text = printable(&lossy);
        let text: &str = &text;
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

/// `tf2-migrate rules`: every rule, then the data tables.
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
        let _ = writeln!(out, "  {:<20} {:>6} entries  {}", file.name, file.len(), table_source(file));
    }
    out.push_str("\n`tf2-migrate rules ID` (or `PREFIX*`) shows one rule in full.\n");
    out
}

fn table_source(file: &table::DataFile) -> &'static str {
    file.provenance().into_iter().find(|(k, _)| *k == "source").map_or("", |(_, v)| v)
}

/// `tf2-migrate rules ID`: one rule in full: what, why, example, safety, the tables it reads.
pub fn rule_text(rule: Rule, paint: Paint) -> String {
    let r = rule.info();
    let mut out = String::new();
    let indent = |t: &str| t.replace('\n', "\n           ");
    let _ = writeln!(out, "{}", paint.bold(r.id));
    let _ = writeln!(out, "  what:    {}", r.summary);
    let _ = writeln!(out, "  why:     {}", r.why);
    let _ = writeln!(out, "  example: {}", indent(r.before));
    let _ = writeln!(out, "       →   {}", indent(r.after));
    let _ = writeln!(out, "  safety:  {}", r.safety_label());
    for s in r.safeties {
        let _ = writeln!(out, "           {s}: {}", safety_meaning(*s));
    }
    if r.fix != crate::rules::FixAvailability::Always {
        let _ = writeln!(out, "           manual: {}", safety_meaning(Safety::Manual));
    }
    if r.tables.is_empty() {
        let _ = writeln!(out, "  tables:  none (the rule's code alone)");
    }
    for (i, t) in r.tables.iter().enumerate() {
        let label = if i == 0 { "  tables:  " } else { "           " };
        let _ = writeln!(out, "{label}{} ({} entries) {}", t.name, t.len(), table_source(t));
    }
    out
}

/// What a safety level means, in one line.
pub fn safety_meaning(s: Safety) -> &'static str {
    match s {
        Safety::Safe => "same behaviour; `apply` writes it",
        Safety::Review => {
            "behaviour may change (the message says how); written when accepted in `review` or with `apply --unsafe`"
        }
        Safety::Manual => "no rewrite: guidance only, listed by `check` and `report`",
    }
}

/// `tf2-migrate rules --format json`, for the rules given (all of them when empty).
pub fn rules_json(only: &[Rule]) -> String {
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
    let rules = Rule::ALL.iter().filter(|r| only.is_empty() || only.contains(r)).map(|r| r.info()).collect();
    serde_json::to_string_pretty(&Out { rules, tables }).unwrap_or_default() + "\n"
}

/// GitHub workflow-command escaping of a message (`%`, CR, LF).
pub fn github_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// GitHub workflow-command escaping of a property value: as a message, plus `:` and `,`.
pub fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// `check --format github`: one workflow command per finding (`::error file=…,line=…::…`),
/// which GitHub Actions shows as an annotation on the line.
/// Paths are relative to `base`, the folder the command runs in (the repository's root in a
/// workflow), when they are under it.
pub fn check_github(plans: &[FilePlan], base: &Path) -> String {
    let mut out = String::new();
    for plan in plans {
        let rel = diff::relative_to(&plan.path, base);
        let shown = diff::display(&rel);
        let path = github_property(&shown);
        for f in sorted_findings(plan) {
            let l = locate(plan, f);
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let _ = writeln!(
                out,
                "::{command} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                l.line,
                l.column,
                l.end_line,
                l.end_column,
                github_property(&format!("tf2-migrate [{}] ({})", f.rule, l.safety)),
                github_data(&l.cell.map_or_else(|| f.message.clone(), |c| format!("cell {c}: {}", f.message)))
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Fix};
    use crate::source::Encoding;

    /// An import line only there for a review-level rewrite counts as review: `apply` never
    /// writes it alone.
    #[test]
    fn support_hunks_count_at_the_safety_of_what_needs_them() {
        let text = "import a\n\n\nx\n\n\ny\n";
        let import = Finding::new(Rule::Contrib, Severity::Info, 0..0, "import")
            .with_fix(Fix::safe(vec![Edit::insertion(0, "import b\n")]))
            .supporting();
        let mut user = Finding::new(Rule::Contrib, Severity::Error, 11..12, "use")
            .with_fix(Fix::review(vec![Edit::replacement(11..12, "b.x")]));
        user.requires = vec![0];
        let rename = Finding::new(Rule::Tf2Rename, Severity::Error, 14..15, "rename")
            .with_fix(Fix::safe(vec![Edit::replacement(14..15, "z")]));
        let manual = Finding::new(Rule::ApiNote, Severity::Warning, 14..15, "by hand");
        let plan = FilePlan::new(
            "t.py".into(),
            ".".into(),
            text.into(),
            Encoding::Utf8 { bom: false },
            true,
            vec![import, user, rename, manual],
        );
        assert_eq!(plan.hunks.len(), 3);
        assert_eq!(Tally::of(&[plan]), Tally { safe: 1, review: 2, manual: 1 });
        assert_eq!(Tally { safe: 1, review: 2, manual: 1 }.to_string(), "1 safe hunk, 2 review hunks, 1 manual item");
    }
}
