//! Finding and reading the files to migrate (`*.py` and `*.ipynb`): walk the roots (honouring
//! .gitignore), skip what cannot be handled with a one-line reason, decode the rest. Parallel
//! over files.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

use crate::deps::DepsKind;
use crate::error::Error;
use crate::source::{self, Encoding};

pub(crate) mod prefilter;

/// Files larger than this are skipped unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// How to find files.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub exclude: Vec<String>,
    pub max_file_size: u64,
    /// Respect .gitignore, .ignore and hidden-file rules (on by default).
    pub respect_ignore: bool,
    /// Leave unparsed the files that cannot have findings (on by default; off only to check
    /// that claim, see `scan/prefilter.rs`).
    pub prefilter: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self { exclude: Vec::new(), max_file_size: DEFAULT_MAX_FILE_SIZE, respect_ignore: true, prefilter: true }
    }
}

/// A file to look at, and the root it was found under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    pub root: PathBuf,
}

/// A file read and decoded.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub root: PathBuf,
    pub text: String,
    pub encoding: Encoding,
}

/// Check `--exclude` globs before any file is read: an empty or malformed one is an error that
/// names it (the run stops; nothing is written).
pub fn check_excludes(globs: &[String]) -> Result<(), String> {
    for glob in globs {
        if glob.trim().is_empty() {
            return Err("--exclude: an empty pattern excludes nothing; give a glob such as 'build/**'".to_owned());
        }
        let mut builder = OverrideBuilder::new(".");
        builder.add(glob).map_err(|e| format!("--exclude {glob:?}: {e}"))?;
    }
    Ok(())
}

/// Expand the command-line paths into candidate files; problems become skip reasons.
pub fn collect(paths: &[PathBuf], options: &ScanOptions) -> (Vec<Candidate>, Vec<Error>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    // Whether any name met is a symbolic link (then two names may be one file).
    let mut links = false;
    for path in paths {
        let meta = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(source) => {
                errors.push(Error::Read { path: path.clone(), source });
                continue;
            }
        };
        if meta.is_file() || (meta.file_type().is_symlink() && path.is_file()) {
            let root = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            files.push(Candidate { path: path.clone(), root });
            continue;
        }
        let mut overrides = OverrideBuilder::new(path);
        for glob in &options.exclude {
            if let Err(e) = overrides.add(&format!("!{glob}")) {
                errors.push(skip(path, &format!("bad --exclude glob {glob:?}: {e}")));
            }
        }
        let mut walk = WalkBuilder::new(path);
        walk.standard_filters(options.respect_ignore).follow_links(false).require_git(false);
        if let Ok(o) = overrides.build() {
            walk.overrides(o);
        }
        for entry in walk.build() {
            match entry {
                Ok(entry) => {
                    let p = entry.path();
                    links |= entry.path_is_symlink();
                    let is_file = entry.file_type().is_some_and(|t| t.is_file() || (t.is_symlink() && p.is_file()));
                    if !is_file {
                        // A symlink loop named like a source file is worth a reason; a dangling
                        // link, a folder or a pipe named `x.py` is not a file to migrate.
                        let is_link = entry.file_type().is_some_and(|t| t.is_symlink());
                        if is_link
                            && is_wanted(p)
                            && let Err(source) = fs::metadata(p)
                            && source.kind() != std::io::ErrorKind::NotFound
                        {
                            errors.push(Error::Read { path: p.to_path_buf(), source });
                        }
                        continue;
                    }
                    if is_wanted(p) {
                        files.push(Candidate { path: p.to_path_buf(), root: path.clone() });
                    }
                }
                Err(e) => errors.push(walk_error(path, &e)),
            }
        }
    }
    // In the order of `Path::cmp` (component by component), by a key made once per path: the
    // bytes with each `/` as 0, which sorts a shorter component first as `Path::cmp` does.
    files.sort_by_cached_key(|c| {
        use std::os::unix::ffi::OsStrExt;
        c.path.as_os_str().as_bytes().iter().map(|&b| if b == b'/' { 0 } else { b }).collect::<Vec<u8>>()
    });
    files.dedup_by(|a, b| a.path == b.path);
    // One path, no symbolic link met: every name is a file of its own (hard links stay apart
    // anyway), so no file need be asked for its inode.
    if paths.len() == 1 && !links {
        return (files, errors);
    }
    (same_file_once(files), errors)
}

/// Keep one name per real file: a symlink to another candidate is the same file, and migrating
/// it twice would make the second write a conflict. The name that is not a symlink wins. Files
/// are told apart by device and inode (one `stat` each; resolving every path would read each
/// of its folders' links); only names of one inode are resolved, and hard links (two real
/// names) both stay, for the writer to refuse with its reason.
fn same_file_once(files: Vec<Candidate>) -> Vec<Candidate> {
    use std::os::unix::fs::MetadataExt;
    let is_link = |c: &Candidate| fs::symlink_metadata(&c.path).is_ok_and(|m| m.file_type().is_symlink());
    let mut seen: std::collections::HashMap<(u64, u64), usize> = std::collections::HashMap::new();
    let mut keep: Vec<Candidate> = Vec::with_capacity(files.len());
    for c in files {
        let Ok(real) = fs::metadata(&c.path).map(|m| (m.dev(), m.ino())) else {
            keep.push(c);
            continue;
        };
        match seen.get(&real) {
            Some(&i) if fs::canonicalize(&keep[i].path).ok() != fs::canonicalize(&c.path).ok() => keep.push(c),
            Some(&i) => {
                if is_link(&keep[i]) && !is_link(&c) {
                    keep[i] = c;
                }
            }
            None => {
                seen.insert(real, keep.len());
                keep.push(c);
            }
        }
    }
    keep
}

