//! The content cache: per file, what its last analysis found, keyed by the file's text, the build
//! of the tool, the rule tables and every option that changes results. A run over an unchanged
//! tree then parses nothing.
//!
//! The cache is only ever a hint. A file that is corrupt, written by another build or for other
//! options is ignored (and rewritten at the end of the run), never trusted; it is written to a
//! temporary file and renamed, so concurrent runs cannot leave a torn one. `apply` and the review
//! still read every file they write and check it against the text they planned on.

use std::collections::HashMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::{Deserialize, Serialize};

use crate::fix::Finding;
use crate::plan::{FilePlan, Hunk};
use crate::source::{Blocker, Encoding};

/// The cache folder's name, created in the project (with a `.gitignore` of its own).
pub const DIR_NAME: &str = ".tf2-migrate-cache";
const FILE_NAME: &str = "files.json";
/// Bumped when the stored layout changes.
const FORMAT: u32 = 3;
/// Temporary files of a write that never finished (the process was killed between creating and
/// renaming one) older than this are removed by the next write; a concurrent run's are younger.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(600);

/// What the analysis of one file found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// A 64-bit hash of the decoded text and its encoding, and the text's length.
    hash: u64,
    len: usize,
    pub findings: Vec<Finding>,
    /// The hunks grouped from them (empty for a notebook, whose plan regroups).
    pub hunks: Vec<Hunk>,
    pub parsed_cleanly: bool,
    pub blocker: Option<Blocker>,
    pub lines: usize,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    /// The build, tables and options the entries were made with.
    key: String,
    entries: HashMap<String, Entry>,
}

/// The cache of one run: the entries read at the start, and those made during the run.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    key: String,
    old: HashMap<String, Entry>,
    new: Mutex<HashMap<String, Entry>>,
}

impl Cache {
    /// Read the cache in `dir` made with `options_digest` (the options that change results), or
    /// start an empty one when there is none, it is unreadable, or it was made otherwise.
    pub fn open(dir: &Path, options_digest: u64) -> Self {
        let key = format!("{FORMAT}-{}-{:016x}-{options_digest:016x}", build_id(), tables_digest());
        let old = fs::read(dir.join(FILE_NAME))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.format == FORMAT && s.key == key)
            .map(|s| s.entries)
            .unwrap_or_default();
        Self { dir: dir.to_path_buf(), key, old, new: Mutex::new(HashMap::new()) }
    }

    /// The stored analysis of the file `id` if its text is still `text`.
    pub(crate) fn get(&self, id: &str, text: &str, encoding: Encoding) -> Option<Entry> {
        let entry = self.old.get(id)?;
        (entry.len == text.len() && entry.hash == content_hash(text, encoding)).then(|| entry.clone())
    }

    /// Remember the analysis of the file `id`, whose text is `text`.
    pub(crate) fn put(&self, id: String, text: &str, encoding: Encoding, plan: &FilePlan, lines: usize) {
        let entry = Entry {
            hash: content_hash(text, encoding),
            len: text.len(),
            findings: plan.findings.clone(),
            hunks: if plan.notebook.is_some() { Vec::new() } else { plan.hunks.clone() },
            parsed_cleanly: plan.parsed_cleanly,
            blocker: plan.blocker,
            lines,
        };
        self.new.lock().unwrap_or_else(PoisonError::into_inner).insert(id, entry);
    }

    /// Write the cache back when the run added to it: the entries read, updated by this run's.
    /// Atomic (temp file + rename in the same folder); a failure only costs the next run time.
    pub fn save(self) -> io::Result<()> {
        let new = self.new.into_inner().unwrap_or_else(PoisonError::into_inner);
        if new.is_empty() {
            return Ok(());
        }
        let mut entries = self.old;
        // Files deleted since they were stored would otherwise stay for ever.
        entries.retain(|id, _| new.contains_key(id) || Path::new(id).exists());
        entries.extend(new);
        fs::create_dir_all(&self.dir)?;
        // A folder made elsewhere (e.g. under `$XDG_CACHE_HOME`) ignores itself as well.
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            fs::write(&ignore, "# Created by tf2-migrate: its cache, not part of the project.\n*\n")?;
        }
        remove_stale_temps(&self.dir, STALE_TEMP);
        let stored = Stored { format: FORMAT, key: self.key, entries };
        let mut tmp = tempfile::Builder::new().prefix(".files-").suffix(".tmp").tempfile_in(&self.dir)?;
        let mut out = io::BufWriter::with_capacity(1 << 16, &mut tmp);
        serde_json::to_writer(&mut out, &stored).map_err(io::Error::other)?;
        out.flush()?;
        drop(out);
        tmp.persist(self.dir.join(FILE_NAME)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Remove this cache's temporary files (`.files-*.tmp`) in `dir` last modified over `age` ago.
fn remove_stale_temps(dir: &Path, age: std::time::Duration) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(".files-") && name.ends_with(".tmp");
        let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|e| e > age));
        if ours && old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A stable digest of a folder's path (names the cache of a read-only project elsewhere).
