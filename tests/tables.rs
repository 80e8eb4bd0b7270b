//! The migration tables, and the API names in the Rust source, against the recorded API listings
//! (`tools/api/*.txt`, written by `tools/gen_tables.py --api-dir` and `tools/gen_api.py`; the
//! format is described in `tools/apiwalk.py`), so that a table naming a symbol, module path or
//! keyword that does not exist fails `cargo test` without a TensorFlow install.
//!
//! Table entries known to fail a check are listed in `tests/api_known_failures.txt` (reported,
//! not yet fixed): a check fails on a failure not listed there, and on a listed one that passes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The TensorFlow the tables are generated from, and the newest one they are checked against.
const OLD: &str = "2.15.1";
const NEW: &str = "2.21.0";
/// The data tables (the crate root changes with the workspace split: one line to edit).
const DATA_DIR: &str = "core/src/rules/data";
/// The Rust sources whose string literals are checked (see `rust_literals_name_real_apis`).
const SOURCE_DIR: &str = "core/src";
/// The recorded listings.
const API_DIR: &str = "tools/api";
/// The generated `NumPy` 2 table (`tools/gen_numpy2.py`).
const NUMPY2_TABLE: &str = "core/src/rules/data/numpy2.tsv";
const KNOWN_FAILURES: &str = "tests/api_known_failures.txt";
/// TensorFlow 0.x names and keywords (merged into renames.tsv/keywords.tsv by `tools/gen_tables.py`).
const TF0_RENAMES: &str = "tools/renames_tf0.tsv";
/// Python builtins and standard-library modules that `numpy2.tsv` may name as replacements.
const PYTHON_NAMES: &[&str] =
    &["bool", "bytes", "complex", "float", "int", "issubclass", "len", "math", "object", "str"];

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    let p = path(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Data rows of a tab-separated table, split on tabs.
fn rows_of(rel: &str) -> Vec<Vec<String>> {
    read(rel)
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// Data rows of `DATA_DIR/<name>`.
fn table(name: &str) -> Vec<Vec<String>> {
    rows_of(&format!("{DATA_DIR}/{name}"))
}

/// `# key: value` header lines of a table or listing.
fn header(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').trim().split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

// ------------------------------------------------------------------------------------------
// Listings
// ------------------------------------------------------------------------------------------

const KINDS: &[&str] = &["module", "namespace", "private", "class", "function", "method", "value"];

struct Entry {
    kind: String,
    /// The signature of a class/function/method; for a module, its real `__name__` and/or
    /// `!a,b` (members that `from <module> import` cannot reach).
    extra: String,
}

impl Entry {
    /// The real module name of a module line, or "".
    fn real(&self) -> &str {
        self.extra.split(' ').find(|t| !t.is_empty() && !t.starts_with(['!', '+'])).unwrap_or("")
    }

    /// `from <this module> import name` fails although the attribute exists.
    fn import_gap(&self, name: &str) -> bool {
        self.extra.split(' ').filter_map(|t| t.strip_prefix('!')).any(|t| t.split(',').any(|m| m == name))
    }
}

struct Listing {
    file: String,
    header: BTreeMap<String, String>,
    entries: HashMap<String, Entry>,
    /// Real module name → the listed paths of that module object (`tensorflow_probability.python.
    /// distributions` → `tensorflow_probability.distributions`).
    by_real: HashMap<String, Vec<String>>,
}

impl Listing {
    fn load(file: &str) -> Listing {
        let rel = format!("{API_DIR}/{file}");
        let text = read(&rel);
        let header = header(&text);
        let mut entries = HashMap::new();
        let mut by_real: HashMap<String, Vec<String>> = HashMap::new();
        let mut previous: Option<String> = None;
        let mut count = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            count += 1;
            let mut cols = line.split('\t');
            let name = cols.next().unwrap_or_default().to_owned();
            let kind = cols.next().unwrap_or("value").to_owned();
            let extra = cols.next().unwrap_or_default().to_owned();
            assert!(cols.next().is_none(), "{rel}: more than 3 columns: {line:?}");
            assert!(KINDS.contains(&kind.as_str()), "{rel}: unknown kind: {line:?}");
            if let Some(p) = &previous {
                assert!(p.as_str() < name.as_str(), "{rel}: not sorted/unique: {p:?} then {name:?}");
            }
            previous = Some(name.clone());
            let entry = Entry { kind, extra };
            if matches!(entry.kind.as_str(), "module" | "namespace") && !entry.real().is_empty() {
                by_real.entry(entry.real().to_owned()).or_default().push(name.clone());
            }
            entries.insert(name, entry);
        }
        assert_eq!(header.get("names").map(String::as_str), Some(count.to_string().as_str()), "{rel}: '# names:'");
        assert!(header.contains_key("api") && header.contains_key("source"), "{rel}: header lacks api/source");
        Listing { file: file.to_owned(), header, entries, by_real }
    }

    fn tensorflow(version: &str) -> Listing {
        let listing = Listing::load(&format!("tensorflow-{version}.txt"));
        assert_eq!(listing.header.get("api"), Some(&format!("tensorflow {version}")));
        listing
    }

    fn tensorflow_legacy_keras(version: &str) -> Listing {
        let listing = Listing::load(&format!("tensorflow-{version}-legacy-keras.txt"));
        assert!(listing.header["api"].starts_with(&format!("tensorflow {version}, tf_keras ")), "{}", listing.file);
        assert!(listing.header["mode"].starts_with("TF_USE_LEGACY_KERAS=1"), "{}", listing.file);
        listing
    }

    /// The one listing of a package other than TensorFlow (`keras`, `tf_keras`, `numpy`…).
    fn package(package: &str) -> Listing {
        let dir = path(API_DIR);
        let mut found: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|f| {
                f.strip_prefix(package).and_then(|r| r.strip_prefix('-')).is_some_and(|r| {
                    r.starts_with(|c: char| c.is_ascii_digit()) && Path::new(r).extension().is_some_and(|e| e == "txt")
                })
            })
            .collect();
        found.sort();
        assert_eq!(found.len(), 1, "want one {API_DIR}/{package}-<version>.txt, found {found:?}");
        let listing = Listing::load(&found[0]);
        assert!(listing.header["api"].starts_with(&format!("{package} ")), "{}", listing.file);
        listing
    }

    fn direct(&self, name: &str) -> Option<&Entry> {
        // The walk starts at tf.compat.v2, listed as `tf`.
        if let Some(rest) = name.strip_prefix("tf.compat.v2").filter(|r| r.is_empty() || r.starts_with('.')) {
            return self.entries.get(&format!("tf{rest}"));
        }
        self.entries.get(name)
    }

    /// The entry of `name`, also through another spelling of a module on its way
    /// (`tensorflow_probability.python.distributions.Normal` is listed as
    /// `tensorflow_probability.distributions.Normal`).
    fn get(&self, name: &str) -> Option<&Entry> {
        if let Some(e) = self.direct(name) {
            return Some(e);
        }
        let mut end = name.len();
        while let Some(dot) = name[..end].rfind('.') {
            end = dot;
            let (prefix, rest) = (&name[..end], &name[end..]);
            let Some(entry) = self.direct(prefix) else { continue };
            if !matches!(entry.kind.as_str(), "module" | "namespace") {
                return None;
            }
            let real = if entry.real().is_empty() { prefix } else { entry.real() };
            let mut spellings: Vec<&str> =
                self.by_real.get(real).map(|v| v.iter().map(String::as_str).collect()).unwrap_or_default();
            spellings.push(real);
            return spellings.into_iter().filter(|s| *s != prefix).find_map(|s| self.direct(&format!("{s}{rest}")));
        }
        None
    }

    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `import name` works.
    fn importable(&self, name: &str) -> bool {
        self.direct(name).is_some_and(|e| matches!(e.kind.as_str(), "module" | "private"))
    }

    fn signature(&self, name: &str) -> Option<Sig> {
        let e = self.get(name)?;
        if !matches!(e.kind.as_str(), "class" | "function" | "method") || e.extra == "?" {
            return None;
        }
        Some(Sig::parse(&e.extra))
    }
}

/// A recorded signature: `x,y,/,z,*args,k,**kwargs`.
#[derive(Debug)]
struct Sig {
    /// Parameters that can be passed positionally, in order.
    positional: Vec<String>,
    /// Parameters that can be passed by keyword.
    keywords: HashSet<String>,
    var_kw: bool,
    var_pos: bool,
}

impl Sig {
    fn parse(text: &str) -> Sig {
        let mut sig = Sig { positional: Vec::new(), keywords: HashSet::new(), var_kw: false, var_pos: false };
        let mut keyword_only = false;
        for token in text.split(',').filter(|t| !t.is_empty()) {
            if token == "/" {
                for p in &sig.positional {
                    sig.keywords.remove(p);
                }
            } else if token == "*" {
                keyword_only = true;
            } else if let Some(_name) = token.strip_prefix("**") {
                sig.var_kw = true;
            } else if token.starts_with('*') {
                sig.var_pos = true;
                keyword_only = true;
            } else {
                if !keyword_only {
                    sig.positional.push(token.to_owned());
                }
                sig.keywords.insert(token.to_owned());
            }
        }
        sig
    }

    fn accepts(&self, keyword: &str) -> bool {
        self.keywords.contains(keyword) || self.var_kw
    }
}

/// Every listing the checks use.
struct Apis {
    old: Listing,
    new: Listing,
    legacy: Listing,
    keras: Listing,
    tf_keras: Listing,
    tfp: Listing,
    slim: Listing,
    numpy: Listing,
    /// `legacy_keras.tsv` prefixes: names under them exist with `TF_USE_LEGACY_KERAS=1` only.
    legacy_prefixes: Vec<String>,
    removed: Vec<String>,
}

impl Apis {
    fn load() -> Apis {
        let legacy_prefixes = keys("legacy_keras.tsv");
        assert!(
            legacy_prefixes.iter().all(|k| k.starts_with("tf.compat.v1.") || k.starts_with("tf.keras.")),
            "legacy_keras.tsv: {legacy_prefixes:?}"
        );
        Apis {
            old: Listing::tensorflow(OLD),
            new: Listing::tensorflow(NEW),
            legacy: Listing::tensorflow_legacy_keras(NEW),
            keras: Listing::package("keras"),
            tf_keras: Listing::package("tf_keras"),
            tfp: Listing::package("tensorflow_probability"),
            slim: Listing::package("tf_slim"),
            numpy: Listing::package("numpy"),
            legacy_prefixes,
            removed: keys("removed.tsv"),
        }
    }

    /// The TF 2.21 listing a `tf.*` name is written for: the legacy-Keras one under a
    /// `legacy_keras.tsv` prefix, else the default one.
    fn tf_for(&self, name: &str) -> &Listing {
        if under(name, &self.legacy_prefixes) { &self.legacy } else { &self.new }
    }

    /// The listing of a name's package, in the spelling it is listed under (`tensorflow.x` and
    /// `tf.x` → TF 2.21; `tfp.x` → `tensorflow_probability`), or None (no listing).
    fn listing_of(&self, name: &str) -> Option<(&Listing, String)> {
        let (root, rest) = name.split_once('.').unwrap_or((name, ""));
        let dotted = |r: &str| if rest.is_empty() { r.to_owned() } else { format!("{r}.{rest}") };
        Some(match root {
            "tf" | "tensorflow" => {
                let n = dotted("tf");
                (self.tf_for(&n), n)
            }
            "keras" => (&self.keras, name.to_owned()),
            "tf_keras" => (&self.tf_keras, name.to_owned()),
            "tensorflow_probability" | "tfp" => (&self.tfp, dotted("tensorflow_probability")),
            "tf_slim" => (&self.slim, name.to_owned()),
            "numpy" | "np" => (&self.numpy, dotted("numpy")),
            _ => return None,
        })
    }
}

/// `name` or a dotted parent of it is one of `prefixes`.
fn under(name: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| name == p || name.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('.')))
}

