//! The migration knowledge, loaded from the data files in `src/rules/data/`.
//!
//! DATA ONLY: the files are produced by `tools/gen_tables.py` from a real installed TensorFlow
//! (generated files) or written and documented by hand (curated files, marked as such in their
//! header). This module parses them once and answers look-ups; it holds no migration facts itself.

use foldhash::{HashMap, HashMapExt};
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

pub(crate) const RENAMES: DataFile = data_file!("renames.tsv");
pub(crate) const REORDERS: DataFile = data_file!("reorders.tsv");
pub(crate) const KEYWORDS: DataFile = data_file!("keywords.tsv");
pub(crate) const REMOVED: DataFile = data_file!("removed.tsv");
pub(crate) const NOTES: DataFile = data_file!("notes.tsv");
pub(crate) const CONTRIB: DataFile = data_file!("contrib.tsv");
pub(crate) const KERAS_MODULES: DataFile = data_file!("keras_modules.tsv");
pub(crate) const KERAS_ALIASES: DataFile = data_file!("keras_aliases.tsv");
pub(crate) const GRAPH_MODE: DataFile = data_file!("graph_mode.tsv");
pub(crate) const KERAS3_METHODS: DataFile = data_file!("keras3_methods.tsv");
pub(crate) const KERAS3_KEYWORDS: DataFile = data_file!("keras3_keywords.tsv");
pub(crate) const KERAS3_REMOVED: DataFile = data_file!("keras3_removed.tsv");
pub(crate) const NATIVE: DataFile = data_file!("native.tsv");
pub(crate) const LEGACY_KERAS: DataFile = data_file!("legacy_keras.tsv");
pub(crate) const PRIVATE: DataFile = data_file!("private.tsv");
pub(crate) const PRIVATE_MOVED: DataFile = data_file!("private_moved.tsv");
pub(crate) const PUBLIC_MEMBERS: DataFile = data_file!("public_members.tsv");
pub(crate) const NAMESPACES: DataFile = data_file!("namespaces.tsv");
pub(crate) const NUMPY2: DataFile = data_file!("numpy2.tsv");
pub(crate) const TF_REQUIRES: DataFile = data_file!("tf_requires.tsv");
pub(crate) const STDLIB: DataFile = data_file!("stdlib.tsv");
pub(crate) const CONSTANTS: DataFile = data_file!("constants.tsv");
pub(crate) const SUCCESSORS: DataFile = data_file!("successors.tsv");
pub(crate) const V2_ONLY: DataFile = data_file!("v2_only.tsv");

/// Every data file, for `tf2-migrate rules` and the table tests.
pub const ALL: &[&DataFile] = &[
    &RENAMES,
    &REORDERS,
    &KEYWORDS,
    &REMOVED,
    &NOTES,
    &CONTRIB,
    &KERAS_MODULES,
    &KERAS_ALIASES,
    &GRAPH_MODE,
    &KERAS3_METHODS,
    &KERAS3_KEYWORDS,
    &KERAS3_REMOVED,
    &NATIVE,
    &LEGACY_KERAS,
    &PRIVATE,
    &PRIVATE_MOVED,
    &PUBLIC_MEMBERS,
    &NAMESPACES,
    &NUMPY2,
    &TF_REQUIRES,
    &STDLIB,
    &CONSTANTS,
    &SUCCESSORS,
    &V2_ONLY,
];

impl DataFile {
    /// Data rows: tab-separated fields, skipping blank lines and `#` comments.
    pub fn rows(&self) -> impl Iterator<Item = Row> + use<> {
        let name = self.name;
        self.text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .map(move |(i, l)| Row { file: name, line: i + 1, fields: l.split('\t').map(str::trim).collect() })
    }