/// Whether a path names a Jupyter notebook (`*.ipynb`), read as one rather than as Python.
/// The files a folder walk picks: Python files, notebooks, and dependency files.
fn is_wanted(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "py") || is_notebook(p) || DepsKind::of(p).is_some()
}

pub(crate) fn is_notebook(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "ipynb")
}

fn skip(path: &Path, reason: &str) -> Error {
    Error::Skipped { path: path.to_path_buf(), reason: reason.to_owned() }
}

fn walk_error(root: &Path, e: &ignore::Error) -> Error {
    let mut path = root.to_path_buf();
    let mut cur = e;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path.clone_from(p);
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => cur = err,
            ignore::Error::Loop { child, .. } => {
                return skip(child, "symbolic link loop");
            }
            ignore::Error::Io(io) => {
                return Error::Read { path, source: std::io::Error::new(io.kind(), io.to_string()) };
            }
            other => return skip(&path, &other.to_string()),
        }
    }
}

/// Read one file's bytes, refusing what cannot be Python text (too large, binary).
pub fn read(candidate: &Candidate, options: &ScanOptions) -> Result<Vec<u8>, Error> {
    let path = &candidate.path;
    let read_err = |source| Error::Read { path: path.clone(), source };
    let file = fs::File::open(path).map_err(read_err)?;
    let len = file.metadata().map_err(read_err)?.len();
    if len > options.max_file_size {
        return Err(skip(
            path,
            &format!("{len} bytes is over the {} byte limit (--max-file-size)", options.max_file_size),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // Through `take`: no second size query (`File::read_to_end` asks for the length and the
    // position again), and a file that grew past the limit since is not read whole.
    file.take(options.max_file_size.saturating_add(1)).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > options.max_file_size {
        return Err(skip(path, &format!("over the {} byte limit (--max-file-size)", options.max_file_size)));
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err(skip(path, "binary file (contains a NUL byte)"));
    }
    Ok(bytes)
}

/// Whether the file at `path`, whose bytes are `bytes`, may have findings (see [`prefilter`]);
/// always for a dependency file (it may need a line added although it names no TensorFlow
/// package) and when the pre-filter is off.
pub fn may_have_findings(path: &Path, bytes: &[u8], options: &ScanOptions) -> bool {
    !options.prefilter || DepsKind::of(path).is_some() || prefilter::may_have_findings(bytes, is_notebook(path))
}

/// Decode the bytes of `candidate`'s file (see [`read`]).
pub fn decode(candidate: &Candidate, bytes: Vec<u8>) -> Result<Loaded, Error> {
    let (text, encoding) = source::decode(&candidate.path, bytes)?;
    Ok(Loaded { path: candidate.path.clone(), root: candidate.root.clone(), text, encoding })
}

/// Read and decode one file. `Ok(None)`: it cannot have findings (see [`may_have_findings`]).
pub fn load(candidate: &Candidate, options: &ScanOptions) -> Result<Option<Loaded>, Error> {
    let bytes = read(candidate, options)?;
    if !may_have_findings(&candidate.path, &bytes, options) {
        return Ok(None);
    }
    decode(candidate, bytes).map(Some)
}

/// Run `work` over every candidate in parallel, counting progress in `done`. Candidates are
/// taken in input order (so results stream in near path order), one at a time from a shared
/// counter by one worker per thread of the pool (no lock: `par_bridge` made a warm run wait on
/// its iterator's mutex); `work` gets each one's index and returns `false` to stop handing out
/// more.
pub(crate) fn par_each<'c>(
    candidates: impl Iterator<Item = (usize, &'c Candidate)>,
    done: &AtomicUsize,
    work: impl Fn(usize, &'c Candidate) -> bool + Sync,
) {
    let candidates: Vec<(usize, &'c Candidate)> = candidates.collect();
    let next = AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let worker = || {
        while !stop.load(Ordering::Relaxed) {
            let Some(&(i, c)) = candidates.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
            if !work(i, c) {
                stop.store(true, Ordering::Relaxed);
            }
            done.fetch_add(1, Ordering::Relaxed);
        }
    };
    let workers = rayon::current_num_threads().min(candidates.len());
    rayon::scope(|s| {
        for _ in 1..workers {
            s.spawn(|_| worker());
        }
        worker();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_come_in_path_order() {
        // Names where byte order and component order differ: `a/…` before `a-b.py` and `a.py`.
        let dir = tempfile::tempdir().unwrap();
        let names = ["a.py", "a-b.py", "a/b.py", "a/c/d.py", "a/c.py", "a0.py", "ab/x.py", "a/b/z.py", "A.py"];
        for name in names {
            let p = dir.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "x = 1\n").unwrap();
        }
        let (files, errors) = collect(&[dir.path().to_path_buf()], &ScanOptions::default());
        assert!(errors.is_empty());
        let got: Vec<&Path> = files.iter().map(|c| c.path.as_path()).collect();
        let mut want: Vec<PathBuf> = names.iter().map(|n| dir.path().join(n)).collect();
        want.sort();
        assert_eq!(got, want.iter().map(PathBuf::as_path).collect::<Vec<_>>());
        let at = |name: &str| got.iter().position(|p| *p == dir.path().join(name)).unwrap();
        assert!(at("a/c/d.py") < at("a-b.py") && at("a-b.py") < at("a.py"), "not in byte order");
    }
}
