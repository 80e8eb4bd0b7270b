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
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

mod codec;

pub(crate) use codec::{Entry, Facts};
use codec::{Reader, Writer};

/// The cache folder's name, created in the project (with a `.gitignore` of its own).
pub const DIR_NAME: &str = ".tf2-migrate-cache";
const FILE_NAME: &str = "files.bin";
/// What earlier releases wrote (JSON): removed when the cache is next written.
const OLD_FILE_NAME: &str = "files.json";
/// The first bytes of a cache file.
const MAGIC: &[u8] = b"tf2-migrate cache\n";
/// Bumped when the stored layout changes.
const FORMAT: u64 = 5;
/// Temporary files of a write that never finished (the process was killed between creating and
/// renaming one) older than this are removed by the next write; a concurrent run's are younger.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(600);

/// Where one file's record lies in the cache file. A record is its payload's checksum (8 bytes),
/// the payload's length, and the payload: the file's id, the hash (8 bytes) and length of the
/// text it was made from, and the encoded [`Entry`]. Only the id is read when the cache is
/// opened; the rest is checked and decoded when (and by the thread that) asks for it.
#[derive(Debug)]
struct Record {
    checksum: u64,
    /// The whole record, copied as it is when the cache is written back.
    whole: Range<usize>,
    /// The payload after the id.
    rest: Range<usize>,
    /// The whole payload (what the checksum covers).
    payload: Range<usize>,
}

/// The cache of one run: the records read at the start, and those made during the run.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    key: String,
    bytes: Vec<u8>,
    old: HashMap<String, Record>,
    /// Encoded records of this run, by file id.
    new: Mutex<HashMap<String, Vec<u8>>>,
}

impl Cache {
    /// Read the cache in `dir` made with `options_digest` (the options that change results), or
    /// start an empty one when there is none, it is unreadable, or it was made otherwise.
    pub fn open(dir: &Path, options_digest: u64) -> Self {
        let key = format!("{}-{:016x}-{options_digest:016x}", build_id(), tables_digest());
        let bytes = fs::read(dir.join(FILE_NAME)).unwrap_or_default();
        let (bytes, old) = match index(&bytes, &key) {
            Some(old) => (bytes, old),
            None => (Vec::new(), HashMap::new()),
        };
        Self { dir: dir.to_path_buf(), key, bytes, old, new: Mutex::new(HashMap::new()) }
    }

    /// The stored analysis of the file `id` if its bytes are still those of `digest` (and its
    /// record is intact: a record whose checksum fails is a miss).
    pub(crate) fn get(&self, id: &str, digest: Digest) -> Option<Entry> {
        let record = self.old.get(id)?;
        if checksum(&self.bytes[record.payload.clone()]) != record.checksum {
            return None;
        }
        let mut r = Reader::new(&self.bytes[record.rest.clone()]);
        let hash = u64::from_le_bytes(r.bytes(8)?.try_into().ok()?);
        let len = r.usize()?;
        if len != digest.len || hash != digest.hash {
            return None;
        }
        Entry::get(&mut r)
    }

    /// Remember the analysis of the file `id`, whose bytes are those of `digest`.
    pub(crate) fn put(&self, id: String, digest: Digest, entry: &Entry) {
        let mut payload = Writer::default();
        payload.str(&id);
        payload.0.extend_from_slice(&digest.hash.to_le_bytes());
        payload.usize(digest.len);
        entry.put(&mut payload);
        let mut record = Writer(checksum(&payload.0).to_le_bytes().to_vec());
        record.usize(payload.0.len());
        record.0.extend_from_slice(&payload.0);
        self.new.lock().unwrap_or_else(PoisonError::into_inner).insert(id, record.0);
    }