    /// The `# key: value` provenance lines of the header.
    pub(crate) fn provenance(&self) -> Vec<(&'static str, &'static str)> {
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

/// One data row, with where it is for error messages.
#[derive(Debug, Clone)]
pub struct Row {
    pub file: &'static str,
    /// 1-based line in the file.
    pub line: usize,
    pub fields: Vec<&'static str>,
}

/// A data row the engine cannot use. The tables are compiled in, so this is a defect of the
/// build, reported with the file and line by the first look-up (and by `cargo test`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("core/src/rules/data/{file}:{line}: {reason}")]
pub(crate) struct TableError {
    pub file: &'static str,
    pub line: usize,
    pub reason: String,
}

impl Row {
    /// Field `i`, or the empty string when the row is shorter.
    pub(crate) fn field(&self, i: usize) -> &'static str {
        self.fields.get(i).copied().unwrap_or("")
    }

    fn error(&self, reason: impl Into<String>) -> TableError {
        TableError { file: self.file, line: self.line, reason: reason.into() }
    }

    /// Field `i`, which must be one of `allowed`.
    fn choice(&self, i: usize, allowed: &[&str]) -> Result<&'static str, TableError> {
        let value = self.field(i);
        if allowed.contains(&value) {
            Ok(value)
        } else {
            Err(self.error(format!("field {} is {value:?}, not one of {allowed:?}", i + 1)))
        }
    }

    /// The row must have at least `n` fields, the first one non-empty.
    fn width(self, n: usize) -> Result<Self, TableError> {
        if self.fields.len() < n || self.field(0).is_empty() {
            return Err(self.error(format!("expected {n} tab-separated fields, found {}", self.fields.len())));
        }
        Ok(self)
    }

    /// Field `i` as a comma-separated list (`-` or empty: none).
    fn names(&self, i: usize) -> Vec<&'static str> {
        list(opt(self.field(i)).unwrap_or_default())
    }

    /// A list of `old>new` keyword changes (`new` is `-` for a removal; the field is `-` or empty
    /// for none).
    fn keyword_changes(&self, i: usize) -> Result<Vec<KeywordChange>, TableError> {
        self.names(i)
            .into_iter()
            .map(|pair| {
                let (old, new) = pair.split_once('>').ok_or_else(|| self.error(format!("{pair:?} is not old>new")))?;
                Ok(KeywordChange { old, new: opt(new) })
            })
            .collect()
    }
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
    /// The Keras 2 positional parameters, where Keras 3 takes them by keyword only or in another
    /// order.
    pub by_keyword: Vec<&'static str>,
    /// How many of `by_keyword` Keras 3 still takes at the same place (the names before a `|`
    /// in the column): positional arguments up to there stay as they are.
    pub keep_positional: usize,
    /// Keywords that neither TensorFlow 2's tf.keras nor Keras 3 takes and that no rewrite can
    /// drop without changing what the call means (`compile(target_tensors=)`): reported, with
    /// the row's guidance, for a person to port.
    pub manual: Vec<&'static str>,
}

impl MethodChange {
    /// A row of `keras3_methods.tsv`.
    fn read(r: &Row) -> Result<Self, TableError> {
        let column = opt(r.field(4)).unwrap_or_default();
        let (kept, moved) = column.split_once('|').unwrap_or(("", column));
        let mut by_keyword = list(kept);
        let keep_positional = by_keyword.len();
        by_keyword.extend(list(moved));
        Ok(Self {
            rename: opt(r.field(1)),
            keywords: r.keyword_changes(2)?,
            note: r.field(3),
            by_keyword,
            keep_positional,
            manual: r.names(5),
        })
    }
}

