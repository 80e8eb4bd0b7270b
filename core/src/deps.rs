//! Dependency files: the pins a migration must change too. `tensorflow` 1.x (and `-gpu`) pins
//! become a TF 2 requirement matching the target, a standalone Keras 2 pin becomes `tf-keras`
//! (where the code takes that route) or goes (where all of it moved to `tensorflow.keras`), and
//! the packages the migrated code imports (tf-slim, tf-keras, tensorflow-probability…) are added.
//! Each change is an edit of its own, byte-exact elsewhere (comments, markers, extras and
//! environment lines untouched); a file with `--hash` pins gets guidance instead, since any
//! change invalidates its hashes.
//!
//! Formats: `requirements*.txt`/`constraints*.txt`, `setup.py` (`install_requires` string
//! literals), `setup.cfg` (`install_requires =`), `pyproject.toml` (`[project] dependencies`,
//! `[tool.poetry.dependencies]`) and conda's `environment.yml` (its `pip:` list and conda pins).

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use crate::fix::{Edit, Finding, Fix, Severity};
use crate::rules::{Rule, TfVersion};

mod version;

use version::{compatible, conda_spec, pip_spec, poetry_spec_ok, satisfies};

/// Which kind of dependency file a path is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepsKind {
    Requirements,
    SetupPy,
    SetupCfg,
    Pyproject,
    CondaEnv,
}

impl DepsKind {
    pub fn of(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        Some(match name.as_str() {
            "setup.py" => Self::SetupPy,
            "setup.cfg" => Self::SetupCfg,
            "pyproject.toml" => Self::Pyproject,
            "environment.yml" | "environment.yaml" => Self::CondaEnv,
            n if (n.starts_with("requirements") || n.starts_with("constraints"))
                && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("in")) =>
            {
                Self::Requirements
            }
            _ => return None,
        })
    }
}

/// Which Keras the migrated code uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KerasRoute {
    /// No standalone Keras import was rewritten.
    #[default]
    None,
    /// Every Keras import moved to `tensorflow.keras`: a `keras` 2 pin must go.
    TensorflowKeras,
    /// Some code takes Keras 2 as `tf_keras`: the pin becomes `tf-keras`.
    TfKeras,
}

/// What the migrated project needs from its environment: the target release, the packages
/// (pip names) its rewritten code imports, and its Keras route.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    pub target: Option<TfVersion>,
    pub packages: BTreeSet<&'static str>,
    pub keras: KerasRoute,
}

/// The requirement spec (PEP 440) a package gets for the target release.
fn spec_for(package: &str, target: TfVersion) -> Option<String> {
    let minor = target.minor;
    Some(match package {
        "tensorflow" | "tf-keras" => format!("~={}.{minor}.0", target.major),
        "tf-slim" => "~=1.1".to_owned(),
        // The TFP release built against each TensorFlow.
        "tensorflow-probability" => match minor {
            0..=15 => format!("~=0.{}.0", minor + 8),
            16 | 17 => "~=0.24.0".to_owned(),
            _ => "~=0.25.0".to_owned(),
        },
        _ => return None,
    })
}

/// PEP 503: lower case, runs of `-_.` as one `-`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// What TensorFlow `target` requires of `package` (PEP 503 name), from the releases recorded in
/// `tf_requires.tsv`: the newest at or before the target, else the oldest; with that release.
fn tf_requirement(package: &str, target: TfVersion) -> Option<(TfVersion, &'static str)> {
    let rows = crate::rules::table::tf_requires();
    let release = rows.iter().map(|r| r.0).filter(|&v| v <= target).max().or_else(|| rows.iter().map(|r| r.0).min())?;
    rows.iter().find(|r| r.0 == release && r.1 == package).map(|r| (release, r.2))
}

/// One requirement as written in a file.
#[derive(Debug, Clone)]
struct Req {
    /// The package name as written.
    name: Range<usize>,
    /// The version spec (may be empty: an unpinned requirement).
    spec: Range<usize>,
    /// What removes the requirement (its line or list item, with its separator).
    whole: Range<usize>,
}