fn keys(name: &str) -> Vec<String> {
    table(name).into_iter().map(|r| r[0].clone()).collect()
}

fn parent(name: &str) -> &str {
    name.rsplit_once('.').map_or("", |(p, _)| p)
}

/// The effective replacement of a dotted name under a longest-prefix table (key → target).
fn rewrite(map: &HashMap<String, String>, name: &str) -> Option<String> {
    let mut end = name.len();
    loop {
        if let Some(t) = map.get(&name[..end]) {
            return Some(format!("{t}{}", &name[end..]));
        }
        end = name[..end].rfind('.')?;
    }
}

fn renames() -> HashMap<String, String> {
    table("renames.tsv").into_iter().map(|r| (r[0].clone(), r[1].clone())).collect()
}

fn fail_if_any(what: &str, bad: &[String]) {
    assert!(bad.is_empty(), "{} {what}:\n  {}", bad.len(), bad.join("\n  "));
}

/// Compare a check's failures with its `KNOWN_FAILURES` lines: new failures and stale lines fail.
fn expect_known(check: &str, failures: Vec<String>) {
    let text = read(KNOWN_FAILURES);
    let known: BTreeSet<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .filter(|(c, _)| *c == check)
        .map(|(_, f)| f.to_owned())
        .collect();
    let found: BTreeSet<String> = failures.into_iter().collect();
    let new: Vec<String> = found.difference(&known).map(|f| format!("{check}\t{f}")).collect();
    let stale: Vec<String> = known.difference(&found).map(|f| format!("{check}\t{f}")).collect();
    assert!(
        new.is_empty() && stale.is_empty(),
        "{check}: {} new failures (fix the table, or list them in {KNOWN_FAILURES}):\n  {}\n\
         {} lines of {KNOWN_FAILURES} no longer fail (remove them):\n  {}",
        new.len(),
        new.join("\n  "),
        stale.len(),
        stale.join("\n  ")
    );
}

// ------------------------------------------------------------------------------------------
// Targets
// ------------------------------------------------------------------------------------------

