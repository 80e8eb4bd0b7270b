//! The review journal: every decision appended (and synced) as it is made, so that a review can
//! be resumed after a quit, a crash or a dropped connection. Pure file I/O, no terminal.
//!
//! One JSON object per line, the last entry for a (file, hunk key) wins. A torn last line (a
//! crash mid-write) is skipped on load.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::plan::{Decision, FilePlan, fnv1a};

/// One journalled decision about one hunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file, relative to its root.
    pub path: String,
    /// The hunk's stable key (`Hunk::key`).
    pub key: String,
    pub decision: Decision,
    /// The chosen alternative (`FilePlan::hunk_choice`).
    pub choice: usize,
}

impl Entry {
    /// The entry recording hunk `h` of `plan` as it stands.
    pub fn of(plan: &FilePlan, h: usize) -> Self {
        Self {
            path: relative_path(plan),
            key: plan.hunks[h].key.clone(),
            decision: plan.hunk_decision(h),
            choice: plan.hunk_choice(h),
        }
    }
}

/// The on-disk form of an entry.
#[derive(Serialize, Deserialize)]
struct Record {
    p: String,
    k: String,
    /// "a", "r" or "p".
    d: String,
    #[serde(default)]
    c: usize,
}

fn decision_code(d: Decision) -> &'static str {
    match d {
        Decision::Accepted => "a",
        Decision::Rejected => "r",
        Decision::Pending => "p",
    }
}

fn parse_decision(code: &str) -> Option<Decision> {
    match code {
        "a" => Some(Decision::Accepted),
        "r" => Some(Decision::Rejected),
        "p" => Some(Decision::Pending),
        _ => None,
    }
}

/// A plan's path relative to its root, as journalled.
pub(crate) fn relative_path(plan: &FilePlan) -> String {
    let rel = plan.path.strip_prefix(&plan.root).unwrap_or(&plan.path);
    rel.to_string_lossy().into_owned()
}

/// The roots the given command-line paths are reviewed under (a file's root is its folder).
pub fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let root = if p.is_file() {
                p.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            } else {
                p.clone()
            };
            fs::canonicalize(&root).unwrap_or(root)
        })
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// The default journal for these roots: `$XDG_STATE_HOME/tf2-migrate/<hash>.jsonl`
/// (`~/.local/state/...` when unset). `None` when neither variable gives a folder.
pub fn default_path(roots: &[PathBuf]) -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".local/state"))
        })?;
    let joined = roots.iter().map(|r| r.to_string_lossy().into_owned()).collect::<Vec<_>>().join("\0");
    Some(state.join("tf2-migrate").join(format!("{:016x}.jsonl", fnv1a(joined.as_bytes()))))
}

/// An open journal, appended to as decisions are made.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
}

/// What a journal held: its entries, and how many lines could not be read (a torn line after a
/// crash or a full disk, a line that is not valid UTF-8 or not a record), which were skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Log {
    pub entries: Vec<Entry>,
    pub skipped: usize,
}

impl Journal {
    /// Open (creating folders as needed) and read the journal at `path`; `fresh` empties it. A
    /// last line cut short by a crash is terminated first, so the next entry starts a line.
    pub fn open(path: &Path, fresh: bool) -> io::Result<(Self, Log)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let bytes = if fresh {
            Vec::new()
        } else {
            match fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(e),
            }
        };
        let log = read_log(&bytes);
        let mut file = OpenOptions::new().create(true).append(!fresh).write(true).truncate(fresh).open(path)?;
        if bytes.last().is_some_and(|&b| b != b'\n') {
            file.write_all(b"\n")?;
            file.sync_data()?;
        }
        Ok((Self { file, path: path.to_path_buf() }, log))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append entries and sync them to disk before returning.
    pub fn append(&mut self, entries: &[Entry]) -> io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        for e in entries {
            let record =
                Record { p: e.path.clone(), k: e.key.clone(), d: decision_code(e.decision).to_owned(), c: e.choice };
            serde_json::to_writer(&mut buf, &record).map_err(io::Error::other)?;
            buf.push(b'\n');
        }
        self.file.write_all(&buf)?;
        self.file.sync_data()
    }
}

/// Read a journal without opening it for writing (for `apply --decisions`). A file with lines
/// none of which is a journal record is refused: it is not a journal.
pub fn load(path: &Path) -> io::Result<Log> {
    let bytes = fs::read(path)?;
    let log = read_log(&bytes);
    if log.entries.is_empty() && log.skipped > 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not a review journal (none of its {} lines is a decision record)", log.skipped),
        ));
    }
    Ok(log)
}