/// The requirements of a file, where a new one goes, and how one is written there.
struct Layout {
    reqs: Vec<Req>,
    /// Offset and text pattern for an added requirement (`{}` is `name spec`).
    add: Option<(usize, String)>,
    /// Whether pins carry `--hash` (any edit would invalidate them).
    hashed: bool,
}

/// Split `name[extras] spec ; marker` at `start` in `text` (one requirement string, up to `end`).
fn requirement_at(text: &str, start: usize, end: usize, whole: Range<usize>) -> Option<Req> {
    let s = &text[start..end];
    let name_len = s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(s.len());
    if name_len == 0 {
        return None;
    }
    let mut at = start + name_len;
    let rest = &text[at..end];
    if rest.starts_with('[') {
        at += rest.find(']')? + 1;
    }
    let spec_end = text[at..end].find([';', '#']).map_or(end, |i| at + i);
    let spec_text = &text[at..spec_end];
    let spec_start = at + (spec_text.len() - spec_text.trim_start().len());
    let spec_stop = spec_end - (spec_text.len() - spec_text.trim_end().len());
    Some(Req { name: start..start + name_len, spec: spec_start..spec_stop.max(spec_start), whole })
}

fn requirements_txt(text: &str) -> Layout {
    let mut reqs = Vec::new();
    let mut pos = 0;
    let mut last_end = 0;
    let mut hashed = false;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\r', '\n']);
        hashed |= body.contains("--hash");
        let trimmed = body.trim_start();
        if trimmed.is_empty() || trimmed.starts_with(['#', '-']) || trimmed.contains("://") {
            continue;
        }
        let lead = body.len() - trimmed.len();
        let end = start + body.len();
        if let Some(r) = requirement_at(text, start + lead, end, start..pos) {
            reqs.push(r);
            last_end = pos;
        }
    }
    let nl = crate::source::dominant_newline(text);
    let add = if text.is_empty() || text.ends_with('\n') {
        (if last_end > 0 { last_end } else { text.len() }, format!("{{}}{nl}"))
    } else {
        (text.len(), format!("{nl}{{}}"))
    };
    Layout { reqs, add: Some(add), hashed }
}