/// What becomes of a Keras 2 keyword argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KerasAction {
    /// Renamed.
    Rename(&'static str),
    /// Dropped (a possible change of behaviour).
    Drop,
    /// The whole argument rewritten from a template, `{}` standing for the old value
    /// (`input_shape=({},)`).
    Template(&'static str),
    /// No Keras 3 form keeps the meaning: the file needs Keras 2 (`tf_keras`).
    Keras2,
    /// Still taken (an exception to its module's row).
    Keep,
}

/// A keyword change of a Keras callable (or of every callable under a module prefix).
#[derive(Debug, Clone)]
pub struct KerasKeyword {
    pub keyword: &'static str,
    pub action: KerasAction,
    /// Literal values converted along (`dim_ordering='th'` is `data_format='channels_first'`).
    pub values: Vec<(&'static str, &'static str)>,
    /// Whether only Keras 3 needs the change (`keras3_removed.tsv`: Keras 2 takes the keyword).
    pub keras3_only: bool,
    pub note: &'static str,
}

/// An idiomatic TF2 replacement (`--strategy native`).
#[derive(Debug, Clone)]
pub struct NativeEntry {
    pub replacement: &'static str,
    /// The TF1 function builds a layer and applies it to its first argument.
    pub layer: bool,
    pub keywords: Vec<KeywordChange>,
    /// Keywords the replacement has no equivalent for: a call giving one has no native rewrite.
    pub blocking: Vec<&'static str>,
    /// The TF1 positional parameters, in order.
    pub positional: Vec<&'static str>,
    /// How many leading positional arguments keep their meaning at the same position of the
    /// replacement; the others are passed by keyword.
    pub kept: usize,
    pub note: &'static str,
}

/// A `NumPy` 1 name that `NumPy` 2 removed.
#[derive(Debug, Clone)]
pub struct Numpy2Entry {
    /// `numpy.X`, a builtin (`float`), a standard module (`math`), or `.item()` (a method of the
    /// first argument); `None`: no replacement.
    pub replacement: Option<&'static str>,
    /// The replacement is the same object (or behaves the same).
    pub safe: bool,
    pub note: &'static str,
}

/// A standard-library name (module, `module.attribute`, or `unittest.TestCase.method`) that
/// Python 3.7–3.13 removed.
#[derive(Debug, Clone)]
pub struct StdlibEntry {
    /// The full dotted name to write instead; `None`: guidance only.
    pub replacement: Option<&'static str>,
    /// The module that must be imported for the replacement (`collections.abc`).
    pub import: Option<&'static str>,
    /// The replacement is the same object, or a wrapper that only called it.
    pub safe: bool,
    /// The first Python release without the name.
    pub removed: &'static str,
    /// Test-case classes (qualified) that still define the alias themselves.
    pub kept: Vec<&'static str>,
    pub note: &'static str,
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
    /// Keras 2's compatibility aliases that `tf_keras` and Keras 3 both lack → the name each stood for.
    pub keras_aliases: HashMap<&'static str, &'static str>,
    pub graph_mode: HashMap<&'static str, &'static str>,
    pub keras3_methods: HashMap<&'static str, MethodChange>,
    pub keras3_keywords: HashMap<&'static str, Vec<KerasKeyword>>,
    pub native: HashMap<&'static str, NativeEntry>,
    pub legacy_keras: HashMap<&'static str, &'static str>,
    /// TF1 modules some of whose members TF 2 keeps only in `tf.compat.v1` (derived from
    /// `renames`): used as a value (`getattr(tf.train, name)`), such a module means the v1 one.
    pub v1_modules: foldhash::HashSet<&'static str>,
    /// `renames` keys that are TensorFlow 0.x names (kind `tf0`): tf.compat.v1 does not have them
    /// either, so even the compat strategy renames them.
    pub tf0: foldhash::HashSet<&'static str>,
    /// Private module path or member (`tf.python...`) → public replacement: curated rows, and
    /// members that moved out of their private module since TensorFlow 1.x (generated).
    pub private: HashMap<&'static str, &'static str>,
    /// Generated `private` keys whose public name has another last segment
    /// (`variable_scope.variable` → `tf.compat.v1.Variable`): the same object in the TensorFlow
    /// that generated the table, not proven the same in 1.x, so their rewrites are reviewed.
    pub private_renamed: foldhash::HashSet<&'static str>,
    /// The public members (TensorFlow 2.15.1) of the tf.* modules that `private`, `contrib` and
    /// `keras_modules` map a whole module to (`tf.keras.utils.to_categorical`), and those
    /// modules: a member its module lacks (`tf.python.keras.utils.tf_utils`,
    /// `tf.contrib.data.LMDBDataset`) has no public name.
    pub public_members: foldhash::HashSet<&'static str>,
    pub public_modules: foldhash::HashSet<&'static str>,
    /// Module paths reachable only as attributes → the importable module to write in
    /// `from … import` instead, if any.
    pub namespaces: HashMap<&'static str, Option<&'static str>>,
    pub numpy2: HashMap<&'static str, Numpy2Entry>,
    pub stdlib: HashMap<&'static str, StdlibEntry>,
    /// Constant of a removed API → its value as a Python literal.
    pub constants: HashMap<&'static str, &'static str>,
    /// TensorFlow 2 names (and modules) that tf.compat.v1 lacks → their kind.
    pub v2_only: HashMap<&'static str, &'static str>,
}

fn opt(s: &'static str) -> Option<&'static str> {
    (!s.is_empty() && s != "-").then_some(s)
}

fn list(s: &'static str) -> Vec<&'static str> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Rows of `file`, each checked to have `width` fields.
fn rows(file: &DataFile, width: usize) -> impl Iterator<Item = Result<Row, TableError>> + use<> {
    file.rows().map(move |r| r.width(width))
}

/// `key → value` from the first two fields.
fn pairs(file: &DataFile) -> Result<HashMap<&'static str, &'static str>, TableError> {
    rows(file, 2).map(|r| r.map(|r| (r.field(0), r.field(1)))).collect()
}

fn notes(file: &DataFile) -> Result<HashMap<&'static str, Note>, TableError> {
    rows(file, 3)
        .map(|r| {
            let r = r?;
            let severity = match r.choice(1, &["error", "warning", "info"])? {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                _ => Severity::Info,
            };
            Ok((r.field(0), Note { severity, message: r.field(2) }))
        })
        .collect()
}

fn native(file: &DataFile) -> Result<HashMap<&'static str, NativeEntry>, TableError> {
    rows(file, 6)
        .map(|r| {
            let r = r?;
            let layer = r.choice(2, &["layer", "call"])? == "layer";
            let (keywords, blocking): (Vec<KeywordChange>, Vec<KeywordChange>) =
                r.keyword_changes(3)?.into_iter().partition(|c| c.new != Some("!"));
            let (kept, rest) = r.field(4).split_once('|').unwrap_or((r.field(4), ""));
            let kept = list(kept);
            let positional: Vec<&str> = kept.iter().copied().chain(list(rest)).collect();
            let entry = NativeEntry {
                replacement: r.field(1),
                layer,
                keywords,
                blocking: blocking.into_iter().map(|c| c.old).collect(),
                kept: kept.len(),
                positional,
                note: r.field(5),
            };
            if entry.layer && entry.positional.first() != Some(&"inputs") {
                return Err(r.error("a layer form's first positional parameter must be `inputs`"));
            }
            Ok((r.field(0), entry))
        })
        .collect()
}

fn numpy2(file: &DataFile) -> Result<HashMap<&'static str, Numpy2Entry>, TableError> {
    rows(file, 4)
        .map(|r| {
            let r = r?;
            let safe = r.choice(2, &["safe", "review"])? == "safe";
            let replacement = opt(r.field(1));
            if replacement.is_none() && safe {
                return Err(r.error("a row without a replacement cannot be safe"));
            }
            Ok((r.field(0), Numpy2Entry { replacement, safe, note: r.field(3) }))
        })
        .collect()
}

