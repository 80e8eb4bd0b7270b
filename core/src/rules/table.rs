//! The migration knowledge, loaded from the data files in `src/rules/data/`.
//!
//! DATA ONLY: the files are produced by `tools/gen_tables.py` from a real installed TensorFlow
//! (generated files) or written and documented by hand (curated files, marked as such in their
//! header). This module parses them once and answers look-ups; it holds no migration facts itself.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::safety::Severity;

/// One data file: its name, for messages, and its embedded text.
#[derive(Debug)]
pub struct DataFile {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! data_file {
    ($name:literal) => {
        DataFile { name: $name, text: include_str!(concat!("data/", $name)) }
    };
}

pub const RENAMES: DataFile = data_file!("renames.tsv");
pub const REORDERS: DataFile = data_file!("reorders.tsv");
pub const KEYWORDS: DataFile = data_file!("keywords.tsv");
pub const REMOVED: DataFile = data_file!("removed.tsv");
pub const NOTES: DataFile = data_file!("notes.tsv");
pub const CONTRIB: DataFile = data_file!("contrib.tsv");
pub const KERAS_MODULES: DataFile = data_file!("keras_modules.tsv");
pub const GRAPH_MODE: DataFile = data_file!("graph_mode.tsv");
pub const KERAS3_METHODS: DataFile = data_file!("keras3_methods.tsv");
pub const KERAS3_KEYWORDS: DataFile = data_file!("keras3_keywords.tsv");
pub const NATIVE: DataFile = data_file!("native.tsv");
pub const LEGACY_KERAS: DataFile = data_file!("legacy_keras.tsv");
pub const PRIVATE: DataFile = data_file!("private.tsv");

/// Every data file, for `tf2-migrate rules` and the table tests.
pub const ALL: &[&DataFile] = &[
    &RENAMES,
    &REORDERS,
    &KEYWORDS,
    &REMOVED,
    &NOTES,
    &CONTRIB,
    &KERAS_MODULES,
    &GRAPH_MODE,
    &KERAS3_METHODS,
    &KERAS3_KEYWORDS,
    &NATIVE,
    &LEGACY_KERAS,
    &PRIVATE,
];

impl DataFile {
    /// Data rows: tab-separated fields, skipping blank lines and `#` comments.
    pub fn rows(&self) -> impl Iterator<Item = Vec<&'static str>> {
        self.text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| l.split('\t').map(str::trim).collect())
    }

    /// The `# key: value` provenance lines of the header.
    pub fn provenance(&self) -> Vec<(&'static str, &'static str)> {
        self.text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .filter_map(|l| l.trim_start_matches('#').trim().split_once(": "))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.rows().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn field<'a>(row: &[&'a str], i: usize) -> &'a str {
    row.get(i).copied().unwrap_or("")
}

/// A keyword argument change for one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordChange {
    pub old: &'static str,
    /// `None`: the argument was removed.
    pub new: Option<&'static str>,
}

/// A guidance note on a symbol or a prefix of symbols.
#[derive(Debug, Clone)]
pub struct Note {
    pub severity: Severity,
    pub message: &'static str,
}

/// A `tf.contrib` module and what replaces it.
#[derive(Debug, Clone)]
pub struct ContribEntry {
    /// Module path to use instead (`tf_slim`, `tensorflow_probability.distributions`, `tf.compat.v1.nn.rnn_cell`), if any.
    pub replacement: Option<&'static str>,
    /// The package to install, if the replacement lives outside TensorFlow.
    pub package: Option<&'static str>,
    pub note: &'static str,
}

/// A Keras 2 model method that Keras 3 renamed or whose keywords changed.
#[derive(Debug, Clone)]
pub struct MethodChange {
    /// The method to call instead, if renamed.
    pub rename: Option<&'static str>,
    pub keywords: Vec<KeywordChange>,
    pub note: &'static str,
}

/// A keyword change of a Keras callable (or of every callable under a module prefix).
#[derive(Debug, Clone)]
pub struct KerasKeyword {
    pub change: KeywordChange,
    pub note: &'static str,
}

/// An idiomatic TF2 replacement (`--strategy native`).
#[derive(Debug, Clone)]
pub struct NativeEntry {
    pub replacement: &'static str,
    /// The TF1 function builds a layer and applies it to its first argument.
    pub layer: bool,
    pub keywords: Vec<KeywordChange>,
    pub note: &'static str,
}

fn keyword_changes(s: &'static str) -> Vec<KeywordChange> {
    list(s)
        .into_iter()
        .filter_map(|pair| pair.split_once('>'))
        .map(|(old, new)| KeywordChange { old, new: opt(new) })
        .collect()
}

/// All tables, parsed.
pub struct Tables {
    pub renames: HashMap<&'static str, &'static str>,
    /// Function → v1 positional parameter order, where TF2 changed it.
    pub reorders: HashMap<&'static str, (Vec<&'static str>, Vec<&'static str>)>,
    pub keywords: HashMap<&'static str, Vec<KeywordChange>>,
    /// Symbol → TF version that removed it.
    pub removed: HashMap<&'static str, &'static str>,
    pub notes: HashMap<&'static str, Note>,
    pub contrib: HashMap<&'static str, ContribEntry>,
    pub keras_modules: HashMap<&'static str, &'static str>,
    pub graph_mode: HashMap<&'static str, &'static str>,
    pub keras3_methods: HashMap<&'static str, MethodChange>,
    pub keras3_keywords: HashMap<&'static str, Vec<KerasKeyword>>,
    pub native: HashMap<&'static str, NativeEntry>,
    pub legacy_keras: HashMap<&'static str, &'static str>,
    /// Private module path (`tf.python...`) → public replacement.
    pub private: HashMap<&'static str, &'static str>,
}