/// The string literals of a bracketed list starting at `open` (`[`), with where a new item goes.
fn string_list(text: &str, open: usize) -> Option<(Vec<Req>, (usize, String))> {
    let bytes = text.as_bytes();
    let mut reqs = Vec::new();
    let mut i = open + 1;
    let mut last_item_end = None;
    let mut quote_seen = b'"';
    let mut indent = None;
    while i < bytes.len() {
        match bytes[i] {
            b']' => break,
            b'#' => i += text[i..].find('\n').unwrap_or(text.len() - i),
            q @ (b'"' | b'\'') => {
                quote_seen = q;
                let close = i + 1 + text[i + 1..].find(q as char)?;
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                if text[line_start..i].trim().is_empty() {
                    indent.get_or_insert_with(|| text[line_start..i].to_owned());
                }
                let mut whole_end = close + 1;
                let after = &text[whole_end..];
                let comma = after.len() - after.trim_start_matches([' ', '\t']).len();
                if after[comma..].starts_with(',') {
                    whole_end += comma + 1;
                }
                let whole_start =
                    if indent.is_some() && text[line_start..i].trim().is_empty() { line_start } else { i };
                // The whole line, when nothing but a comment follows the item on it (not the
                // list's `]`: `'six'],` ends the list on the item's line).
                let line_end = text[whole_end..].find('\n').map_or(text.len(), |n| whole_end + n);
                let rest = text[whole_end..line_end].trim();
                let whole_end = if whole_start == line_start && (rest.is_empty() || rest.starts_with('#')) {
                    (line_end + 1).min(text.len())
                } else {
                    whole_end
                };
                if let Some(r) = requirement_at(text, i + 1, close, whole_start..whole_end) {
                    reqs.push(r);
                }
                last_item_end = Some(whole_end);
                i = close + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let q = quote_seen as char;
    let add = match (indent, last_item_end) {
        // One item per line: a new line after the last one.
        (Some(indent), Some(end)) if text[..end].ends_with('\n') && i >= end => (end, format!("{indent}{q}{{}}{q},\n")),
        // Items on one line: after the last, before the `]`.
        (_, Some(_)) => {
            let close = i;
            let before = text[..close].trim_end();
            let sep = if before.ends_with(',') { " " } else { ", " };
            (before.len(), format!("{sep}{q}{{}}{q}"))
        }
        (_, None) => (open + 1, format!("{q}{{}}{q}")),
    };
    Some((reqs, add))
}

fn setup_py(text: &str) -> Layout {
    let key = text.find("install_requires");
    let open = key.and_then(|k| text[k..].find('[').map(|i| k + i));
    match open.and_then(|o| string_list(text, o)) {
        Some((reqs, add)) => Layout { reqs, add: Some(add), hashed: false },
        None => Layout { reqs: Vec::new(), add: None, hashed: false },
    }
}

fn pyproject(text: &str) -> Layout {
    // `[project]` `dependencies = [ ... ]`
    if let Some(section) = text.find("[project]") {
        let body_end = text[section + 9..].find("\n[").map_or(text.len(), |i| section + 9 + i);
        if let Some(k) = text[section..body_end].find("\ndependencies").map(|i| section + i)
            && let Some(open) = text[k..body_end].find('[').map(|i| k + i)
            && let Some((reqs, add)) = string_list(text, open)
        {
            return Layout { reqs, add: Some(add), hashed: false };
        }
    }
    // Poetry: `name = "spec"` lines under `[tool.poetry.dependencies]`.
    let mut reqs = Vec::new();
    let mut add = None;
    if let Some(section) = text.find("[tool.poetry.dependencies]") {
        let start = section + text[section..].find('\n').map_or(text.len() - section, |i| i + 1);
        let body_end = text[start..].find("\n[").map_or(text.len(), |i| start + i + 1);
        let mut pos = start;
        for line in text[start..body_end].split_inclusive('\n') {
            let line_start = pos;
            pos += line.len();
            let Some(eq) = line.find('=') else { continue };
            let name = line[..eq].trim();
            if name.is_empty() || name.starts_with('#') || name == "python" {
                continue;
            }
            let value = line[eq + 1..].trim();
            if let Some(q) = value.strip_prefix('"').and_then(|v| v.find('"')) {
                let value_at = line_start + eq + 1 + line[eq + 1..].find('"').unwrap_or(0) + 1;
                let name_at = line_start + line.find(name).unwrap_or(0);
                reqs.push(Req {
                    name: name_at..name_at + name.len(),
                    spec: value_at..value_at + q,
                    whole: line_start..pos,
                });
            }
        }
        let after_last = reqs.last().map_or(start, |r| r.whole.end);
        add = Some((after_last, "{poetry}\n".to_owned()));
    }
    Layout { reqs, add, hashed: false }
}

fn setup_cfg(text: &str) -> Layout {
    let Some(k) = text.find("install_requires") else { return Layout { reqs: Vec::new(), add: None, hashed: false } };
    let line_end = text[k..].find('\n').map_or(text.len(), |i| k + i + 1);
    let mut reqs = Vec::new();
    let mut pos = line_end;
    let mut last = line_end;
    let mut indent = "    ".to_owned();
    for line in text[line_end..].split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        if !line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            break;
        }
        let body = line.trim_end_matches(['\r', '\n']);
        let trimmed = body.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        body[..body.len() - trimmed.len()].clone_into(&mut indent);
        if let Some(r) = requirement_at(text, start + (body.len() - trimmed.len()), start + body.len(), start..pos) {
            reqs.push(r);
            last = pos;
        }
    }
    Layout { reqs, add: Some((last, format!("{indent}{{}}\n"))), hashed: false }
}

fn conda_env(text: &str) -> Layout {
    // The items of the `- pip:` list, written `- name==spec` (conda pins `name=1.15` are read too).
    let mut reqs = Vec::new();
    let mut add = None;
    let mut pos = 0;
    let mut pip_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end_matches(['\r', '\n']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        let Some(item) = trimmed.strip_prefix("- ") else {
            if pip_indent.is_some_and(|p| indent <= p) && !trimmed.is_empty() {
                pip_indent = None;
            }
            continue;
        };
        if item.trim() == "pip:" {
            pip_indent = Some(indent);
            continue;
        }
        if pip_indent.is_some_and(|p| indent <= p) {
            pip_indent = None;
        }
        let item_at = start + indent + 2;
        let end = start + body.len();
        // conda writes `tensorflow=1.15`: read the single `=` as the spec's start.
        if let Some(r) = requirement_at(text, item_at, end, start..pos) {
            reqs.push(r);
        }
        if pip_indent.is_some() {
            add = Some((pos, format!("{}- {{}}\n", " ".repeat(indent))));
        }
    }
    Layout { reqs, add, hashed: false }
}

fn layout(kind: DepsKind, text: &str) -> Layout {
    match kind {
        DepsKind::Requirements => requirements_txt(text),
        DepsKind::SetupPy => setup_py(text),
        DepsKind::SetupCfg => setup_cfg(text),
        DepsKind::Pyproject => pyproject(text),
        DepsKind::CondaEnv => conda_env(text),
    }
}

/// The findings (with their edits) that bring the pins of a dependency file in line with the
/// migrated code.
pub fn check(kind: DepsKind, text: &str, needs: &Needs) -> Vec<Finding> {
    let Some(target) = needs.target else { return Vec::new() };
    let layout = layout(kind, text);
    let tf_version = [u64::from(target.major), u64::from(target.minor), 0];
    let conda = kind == DepsKind::CondaEnv;
    let mut present: BTreeSet<String> = BTreeSet::new();
    // (where, why, edits) per requirement to change.
    let mut changes: Vec<(Range<usize>, String, Vec<Edit>)> = Vec::new();
    for r in &layout.reqs {
        let name = normalise(&text[r.name.clone()]);
        let spec = text[r.spec.clone()].trim();
        let poetry = poetry_like(kind, text, r);
        present.insert(name.clone());
        let at = r.name.start..r.spec.end.max(r.name.end);
        match name.as_str() {
            "tensorflow" | "tensorflow-gpu" | "tensorflow-cpu" => {
                let mut edits = Vec::new();
                let mut why = Vec::new();
                if name == "tensorflow-gpu" {
                    edits.push(Edit::replacement(r.name.clone(), "tensorflow"));
                    why.push("`tensorflow-gpu` stopped at 2.12: `tensorflow` itself runs on GPUs on Linux (`tensorflow[and-cuda]` also installs CUDA)".to_owned());
                    present.insert("tensorflow".to_owned());
                }
                let pip_spec = pip_spec(spec, conda);
                let admits = if poetry { poetry_spec_ok(spec, target) } else { satisfies(&pip_spec, &tf_version) };
                if !spec.is_empty() && !admits {
                    let written = if poetry {
                        format!("^{}.{}", target.major, target.minor)
                    } else if conda {
                        format!("={}.{}", target.major, target.minor)
                    } else {
                        spec_for("tensorflow", target).unwrap_or_default()
                    };
                    edits.push(Edit::replacement(r.spec.clone(), written));
                    why.push(format!("`{spec}` excludes TensorFlow {target}, the release the code is migrated to"));
                }
                if !edits.is_empty() {
                    changes.push((at, why.join("; "), edits));
                }
            }
            "keras" if needs.keras == KerasRoute::TfKeras => {
                let mut edits = vec![Edit::replacement(r.name.clone(), "tf-keras")];
                if !spec.is_empty() {
                    edits.push(Edit::replacement(r.spec.clone(), spec_for("tf-keras", target).unwrap_or_default()));
                }
                present.insert("tf-keras".to_owned());
                changes.push((
                    at,
                    "the code uses Keras 2 as `tf_keras` (the `tf-keras` package) now".to_owned(),
                    edits,
                ));
            }
            "keras" if needs.keras == KerasRoute::TensorflowKeras => {
                let why = "every Keras import moved to `tensorflow.keras`, which TensorFlow brings".to_owned();
                changes.push((at, why, vec![Edit::deletion(r.whole.clone())]));
            }
            // A pin of one of TensorFlow's own requirements that the target cannot live with
            // (`numpy==1.16` beside TensorFlow 2.21, which needs numpy>=1.26): pip would refuse.
            _ if !poetry && !spec.is_empty() => {
                if let Some((why, edit)) = conflicting_pin(&name, spec, r.spec.clone(), conda, target) {
                    changes.push((at, why, vec![edit]));
                }
            }
            _ => {}
        }
    }
    let missing: Vec<&'static str> =
        needs.packages.iter().copied().filter(|p| !present.contains(&normalise(p))).collect();
    let mut out = Vec::new();
    if layout.hashed {
        if !changes.is_empty() || !missing.is_empty() {
            let todo: Vec<String> = changes
                .iter()
                .map(|(_, why, _)| why.clone())
                .chain(missing.iter().map(|p| format!("add {p}")))
                .collect();
            let message = format!(
                "pins with --hash: change them by hand and regenerate the hashes (pip-compile --generate-hashes): {}",
                todo.join("; ")
            );
            let mut f = Finding::new(Rule::DependencyPin, Severity::Error, 0..0, message);
            f.packages.extend(missing.iter().copied());
            out.push(f);
        }
        return out;
    }
    for (range, why, edits) in changes {
        out.push(Finding::new(Rule::DependencyPin, Severity::Error, range, why).with_fix(Fix::review(edits)));
    }
    let Some((at, pattern)) = &layout.add else { return out };
    for p in missing {
        let Some(spec) = spec_for(p, target) else { continue };
        let item = if pattern.contains("{poetry}") {
            pattern.replace("{poetry}", &format!("{p} = \"{}\"", spec.replace("~=", "~")))
        } else {
            pattern.replace("{}", &format!("{p}{spec}"))
        };
        let why = format!("the migrated code imports what `{p}` provides");
        let fix = Fix::review(vec![Edit::insertion(*at, item)]).needing(p);
        out.push(Finding::new(Rule::DependencyPin, Severity::Error, *at..*at, why).with_fix(fix));
    }
    out
}

/// A pin of one of TensorFlow's own requirements that `target` cannot live with: why, and the
/// edit of its spec (at `range`) to what the target's metadata asks.
fn conflicting_pin(
    name: &str,
    spec: &str,
    range: Range<usize>,
    conda: bool,
    target: TfVersion,
) -> Option<(String, Edit)> {
    let pip_spec = pip_spec(spec, conda);
    let (release, required) = tf_requirement(name, target)?;
    if compatible(&pip_spec, required) {
        return None;
    }
    let written = if conda { conda_spec(required) } else { required.to_owned() };
    let why = format!(
        "`{spec}` cannot be installed beside TensorFlow {target}, which requires `{name}{required}` (from TensorFlow {release}'s metadata)"
    );
    Some((why, Edit::replacement(range, written)))
}

/// Whether the requirement is a Poetry `name = "spec"` line.
fn poetry_like(kind: DepsKind, text: &str, r: &Req) -> bool {
    kind == DepsKind::Pyproject && text[r.name.end..r.spec.start].contains('=')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::splice;

    fn needs(keras: KerasRoute, packages: &[&'static str]) -> Needs {
        Needs { target: Some(TfVersion::NEWEST), packages: packages.iter().copied().collect(), keras }
    }

    /// The file with every fix applied.
    fn migrated(kind: DepsKind, text: &str, needs: &Needs) -> String {
        let findings = check(kind, text, needs);
        let edits: Vec<&Edit> = findings.iter().flat_map(|f| f.fixes.iter().flat_map(|x| &x.edits)).collect();
        splice(text, edits)
    }

    #[test]
    fn requirement_specs() {
        assert!(satisfies(">=1.12", &[2, 21, 0]));
        assert!(!satisfies(">=1.12,<2", &[2, 21, 0]));
        assert!(!satisfies("==1.15.*", &[2, 21, 0]));
        assert!(satisfies("==2.21.*", &[2, 21, 0]));
        assert!(!satisfies("~=1.14", &[2, 21, 0]));
        assert!(satisfies("~=2.0", &[2, 21, 0]));
        assert_eq!(normalise("TensorFlow_GPU"), "tensorflow-gpu");
    }

    #[test]
    fn requirements_txt_pins_move_and_the_rest_stays() {
        let text = "# ML stack\nnumpy>=1.16  # arrays\ntensorflow-gpu==1.15.0 ; python_version < \"3.8\"\nkeras==2.2.4\nrequests\n";
        let out = migrated(DepsKind::Requirements, text, &needs(KerasRoute::TfKeras, &["tf-slim", "tf-keras"]));
        assert_eq!(
            out,
            "# ML stack\nnumpy>=1.16  # arrays\ntensorflow~=2.21.0 ; python_version < \"3.8\"\ntf-keras~=2.21.0\nrequests\ntf-slim~=1.1\n"
        );
        let out = migrated(
            DepsKind::Requirements,
            "keras==2.3.1\ntensorflow>=1.14\n",
            &needs(KerasRoute::TensorflowKeras, &[]),
        );
        assert_eq!(out, "tensorflow>=1.14\n", "a lower bound that admits 2.21 stays; the keras pin goes");
    }

    #[test]
    fn hashed_requirements_get_guidance_not_edits() {
        let text = "tensorflow==1.15.0 \\\n    --hash=sha256:abc\n";
        let findings = check(DepsKind::Requirements, text, &needs(KerasRoute::None, &["tf-slim"]));
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fixes.is_empty() && findings[0].message.contains("--generate-hashes"), "{findings:?}");
        assert_eq!(findings[0].packages, ["tf-slim"]);
    }

    /// A pin of one of TensorFlow's own requirements that the target excludes is moved to what
    /// the target's metadata asks; one that admits it is left; packages TensorFlow does not
    /// require are never touched.
    #[test]
    fn pins_that_tensorflow_cannot_live_with() {
        let text =
            "numpy==1.16.4  # arrays\nprotobuf>=3.6\nh5py<3 ; python_version < '3.8'\nscipy==1.2\ntensorflow==1.15\n";
        let out = migrated(DepsKind::Requirements, text, &needs(KerasRoute::None, &[]));
        assert_eq!(
            out,
            "numpy>=1.26.0  # arrays\nprotobuf>=3.6\nh5py<3.15.0,>=3.11.0 ; python_version < '3.8'\nscipy==1.2\ntensorflow~=2.21.0\n"
        );
        let findings = check(DepsKind::Requirements, text, &needs(KerasRoute::None, &[]));
        assert!(
            findings[0].message.contains("TensorFlow 2.21, which requires `numpy>=1.26.0`"),
            "{}",
            findings[0].message
        );
        // An older target reads its own release's metadata (2.15: numpy<2.0.0,>=1.23.5).
        let old = Needs { target: Some(TfVersion { major: 2, minor: 15 }), ..needs(KerasRoute::None, &[]) };
        assert_eq!(migrated(DepsKind::Requirements, "numpy==2.0\n", &old), "numpy<2.0.0,>=1.23.5\n");
        assert_eq!(migrated(DepsKind::Requirements, "numpy==1.24\n", &old), "numpy==1.24\n");
        // conda pins use conda's syntax.
        let env = "dependencies:\n  - numpy=1.16\n";
        assert_eq!(
            migrated(DepsKind::CondaEnv, env, &needs(KerasRoute::None, &[])),
            "dependencies:\n  - numpy>=1.26.0\n"
        );
    }

    #[test]
    fn setup_py_install_requires() {
        let text = "from setuptools import setup\nsetup(\n    name='x',\n    install_requires=[\n        'numpy',\n        'tensorflow>=1.12,<2.0',  # TF1\n    ],\n)\n";
        let out = migrated(DepsKind::SetupPy, text, &needs(KerasRoute::None, &["tensorflow-probability"]));
        assert_eq!(
            out,
            "from setuptools import setup\nsetup(\n    name='x',\n    install_requires=[\n        'numpy',\n        'tensorflow~=2.21.0',  # TF1\n        'tensorflow-probability~=0.25.0',\n    ],\n)\n"
        );
        // The list closes on the last item's line: the new item goes before the `]` (and an
        // open lower bound admits TensorFlow 2 as it is).
        let closing = "setup(\n    install_requires=['numpy>=1.7',\n                      'tensorflow>=1.2.0'],\n    url='u',\n)\n";
        let out = migrated(DepsKind::SetupPy, closing, &needs(KerasRoute::None, &["tensorflow-probability"]));
        assert_eq!(
            out,
            "setup(\n    install_requires=['numpy>=1.7',\n                      'tensorflow>=1.2.0', 'tensorflow-probability~=0.25.0'],\n    url='u',\n)\n"
        );
        let inline = "setup(install_requires=['tensorflow-gpu==1.13.1', 'six'])\n";
        let out = migrated(DepsKind::SetupPy, inline, &needs(KerasRoute::None, &["tf-slim"]));
        assert_eq!(out, "setup(install_requires=['tensorflow~=2.21.0', 'six', 'tf-slim~=1.1'])\n");
    }

    #[test]
    fn pyproject_project_and_poetry() {
        let text = "[project]\nname = \"x\"\ndependencies = [\n    \"tensorflow==1.15\",\n]\n";
        let out = migrated(DepsKind::Pyproject, text, &needs(KerasRoute::None, &["tf-slim"]));
        assert_eq!(
            out,
            "[project]\nname = \"x\"\ndependencies = [\n    \"tensorflow~=2.21.0\",\n    \"tf-slim~=1.1\",\n]\n"
        );
        let poetry = "[tool.poetry.dependencies]\npython = \"^3.9\"\ntensorflow = \"^1.15\"\n\n[build-system]\n";
        let out = migrated(DepsKind::Pyproject, poetry, &needs(KerasRoute::None, &["tf-slim"]));
        assert_eq!(
            out,
            "[tool.poetry.dependencies]\npython = \"^3.9\"\ntensorflow = \"^2.21\"\ntf-slim = \"~1.1\"\n\n[build-system]\n"
        );
    }

    #[test]
    fn setup_cfg_and_conda() {
        let cfg = "[options]\ninstall_requires =\n    tensorflow==1.15.2\n    numpy\n\n[options.extras_require]\n";
        let out = migrated(DepsKind::SetupCfg, cfg, &needs(KerasRoute::None, &["tf-slim"]));
        assert_eq!(
            out,
            "[options]\ninstall_requires =\n    tensorflow~=2.21.0\n    numpy\n    tf-slim~=1.1\n\n[options.extras_require]\n"
        );
        let env = "name: tf1\ndependencies:\n  - python=3.7\n  - tensorflow-gpu=1.15\n  - pip:\n    - keras==2.2.4\n";
        let out = migrated(DepsKind::CondaEnv, env, &needs(KerasRoute::TfKeras, &["tf-slim"]));
        assert_eq!(
            out,
            "name: tf1\ndependencies:\n  - python=3.7\n  - tensorflow=2.21\n  - pip:\n    - tf-keras~=2.21.0\n    - tf-slim~=1.1\n"
        );
    }

    #[test]
    fn nothing_to_do_means_no_finding() {
        let text = "tensorflow~=2.21.0\ntf-slim~=1.1\n";
        assert!(check(DepsKind::Requirements, text, &needs(KerasRoute::None, &["tf-slim"])).is_empty());
        assert_eq!(DepsKind::of(Path::new("a/requirements-dev.txt")), Some(DepsKind::Requirements));
        assert_eq!(DepsKind::of(Path::new("README.txt")), None);
    }
}
