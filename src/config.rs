//! Settings from the configuration file, merged with the command line: `[tool.tf2-migrate]` in
//! the nearest `pyproject.toml` that has one, or a `tf2-migrate.toml` (its keys at the top
//! level), found from the first path upwards. Command-line flags win; every value remembers
//! where it came from, for `tf2-migrate config`. Unknown keys and bad values are errors that
//! name the file and line.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Deserialize;
use toml::Spanned;

use tf2_migrate_core::pipeline::{PathSettings, RuleFilter, Settings};
use tf2_migrate_core::rules::{Options, Strategy, TfVersion};
use tf2_migrate_core::scan::ScanOptions;

use crate::cli::CommonArgs;

/// The file of settings without a `[tool.…]` table around them.
pub const OWN_FILE: &str = "tf2-migrate.toml";
/// The Python project file whose `[tool.tf2-migrate]` table holds the settings.
pub const PYPROJECT: &str = "pyproject.toml";

/// The keys of `[tool.tf2-migrate]` (and of `tf2-migrate.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    select: Option<Spanned<Vec<String>>>,
    ignore: Option<Spanned<Vec<String>>>,
    strategy: Option<Spanned<String>>,
    target_tf: Option<Spanned<String>>,
    exclude: Option<Spanned<Vec<String>>>,
    /// `[[tool.tf2-migrate.per-path]]` tables: other rule settings for the files `paths` match.
    #[serde(default)]
    per_path: Vec<Spanned<PathConfig>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PathConfig {
    paths: Spanned<Vec<String>>,
    select: Option<Spanned<Vec<String>>>,
    ignore: Option<Spanned<Vec<String>>>,
    strategy: Option<Spanned<String>>,
    target_tf: Option<Spanned<String>>,
}

/// A `pyproject.toml`, as far as we read it (other tables are someone else's).
#[derive(Debug, Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Debug, Deserialize)]
struct Tool {
    #[serde(rename = "tf2-migrate")]
    tf2_migrate: Option<FileConfig>,
}

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    /// The command-line flag.
    Flag(&'static str),
    /// A line of the configuration file.
    File {
        path: PathBuf,
        line: usize,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::Flag(flag) => f.write_str(flag),
            Self::File { path, line } => write!(f, "{}:{line}", path.display()),
        }
    }
}

/// A setting and where it came from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The rule settings of the files some globs match.
#[derive(Debug, Clone)]
pub struct PathEntry {
    pub paths: Vec<String>,
    pub select: Option<Setting<Vec<String>>>,
    pub ignore: Option<Setting<Vec<String>>>,
    pub strategy: Option<Setting<Strategy>>,
    pub target_tf: Option<Setting<TfVersion>>,
    pub source: Source,
}

/// The settings in effect.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
    pub strategy: Setting<Strategy>,
    pub target_tf: Setting<TfVersion>,
    pub select: Setting<Vec<String>>,
    pub ignore: Setting<Vec<String>>,
    pub exclude: Setting<Vec<String>>,
    pub per_path: Vec<PathEntry>,
    /// The folder per-path globs are relative to (the configuration file's).
    base: PathBuf,
}

/// The nearest configuration file at or above `start`: a `tf2-migrate.toml`, or a
/// `pyproject.toml` with a `[tool.tf2-migrate]` table (one without is passed over).
pub fn find(start: &Path) -> Result<Option<(PathBuf, String)>> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let first = if start.is_file() { start.parent().map(Path::to_path_buf) } else { Some(start) };
    for dir in first.iter().flat_map(|d| d.ancestors()) {
        for name in [OWN_FILE, PYPROJECT] {
            let path = dir.join(name);
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
                    continue;
                }
                Err(e) => bail!("{}: cannot read: {e}", path.display()),
            };
            if name == OWN_FILE || has_our_table(&text) {
                return Ok(Some((path, text)));
            }
        }
    }
    Ok(None)
}

/// Whether a pyproject.toml has a `[tool.tf2-migrate]` table (a file that does not parse is
/// passed over here and reported if it is the one read).
fn has_our_table(text: &str) -> bool {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| t.get("tool").and_then(|t| t.get("tf2-migrate")).map(|_| ()))
        .is_some()
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |t| t.matches('\n').count() + 1)
}

