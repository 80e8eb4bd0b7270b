//! One file's analysis through the content cache. A file is read, its bytes hashed and looked up
//! before anything else: a stored analysis that found nothing needs neither the pre-filter nor
//! decoding, and one that found something only decoding. Every file gets an entry, also one the
//! pre-filter passes over (with what `program` needs of it: its imports, whether it may be an
//! entry point), so that a warm run reads no file's text but to hash it.

use crate::cache::{Cache, Digest, Entry, Facts};
use crate::error::Error;
use crate::fix::Duties;
use crate::notebook;
use crate::plan::FilePlan;
use crate::scan::{self, Candidate, Loaded};

use super::{Settings, check_file_owing, program};

/// A file read for the analysis and not decoded yet, with its bytes' digest when there is a cache.
pub(super) struct ReadFile<'c> {
    candidate: &'c Candidate,
    bytes: Vec<u8>,
    digest: Option<Digest>,
}

/// What one file's analysis came to.
pub(super) enum Outcome {
    /// Its plan (which may have no finding), and the number of lines analysed.
    Plan(Box<FilePlan>, usize),
    /// A stored analysis, or the pre-filter, found nothing; the number of lines analysed.
    Clean(usize),
}

impl<'c> ReadFile<'c> {
    /// Read `candidate`'s file (and hash it when `hashed`: there is a cache).
    pub(super) fn new(candidate: &'c Candidate, settings: &Settings, hashed: bool) -> Result<Self, Error> {
        let bytes = scan::read(candidate, &settings.scan)?;
        let digest = hashed.then(|| Digest::of(&bytes));
        Ok(Self { candidate, bytes, digest })
    }

    /// What the program needs of the file, from its bytes (its imports not resolved yet). A
    /// notebook is a program of its own: the imports of its code cells (none if it cannot be
    /// read: its analysis says why).
    fn facts(&self) -> Facts {
        let path = &self.candidate.path;
        if scan::is_notebook(path) {
            let read = std::str::from_utf8(&self.bytes).ok().and_then(|json| notebook::parse(json).ok());
            let imports = read.map(|nb| program::imports(nb.program().as_bytes())).unwrap_or_default();
            return Facts { imports, starts_program: true, ..Facts::default() };
        }
        Facts {
            imports: program::imports(&self.bytes),
            starts_program: program::may_be_entry_point(path, &self.bytes),
            ..Facts::default()
        }
    }

    fn decode(self) -> Result<Loaded, Error> {
        scan::decode(self.candidate, self.bytes)
    }
}

/// The cache key of `file` (with what it owes) and its stored analysis, if still good.
fn lookup(cache: Option<&Cache>, file: &ReadFile<'_>, duties: Duties) -> (Option<String>, Option<Entry>) {
    let (Some(cache), Some(digest)) = (cache, file.digest) else { return (None, None) };
    let id = cache_id(&file.candidate.path, duties);
    let entry = cache.get(&id, digest);
    (Some(id), entry)
}

/// The cache key of a file's analysis: its path, and what it owes as an entry point.
fn cache_id(path: &std::path::Path, duties: Duties) -> String {
    let mut id = crate::cache::file_id(path);
    if !duties.is_empty() {
        id.push_str("\u{0}owes ");
        id.push(char::from(b'0' + duties.bits()));
    }
    id
}

/// The outcome of a file whose stored analysis is still good (decoded only if it found something).
fn from_cache(file: ReadFile<'_>, entry: Entry) -> Result<Outcome, Error> {
    if entry.findings.is_empty() {
        return Ok(Outcome::Clean(entry.lines));
    }
    let Loaded { path, root, text, encoding } = file.decode()?;
    let plan = if scan::is_notebook(&path) {
        let prepared =
            notebook::file::prepare(text).map_err(|e| Error::Skipped { path: path.clone(), reason: e.to_string() })?;
        FilePlan::for_notebook(path, root, prepared.file, encoding, entry.findings)
    } else {
        let hunks = Some(entry.hunks);
        let mut plan = FilePlan::with_hunks(path, root, text, encoding, entry.parsed_cleanly, entry.findings, hunks);
        plan.blocker = entry.blocker;
        plan
    };
    Ok(Outcome::Plan(Box::new(plan), entry.lines))
}