fn opt(s: &'static str) -> Option<&'static str> {
    (!s.is_empty() && s != "-").then_some(s)
}

fn list(s: &'static str) -> Vec<&'static str> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty()).collect()
}

pub fn severity(s: &str) -> Severity {
    match s {
        "error" => Severity::Error,
        "info" => Severity::Info,
        _ => Severity::Warning,
    }
}

impl Tables {
    fn load() -> Self {
        let mut keywords: HashMap<&str, Vec<KeywordChange>> = HashMap::new();
        for r in KEYWORDS.rows() {
            keywords.entry(field(&r, 0)).or_default().push(KeywordChange { old: field(&r, 1), new: opt(field(&r, 2)) });
        }
        let mut keras3_keywords: HashMap<&str, Vec<KerasKeyword>> = HashMap::new();
        for r in KERAS3_KEYWORDS.rows() {
            let change = KeywordChange { old: field(&r, 1), new: opt(field(&r, 2)) };
            keras3_keywords.entry(field(&r, 0)).or_default().push(KerasKeyword { change, note: field(&r, 3) });
        }
        let keras3_methods = KERAS3_METHODS
            .rows()
            .map(|r| {
                let keywords = keyword_changes(field(&r, 2));
                (field(&r, 0), MethodChange { rename: opt(field(&r, 1)), keywords, note: field(&r, 3) })
            })
            .collect();
        let native = NATIVE
            .rows()
            .map(|r| {
                let entry = NativeEntry {
                    replacement: field(&r, 1),
                    layer: field(&r, 2) == "layer",
                    keywords: keyword_changes(field(&r, 3)),
                    note: field(&r, 4),
                };
                (field(&r, 0), entry)
            })
            .collect();
        Self {
            legacy_keras: LEGACY_KERAS.rows().map(|r| (field(&r, 0), field(&r, 1))).collect(),
            private: PRIVATE.rows().map(|r| (field(&r, 0), field(&r, 1))).collect(),
            native,
            keras3_methods,
            keras3_keywords,
            renames: RENAMES.rows().map(|r| (field(&r, 0), field(&r, 1))).collect(),
            reorders: REORDERS.rows().map(|r| (field(&r, 0), (list(field(&r, 1)), list(field(&r, 2))))).collect(),
            keywords,
            removed: REMOVED.rows().map(|r| (field(&r, 0), field(&r, 1))).collect(),
            notes: NOTES
                .rows()
                .map(|r| (field(&r, 0), Note { severity: severity(field(&r, 1)), message: field(&r, 2) }))
                .collect(),
            contrib: CONTRIB
                .rows()
                .map(|r| {
                    let entry =
                        ContribEntry { replacement: opt(field(&r, 1)), package: opt(field(&r, 2)), note: field(&r, 3) };
                    (field(&r, 0), entry)
                })
                .collect(),
            keras_modules: KERAS_MODULES.rows().map(|r| (field(&r, 0), field(&r, 1))).collect(),
            graph_mode: GRAPH_MODE.rows().map(|r| (field(&r, 0), field(&r, 1))).collect(),
        }
    }

    /// The longest prefix of `name` (at a dot boundary) present in `map`.
    pub fn longest_prefix<'m, V>(map: &'m HashMap<&'static str, V>, name: &str) -> Option<(&'static str, &'m V)> {
        let mut end = name.len();
        loop {
            if let Some((k, v)) = map.get_key_value(&name[..end]) {
                return Some((k, v));
            }
            end = name[..end].rfind('.')?;
        }
    }
}

/// The tables, parsed on first use.
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(Tables::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_sorted_unique_and_well_formed() {
        let widths: &[(&DataFile, usize, bool)] = &[
            (&RENAMES, 2, true),
            (&REORDERS, 3, true),
            (&KEYWORDS, 3, false),
            (&REMOVED, 2, true),
            (&NOTES, 3, true),
            (&CONTRIB, 4, true),
            (&KERAS_MODULES, 2, true),
            (&GRAPH_MODE, 2, true),
            (&KERAS3_METHODS, 4, true),
            (&KERAS3_KEYWORDS, 4, false),
            (&NATIVE, 5, true),
            (&LEGACY_KERAS, 2, true),
            (&PRIVATE, 3, true),
        ];
        for (file, min_fields, unique_key) in widths {
            let rows: Vec<_> = file.rows().collect();
            assert!(!rows.is_empty(), "{} is empty", file.name);
            for r in &rows {
                assert!(r.len() >= *min_fields, "{}: short row {r:?}", file.name);
                assert!(!r[0].is_empty(), "{}: empty key {r:?}", file.name);
            }
            let keys: Vec<String> = rows
                .iter()
                .map(|r| if *unique_key { r[0].to_owned() } else { format!("{}\t{}", r[0], r[1]) })
                .collect();
            for w in keys.windows(2) {
                assert!(w[0] < w[1], "{}: not sorted or duplicate: {:?} then {:?}", file.name, w[0], w[1]);
            }
            assert!(!file.provenance().is_empty(), "{}: no provenance header", file.name);
        }
    }

    #[test]
    fn longest_prefix_stops_at_dots() {
        let t = tables();
        assert!(Tables::longest_prefix(&t.contrib, "tf.contrib.slim.fully_connected").is_some());
        assert!(Tables::longest_prefix(&t.contrib, "tf.contribx").is_none());
    }
}