/// Every readable record; a line that is not one is counted and skipped, never the end of reading.
fn read_log(bytes: &[u8]) -> Log {
    let mut log = Log::default();
    for line in bytes.split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let entry = std::str::from_utf8(line)
            .ok()
            .and_then(|l| serde_json::from_str::<Record>(l).ok())
            .and_then(|r| Some(Entry { path: r.p, key: r.k, decision: parse_decision(&r.d)?, choice: r.c }));
        match entry {
            Some(e) => log.entries.push(e),
            None => log.skipped += 1,
        }
    }
    log
}

/// What restoring a journal did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Restored {
    /// Hunks whose decision or alternative came back.
    pub restored: usize,
    /// Journalled decisions whose hunk no longer exists.
    pub stale: usize,
    /// Journal lines that could not be read and were skipped.
    pub skipped: usize,
}

/// Restores a journal onto plans one at a time, as they arrive; `finish` counts what came back
/// and, once every plan has been seen, which decisions are stale.
#[derive(Debug, Default)]
pub struct Restorer {
    latest: HashMap<(String, String), Entry>,
    matched: HashSet<(String, String)>,
    restored: usize,
    skipped: usize,
}

impl Restorer {
    /// Keep the journal's latest entry per hunk.
    pub fn new(log: &Log) -> Self {
        let latest = log.entries.iter().map(|e| ((e.path.clone(), e.key.clone()), e.clone())).collect();
        Self { latest, skipped: log.skipped, ..Self::default() }
    }

    /// Apply the journalled decisions to one plan.
    pub fn apply(&mut self, plan: &mut FilePlan) {
        if self.latest.is_empty() {
            return;
        }
        let rel = relative_path(plan);
        for h in 0..plan.hunks.len() {
            let id = (rel.clone(), plan.hunks[h].key.clone());
            let Some(e) = self.latest.get(&id) else {
                continue;
            };
            plan.set_hunk_choice(h, e.choice);
            plan.set_hunk_decision(h, e.decision);
            if e.decision != Decision::Pending || e.choice != 0 {
                self.restored += 1;
            }
            self.matched.insert(id);
        }
    }

    /// What was restored; journalled decisions that matched no hunk of any plan seen are stale.
    pub fn finish(&self) -> Restored {
        let stale =
            self.latest.iter().filter(|(id, e)| e.decision != Decision::Pending && !self.matched.contains(*id)).count();
        Restored { restored: self.restored, stale, skipped: self.skipped }
    }
}