/// The first analysis of a file that owes nothing: none at all if the pre-filter passes over it.
/// Stored under `store`'s key, with its `facts` (read from the bytes when not given).
fn first_analysis(
    file: ReadFile<'_>,
    settings: &Settings,
    store: Option<(&Cache, String)>,
    facts: Option<Facts>,
) -> Result<Outcome, Error> {
    if scan::may_have_findings(&file.candidate.path, &file.bytes, &settings.scan) {
        return analyse_and_store(file, Duties::default(), settings, store, facts);
    }
    if let (Some((cache, id)), Some(digest)) = (store, file.digest) {
        cache.put(id, digest, &Entry::unread(facts.unwrap_or_else(|| file.facts())));
    }
    Ok(Outcome::Clean(0))
}

/// Analyse a file (with what it owes, whatever the pre-filter says) and store the analysis under
/// `store`'s key, with its `facts` (read from the bytes when not given).
fn analyse_and_store(
    file: ReadFile<'_>,
    duties: Duties,
    settings: &Settings,
    store: Option<(&Cache, String)>,
    facts: Option<Facts>,
) -> Result<Outcome, Error> {
    let store = store.zip(file.digest);
    let facts = store.is_some().then(|| facts.unwrap_or_else(|| file.facts()));
    let Loaded { path, root, text, encoding } = file.decode()?;
    let (plan, lines) = check_file_owing(path, root, text, encoding, settings, duties)?;
    if let (Some(((cache, id), digest)), Some(facts)) = (store, facts) {
        cache.put(id, digest, &Entry::of(&plan, lines, facts));
    }
    Ok(Outcome::Plan(Box::new(plan), lines))
}

/// A file looked up in the cache, with what the run's program needs of it: stored with its
/// analysis, else read from its bytes (`facts`).
pub(super) struct Looked<'c> {
    file: ReadFile<'c>,
    id: Option<String>,
    entry: Option<Entry>,
    facts: Option<Facts>,
}

impl<'c> Looked<'c> {
    pub(super) fn new(file: ReadFile<'c>, cache: Option<&Cache>) -> Self {
        let (id, entry) = lookup(cache, &file, Duties::default());
        let facts = entry.is_none().then(|| file.facts());
        Self { file, id, entry, facts }
    }

    /// Record the file's imports in `program`; returns whether it waits for every other file
    /// (see [`program::Program::read`]). Imports resolved afresh are kept with its facts, and a
    /// stored entry is stored again with them (the run's files changed).
    pub(super) fn read_into(&mut self, i: usize, program: &program::Program, cache: Option<&Cache>) -> bool {
        let Some(facts) = self.entry.as_ref().map(|e| &e.facts).or(self.facts.as_ref()) else { return false };
        let (waits, resolved) = program.read(i, facts);
        if let Some(edges) = resolved {
            let facts = match (&mut self.entry, &mut self.facts) {
                (Some(entry), _) => &mut entry.facts,
                (None, Some(facts)) => facts,
                (None, None) => return waits,
            };
            facts.layout = program.layout();
            facts.edges = edges;
            if let (Some(cache), Some(id), Some(digest), Some(entry)) = (cache, &self.id, self.file.digest, &self.entry)
            {
                cache.put(id.clone(), digest, entry);
            }
        }
        waits
    }

    /// Its analysis (owing nothing): the stored one, else the first.
    pub(super) fn analyse(self, settings: &Settings, cache: Option<&Cache>) -> Result<Outcome, Error> {
        match self.entry {
            Some(entry) => from_cache(self.file, entry),
            None => first_analysis(self.file, settings, cache.zip(self.id), self.facts),
        }
    }
}

/// An entry point waiting for every other file (see `program`).
pub(super) struct Held<'c> {
    pub(super) i: usize,
    pub(super) looked: Looked<'c>,
}

impl Held<'_> {
    /// Its analysis, with what it owes (owing something, it is analysed even if the pre-filter
    /// would pass over it: the switch it owes is its finding).
    pub(super) fn analyse(self, owed: Duties, settings: &Settings, cache: Option<&Cache>) -> Result<Outcome, Error> {
        if owed.is_empty() {
            return self.looked.analyse(settings, cache);
        }
        let Looked { file, entry, facts, .. } = self.looked;
        let (id, stored) = lookup(cache, &file, owed);
        let facts = facts.or_else(|| entry.map(|e| e.facts));
        match stored {
            Some(entry) => from_cache(file, entry),
            None => analyse_and_store(file, owed, settings, cache.zip(id), facts),
        }
    }
}