pub fn path_digest(path: &Path) -> u64 {
    crate::plan::fnv1a(path.as_os_str().as_encoded_bytes())
}

/// The key of a file in the cache: its absolute path, made without touching the file system
/// beyond the current folder (`canonicalize` would read every link on the way).
pub(crate) fn file_id(path: &Path) -> String {
    // The current folder, asked once (`absolute` asks the system on every call).
    static CWD: OnceLock<Option<PathBuf>> = OnceLock::new();
    let joined = match CWD.get_or_init(|| std::env::current_dir().ok()) {
        Some(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    std::path::absolute(&joined).unwrap_or(joined).to_string_lossy().into_owned()
}

/// SipHash-1-3 of the text and its encoding (std's, stable within one build, and the build is
/// part of the key), with the length beside it in the entry.
fn content_hash(text: &str, encoding: Encoding) -> u64 {
    let mut sip = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut sip);
    encoding.name().hash(&mut sip);
    sip.finish()
}

/// This build of the tool: its version and its executable's size and time, so that a rebuild
/// (rules changed, same version number) never reads the old build's findings.
fn build_id() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| fs::metadata(p).ok());
    let stamp = exe.map_or((0, 0), |m| {
        let time = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        (m.len(), time.map_or(0, |d| d.as_nanos()))
    });
    format!("{}-{:x}-{:x}", env!("CARGO_PKG_VERSION"), stamp.0, stamp.1)
}

/// A digest of every built-in data table.
fn tables_digest() -> u64 {
    static DIGEST: OnceLock<u64> = OnceLock::new();
    *DIGEST.get_or_init(|| {
        crate::rules::table_files().iter().fold(0, |acc, t| acc.rotate_left(7) ^ crate::plan::fnv1a(t.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Fix, Severity};
    use crate::rules::Rule;

    const UTF8: Encoding = Encoding::Utf8 { bom: false };

    fn plan(text: &str, findings: Vec<Finding>) -> FilePlan {
        FilePlan::new("a.py".into(), ".".into(), text.into(), UTF8, true, findings)
    }

    fn finding() -> Finding {
        let mut f = Finding::new(Rule::Tf2Rename, Severity::Error, 3..9, "m")
            .with_fix(Fix::safe(vec![Edit::replacement(3..9, "tf.math.log")]).labelled("upgrade").needing("tf-slim"));
        f.requires = vec![0];
        f
    }

    #[test]
    fn entries_round_trip_and_only_for_the_same_text() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 7);
        cache.put("a.py".into(), "x = tf.log(1)\n", UTF8, &plan("x = tf.log(1)\n", vec![finding()]), 2);
        cache.save().unwrap();
        assert!(dir.path().join(".gitignore").exists());
        let again = Cache::open(dir.path(), 7);
        let hit = again.get("a.py", "x = tf.log(1)\n", UTF8).expect("a hit");
        assert_eq!(hit.findings[0].fixes[0].packages, ["tf-slim"]);
        assert_eq!(hit.findings[0].rule, Rule::Tf2Rename);
        assert_eq!(hit.lines, 2);
        assert!(again.get("a.py", "x = tf.log(2)\n", UTF8).is_none(), "other text");
        assert!(again.get("a.py", "x = tf.log(1)\n", Encoding::Latin1).is_none(), "other encoding");
        assert!(Cache::open(dir.path(), 8).get("a.py", "x = tf.log(1)\n", UTF8).is_none(), "other options");
    }

    #[test]
    fn temporary_files_of_killed_writes_are_removed_once_stale() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".files-abc123.tmp");
        let other = dir.path().join("notes.tmp");
        fs::write(&stale, "half a cache").unwrap();
        fs::write(&other, "not ours").unwrap();
        remove_stale_temps(dir.path(), std::time::Duration::from_secs(3600));
        assert!(stale.exists(), "a young temp may be a concurrent run's");
        remove_stale_temps(dir.path(), std::time::Duration::ZERO);
        assert!(!stale.exists() && other.exists());
        let cache = Cache::open(dir.path(), 1);
        cache.put("a.py".into(), "t", UTF8, &plan("t", Vec::new()), 1);
        cache.save().unwrap();
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left.len(), 3, "files.json, .gitignore and notes.tmp: {left:?}");
    }

    #[test]
    fn a_corrupt_cache_is_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 1);
        cache.put("a.py".into(), "t", UTF8, &plan("t", vec![finding()]), 1);
        cache.save().unwrap();
        let path = dir.path().join(FILE_NAME);
        let mut bytes = fs::read(&path).unwrap();
        for i in (0..bytes.len()).step_by(7) {
            bytes[i] ^= 0x55;
        }
        fs::write(&path, &bytes).unwrap();
        let cache = Cache::open(dir.path(), 1);
        assert!(cache.get("a.py", "t", UTF8).is_none());
        cache.put("a.py".into(), "t", UTF8, &plan("t", Vec::new()), 1);
        cache.save().unwrap();
        assert!(Cache::open(dir.path(), 1).get("a.py", "t", UTF8).is_some(), "rewritten");
    }
}