/// A table row naming a TensorFlow symbol: (table, key, target in `tf.` spelling).
type Target = (&'static str, String, String);

fn targets() -> Vec<Target> {
    let mut out = Vec::new();
    for (name, column) in
        [("renames.tsv", 1), ("contrib.tsv", 1), ("native.tsv", 1), ("private.tsv", 1), ("private_moved.tsv", 1)]
    {
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

#[test]
fn listings_match_the_tables_versions() {
    let renames = header(&read(&format!("{DATA_DIR}/renames.tsv")));
    let removed = header(&read(&format!("{DATA_DIR}/removed.tsv")));
    assert!(renames["source"].contains(&format!("from tensorflow {OLD} ")), "renames.tsv: {}", renames["source"]);
    assert!(
        removed["source"].contains(&format!("minus that of tensorflow {NEW}")),
        "removed.tsv: {}",
        removed["source"]
    );
    let apis = Apis::load();
    for api in [&apis.old, &apis.new, &apis.legacy] {
        for name in ["tf", "tf.compat.v1", "tf.compat.v1.layers", "tf.math.log", "tf.keras.layers.Dense"] {
            assert!(api.has(name), "{} lacks {name}", api.file);
        }
    }
    // What the listings are for: the legacy-Keras switch and importability are recorded.
    assert!(apis.legacy.has("tf.compat.v1.layers.dense") && !apis.new.has("tf.compat.v1.layers.dense"));
    assert!(apis.new.importable("tf.keras.layers") && !apis.new.importable("tf.compat.v1.keras"));
    assert!(apis.tfp.has("tensorflow_probability.distributions.Normal"));
    assert!(!apis.tfp.importable("tensorflow_probability.distributions"));
    assert!(apis.tfp.importable("tensorflow_probability.python.distributions"));
    assert!(apis.tfp.has("tensorflow_probability.python.distributions.Normal"));
    assert!(apis.new.signature("tf.math.reduce_sum").is_some_and(|s| s.keywords.contains("keepdims")));
    assert!(apis.numpy.has("numpy.float64") && !apis.numpy.has("numpy.float_"));
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
    let with_legacy_keras = Listing::tensorflow_legacy_keras(NEW);
    assert!(legacy.iter().all(|k| with_legacy_keras.has(k)), "legacy_keras.tsv names what Keras 2 lacks: {legacy:?}");
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

/// `constants.tsv`: each constant is a name of the old TensorFlow, under a key of `removed.tsv`
/// (the engine writes its value only where the API is gone), and its value is a plain literal.
#[test]
fn constants_are_of_removed_apis_and_literals() {
    let old = Listing::tensorflow(OLD);
    let removed = keys("removed.tsv");
    let bad: Vec<String> = table("constants.tsv")
        .into_iter()
        .filter(|r| {
            let literal = &r[1];
            let quoted = literal.len() >= 2 && literal.starts_with('\'') && literal.ends_with('\'');
            let plain = quoted || literal.parse::<f64>().is_ok() || matches!(literal.as_str(), "True" | "False");
            !(old.has(&r[0]) && under(&r[0], &removed) && plain)
        })
        .map(|r| format!("{} {}", r[0], r[1]))
        .collect();
    assert!(!table("constants.tsv").is_empty());
    fail_if_any("constants.tsv rows are wrong", &bad);
}

/// `contrib.tsv` replacements in tf-slim and TensorFlow Probability exist in those packages'
/// listings (TensorFlow Addons has no TensorFlow 2.16+ build: its rows are guidance).
#[test]
fn external_contrib_targets_exist() {
    let listings = [Listing::package("tf_slim"), Listing::package("tensorflow_probability")];
    let mut checked = 0;
    let mut bad = Vec::new();
    for row in table("contrib.tsv") {
        let target = &row[1];
        let top = target.split('.').next().unwrap();
        let Some(api) = listings.iter().find(|l| l.header["api"].split(' ').next() == Some(top)) else {
            continue;
        };
        checked += 1;
        if !api.has(target) {
            bad.push(format!("contrib.tsv: {} -> {target} ({})", row[0], api.file));
        }
    }
    assert!(checked > 20, "only {checked} contrib.tsv rows checked");
    fail_if_any("contrib.tsv replacements are not in their package's listing", &bad);
}

/// `successors.tsv` (what the engine checks derived contrib names against) says what the
/// listings say: each row is there with its kind, and each listed member of a module it covers
/// is a row. Regenerate with `tools/gen_successors.py` when a listing changes.
#[test]
fn successors_agree_with_the_listings() {
    let listings = [Listing::package("tf_slim"), Listing::package("tensorflow_probability")];
    let rows = table("successors.tsv");
    let kinds: HashMap<&str, &str> = rows.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    let mut bad = Vec::new();
    for row in &rows {
        let (name, kind) = (&row[0], row[1].as_str());
        let Some(api) = listings.iter().find(|l| l.header["api"].split(' ').next() == name.split('.').next()) else {
            bad.push(format!("{name}: no listing of its package"));
            continue;
        };
        let Some(entry) = api.direct(name) else {
            bad.push(format!("{name}: not in {}", api.file));
            continue;
        };
        let module = matches!(entry.kind.as_str(), "module" | "namespace");
        let import_only = entry.extra.split(' ').any(|t| t == "+import");
        let agrees = match kind {
            "module" | "namespace" => entry.kind == kind && !import_only,
            "import" => module && import_only,
            "path" => module,
            _ => !module,
        };
        if !agrees {
            bad.push(format!("{name}: {kind} here, {} {} in {}", entry.kind, entry.extra, api.file));
        }
        if matches!(kind, "module" | "namespace" | "import") {
            let prefix = format!("{name}.");
            for member in api.entries.keys().filter(|k| k.strip_prefix(&prefix).is_some_and(|r| !r.contains('.'))) {
                if !kinds.contains_key(member.as_str()) {
                    bad.push(format!("{member}: listed in {}, not a row", api.file));
                }
            }
        }
    }
    assert!(kinds.get("tf_slim.nets.vgg") == Some(&"import"), "tf_slim.nets.vgg: {:?}", kinds.get("tf_slim.nets.vgg"));
    fail_if_any("successors.tsv disagrees with tools/api", &bad);
}

/// Every name a table writes, in the package it is written for: (table, key, written name).
/// Keras module targets count twice: as `tensorflow.keras…` and as the `tf_keras…` alternative.
fn written_names() -> Vec<Target> {
    let mut out: Vec<Target> = targets().into_iter().filter(|(t, _, _)| *t != "keras_modules.tsv").collect();
    for row in table("contrib.tsv") {
        if row[1] != "-" && !row[1].starts_with("tf.") {
            out.push(("contrib.tsv", row[0].clone(), row[1].clone()));
        }
    }
    for row in table("keras_modules.tsv") {
        if let Some(rest) = row[1].strip_prefix("tensorflow.keras") {
            out.push(("keras_modules.tsv", row[0].clone(), format!("tf.keras{rest}")));
            out.push(("keras_modules.tsv", row[0].clone(), format!("tf_keras{rest}")));
        }
    }
    out
}

/// Each written name exists on TensorFlow 2.21 (with `TF_USE_LEGACY_KERAS=1` under a
/// `legacy_keras.tsv` prefix), or in the listing of its package (`tf_slim`, tfp 0.25, `tf_keras`).
/// Names gone with a `removed.tsv` key are the tool's to flag, not to write: skipped.
#[test]
fn written_names_exist_for_tf_2_21() {
    let apis = Apis::load();
    let mut failures = Vec::new();
    for (table, key, name) in written_names() {
        if name.starts_with("tf.") && under(&name, &apis.removed) {
            continue;
        }
        match apis.listing_of(&name) {
            Some((listing, spelled)) if listing.has(&spelled) => {}
            Some((listing, _)) => failures.push(format!("{table}: {key} -> {name}: not in {}", listing.file)),
            None => failures.push(format!("{table}: {key} -> {name}: no listing of this package for TF {NEW}")),
        }
    }
    expect_known("exists", failures);
}

/// `namespaces.tsv`: module path reachable only as an attribute → the module to import from
/// instead (`None`: none, the engine writes no from-import of it).
fn namespaces() -> HashMap<String, Option<String>> {
    table("namespaces.tsv").into_iter().map(|r| (r[0].clone(), Some(r[1].clone()).filter(|m| m != "-"))).collect()
}

/// What `import X` / `from X import y` will be written for each target: a module target must be
/// importable from its parent (`from parent import name as x`), and a module the engine writes
/// `from M import name` for must be importable and have `name`.  The engine imports from a
/// namespace (`tensorflow_probability.distributions`, `tensorflow.distribute`) through its
/// `namespaces.tsv` row: the importable module object it names, or nothing (guidance instead).
#[test]
fn written_import_paths_are_importable() {
    let apis = Apis::load();
    let namespaces = namespaces();
    let mut failures = Vec::new();
    let python = |m: &str| match m.strip_prefix("tf") {
        Some(rest) if rest.is_empty() || rest.starts_with('.') => format!("tensorflow{rest}"),
        _ => m.to_owned(),
    };
    for (table, key, name) in written_names() {
        if name.starts_with("tf.") && under(&name, &apis.removed) {
            continue;
        }
        let Some((listing, spelled)) = apis.listing_of(&name) else { continue };
        let Some(entry) = listing.get(&spelled) else { continue }; // reported by written_names_exist
        let is_module = matches!(entry.kind.as_str(), "module" | "namespace" | "private");
        // Each (module imported from, name imported) the engine may write for this target.
        let mut imports =
            vec![(parent(&spelled).to_owned(), spelled.rsplit('.').next().unwrap_or_default().to_owned())];
        if is_module && entry.kind == "namespace" && !namespaces.contains_key(&spelled) {
            failures.push(format!("{table}: {key} -> {name}: namespace {spelled} has no namespaces.tsv row"));
        }
        if !is_module && listing.get(&imports[0].0).is_some_and(|e| e.kind == "class") {
            continue; // a class attribute (enum value) is reached through its class
        }
        if imports[0].0.is_empty() {
            // A top-level package: `import tf_slim`.
            if !listing.importable(&spelled) {
                failures.push(format!("{table}: {key} -> {name}: `import {spelled}` fails ({})", listing.file));
            }
            continue;
        }
        for (module, last) in imports.drain(..) {
            let from = match namespaces.get(&module) {
                Some(None) => continue, // the engine writes no import from it
                Some(Some(real)) => real.clone(),
                None => module.clone(),
            };
            if listing.direct(&from).is_some_and(|e| e.kind == "namespace") {
                failures.push(format!("{table}: {key} -> {name}: namespace {from} has no namespaces.tsv row"));
            } else if !listing.importable(&from)
                || listing.direct(&from).is_some_and(|m| m.import_gap(&last))
                || !listing.has(&format!("{from}.{last}"))
            {
                failures.push(format!(
                    "{table}: {key} -> {name}: `from {} import {last}` fails ({})",
                    python(&from),
                    listing.file
                ));
            }
        }
    }
    expect_known("importable", failures);
}

/// Python standard-library modules that `namespaces.tsv` may name (not in any listing).
const PYTHON_MODULES: &[&str] = &["unittest.mock"];

/// `namespaces.tsv` is what `tools/gen_namespaces.py` reads from the listings: every namespace of
/// the TF 2.21, tfp, `tf_keras` and `tf_slim` listings (but those importable with
/// `TF_USE_LEGACY_KERAS=1`), each with an importable public module or `-`.
#[test]
fn namespaces_match_the_listings() {
    let apis = Apis::load();
    let namespaces = namespaces();
    let mut expected = BTreeSet::new();
    for listing in [&apis.new, &apis.tfp, &apis.tf_keras, &apis.slim] {
        for (name, e) in &listing.entries {
            if e.kind == "namespace" && !apis.legacy.importable(name) {
                expected.insert(name.clone());
            }
        }
    }
    let found: BTreeSet<String> = namespaces.keys().cloned().collect();
    assert_eq!(found, expected, "namespaces.tsv differs from the listings: run tools/gen_namespaces.py");
    for (name, real) in &namespaces {
        let Some(real) = real else { continue };
        let ok = PYTHON_MODULES.contains(&real.as_str())
            || apis.listing_of(real).is_some_and(|(l, spelled)| l.importable(&spelled) && !spelled.contains("._"));
        assert!(ok, "namespaces.tsv: {name} -> {real}: not an importable public module");
    }
}

/// `v2_only.tsv`: the shortest prefixes of the public `tf.*` names of TensorFlow 2.21 (outside
/// tf.compat and tf.keras) that tf.compat.v1 lacks, as `tools/gen_v2_only.py` derives them.
#[test]
fn v2_only_matches_the_listing() {
    let apis = Apis::load();
    let entries = &apis.new.entries;
    let v1: HashSet<&str> = entries.keys().filter_map(|n| n.strip_prefix("tf.compat.v1.")).collect();
    let missing: BTreeSet<&str> = entries
        .iter()
        .filter(|(n, e)| {
            n.starts_with("tf.")
                && !n.starts_with("tf.compat.")
                && !n.starts_with("tf.keras.")
                && !n.split('.').any(|p| p.starts_with('_'))
                && e.kind != "private"
                && !v1.contains(&n[3..])
        })
        .map(|(n, _)| n.as_str())
        .collect();
    let expected: BTreeSet<String> = missing
        .iter()
        .filter(|n| {
            let parts: Vec<&str> = n.split('.').collect();
            !(2..parts.len()).any(|i| missing.contains(parts[..i].join(".").as_str()))
        })
        .map(|n| (*n).to_owned())
        .collect();
    let found: BTreeSet<String> = table("v2_only.tsv").into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(found, expected, "v2_only.tsv differs from the listing: run tools/gen_v2_only.py");
    assert!(found.contains("tf.experimental.numpy") && !found.contains("tf.stack"));
}

// ------------------------------------------------------------------------------------------
// Keywords
// ------------------------------------------------------------------------------------------

/// `keywords.tsv`: the v2 keyword is a parameter of the TF 2.21 callee the call is renamed to
/// (explicit, or taken by **kwargs), and the v1 keyword one of the TF1 function (2.15's
/// tf.compat.v1).  `-` rows drop the keyword: nothing to check on the TF2 side.
#[test]
fn keywords_written_are_parameters() {
    let apis = Apis::load();
    let renames = renames();
    let mut failures = Vec::new();
    let mut checked = 0;
    // TensorFlow 0.x keywords (tools/renames_tf0.tsv): of the 0.x name and of its 1.0 name.
    let mut tf0: HashSet<(String, String)> = HashSet::new();
    for row in rows_of(TF0_RENAMES) {
        for change in row.get(3).map(String::as_str).unwrap_or_default().split(',').filter(|c| !c.is_empty()) {
            let old = change.split_once('>').map_or(change, |(o, _)| o).to_owned();
            tf0.insert((row[0].clone(), old.clone()));
            tf0.insert((row[1].clone(), old));
        }
    }
    for row in table("keywords.tsv") {
        let (function, old, new) = (&row[0], &row[1], &row[2]);
        let v1 = format!("tf.compat.v1.{}", &function[3..]);
        if tf0.contains(&(function.clone(), old.clone())) {
            // Not a TF1 keyword, so not checked on the TF1 side.
        } else {
            match apis.old.signature(&v1) {
                Some(sig) if !sig.accepts(old) => {
                    failures
                        .push(format!("keywords.tsv: {function} {old}: not a parameter of {v1} in tensorflow {OLD}"));
                }
                None if !apis.old.has(&v1) => {
                    failures.push(format!("keywords.tsv: {function}: {v1} not in tensorflow {OLD}"));
                }
                _ => {}
            }
        }
        if new == "-" {
            continue;
        }
        let callee = rewrite(&renames, function).unwrap_or_else(|| function.clone());
        if under(&callee, &apis.removed) {
            continue;
        }
        let listing = apis.tf_for(&callee);
        checked += 1;
        match listing.signature(&callee) {
            Some(sig) if !sig.accepts(new) => failures.push(format!(
                "keywords.tsv: {function} {old} -> {new}: {callee} has no parameter {new} ({})",
                listing.file
            )),
            Some(_) => {}
            None => failures
                .push(format!("keywords.tsv: {function} {old} -> {new}: no signature of {callee} in {}", listing.file)),
        }
    }
    assert!(checked > 100, "only {checked} keywords.tsv rows checked");
    expect_known("keywords", failures);
}

/// The classes a `keras3_keywords.tsv` key means in a listing: the callable itself, or for a
/// module prefix every class directly in it that Keras 2 code can call (that `tf_keras` has too:
/// not Keras 3's new `MultiOptimizer`).
fn keras_callables(listing: &Listing, key: &str, keras2: &Listing) -> Vec<String> {
    match listing.get(key).map(|e| e.kind.as_str()) {
        Some("module" | "namespace") => {
            let in_keras2 = |n: &str| {
                let rest = n.strip_prefix("tf.keras.").or_else(|| n.strip_prefix("keras.")).unwrap_or(n);
                keras2.has(&format!("tf_keras.{rest}"))
            };
            let mut v: Vec<String> = listing
                .entries
                .iter()
                .filter(|(n, e)| e.kind == "class" && parent(n) == key && in_keras2(n))
                .map(|(n, _)| n.clone())
                .collect();
            v.sort();
            v
        }
        Some(_) => vec![key.to_owned()],
        None => Vec::new(),
    }
}

/// `keras3_keywords.tsv` (keras.* spelling; tf.keras.* too) on Keras 3: a new keyword is a
/// parameter (explicit or **kwargs; `Model(*args, **kwargs)` cannot be checked), a removed one is
/// not an explicit parameter any more.  `keras3_methods.tsv`: on Keras 3's Model, the replacement
/// method exists, the replaced one (when renamed or dropped) does not, new keywords are parameters
/// of the method and removed ones are not.
#[test]
fn keras3_keywords_and_methods_match_keras_3() {
    let apis = Apis::load();
    let mut failures = Vec::new();
    for row in table("keras3_keywords.tsv") {
        let (key, old, new) = (&row[0], &row[1], &row[2]);
        for (listing, spelled) in [(&apis.keras, key.clone()), (&apis.new, key.replacen("keras.", "tf.keras.", 1))] {
            let callables = keras_callables(listing, &spelled, &apis.tf_keras);
            if callables.is_empty() {
                failures.push(format!("keras3_keywords.tsv: {key}: {spelled} not in {}", listing.file));
            }
            for c in callables {
                let Some(sig) = listing.signature(&c) else { continue };
                if new == "-" && sig.keywords.contains(old.as_str()) {
                    failures
                        .push(format!("keras3_keywords.tsv: {key} {old} -: {c} still has {old} ({})", listing.file));
                } else if new != "-" && !sig.accepts(new) {
                    failures.push(format!(
                        "keras3_keywords.tsv: {key} {old} -> {new}: {c} has no {new} ({})",
                        listing.file
                    ));
                }
            }
        }
    }
    keras3_methods(&apis, &mut failures);
    keras3_removed(&apis, &mut failures);
    expect_known("keras3", failures);
}

/// `keras3_methods.tsv` on Keras 3's Model: the replacement method exists, the replaced one (when
/// renamed or dropped) does not, new keywords are parameters of the method, removed ones are not,
/// and positional arguments land on the same parameter.
fn keras3_methods(apis: &Apis, failures: &mut Vec<String>) {
    for row in table("keras3_methods.tsv") {
        let (method, replacement, changes) = (&row[0], &row[1], &row[2]);
        // Keras 2 keyword → Keras 3 keyword ("-": dropped), by the row's changes.
        let keras3_name = |name: &str| -> String {
            changes
                .split(',')
                .filter_map(|c| c.split_once('>'))
                .find(|(old, _)| *old == name)
                .map_or(name.to_owned(), |(_, new)| new.to_owned())
        };
        let column = |i: usize| -> Vec<&str> {
            row.get(i).map(|n| n.split([',', '|']).filter(|n| !n.is_empty() && *n != "-").collect()).unwrap_or_default()
        };
        let (by_keyword, manual) = (column(4), column(5));
        // Positional arguments left positional land on the same parameter: Keras 2's first
        // positional parameters (the ones calls pass that way), past those the row passes by
        // keyword, are Keras 3's at the same place (`fit_generator(gen, 100)`: 100 is
        // steps_per_epoch, `fit`'s second is y).
        let target = if replacement == "-" { method } else { replacement };
        if let (Some(k2), Some(k3)) = (
            apis.tf_keras.signature(&format!("tf_keras.Model.{method}")),
            apis.keras.signature(&format!("keras.Model.{target}")),
        ) {
            for (i, p2) in k2.positional.iter().enumerate().take(4).skip(by_keyword.len()) {
                let p2 = keras3_name(p2);
                if p2 != "-" && k3.positional.get(i) != Some(&p2) {
                    failures.push(format!(
                        "keras3_methods.tsv: {method}: positional argument {i} is {p2} in Keras 2, {:?} in keras.Model.{target}: list it in the by-keyword column",
                        k3.positional.get(i)
                    ));
                }
            }
        }
        // Positional parameters passed by keyword: Keras 2's, in order, and Keras 3 takes them
        // (under the row's new names).
        if !by_keyword.is_empty() {
            let names = &by_keyword;
            let keras2 = apis.tf_keras.signature(&format!("tf_keras.Model.{method}"));
            if keras2
                .is_none_or(|s| s.positional.iter().take(names.len()).map(String::as_str).ne(names.iter().copied()))
            {
                failures.push(format!(
                    "keras3_methods.tsv: {method}: {names:?} are not tf_keras.Model.{method}'s first parameters"
                ));
            }
            for (listing, model) in [(&apis.keras, "keras.Model"), (&apis.new, "tf.keras.Model")] {
                let sig = listing.signature(&format!("{model}.{target}"));
                for n in names.iter().map(|n| keras3_name(n)).filter(|n| n != "-") {
                    if !sig.as_ref().is_some_and(|s| s.keywords.contains(n.as_str())) {
                        failures.push(format!(
                            "keras3_methods.tsv: {method}: {model}.{method} has no keyword {n} ({})",
                            listing.file
                        ));
                    }
                }
            }
        }
        for (listing, model) in [(&apis.keras, "keras.Model"), (&apis.new, "tf.keras.Model")] {
            let m = format!("{model}.{target}");
            // A row with nothing but keywords to report keeps the method.
            let gone = replacement != "-" || (changes == "-" && manual.is_empty());
            if gone && listing.has(&format!("{model}.{method}")) {
                failures
                    .push(format!("keras3_methods.tsv: {method}: {model}.{method} still exists ({})", listing.file));
            }
            if replacement == "-" && changes == "-" && manual.is_empty() {
                continue; // removed without a replacement method
            }
            let Some(sig) = listing.signature(&m) else {
                failures.push(format!("keras3_methods.tsv: {method}: no method {m} in {}", listing.file));
                continue;
            };
            for name in manual.iter().filter(|n| sig.accepts(n)) {
                failures.push(format!(
                    "keras3_methods.tsv: {method}: {m} takes {name}=, listed as manual ({})",
                    listing.file
                ));
            }
            for change in changes.split(',').filter(|c| *c != "-") {
                let Some((old, new)) = change.split_once('>') else {
                    failures.push(format!("keras3_methods.tsv: {method}: bad keyword change {change:?}"));
                    continue;
                };
                if new == "-" && sig.keywords.contains(old) {
                    failures
                        .push(format!("keras3_methods.tsv: {method} {old}>-: {m} still has {old} ({})", listing.file));
                } else if new != "-" && !sig.accepts(new) {
                    failures
                        .push(format!("keras3_methods.tsv: {method} {old}>{new}: {m} has no {new} ({})", listing.file));
                }
            }
        }
    }
}

/// `keras3_removed.tsv` (generated by `tools/gen_keras3.py`): a keyword that Keras 2 (`tf_keras`)
/// takes and Keras 3 rejects (checked on keras 3 and on tf.keras 2.21, for module rows on the
/// classes `tf_keras` also has); `=` rows are keywords Keras 3 still takes; a rename's or a
/// template's new keyword is a Keras 3 parameter.
fn keras3_removed(apis: &Apis, failures: &mut Vec<String>) {
    let rows = table("keras3_removed.tsv");
    let class_rows: HashSet<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    // The callables a row speaks for in a listing whose names start with `prefix`: the key itself,
    // or for a module the classes directly in it (that tf_keras has too), but those with a row of
    // their own for the keyword.
    let governed = |listing: &Listing, prefix: &str, key: &str, kw: &str| -> Vec<String> {
        let spelled = format!("{prefix}{}", &key["keras".len()..]);
        match listing.get(&spelled).map(|e| e.kind.as_str()) {
            Some("module" | "namespace") => {
                let mut v: Vec<String> = listing
                    .entries
                    .iter()
                    .filter(|(n, e)| matches!(e.kind.as_str(), "class" | "function") && parent(n) == spelled)
                    .map(|(n, _)| n.clone())
                    .filter(|n| {
                        let own = format!("keras{}", &n[prefix.len()..]);
                        apis.tf_keras.has(&format!("tf_keras{}", &own["keras".len()..]))
                            && !class_rows.contains(&(own, kw.to_owned()))
                    })
                    .collect();
                v.sort();
                v
            }
            Some(_) => vec![spelled],
            None => Vec::new(),
        }
    };
    for row in &rows {
        let (key, old, action) = (&row[0], &row[1], &row[2]);
        let keras2 = governed(&apis.tf_keras, "tf_keras", key, old);
        if !keras2.iter().any(|c| apis.tf_keras.signature(c).is_some_and(|s| s.accepts(old))) {
            failures.push(format!("keras3_removed.tsv: {key} {old}: no tf_keras callable takes it"));
        }
        let new = match action.as_str() {
            "-" | "keras2" | "=" => None,
            t if t.contains("{}") => t.split('=').next(),
            new => Some(new),
        };
        for (listing, prefix) in [(&apis.keras, "keras"), (&apis.new, "tf.keras")] {
            for c in governed(listing, prefix, key, old) {
                let Some(sig) = listing.signature(&c) else { continue };
                let wrong = if action == "=" { !sig.accepts(old) } else { sig.keywords.contains(old.as_str()) };
                if wrong {
                    failures
                        .push(format!("keras3_removed.tsv: {key} {old} {action}: wrong for {c} ({})", listing.file));
                }
                if let Some(new) = new.filter(|n| !sig.accepts(n)) {
                    failures
                        .push(format!("keras3_removed.tsv: {key} {old} -> {new}: {c} has no {new} ({})", listing.file));
                }
            }
        }
    }
}

/// What a `native.tsv` keyword change writes for parameter `p`: its new name, or `None` when
/// dropped (`>-`) or without equivalent (`>!`).
fn renamed_to<'a>(renamed: &HashMap<&'a str, &'a str>, p: &'a str) -> Option<&'a str> {
    match renamed.get(p) {
        Some(new) if !matches!(*new, "-" | "!") => Some(*new),
        Some(_) => None,
        None => Some(p),
    }
}

/// `native.tsv`: the rewritten call keeps every other argument.  The positional column is the TF1
/// function's (2.15's tf.compat.v1) positional parameters; those before its `|` must land on the
/// same parameter of the TF2 target (after the row's renames), and `|` sits at the first one that
/// does not (the engine passes the rest by keyword).  Every parameter the row neither renames,
/// drops (`>-`) nor marks as having no equivalent (`>!`) must be a keyword of the target.  A layer
/// form applies the layer to `inputs` (and `training`).  TF1 signatures have no keyword-only
/// parameters (Python 2): those a listing shows come from base classes (`dynamic` of a Keras 2
/// Layer) and are not counted.  (Keras layers and optimizers validate their **kwargs: the
/// listings record the keywords they accept instead.)
#[test]
fn native_rewrites_keep_their_arguments() {
    let apis = Apis::load();
    let mut failures = Vec::new();
    for row in table("native.tsv") {
        let (source, target, form, changes, positional) = (&row[0], &row[1], &row[2], &row[3], &row[4]);
        let layer = form == "layer";
        let v1 = format!("tf.compat.v1.{}", &source[3..]);
        let (kept, rest) = positional.split_once('|').unwrap_or((positional, ""));
        let kept: Vec<&str> = kept.split(',').filter(|p| !p.is_empty()).collect();
        let listed: Vec<&str> = kept.iter().copied().chain(rest.split(',').filter(|p| !p.is_empty())).collect();
        let v1_positional: Vec<String> = if source.starts_with("tf.contrib.") {
            // No listing has tf.contrib: the row's own column stands for TF 1.15's signature.
            listed.iter().map(ToString::to_string).collect()
        } else if let Some(v1_sig) = apis.old.signature(&v1) {
            v1_sig.positional
        } else {
            failures.push(format!("native.tsv: {source}: no signature of {v1} in {}", apis.old.file));
            continue;
        };
        let listing = apis.tf_for(target);
        let Some(sig) = listing.signature(target) else {
            failures.push(format!("native.tsv: {source}: no signature of {target} in {}", listing.file));
            continue;
        };
        // old -> Some(new) renamed, Some("-") dropped, Some("!") no equivalent.
        let mut renamed: HashMap<&str, &str> = HashMap::new();
        for change in changes.split(',').filter(|c| *c != "-") {
            match change.split_once('>') {
                Some((old, new)) => renamed.insert(old, new),
                None => {
                    failures.push(format!("native.tsv: {source}: bad keyword change {change:?}"));
                    continue;
                }
            };
        }
        if listed != v1_positional.iter().map(String::as_str).collect::<Vec<_>>() {
            failures.push(format!("native.tsv: {source}: positional column is not {v1}'s {v1_positional:?}"));
            continue;
        }
        for (old, new) in &renamed {
            if matches!(*new, "-" | "!") {
                continue; // nothing written
            }
            if !sig.accepts(new) {
                failures.push(format!("native.tsv: {source} {old}>{new}: {target} has no {new}"));
            }
            if !v1_positional.iter().any(|p| p == old) {
                failures.push(format!("native.tsv: {source} {old}>{new}: {old} is not a parameter of {v1}"));
            }
        }
        let applied: &[&str] = if layer { &["inputs", "training"] } else { &[] };
        for p in &v1_positional {
            if applied.contains(&p.as_str()) || renamed.contains_key(p.as_str()) {
                continue;
            }
            if !sig.accepts(p) {
                failures.push(format!("native.tsv: {source}: keyword {p} is kept but {target} does not take it"));
            }
        }
        let offset = usize::from(layer);
        let lands = |i: usize| sig.positional.get(i - offset).map(String::as_str);
        for (i, p) in kept.iter().enumerate().skip(offset) {
            if lands(i) != renamed_to(&renamed, p) {
                failures.push(format!(
                    "native.tsv: {source}: positional argument {} ({p}) lands on {} of {target}",
                    i + 1,
                    lands(i).unwrap_or("nothing")
                ));
            }
        }
        if let Some(next) = listed.get(kept.len()).filter(|_| kept.len() >= offset)
            && renamed_to(&renamed, next).is_some()
            && lands(kept.len()) == renamed_to(&renamed, next)
        {
            failures.push(format!("native.tsv: {source}: {next} keeps its position too: move the `|` after it"));
        }
    }
    expect_known("native", failures);
}

// ------------------------------------------------------------------------------------------
// NumPy 2
// ------------------------------------------------------------------------------------------

/// `numpy2.tsv`: sorted unique keys, four columns, safe/review, and every replacement a `NumPy` 2
/// name (numpy listing) or a Python builtin/standard module.
#[test]
fn numpy2_targets_exist() {
    let apis = Apis::load();
    let text = read(NUMPY2_TABLE);
    let head = header(&text);
    assert!(head["source"].contains("numpy 2."), "{NUMPY2_TABLE}: {}", head["source"]);
    let rows = rows_of(NUMPY2_TABLE);
    assert_eq!(head.get("rows"), Some(&rows.len().to_string()), "{NUMPY2_TABLE}: '# rows:'");
    let mut failures = Vec::new();
    for pair in rows.windows(2) {
        assert!(pair[0][0] < pair[1][0], "{NUMPY2_TABLE}: not sorted/unique: {} then {}", pair[0][0], pair[1][0]);
    }
    for r in &rows {
        assert_eq!(r.len(), 4, "{NUMPY2_TABLE}: {r:?}");
        assert!(r[0].starts_with("numpy.") && matches!(r[2].as_str(), "safe" | "review"), "{NUMPY2_TABLE}: {r:?}");
        let repl = r[1].as_str();
        // `.item()`: a method of the first argument, an ndarray (the generator checked the method).
        let method = repl.starts_with('.') && repl.ends_with("()") && apis.numpy.has("numpy.ndarray");
        // `numpy.isin(ar1>element, …).ravel()`: a call of another shape (the generator checked the
        // parameters against both NumPys); its callee must be a NumPy 2 name.
        let reshaped =
            repl.starts_with("numpy.") && repl.split_once('(').is_some_and(|(callee, _)| apis.numpy.has(callee));
        let ok = repl == "-"
            || method
            || reshaped
            || PYTHON_NAMES.contains(&repl)
            || (repl.starts_with("numpy.") && apis.numpy.has(repl));
        if !ok {
            failures.push(format!("numpy2.tsv: {} -> {repl}: not in {}", r[0], apis.numpy.file));
        }
        if repl == "-" && r[2] == "safe" {
            failures.push(format!("numpy2.tsv: {}: safe without a replacement", r[0]));
        }
    }
    expect_known("numpy2", failures);
}

// ------------------------------------------------------------------------------------------
// Names in the Rust source
// ------------------------------------------------------------------------------------------

/// String literals of a Rust file (test modules and `tests.rs` files left out), each with its
/// byte offset.
fn string_literals(text: &str) -> Vec<(usize, String)> {
    let code = match text.find("\n#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = code[i + 2..].find("*/").map_or(bytes.len(), |j| i + 2 + j + 2);
            }
            b'\'' => {
                // A char literal ('x', '\n', '"') or a lifetime ('a).
                if bytes.get(i + 1) == Some(&b'\\') {
                    i = code[i + 2..].find('\'').map_or(bytes.len(), |j| i + 2 + j + 1);
                } else if let Some(c) = code[i + 1..].chars().next() {
                    let after = i + 1 + c.len_utf8();
                    i = if bytes.get(after) == Some(&b'\'') { after + 1 } else { i + 1 };
                } else {
                    i += 1;
                }
            }
            b'r' if (bytes.get(i + 1) == Some(&b'"') || bytes.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let hashes = bytes[i + 1..].iter().take_while(|c| **c == b'#').count();
                if bytes.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let start = i + 2 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = code[start..].find(&close).map_or(bytes.len(), |j| start + j);
                out.push((start, code[start..end].to_owned()));
                i = end + close.len();
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut s = String::new();
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        // Keep escapes out of names: an escaped character ends a name.
                        s.push(' ');
                        j += 2;
                        continue;
                    }
                    let c = code[j..].chars().next().unwrap();
                    s.push(c);
                    j += c.len_utf8();
                }
                out.push((start, s));
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

const ROOTS: &[&str] = &["tf", "tensorflow", "keras", "tf_keras", "tf_slim", "tensorflow_probability", "tfp"];

/// Dotted API names in a literal: (name, followed by `.{` — a format placeholder member).
fn dotted_names(literal: &str) -> Vec<(String, bool)> {
    let b = literal.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !ident(b[i]) || (i > 0 && (ident(b[i - 1]) || b[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let mut j = i;
        loop {
            while j < b.len() && ident(b[j]) {
                j += 1;
            }
            if j + 1 < b.len() && b[j] == b'.' && (b[j + 1].is_ascii_alphabetic() || b[j + 1] == b'_') {
                j += 1;
            } else {
                break;
            }
        }
        let name = &literal[i..j];
        if name.contains('.') && ROOTS.contains(&name.split('.').next().unwrap()) {
            let placeholder = literal[j..].starts_with(".{");
            out.push((name.to_owned(), placeholder));
        }
        i = j.max(i + 1);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") && p.file_stem().is_some_and(|s| s != "tests") {
            out.push(p);
        }
    }
}

/// Every TensorFlow/Keras/`tf_slim`/tfp dotted name in a string literal of the Rust source
/// (`SOURCE_DIR`, test code left out) names something real: a TF 2.21 name (either Keras mode),
/// a name of the package's listing, or — for the names the tool reads rather than writes — a
/// TF1 name (2.15's `tf.compat.v1`, a `tf.contrib` key of `contrib.tsv`, a `keras_modules.tsv` key).
/// `tf.image.ResizeMethod.{method}` is checked with every ALL-CAPS literal of its function.
#[test]
fn rust_literals_name_real_apis() {
    let apis = Apis::load();
    let contrib = keys("contrib.tsv");
    let keras2 = keys("keras_modules.tsv");
    let mut files = Vec::new();
    rust_files(&path(SOURCE_DIR), &mut files);
    let mut failures = BTreeSet::new();
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let rel = file.strip_prefix(path("")).unwrap_or(&file).display().to_string().replace('\\', "/");
        let literals = string_literals(&text);
        for (at, literal) in &literals {
            for (name, placeholder) in dotted_names(literal) {
                let mut names = vec![name.clone()];
                if placeholder {
                    let function_start = text[..*at].rfind("fn ").unwrap_or(0);
                    names.extend(
                        literals
                            .iter()
                            .filter(|(p, l)| {
                                *p >= function_start
                                    && p < at
                                    && !l.is_empty()
                                    && l.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                            })
                            .map(|(_, l)| format!("{name}.{l}")),
                    );
                }
                for n in names {
                    checked += 1;
                    let tf = n.strip_prefix("tensorflow.").map_or(n.clone(), |r| format!("tf.{r}"));
                    let written = match apis.listing_of(&n) {
                        Some((_, spelled)) if spelled.starts_with("tf.") => {
                            apis.new.has(&spelled) || apis.legacy.has(&spelled)
                        }
                        Some((listing, spelled)) => listing.has(&spelled),
                        None => false,
                    };
                    let read = tf.starts_with("tf.")
                        && (apis.old.has(&tf)
                            || apis.old.has(&tf.replacen("tf.", "tf.compat.v1.", 1))
                            || under(&tf, &contrib)
                            || tf == "tf.contrib");
                    let keras_read =
                        n.starts_with("keras.") && (under(&n, &keras2) || apis.old.has(&format!("tf.{n}")));
                    if !(written || read || keras_read) {
                        failures.insert(format!("{rel}: {n}"));
                    }
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} names checked");
    expect_known("literals", failures.into_iter().collect());
}

/// `keras_aliases.tsv` (generated by `tools/gen_keras_aliases.py` from Keras 2.2.4's source): each
/// alias is in neither Keras 2 in TensorFlow 2 (`tf_keras`) nor Keras 3, and the name it stood for,
/// in the same module, is in both (the rewrite names only what both have).
#[test]
fn keras_aliases_are_gone_and_their_targets_are_not() {
    let apis = Apis::load();
    let rows = table("keras_aliases.tsv");
    assert!(rows.len() >= 15, "keras_aliases.tsv: {} rows", rows.len());
    for r in &rows {
        let (alias, target) = (&r[0], &r[1]);
        let rest = |n: &str| n.strip_prefix("keras.").map_or_else(|| panic!("{n}: not keras.*"), str::to_owned);
        let (alias_rest, target_rest) = (rest(alias), rest(target));
        assert_eq!(
            alias_rest.rsplit_once('.').map(|p| p.0),
            target_rest.rsplit_once('.').map(|p| p.0),
            "{alias}: another module"
        );
        for (listing, prefix) in [(&apis.keras, "keras"), (&apis.tf_keras, "tf_keras")] {
            assert!(!listing.entries.contains_key(&format!("{prefix}.{alias_rest}")), "{alias} is in {}", listing.file);
            assert!(
                listing.entries.contains_key(&format!("{prefix}.{target_rest}")),
                "{target} is not in {}",
                listing.file
            );
        }
    }
}

/// `public_members.tsv` lists exactly the direct members, in the TensorFlow 2.15.1 listing, of
/// the tf.* modules `private.tsv`, `contrib.tsv` and `keras_modules.tsv` map a module to (what `tools/gen_public_members.py`
/// writes): a member missing from it would never be rewritten, an extra one would be written
/// although TensorFlow lacks it.
#[test]
fn public_members_match_the_listing() {
    let apis = Apis::load();
    let modules: BTreeSet<String> = ["private.tsv", "contrib.tsv", "keras_modules.tsv"]
        .into_iter()
        .flat_map(table)
        .map(|r| r[1].strip_prefix("tensorflow.").map_or_else(|| r[1].clone(), |rest| format!("tf.{rest}")))
        .filter(|t| t.starts_with("tf.") && apis.old.entries.get(t).is_some_and(|e| e.kind == "module"))
        .collect();
    assert!(
        modules.contains("tf.keras.utils") && modules.contains("tf.nest") && modules.contains("tf.data.experimental"),
        "{modules:?}"
    );
    let want: BTreeSet<&String> = apis
        .old
        .entries
        .keys()
        .filter(|n| {
            modules
                .iter()
                .any(|m| n.strip_prefix(m.as_str()).and_then(|r| r.strip_prefix('.')).is_some_and(|r| !r.contains('.')))
        })
        .collect();
    let got: BTreeSet<String> = keys("public_members.tsv").into_iter().collect();
    let got: BTreeSet<&String> = got.iter().collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "public_members.tsv is stale (run tools/gen_public_members.py): missing {missing:?}, extra {extra:?}"
    );
}