/// Parse a configuration file's text.
fn parse(path: &Path, text: &str) -> Result<FileConfig> {
    let is_pyproject = path.file_name().is_some_and(|n| n == PYPROJECT);
    let parsed = if is_pyproject {
        toml::from_str::<Pyproject>(text).map(|p| p.tool.and_then(|t| t.tf2_migrate).unwrap_or_default())
    } else {
        toml::from_str::<FileConfig>(text)
    };
    parsed.map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        anyhow::anyhow!("{}:{line}: {}", path.display(), e.message().trim_end())
    })
}

impl Resolved {
    /// The settings for a command: the configuration file found from the first path, under the
    /// command-line flags.
    pub fn new(common: &CommonArgs) -> Result<Self> {
        let start = common.paths.first().map_or_else(|| PathBuf::from("."), Clone::clone);
        match find(&start)? {
            Some((path, text)) => Self::from_file(common, &path, &text),
            None => Ok(Self::merge(common, &FileConfig::default(), None, "")),
        }
    }

    fn from_file(common: &CommonArgs, path: &Path, text: &str) -> Result<Self> {
        let config = parse(path, text)?;
        let resolved = Self::merge(common, &config, Some(path), text);
        resolved.validate()?;
        Ok(resolved)
    }

    fn merge(common: &CommonArgs, config: &FileConfig, path: Option<&Path>, text: &str) -> Self {
        let at = |span: std::ops::Range<usize>| Source::File {
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            line: line_of(text, span.start),
        };
        // Flags win over the file, the file over the defaults. Bad values in the file are kept
        // as text here and reported by `validate` with their line.
        let strategy = match (common.strategy, &config.strategy) {
            (Some(s), _) => Setting { value: s, source: Source::Flag("--strategy") },
            (None, Some(s)) => Setting { value: s.get_ref().parse().unwrap_or_default(), source: at(s.span()) },
            (None, None) => Setting { value: Strategy::default(), source: Source::Default },
        };
        let target_tf = match (common.target_tf, &config.target_tf) {
            (Some(t), _) => Setting { value: t, source: Source::Flag("--target-tf") },
            (None, Some(t)) => {
                Setting { value: t.get_ref().parse().unwrap_or(TfVersion::NEWEST), source: at(t.span()) }
            }
            (None, None) => Setting { value: TfVersion::NEWEST, source: Source::Default },
        };
        let list = |flag: &'static str, given: &[String], file: &Option<Spanned<Vec<String>>>| match file {
            _ if !given.is_empty() => Setting { value: given.to_vec(), source: Source::Flag(flag) },
            Some(v) => Setting { value: v.get_ref().clone(), source: at(v.span()) },
            None => Setting { value: Vec::new(), source: Source::Default },
        };
        let select = list("--select", &common.select, &config.select);
        let ignore = list("--ignore", &common.ignore, &config.ignore);
        let exclude = list("--exclude", &common.exclude, &config.exclude);
        let optional = |v: &Option<Spanned<Vec<String>>>| {
            v.as_ref().map(|v| Setting { value: v.get_ref().clone(), source: at(v.span()) })
        };
        let per_path = config
            .per_path
            .iter()
            .map(|entry| {
                let e = entry.get_ref();
                PathEntry {
                    paths: e.paths.get_ref().clone(),
                    select: optional(&e.select),
                    ignore: optional(&e.ignore),
                    strategy: e
                        .strategy
                        .as_ref()
                        .map(|s| Setting { value: s.get_ref().parse().unwrap_or_default(), source: at(s.span()) }),
                    target_tf: e.target_tf.as_ref().map(|t| Setting {
                        value: t.get_ref().parse().unwrap_or(TfVersion::NEWEST),
                        source: at(t.span()),
                    }),
                    source: at(entry.span()),
                }
            })
            .collect();
        let base = path.and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
        let base = std::path::absolute(&base).unwrap_or(base);
        Self { file: path.map(Path::to_path_buf), strategy, target_tf, select, ignore, exclude, per_path, base }
    }

    /// Check what came from the file: every value parses, every rule and glob is known.
    fn validate(&self) -> Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let config = parse(file, &text)?;
        let err = |span: std::ops::Range<usize>, msg: String| {
            anyhow::anyhow!("{}:{}: {msg}", file.display(), line_of(&text, span.start))
        };
        let strategy = |s: &Spanned<String>| {
            s.get_ref().parse::<Strategy>().map(|_| ()).map_err(|e| err(s.span(), format!("strategy: {e}")))
        };
        let target = |t: &Spanned<String>| {
            t.get_ref().parse::<TfVersion>().map(|_| ()).map_err(|e| err(t.span(), format!("target-tf: {e}")))
        };
        let rules = |key: &str, v: &Spanned<Vec<String>>| {
            RuleFilter::new(v.get_ref(), &[]).map(|_| ()).map_err(|unknown| {
                err(v.span(), format!("{key}: unknown rule {} (see `tf2-migrate rules`)", unknown.join(", ")))
            })
        };
        config.strategy.as_ref().map_or(Ok(()), strategy)?;
        config.target_tf.as_ref().map_or(Ok(()), target)?;
        config.select.as_ref().map_or(Ok(()), |v| rules("select", v))?;
        config.ignore.as_ref().map_or(Ok(()), |v| rules("ignore", v))?;
        if let Some(v) = &config.exclude {
            tf2_migrate_core::scan::check_excludes(v.get_ref())
                .map_err(|e| err(v.span(), e.replacen("--exclude", "exclude", 1)))?;
        }
        for entry in &config.per_path {
            let e = entry.get_ref();
            e.strategy.as_ref().map_or(Ok(()), strategy)?;
            e.target_tf.as_ref().map_or(Ok(()), target)?;
            e.select.as_ref().map_or(Ok(()), |v| rules("select", v))?;
            e.ignore.as_ref().map_or(Ok(()), |v| rules("ignore", v))?;
            if e.paths.get_ref().is_empty() {
                return Err(err(e.paths.span(), "per-path: `paths` names no glob".to_owned()));
            }
            PathSettings::new(&self.base, e.paths.get_ref(), Options::default(), RuleFilter::default())
                .map_err(|m| err(e.paths.span(), format!("per-path: {m}")))?;
        }
        Ok(())
    }

    /// The pipeline's settings.
    pub fn settings(&self, common: &CommonArgs) -> Result<Settings> {
        tf2_migrate_core::scan::check_excludes(&self.exclude.value).map_err(anyhow::Error::msg)?;
        let filter = |select: &[String], ignore: &[String]| {
            RuleFilter::new(select, ignore)
                .map_err(|unknown| anyhow::anyhow!("unknown rule {} (see `tf2-migrate rules`)", unknown.join(", ")))
        };
        let flag = |s: &Source| matches!(s, Source::Flag(_));
        let mut per_path = Vec::new();
        for e in &self.per_path {
            // A flag given on the command line wins over a per-path value too.
            let pick = |top: &Setting<Vec<String>>, own: &Option<Setting<Vec<String>>>| match own {
                Some(own) if !flag(&top.source) => own.value.clone(),
                _ => top.value.clone(),
            };
            let strategy = match &e.strategy {
                Some(s) if !flag(&self.strategy.source) => s.value,
                _ => self.strategy.value,
            };
            let target = match &e.target_tf {
                Some(t) if !flag(&self.target_tf.source) => t.value,
                _ => self.target_tf.value,
            };
            let rules = Options { strategy, target, ..Options::default() };
            let own = filter(&pick(&self.select, &e.select), &pick(&self.ignore, &e.ignore))?;
            per_path.push(PathSettings::new(&self.base, &e.paths, rules, own).map_err(anyhow::Error::msg)?);
        }
        Ok(Settings {
            scan: ScanOptions {
                exclude: self.exclude.value.clone(),
                max_file_size: common.max_file_size,
                respect_ignore: !common.no_ignore,
                prefilter: !common.no_prefilter,
            },
            rules: Options { strategy: self.strategy.value, target: self.target_tf.value, ..Options::default() },
            filter: filter(&self.select.value, &self.ignore.value)?,
            per_path,
            cache: self.cache_dir(common),
        })
    }

    /// Where the content cache lives: `$TF2_MIGRATE_CACHE_DIR`, else `.tf2-migrate-cache` beside
    /// the configuration file or in the current folder, else (that folder is read-only)
    /// `$XDG_CACHE_HOME/tf2-migrate/<digest of the folder>`; none with `--no-cache`.
    fn cache_dir(&self, common: &CommonArgs) -> Option<PathBuf> {
        if common.no_cache {
            return None;
        }
        if let Some(dir) = std::env::var_os("TF2_MIGRATE_CACHE_DIR").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        let root = match &self.file {
            Some(_) => self.base.clone(),
            None => std::env::current_dir().ok()?,
        };
        let own = root.join(tf2_migrate_core::cache::DIR_NAME);
        match std::fs::create_dir(&own) {
            Ok(()) => Some(own),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Some(own),
            Err(_) => {
                let home = std::env::var_os("XDG_CACHE_HOME")
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
                let digest = tf2_migrate_core::cache::path_digest(&root);
                Some(home.join("tf2-migrate").join(format!("{digest:016x}")))
            }
        }
    }

    /// `tf2-migrate config`: the settings in effect and where each came from.
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        match &self.file {
            Some(f) => {
                let table = if f.file_name().is_some_and(|n| n == PYPROJECT) { " [tool.tf2-migrate]" } else { "" };
                let _ = writeln!(out, "configuration file: {}{table}", f.display());
            }
            None => {
                let _ = writeln!(out, "configuration file: none ({PYPROJECT} with [tool.tf2-migrate], or {OWN_FILE})");
            }
        }
        let list = |v: &[String], empty: &str| if v.is_empty() { empty.to_owned() } else { v.join(", ") };
        let mut row = |key: &str, value: String, source: &Source| {
            let _ = writeln!(out, "{key:<10} {value:<24} {source}");
        };
        row("strategy", self.strategy.value.to_string(), &self.strategy.source);
        row("target-tf", self.target_tf.value.to_string(), &self.target_tf.source);
        row("select", list(&self.select.value, "(every rule)"), &self.select.source);
        row("ignore", list(&self.ignore.value, "(none)"), &self.ignore.source);
        row("exclude", list(&self.exclude.value, "(none)"), &self.exclude.source);
        for e in &self.per_path {
            let _ = writeln!(out, "per-path   {:<24} {}", e.paths.join(", "), e.source);
            let mut sub = |key: &str, value: String, source: &Source| {
                let _ = writeln!(out, "  {key:<8} {value:<24} {source}");
            };
            if let Some(s) = &e.strategy {
                sub("strategy", s.value.to_string(), &s.source);
            }
            if let Some(t) = &e.target_tf {
                sub("target-tf", t.value.to_string(), &t.source);
            }
            if let Some(s) = &e.select {
                sub("select", list(&s.value, "(every rule)"), &s.source);
            }
            if let Some(i) = &e.ignore {
                sub("ignore", list(&i.value, "(none)"), &i.source);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }

    #[test]
    fn unknown_keys_name_the_line() {
        let text = "[project]\nname = \"x\"\n\n[tool.tf2-migrate]\nstrategy = \"compat\"\nselcet = [\"compat-v1\"]\n";
        let e = parse(Path::new("pyproject.toml"), text).unwrap_err().to_string();
        assert!(e.starts_with("pyproject.toml:6: unknown field `selcet`"), "{e}");
        let e = parse(Path::new("tf2-migrate.toml"), "[per-path]\n").unwrap_err().to_string();
        assert!(e.starts_with("tf2-migrate.toml:1:"), "{e}");
    }

    #[test]
    fn other_tools_tables_are_not_ours() {
        assert!(!has_our_table("[tool.ruff]\nselect = [\"E\"]\n"));
        assert!(has_our_table("[tool.tf2-migrate]\n"));
        let c = parse(Path::new("pyproject.toml"), "[tool.ruff]\nselcet = 1\n").unwrap();
        assert!(c.select.is_none());
    }
}
