//! The migration tables against the recorded TensorFlow API listings (`tools/api/*.txt`, written
//! by `tools/gen_tables.py --api-dir tools/api`), so that a table naming a symbol that does not
//! exist fails `cargo test` without a TensorFlow install.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The TensorFlow the tables are generated from, and the newest one they are checked against.
const OLD: &str = "2.15.1";
const NEW: &str = "2.21.0";

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Data rows of `core/src/rules/data/<name>`, split on tabs.
fn table(name: &str) -> Vec<Vec<String>> {
    read(&format!("core/src/rules/data/{name}"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// `# key: value` header lines of a table or listing.
fn header(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').trim().split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

struct Listing {
    header: BTreeMap<String, String>,
    names: HashSet<String>,
}

impl Listing {
    fn load(rel: &str) -> Listing {
        let text = read(rel);
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        for pair in body.windows(2) {
            assert!(pair[0] < pair[1], "{rel}: not sorted/unique: {:?} then {:?}", pair[0], pair[1]);
        }
        let header = header(&text);
        assert_eq!(header.get("names").map(String::as_str), Some(body.len().to_string().as_str()), "{rel}: '# names:'");
        Listing { header, names: body.into_iter().map(str::to_owned).collect() }
    }

    fn tensorflow(version: &str) -> Listing {
        let listing = Listing::load(&format!("tools/api/tensorflow-{version}.txt"));
        assert_eq!(listing.header.get("api"), Some(&format!("tensorflow {version}")));
        listing
    }

    fn has(&self, name: &str) -> bool {
        self.names.contains(name)
    }
}

/// A table row naming a TensorFlow symbol: (table, key, target in `tf.` spelling).
type Target = (&'static str, String, String);

fn targets() -> Vec<Target> {
    let mut out = Vec::new();
    for (name, column) in [("renames.tsv", 1), ("contrib.tsv", 1), ("native.tsv", 1), ("private.tsv", 1)] {
        for row in table(name) {
            if row[column].starts_with("tf.") {
                out.push((name, row[0].clone(), row[column].clone()));
            }
        }
    }
    for row in table("keras_modules.tsv") {
        if let Some(rest) = row[1].strip_prefix("tensorflow.") {
            out.push(("keras_modules.tsv", row[0].clone(), format!("tf.{rest}")));
        }
    }
    assert!(out.len() > 800, "too few targets: {}", out.len());
    out
}

/// `name` or a dotted parent of it is one of `prefixes`.
fn under(name: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| name == p || name.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('.')))
}

fn keys(name: &str) -> Vec<String> {
    table(name).into_iter().map(|r| r[0].clone()).collect()
}

fn fail_if_any(what: &str, bad: &[String]) {
    assert!(bad.is_empty(), "{} {what}:\n  {}", bad.len(), bad.join("\n  "));
}

#[test]
fn listings_match_the_tables_versions() {
    let renames = header(&read("core/src/rules/data/renames.tsv"));
    let removed = header(&read("core/src/rules/data/removed.tsv"));
    assert!(renames["source"].contains(&format!("from tensorflow {OLD} ")), "renames.tsv: {}", renames["source"]);
    assert!(
        removed["source"].contains(&format!("minus that of tensorflow {NEW}")),
        "removed.tsv: {}",
        removed["source"]
    );
    for version in [OLD, NEW] {
        let api = Listing::tensorflow(version);
        for name in ["tf", "tf.compat.v1", "tf.compat.v1.layers", "tf.math.log", "tf.keras.layers.Dense"] {
            assert!(api.has(name), "tensorflow-{version}.txt lacks {name}");
        }
    }
}

#[test]
fn every_target_exists_in_the_generating_tensorflow() {
    let api = Listing::tensorflow(OLD);
    let bad: Vec<String> = targets()
        .into_iter()
        .filter(|(_, _, t)| !api.has(t))
        .map(|(table, key, t)| format!("{table}: {key} -> {t}"))
        .collect();
    fail_if_any(&format!("replacements are not in tensorflow {OLD}"), &bad);
}

#[test]
fn targets_gone_from_the_newest_tensorflow_are_in_removed_or_legacy_keras() {
    let api = Listing::tensorflow(NEW);
    let removed = keys("removed.tsv");
    let legacy = keys("legacy_keras.tsv");
    assert!(legacy.iter().all(|k| k.starts_with("tf.compat.v1.")), "legacy_keras.tsv: {legacy:?}");
    let bad: Vec<String> = targets()
        .into_iter()
        .filter(|(_, _, t)| !api.has(t) && !under(t, &removed) && !under(t, &legacy))
        .map(|(table, key, t)| format!("{table}: {key} -> {t}"))
        .collect();
    fail_if_any(&format!("replacements are missing from tensorflow {NEW} but not covered by removed.tsv"), &bad);
}

#[test]
fn removed_keys_exist_in_the_old_and_not_in_the_new_tensorflow() {
    let (old, new) = (Listing::tensorflow(OLD), Listing::tensorflow(NEW));
    let bad: Vec<String> = table("removed.tsv")
        .into_iter()
        .filter_map(|r| match (old.has(&r[0]), new.has(&r[0])) {
            (true, false) => None,
            (false, _) => Some(format!("{} {}: not in tensorflow {OLD}", r[0], r[1])),
            (true, true) => Some(format!("{} {}: still in tensorflow {NEW}", r[0], r[1])),
        })
        .collect();
    fail_if_any("removed.tsv rows are wrong", &bad);
}

/// `contrib.tsv` replacements in tf-slim, TensorFlow Probability, TensorFlow Addons: the packages
/// that `tools/api/external.txt` lists (what was installed when it was generated).
#[test]
fn external_contrib_targets_exist() {
    let api = Listing::load("tools/api/external.txt");
    let packages: Vec<&str> = api.header["api"].split(", ").filter_map(|p| p.split(' ').next()).collect();
    assert!(packages.contains(&"tf_slim"), "external.txt: {packages:?}");
    let mut checked = 0;
    let mut bad = Vec::new();
    for row in table("contrib.tsv") {
        let target = &row[1];
        if !packages.contains(&target.split('.').next().unwrap()) {
            continue;
        }
        checked += 1;
        if !api.has(target) {
            bad.push(format!("contrib.tsv: {} -> {target}", row[0]));
        }
    }
    assert!(checked > 20, "only {checked} contrib.tsv rows checked");
    fail_if_any("contrib.tsv replacements are not in tools/api/external.txt", &bad);
}