/// Apply the journal's latest entry per hunk to the plans.
pub fn restore(plans: &mut [FilePlan], log: &Log) -> Restored {
    let mut restorer = Restorer::new(log);
    for plan in plans {
        restorer.apply(plan);
    }
    restorer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Finding, Fix, Severity};
    use crate::rules::Rule;
    use crate::source::Encoding;

    fn plan(path: &str, text: &str) -> FilePlan {
        let findings = text
            .match_indices('x')
            .map(|(at, _)| {
                Finding::new(Rule::Tf2Rename, Severity::Error, at..at + 1, "m")
                    .with_fix(Fix::safe(vec![Edit::replacement(at..at + 1, "y")]))
            })
            .collect();
        FilePlan::new(path.into(), "root".into(), text.into(), Encoding::Utf8 { bom: false }, true, findings)
    }

    #[test]
    fn journal_round_trip_last_entry_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s/j.jsonl");
        let p = plan("root/a.py", "x\n\n\nx = 1\n");
        let (mut j, log) = Journal::open(&path, false).unwrap();
        assert!(log.entries.is_empty());
        let mut e = Entry::of(&p, 0);
        e.decision = Decision::Accepted;
        j.append(std::slice::from_ref(&e)).unwrap();
        e.decision = Decision::Rejected;
        j.append(std::slice::from_ref(&e)).unwrap();
        drop(j);
        let (_, log) = Journal::open(&path, false).unwrap();
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.entries[0].path, "a.py");
        let mut plans = vec![p];
        let r = restore(&mut plans, &log);
        assert_eq!(r, Restored { restored: 1, stale: 0, skipped: 0 });
        assert_eq!(plans[0].hunk_decision(0), Decision::Rejected);
        assert_eq!(plans[0].hunk_decision(1), Decision::Pending);
    }

    #[test]
    fn fresh_discards_and_torn_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        fs::write(&path, "{\"p\":\"a.py\",\"k\":\"k-1\",\"d\":\"a\",\"c\":0}\n{\"p\":\"a.p").unwrap();
        let (_, log) = Journal::open(&path, false).unwrap();
        assert_eq!((log.entries.len(), log.skipped), (1, 1));
        let (_, log) = Journal::open(&path, true).unwrap();
        assert!(log.entries.is_empty());
        assert_eq!(fs::read_to_string(&path).unwrap(), "");
    }

    /// A torn last line (power cut, full disk) must not swallow the next decision: the journal is
    /// terminated before the next append, and reading goes on past lines it cannot read.
    #[test]
    fn a_decision_after_a_torn_or_undecodable_line_survives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let p = plan("root/a.py", "x\n\n\nx = 1\n");
        let mut bytes = b"{\"p\":\"a.py\",\"k\":\"k-1\",\"d\":\"a\",\"c\":0}\n\xff\xfe not utf-8\nnot json\n".to_vec();
        bytes.extend_from_slice(b"{\"p\":\"a.py\",\"k\":\"k-");
        fs::write(&path, &bytes).unwrap();
        let (mut j, log) = Journal::open(&path, false).unwrap();
        assert_eq!((log.entries.len(), log.skipped), (1, 3));
        let mut e = Entry::of(&p, 1);
        e.decision = Decision::Rejected;
        j.append(std::slice::from_ref(&e)).unwrap();
        drop(j);
        let log = load(&path).unwrap();
        assert_eq!(log.entries.last(), Some(&e), "the decision after the torn line is read back");
        assert_eq!(log.skipped, 3);
        let mut plans = vec![p];
        assert_eq!(restore(&mut plans, &log).skipped, 3);
        assert_eq!(plans[0].hunk_decision(1), Decision::Rejected);
    }

    #[test]
    fn a_file_that_is_no_journal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        fs::write(&path, "these are my notes\nnot decisions\n").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.to_string().contains("not a review journal"), "{err}");
        fs::write(&path, "").unwrap();
        assert_eq!(load(&path).unwrap(), Log::default(), "an empty journal is a journal");
    }

    #[test]
    fn unknown_keys_are_stale() {
        let mut plans = vec![plan("root/a.py", "x\n")];
        let entries = vec![
            Entry { path: "a.py".into(), key: "gone-1".into(), decision: Decision::Accepted, choice: 0 },
            Entry { path: "b.py".into(), key: plans[0].hunks[0].key.clone(), decision: Decision::Rejected, choice: 0 },
            Entry { path: "a.py".into(), key: "forgotten-1".into(), decision: Decision::Pending, choice: 0 },
        ];
        let r = restore(&mut plans, &Log { entries, skipped: 0 });
        assert_eq!(r, Restored { restored: 0, stale: 2, skipped: 0 });
    }

    #[test]
    fn restoring_plan_by_plan_counts_stale_only_at_the_end() {
        let (a, b) = (plan("root/a.py", "x\n"), plan("root/b.py", "x\n"));
        let entries = vec![
            Entry { path: "a.py".into(), key: a.hunks[0].key.clone(), decision: Decision::Accepted, choice: 0 },
            Entry { path: "b.py".into(), key: b.hunks[0].key.clone(), decision: Decision::Rejected, choice: 0 },
            Entry { path: "c.py".into(), key: "gone-1".into(), decision: Decision::Accepted, choice: 0 },
        ];
        let log = Log { entries, skipped: 0 };
        let mut r = Restorer::new(&log);
        let mut arrived = vec![b];
        r.apply(&mut arrived[0]);
        // b.py's decision is back; a.py has not arrived yet, so it is not stale either way.
        assert_eq!(arrived[0].hunk_decision(0), Decision::Rejected);
        arrived.push(a);
        r.apply(&mut arrived[1]);
        assert_eq!(r.finish(), Restored { restored: 2, stale: 1, skipped: 0 });
        let mut again = vec![plan("root/a.py", "x\n"), plan("root/b.py", "x\n")];
        assert_eq!(restore(&mut again, &log), r.finish());
    }

    #[test]
    fn one_journal_per_canonical_root() {
        let dir = tempfile::tempdir().unwrap();
        let proj = dir.path().join("proj");
        fs::create_dir_all(proj.join("sub")).unwrap();
        fs::write(proj.join("a.py"), "x\n").unwrap();
        let canonical = vec![fs::canonicalize(&proj).unwrap()];
        // `review proj`, `review proj/`, `review proj/sub/..`, `review proj/.` and a file in it
        // all review the same root, so they share one journal.
        for spelling in [proj.clone(), proj.join(""), proj.join("sub/.."), proj.join("."), proj.join("a.py")] {
            assert_eq!(roots(std::slice::from_ref(&spelling)), canonical, "{}", spelling.display());
        }
        assert_eq!(roots(&[proj.clone(), proj.join("a.py")]), canonical, "duplicates collapse");
        // Journalled paths are relative to the root as given: `.` inside and `proj` outside agree.
        let inside = plan("./a.py", "x\n");
        let mut outside = plan("proj/a.py", "x\n");
        let mut inside = FilePlan { root: ".".into(), ..inside };
        outside.root = "proj".into();
        assert_eq!(relative_path(&inside), relative_path(&outside));
        inside.root = "./".into();
        assert_eq!(relative_path(&inside), "a.py");
    }

    #[test]
    fn default_path_is_per_root() {
        let a = default_path(&[PathBuf::from("/x")]);
        let b = default_path(&[PathBuf::from("/y")]);
        if a.is_some() {
            assert_ne!(a, b);
        }
    }
}