fn stdlib(file: &DataFile) -> Result<HashMap<&'static str, StdlibEntry>, TableError> {
    rows(file, 7)
        .map(|r| {
            let r = r?;
            let (replacement, import) = (opt(r.field(1)), opt(r.field(2)));
            let safety = r.choice(3, &["safe", "review", "-"])?;
            if replacement.is_some() != (safety != "-") || replacement.is_some() != import.is_some() {
                return Err(r.error("a replacement needs its import and a safety; guidance rows have neither"));
            }
            if let (Some(rep), Some(module)) = (replacement, import)
                && !(rep == module || rep.starts_with(&format!("{module}.")))
            {
                return Err(r.error(format!("the replacement {rep} is not under its import {module}")));
            }
            let kept = r.names(5);
            let entry = StdlibEntry {
                replacement,
                import,
                safe: safety == "safe",
                removed: r.field(4),
                kept,
                note: r.field(6),
            };
            Ok((r.field(0), entry))
        })
        .collect()
}

/// `private.tsv` and the generated `private_moved.tsv` as one look-up (a curated row of the same
/// key wins), and the generated keys whose public name ends differently.
type PrivateTables = (HashMap<&'static str, &'static str>, foldhash::HashSet<&'static str>);

fn private() -> Result<PrivateTables, TableError> {
    let mut map = HashMap::new();
    let mut renamed = foldhash::HashSet::default();
    for r in rows(&PRIVATE_MOVED, 3) {
        let r = r?;
        let leaf = |s: &'static str| s.rsplit('.').next();
        if leaf(r.field(0)) != leaf(r.field(1)) {
            renamed.insert(r.field(0));
        }
        map.insert(r.field(0), r.field(1));
    }
    for r in rows(&PRIVATE, 3) {
        let r = r?;
        renamed.remove(r.field(0));
        map.insert(r.field(0), r.field(1));
    }
    // TensorFlow's private copy of Keras (`tensorflow.python.keras`, TensorFlow 1.x to 2.5) has
    // standalone Keras 2's layout: its modules and names go where `keras_modules.tsv` sends
    // Keras 2's (`tf.python.keras.layers.convolutional` → `tf.keras.layers`,
    // `tf.python.keras.engine.base_layer` → `tf.keras.layers`), unless a row above says otherwise.
    // Made once per process: the few dozen derived names are leaked to live as long as the tables.
    for r in rows(&KERAS_MODULES, 2) {
        let r = r?;
        let (Some(rest), Some(public)) = (r.field(0).strip_prefix("keras."), r.field(1).strip_prefix("tensorflow."))
        else {
            continue;
        };
        let key: &'static str = Box::leak(format!("tf.python.keras.{rest}").into_boxed_str());
        if map.contains_key(key) {
            continue;
        }
        let leaf = |s: &'static str| s.rsplit('.').next().unwrap_or(s);
        // A name (not a module) that tf.keras calls otherwise (`engine.Network` → `models.Model`).
        if leaf(key).starts_with(char::is_uppercase) && leaf(key) != leaf(public) {
            renamed.insert(key);
        }
        map.insert(key, Box::leak(format!("tf.{public}").into_boxed_str()));
    }
    Ok((map, renamed))
}

impl Tables {
    fn load() -> Result<Self, TableError> {
        let mut keywords: HashMap<&str, Vec<KeywordChange>> = HashMap::new();
        for r in rows(&KEYWORDS, 3) {
            let r = r?;
            keywords.entry(r.field(0)).or_default().push(KeywordChange { old: r.field(1), new: opt(r.field(2)) });
        }
        let mut keras3_keywords: HashMap<&str, Vec<KerasKeyword>> = HashMap::new();
        for r in rows(&KERAS3_KEYWORDS, 4) {
            let r = r?;
            let action = opt(r.field(2)).map_or(KerasAction::Drop, KerasAction::Rename);
            let values = list(r.field(4))
                .into_iter()
                .map(|pair| pair.split_once('>').ok_or_else(|| r.error(format!("{pair:?} is not old>new"))))
                .collect::<Result<_, _>>()?;
            let keyword = KerasKeyword { keyword: r.field(1), action, values, keras3_only: false, note: r.field(3) };
            keras3_keywords.entry(r.field(0)).or_default().push(keyword);
        }
        for r in rows(&KERAS3_REMOVED, 4) {
            let r = r?;
            let action = match r.field(2) {
                "-" => KerasAction::Drop,
                "keras2" => KerasAction::Keras2,
                "=" => KerasAction::Keep,
                t if t.contains("{}") => KerasAction::Template(t),
                new if new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => KerasAction::Rename(new),
                other => return Err(r.error(format!("unknown action {other:?}"))),
            };
            let keyword =
                KerasKeyword { keyword: r.field(1), action, values: Vec::new(), keras3_only: true, note: r.field(3) };
            keras3_keywords.entry(r.field(0)).or_default().push(keyword);
        }
        let mut keras3_methods = HashMap::new();
        for r in rows(&KERAS3_METHODS, 4) {
            let r = r?;
            keras3_methods.insert(r.field(0), MethodChange::read(&r)?);
        }
        let mut renames = HashMap::new();
        let mut tf0 = foldhash::HashSet::default();
        for r in rows(&RENAMES, 3) {
            let r = r?;
            if r.choice(2, &["v2", "compat", "curated", "tf0"])? == "tf0" {
                tf0.insert(r.field(0));
            }
            renames.insert(r.field(0), r.field(1));
        }
        let mut removed = HashMap::new();
        for r in rows(&REMOVED, 2) {
            let r = r?;
            r.field(1).parse::<crate::rules::TfVersion>().map_err(|e| r.error(e))?;
            removed.insert(r.field(0), r.field(1));
        }
        let mut contrib = HashMap::new();
        for r in rows(&CONTRIB, 4) {
            let r = r?;
            let entry = ContribEntry { replacement: opt(r.field(1)), package: opt(r.field(2)), note: r.field(3) };
            contrib.insert(r.field(0), entry);
        }
        let v1_modules = renames
            .iter()
            .filter_map(|(k, v): (&&'static str, &&'static str)| {
                let (parent, _) = k.rsplit_once('.')?;
                let moved = v.strip_prefix("tf.compat.v1.").is_some_and(|rest| k.strip_prefix("tf.") == Some(rest));
                (moved && parent != "tf" && !parent.starts_with("tf.keras")).then_some(parent)
            })
            .collect();
        let (private, private_renamed) = private()?;
        let reorders = rows(&REORDERS, 3)
            .map(|r| r.map(|r| (r.field(0), (list(r.field(1)), list(r.field(2))))))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            v1_modules,
            tf0,
            legacy_keras: pairs(&LEGACY_KERAS)?,
            private,
            private_renamed,
            public_members: PUBLIC_MEMBERS.rows().map(|r| r.field(0)).collect(),
            public_modules: PUBLIC_MEMBERS.rows().filter_map(|r| r.field(0).rsplit_once('.').map(|(m, _)| m)).collect(),
            numpy2: numpy2(&NUMPY2)?,
            stdlib: stdlib(&STDLIB)?,
            constants: pairs(&CONSTANTS)?,
            v2_only: pairs(&V2_ONLY)?,
            namespaces: rows(&NAMESPACES, 3)
                .map(|r| r.map(|r| (r.field(0), opt(r.field(1)))))
                .collect::<Result<_, _>>()?,
            native: native(&NATIVE)?,
            keras3_methods,
            keras3_keywords,
            renames,
            reorders,
            keywords,
            removed,
            notes: notes(&NOTES)?,
            contrib,
            keras_modules: pairs(&KERAS_MODULES)?,
            keras_aliases: pairs(&KERAS_ALIASES)?,
            graph_mode: pairs(&GRAPH_MODE)?,
        })
    }

    /// The longest prefix of `name` (at a dot boundary) present in `map`.
    pub(crate) fn longest_prefix<'m, V>(
        map: &'m HashMap<&'static str, V>,
        name: &str,
    ) -> Option<(&'static str, &'m V)> {
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
    TABLES.get_or_init(|| Tables::load().unwrap_or_else(|e| panic!("a built-in migration table is broken: {e}")))
}