    /// Write the cache back when the run added to it: the records read, updated by this run's.
    /// Atomic (temp file + rename in the same folder); a failure only costs the next run time.
    pub fn save(self) -> io::Result<()> {
        let new = self.new.into_inner().unwrap_or_else(PoisonError::into_inner);
        if new.is_empty() {
            return Ok(());
        }
        // Files deleted since they were stored would otherwise stay for ever. An id is the file's
        // path, then for an entry point's analysis with what it owes, a NUL and the duties.
        let exists = |id: &str| Path::new(id.split('\0').next().unwrap_or(id)).exists();
        let kept = self.old.iter().filter(|(id, _)| !new.contains_key(*id) && exists(id));
        let mut records: Vec<(&str, &[u8])> = kept.map(|(id, r)| (id.as_str(), &self.bytes[r.whole.clone()])).collect();
        records.extend(new.iter().map(|(id, r)| (id.as_str(), r.as_slice())));
        records.sort_unstable_by_key(|(id, _)| *id);
        let mut out = Writer(MAGIC.to_vec());
        out.uint(FORMAT);
        out.str(&self.key);
        for (_, record) in records {
            out.0.extend_from_slice(record);
        }
        fs::create_dir_all(&self.dir)?;
        // A folder made elsewhere (e.g. under `$XDG_CACHE_HOME`) ignores itself as well.
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            fs::write(&ignore, "# Created by tf2-migrate: its cache, not part of the project.\n*\n")?;
        }
        remove_stale_temps(&self.dir, STALE_TEMP);
        let _ = fs::remove_file(self.dir.join(OLD_FILE_NAME));
        let mut tmp = tempfile::Builder::new().prefix(".files-").suffix(".tmp").tempfile_in(&self.dir)?;
        io::Write::write_all(&mut tmp, &out.0)?;
        tmp.persist(self.dir.join(FILE_NAME)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The records of a cache file made with `key`, by file id; `None` when the file is not one, was
/// made otherwise, or its framing is damaged.
fn index(bytes: &[u8], key: &str) -> Option<HashMap<String, Record>> {
    let body = bytes.strip_prefix(MAGIC)?;
    let mut r = Reader::new(body);
    if r.uint()? != FORMAT || r.str()? != key {
        return None;
    }
    let mut records = HashMap::new();
    while !r.is_done() {
        let start = MAGIC.len() + r.position();
        let checksum = u64::from_le_bytes(r.bytes(8)?.try_into().ok()?);
        let len = r.usize()?;
        let at = MAGIC.len() + r.position();
        let mut payload = Reader::new(r.bytes(len)?);
        // Not verified yet: a damaged id is only a miss (or fails its checksum when asked for).
        let id = payload.str()?;
        let record =
            Record { checksum, whole: start..at + len, rest: at + payload.position()..at + len, payload: at..at + len };
        records.insert(id.to_owned(), record);
    }
    Some(records)
}

/// The checksum of a record's payload.
fn checksum(payload: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(payload)
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

/// A file's bytes as the cache knows them: XXH3 (64 bits) and their length. The bytes as read,
/// before decoding (which depends on them alone), so that a look-up needs no decoding and a file
/// the pre-filter passes over is known without reading it again. A fast hash of good quality,
/// not a cryptographic one: the cache holds what the tool itself computed, and a collision would
/// need two files of the same length at the same path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Digest {
    hash: u64,
    len: usize,
}

impl Digest {
    pub(crate) fn of(bytes: &[u8]) -> Self {
        Self { hash: xxhash_rust::xxh3::xxh3_64(bytes), len: bytes.len() }
    }
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
        // XXH3: every run digests the tables (~0.5 MB), FNV-1a took 4% of a warm run.
        crate::rules::table_files()
            .iter()
            .fold(0, |acc, t| acc.rotate_left(7) ^ xxhash_rust::xxh3::xxh3_64(t.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Finding, Fix, Severity};
    use crate::rules::Rule;

    use crate::plan::FilePlan;
    use crate::source::Encoding;

    /// The entry of `text` analysed with `findings`.
    fn entry(text: &str, findings: Vec<Finding>, lines: usize) -> Entry {
        let plan = FilePlan::new("a.py".into(), ".".into(), text.into(), Encoding::Utf8 { bom: false }, true, findings);
        let facts = Facts { imports: vec![("pkg.m".into(), true)], starts_program: true, layout: 9, edges: vec![4] };
        Entry::of(&plan, lines, facts)
    }

    fn digest(text: &str) -> Digest {
        Digest::of(text.as_bytes())
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
        cache.put("a.py".into(), digest("x = tf.log(1)\n"), &entry("x = tf.log(1)\n", vec![finding()], 2));
        cache.put(
            "b.py".into(),
            digest("import pkg\n"),
            &Entry::unread(Facts { imports: vec![("pkg".into(), false)], ..Facts::default() }),
        );
        cache.save().unwrap();
        assert!(dir.path().join(".gitignore").exists());
        let again = Cache::open(dir.path(), 7);
        let hit = again.get("a.py", digest("x = tf.log(1)\n")).expect("a hit");
        assert_eq!(hit.findings[0].fixes[0].packages, ["tf-slim"]);
        assert_eq!(hit.findings[0].rule, Rule::Tf2Rename);
        assert_eq!((hit.lines, &hit.facts.imports, hit.facts.edges), (2, &vec![("pkg.m".into(), true)], vec![4]));
        let unread = again.get("b.py", digest("import pkg\n")).expect("a file the pre-filter passed over");
        assert!(unread.findings.is_empty() && unread.lines == 0 && !unread.facts.starts_program);
        assert!(again.get("a.py", digest("x = tf.log(2)\n")).is_none(), "other text");
        assert!(again.get("a.py", digest("x = tf.log(1)\r\n")).is_none(), "other bytes");
        assert!(Cache::open(dir.path(), 8).get("a.py", digest("x = tf.log(1)\n")).is_none(), "other options");
    }

    #[test]
    fn entries_of_files_that_exist_are_kept_when_others_are_added() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("main.py");
        fs::write(&file, "import lib\n").unwrap();
        let plain = file.to_string_lossy().into_owned();
        let owing = format!("{plain}\u{0}owes 1");
        let gone = dir.path().join("gone.py").to_string_lossy().into_owned();
        let cache = Cache::open(dir.path(), 1);
        for id in [&plain, &owing, &gone] {
            cache.put(id.clone(), digest("t"), &entry("t", Vec::new(), 1));
        }
        cache.save().unwrap();
        let cache = Cache::open(dir.path(), 1);
        cache.put("other.py".into(), digest("u"), &entry("u", Vec::new(), 1));
        cache.save().unwrap();
        let again = Cache::open(dir.path(), 1);
        assert!(again.get(&plain, digest("t")).is_some());
        assert!(again.get(&owing, digest("t")).is_some(), "an entry point's analysis with what it owes");
        assert!(again.get(&gone, digest("t")).is_none(), "a file that no longer exists");
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
        cache.put("a.py".into(), digest("t"), &entry("t", Vec::new(), 1));
        cache.save().unwrap();
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left.len(), 3, "files.bin, .gitignore and notes.tmp: {left:?}");
    }

    #[test]
    fn a_corrupt_cache_is_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), 1);
        cache.put("a.py".into(), digest("t"), &entry("t", vec![finding()], 1));
        cache.save().unwrap();
        let path = dir.path().join(FILE_NAME);
        let mut bytes = fs::read(&path).unwrap();
        for i in (0..bytes.len()).step_by(7) {
            bytes[i] ^= 0x55;
        }
        fs::write(&path, &bytes).unwrap();
        let cache = Cache::open(dir.path(), 1);
        assert!(cache.get("a.py", digest("t")).is_none());
        cache.put("a.py".into(), digest("t"), &entry("t", Vec::new(), 1));
        cache.save().unwrap();
        assert!(Cache::open(dir.path(), 1).get("a.py", digest("t")).is_some(), "rewritten");
    }

    /// Whatever single byte of the file is damaged, and however, a look-up gives the stored
    /// entry or nothing: never another one (the checksum covers what the framing does not).
    #[test]
    fn no_damaged_byte_changes_what_a_hit_says() {
        let dir = tempfile::tempdir().unwrap();
        let text = "x = tf.log(1)\n";
        let cache = Cache::open(dir.path(), 1);
        cache.put("a.py".into(), digest(text), &entry(text, vec![finding(), finding()], 2));
        cache.put("b.py".into(), digest("y = 1\n"), &entry("y = 1\n", Vec::new(), 1));
        cache.save().unwrap();
        let path = dir.path().join(FILE_NAME);
        let good = fs::read(&path).unwrap();
        let expected = format!("{:?}", Cache::open(dir.path(), 1).get("a.py", digest(text)).expect("a hit"));
        let mut misses = 0;
        for i in 0..good.len() {
            for mask in [0x01, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= mask;
                fs::write(&path, &bad).unwrap();
                match Cache::open(dir.path(), 1).get("a.py", digest(text)) {
                    Some(hit) => assert_eq!(format!("{hit:?}"), expected, "byte {i} ^ {mask:#x}"),
                    None => misses += 1,
                }
            }
        }
        assert!(misses > 0);
        for cut in 0..good.len() {
            fs::write(&path, &good[..cut]).unwrap();
            let hit = Cache::open(dir.path(), 1).get("a.py", digest(text));
            assert!(hit.is_none_or(|h| format!("{h:?}") == expected), "cut at {cut}");
        }
    }
}
