//! The review journal: every decision appended (and synced) as it is made, so that a review can
//! be resumed after a quit, a crash or a dropped connection. Pure file I/O, no terminal.
//!
//! One JSON object per line, the last entry for a (file, hunk key) wins. A torn last line (a
//! crash mid-write) is skipped on load.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
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

impl Journal {
    /// Open (creating folders as needed) and read the journal at `path`; `fresh` empties it.
    pub fn open(path: &Path, fresh: bool) -> io::Result<(Self, Vec<Entry>)> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let entries = if fresh {
            Vec::new()
        } else {
            match File::open(path) {
                Ok(f) => read_entries(BufReader::new(f)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(e),
            }
        };
        let file = OpenOptions::new().create(true).append(!fresh).write(true).truncate(fresh).open(path)?;
        Ok((Self { file, path: path.to_path_buf() }, entries))
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

/// Read a journal without opening it for writing (for `apply --decisions`).
pub fn load(path: &Path) -> io::Result<Vec<Entry>> {
    Ok(read_entries(BufReader::new(File::open(path)?)))
}

fn read_entries(reader: impl BufRead) -> Vec<Entry> {
    reader
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Record>(&line).ok())
        .filter_map(|r| Some(Entry { path: r.p, key: r.k, decision: parse_decision(&r.d)?, choice: r.c }))
        .collect()
}

/// What restoring a journal did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Restored {
    /// Hunks whose decision or alternative came back.
    pub restored: usize,
    /// Journalled decisions whose hunk no longer exists.
    pub stale: usize,
}

/// Restores a journal onto plans one at a time, as they arrive; `finish` counts what came back
/// and, once every plan has been seen, which decisions are stale.
#[derive(Debug, Default)]
pub struct Restorer {
    latest: HashMap<(String, String), Entry>,
    matched: HashSet<(String, String)>,
    restored: usize,
}

impl Restorer {
    /// Keep the journal's latest entry per hunk.
    pub fn new(entries: &[Entry]) -> Self {
        let latest = entries.iter().map(|e| ((e.path.clone(), e.key.clone()), e.clone())).collect();
        Self { latest, ..Self::default() }
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
        Restored { restored: self.restored, stale }
    }
}

/// Apply the journal's latest entry per hunk to the plans.
pub fn restore(plans: &mut [FilePlan], entries: &[Entry]) -> Restored {
    let mut restorer = Restorer::new(entries);
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
        let (mut j, entries) = Journal::open(&path, false).unwrap();
        assert!(entries.is_empty());
        let mut e = Entry::of(&p, 0);
        e.decision = Decision::Accepted;
        j.append(std::slice::from_ref(&e)).unwrap();
        e.decision = Decision::Rejected;
        j.append(std::slice::from_ref(&e)).unwrap();
        drop(j);
        let (_, entries) = Journal::open(&path, false).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].path, "a.py");
        let mut plans = vec![p];
        let r = restore(&mut plans, &entries);
        assert_eq!(r, Restored { restored: 1, stale: 0 });
        assert_eq!(plans[0].hunk_decision(0), Decision::Rejected);
        assert_eq!(plans[0].hunk_decision(1), Decision::Pending);
    }

    #[test]
    fn fresh_discards_and_torn_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        fs::write(&path, "{\"p\":\"a.py\",\"k\":\"k-1\",\"d\":\"a\",\"c\":0}\n{\"p\":\"a.p").unwrap();
        let (_, entries) = Journal::open(&path, false).unwrap();
        assert_eq!(entries.len(), 1);
        let (_, entries) = Journal::open(&path, true).unwrap();
        assert!(entries.is_empty());
        assert_eq!(fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn unknown_keys_are_stale() {
        let mut plans = vec![plan("root/a.py", "x\n")];
        let entries = vec![
            Entry { path: "a.py".into(), key: "gone-1".into(), decision: Decision::Accepted, choice: 0 },
            Entry { path: "b.py".into(), key: plans[0].hunks[0].key.clone(), decision: Decision::Rejected, choice: 0 },
            Entry { path: "a.py".into(), key: "forgotten-1".into(), decision: Decision::Pending, choice: 0 },
        ];
        let r = restore(&mut plans, &entries);
        assert_eq!(r, Restored { restored: 0, stale: 2 });
    }

    #[test]
    fn restoring_plan_by_plan_counts_stale_only_at_the_end() {
        let (a, b) = (plan("root/a.py", "x\n"), plan("root/b.py", "x\n"));
        let entries = vec![
            Entry { path: "a.py".into(), key: a.hunks[0].key.clone(), decision: Decision::Accepted, choice: 0 },
            Entry { path: "b.py".into(), key: b.hunks[0].key.clone(), decision: Decision::Rejected, choice: 0 },
            Entry { path: "c.py".into(), key: "gone-1".into(), decision: Decision::Accepted, choice: 0 },
        ];
        let mut r = Restorer::new(&entries);
        let mut arrived = vec![b];
        r.apply(&mut arrived[0]);
        // b.py's decision is back; a.py has not arrived yet, so it is not stale either way.
        assert_eq!(arrived[0].hunk_decision(0), Decision::Rejected);
        arrived.push(a);
        r.apply(&mut arrived[1]);
        assert_eq!(r.finish(), Restored { restored: 2, stale: 1 });
        let mut again = vec![plan("root/a.py", "x\n"), plan("root/b.py", "x\n")];
        assert_eq!(restore(&mut again, &entries), r.finish());
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