/// What each recorded TensorFlow release requires of other packages: (release, package, PEP 440
/// spec), ordered by release. Apart from [`tables`]: dependency files are checked on every run,
/// and a run whose code files all come from the cache parses no other table.
pub fn tf_requires() -> &'static [(crate::rules::TfVersion, &'static str, &'static str)] {
    static ROWS: OnceLock<Vec<(crate::rules::TfVersion, &'static str, &'static str)>> = OnceLock::new();
    ROWS.get_or_init(|| {
        rows(&TF_REQUIRES, 3)
            .map(|r| {
                let r = r?;
                let version = r.field(0).parse().map_err(|e: String| r.error(e))?;
                Ok((version, r.field(1), r.field(2)))
            })
            .collect::<Result<_, TableError>>()
            .unwrap_or_else(|e| panic!("a built-in migration table is broken: {e}"))
    })
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
            (&KERAS_ALIASES, 2, true),
            (&GRAPH_MODE, 2, true),
            (&KERAS3_METHODS, 4, true),
            (&KERAS3_KEYWORDS, 4, false),
            (&KERAS3_REMOVED, 4, false),
            (&NATIVE, 6, true),
            (&LEGACY_KERAS, 2, true),
            (&PRIVATE, 3, true),
            (&PUBLIC_MEMBERS, 1, true),
            (&NAMESPACES, 3, true),
            (&NUMPY2, 4, true),
            (&STDLIB, 7, true),
            (&CONSTANTS, 2, true),
            (&V2_ONLY, 2, true),
        ];
        for (file, min_fields, unique_key) in widths {
            let rows: Vec<_> = file.rows().collect();
            assert!(!rows.is_empty(), "{} is empty", file.name);
            for r in &rows {
                assert!(r.fields.len() >= *min_fields, "{}: short row {r:?}", file.name);
                assert!(!r.field(0).is_empty(), "{}: empty key {r:?}", file.name);
            }
            let keys: Vec<String> = rows
                .iter()
                .map(|r| if *unique_key { r.field(0).to_owned() } else { format!("{}\t{}", r.field(0), r.field(1)) })
                .collect();
            for w in keys.windows(2) {
                assert!(w[0] < w[1], "{}: not sorted or duplicate: {:?} then {:?}", file.name, w[0], w[1]);
            }
            assert!(!file.provenance().is_empty(), "{}: no provenance header", file.name);
        }
    }

    #[test]
    fn the_built_in_tables_load() {
        if let Err(e) = Tables::load() {
            panic!("{e}");
        }
    }

    #[test]
    fn a_bad_row_fails_loudly_with_file_and_line() {
        let bad = DataFile { name: "notes.tsv", text: "# source: test\ntf.a\terror\tfine\ntf.b\tsevere\tbad\n" };
        let err = notes(&bad).expect_err("an unknown severity is an error");
        assert_eq!((err.file, err.line), ("notes.tsv", 3));
        assert!(err.to_string().contains("\"severe\""), "{err}");
        let short = DataFile { name: "native.tsv", text: "tf.x\ttf.y\n" };
        assert!(native(&short).is_err());
        let kind = DataFile { name: "native.tsv", text: "tf.x\ttf.y\tlayers\t\tinputs\tnote\n" };
        assert!(native(&kind).unwrap_err().reason.contains("layers"));
        let pair = DataFile { name: "native.tsv", text: "tf.x\ttf.y\tlayer\treuse\tinputs\tnote\n" };
        assert!(native(&pair).unwrap_err().reason.contains("old>new"));
        let inputs = DataFile { name: "native.tsv", text: "tf.x\ttf.y\tlayer\t-\tunits|name\tnote\n" };
        assert!(native(&inputs).unwrap_err().reason.contains("inputs"));
        let ok = DataFile { name: "native.tsv", text: "tf.x\ttf.y\tcall\ta>b,c>-,d>!\ta,b|d,c\tnote\n" };
        let entry = &native(&ok).unwrap()["tf.x"];
        assert_eq!(
            (entry.kept, entry.positional.as_slice(), entry.blocking.as_slice()),
            (2, &["a", "b", "d", "c"][..], &["d"][..])
        );
        assert_eq!(entry.keywords.len(), 2);
    }

    #[test]
    fn longest_prefix_stops_at_dots() {
        let t = tables();
        assert!(Tables::longest_prefix(&t.contrib, "tf.contrib.slim.fully_connected").is_some());
        assert!(Tables::longest_prefix(&t.contrib, "tf.contribx").is_none());
    }
}
