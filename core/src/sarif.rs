//! `check --format sarif`: the findings as a SARIF 2.1.0 log, for code-scanning services. Rule
//! metadata comes from the rule declarations; each finding's default rewrite is a `fix` of
//! `replacement`s on the original text.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::diff;
use crate::fix::{Finding, Severity};
use crate::plan::FilePlan;
use crate::rules::Rule;

/// The SARIF version written, and where its schema is published.
pub const VERSION: &str = "2.1.0";
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A SARIF `level` for a severity: `error` fails on TensorFlow 2 as written.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/`-separated, every byte outside RFC 3986's unreserved
/// set (and `/`) percent-encoded.
pub fn uri(path: &Path) -> String {
    let mut out = String::new();
    for b in diff::normal(path).bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn region(plan: &FilePlan, range: &std::ops::Range<usize>) -> Value {
    let (start_line, start_column) = plan.lines().line_col(&plan.text, range.start);
    let (end_line, end_column) = plan.lines().line_col(&plan.text, range.end);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

fn rule_descriptor(rule: Rule) -> Value {
    let info = rule.info();
    let safeties: Vec<&str> = info.safeties.iter().map(|s| s.as_str()).collect();
    json!({
        "id": info.id,
        "shortDescription": { "text": info.summary },
        "fullDescription": { "text": info.why },
        "help": {
            "text": format!("{}\n\nExample: {} → {}\nSafety: {}", info.summary, info.before, info.after, info.safety_label()),
        },
        "properties": {
            "safety": safeties,
            "fix": info.fix,
            "tags": ["tensorflow", "migration"],
        },
    })
}

/// The `artifactLocation` of a file: relative to `%SRCROOT%` (the folder the command runs in)
/// when it is under it, else an absolute `file://` URI.
fn artifact(path: &Path, base: &Path) -> Value {
    let rel = diff::relative_to(path, base);
    if rel.is_absolute() {
        json!({ "uri": format!("file:///{}", uri(&rel)) })
    } else {
        json!({ "uri": uri(&rel), "uriBaseId": "%SRCROOT%" })
    }
}

fn result(plan: &FilePlan, f: &Finding, artifact: &Value) -> Value {
    let location = json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": region(plan, &f.range),
        },
    });
    let mut out = json!({
        "ruleId": f.rule.id(),
        "ruleIndex": f.rule as usize,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location],
        "properties": { "safety": f.safety() },
    });
    if let Some(fix) = f.fixes.first().filter(|x| !x.edits.is_empty()) {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| json!({ "deletedRegion": region(plan, &e.range), "insertedContent": { "text": e.content } }))
            .collect();
        out["fixes"] = json!([{
            "description": { "text": format!("{} ({})", fix.label, fix.safety) },
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": replacements,
            }],
        }]);
    }
    out
}

/// The SARIF log of the plans' findings. Paths are relative to `base`, the folder the command
/// runs in (`%SRCROOT%`); columns count Unicode code points from 1.
pub fn log(plans: &[FilePlan], base: &Path) -> Value {
    let mut results = Vec::new();
    for plan in plans {
        let artifact = artifact(&plan.path, base);
        let mut findings: Vec<&Finding> = plan.findings.iter().collect();
        findings.sort_by_key(|f| (f.range.start, f.range.end, f.rule.id()));
        results.extend(findings.into_iter().map(|f| result(plan, f, &artifact)));
    }
    json!({
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "tf2-migrate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": Rule::ALL.iter().map(|&r| rule_descriptor(r)).collect::<Vec<_>>(),
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// `check --format sarif`.
pub fn sarif(plans: &[FilePlan], base: &Path) -> String {
    serde_json::to_string_pretty(&log(plans, base)).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_relative() {
        assert_eq!(uri(Path::new("./a b/c%.py")), "a%20b/c%25.py");
        assert_eq!(uri(Path::new("é.py")), "%C3%A9.py");
        assert_eq!(artifact(Path::new("/p/x.py"), Path::new("/p")), json!({"uri": "x.py", "uriBaseId": "%SRCROOT%"}));
        assert_eq!(artifact(Path::new("/q/x.py"), Path::new("/p")), json!({"uri": "file:///q/x.py"}));
    }
}
