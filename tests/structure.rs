//! The shape of the code: no module imports a sibling that imports it back (directly or around a
//! loop). Paths are read from `crate::`/`super::`/`self::` uses, outside `#[cfg(test)]`; a module's
//! uses of its ancestors (`super::Scan`) and of its own children are the normal tree, not cycles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name (`rules::call`) → the modules it uses.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn modules(src: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).unwrap().with_extension("");
                let name = rel.to_string_lossy().replace('/', "::");
                if name == "tests" || name.ends_with("::tests") || name == "main" {
                    continue;
                }
                let name = if name == "lib" { String::new() } else { name };
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
                out.push((name, code));
            }
        }
    }
    out
}

/// The module a path starting at `start` (already split into segments) names: the longest prefix
/// of the segments that is a known module.
fn resolve(known: &BTreeSet<String>, segments: &[&str]) -> Option<String> {
    (1..=segments.len()).rev().map(|n| segments[..n].join("::")).find(|m| known.contains(m))
}

/// The paths a use at the start of `text` names: `crate::a::b`, or each member of a group,
/// `crate::a::{b, c::d}` → `crate::a::b`, `crate::a::c::d`.
fn paths_at(text: &str) -> Vec<String> {
    let path: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
    let rest = &text[path.len()..];
    if !(path.ends_with("::") && rest.starts_with('{')) {
        return vec![path];
    }
    let group = &rest[1..rest.find('}').unwrap_or(rest.len())];
    group
        .split(',')
        .map(|member| member.trim().split([' ', '{']).next().unwrap_or_default())
        .filter(|m| !m.is_empty())
        .map(|m| format!("{path}{m}"))
        .collect()
}

fn graph(src: &Path) -> Graph {
    let modules = modules(src);
    let known: BTreeSet<String> = modules.iter().map(|(n, _)| n.clone()).collect();
    let mut g = Graph::new();
    for (name, code) in &modules {
        let here: Vec<&str> = if name.is_empty() { Vec::new() } else { name.split("::").collect() };
        let deps = g.entry(name.clone()).or_default();
        let starts =
            code.match_indices("crate::").chain(code.match_indices("super::")).chain(code.match_indices("self::"));
        for (i, _) in starts {
            if code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue; // `x_crate::` or `a::self::`: not a path from here.
            }
            for path in paths_at(&code[i..]) {
                let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
                let base: Vec<&str> = match segments.first() {
                    Some(&"crate") => Vec::new(),
                    Some(&"super") => here[..here.len().saturating_sub(1)].to_vec(),
                    Some(&"self") => here.clone(),
                    _ => continue,
                };
                segments.remove(0);
                let full: Vec<&str> = base.into_iter().chain(segments).collect();
                if let Some(target) = resolve(&known, &full) {
                    let related = target == *name
                        || name.starts_with(&format!("{target}::"))
                        || target.starts_with(&format!("{name}::"))
                        || target.is_empty();
                    if !related {
                        deps.insert(target);
                    }
                }
            }
        }
    }
    g
}

fn cycles(g: &Graph) -> Vec<(String, String)> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(m) = stack.pop() {
            if m == to {
                return true;
            }
            if seen.insert(m.clone()) {
                stack.extend(g.get(&m).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut out = Vec::new();
    for (a, deps) in g {
        for b in deps {
            if a < b && reaches(b, a) {
                out.push((a.clone(), b.clone()));
            }
        }
    }
    out
}

#[test]
fn the_core_has_no_module_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("core/src");
    let g = graph(&src);
    assert!(g["rules::arguments"].contains("rules::call"), "{g:#?}");
    assert!(g["rules::arguments"].contains("rules::transforms"), "grouped uses count: {g:#?}");
    assert_eq!(cycles(&g), Vec::<(String, String)>::new());
}

#[test]
fn the_review_ui_has_no_module_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let g = graph(&src);
    // Layout helpers are their own module: the state machine and the drawing both use them.
    assert!(g["tui::app"].contains("tui::layout"), "{g:#?}");
    assert!(g["tui::widgets"].contains("tui::layout"), "{g:#?}");
    assert!(!g["tui::app"].contains("tui::view") && !g["tui::app"].contains("tui::widgets"), "{g:#?}");
    assert_eq!(cycles(&g), Vec::<(String, String)>::new());
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycles(&g).len(), 2);
}
