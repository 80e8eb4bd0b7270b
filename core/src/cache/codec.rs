//! The cache's binary encoding of one file's analysis: variable-length integers (LEB128),
//! length-prefixed UTF-8 strings, enums by a one-byte code. Decoding checks every length against
//! the bytes left and every code against the values it can take, so damaged bytes give `None`,
//! never a panic or a huge allocation (the record's checksum catches damage that still decodes).

use std::ops::Range;

use crate::fix::{Duty, Edit, Finding, Fix, Safety, Severity};
use crate::plan::{FilePlan, Hunk};
use crate::rules::Rule;
use crate::source::Blocker;

/// Appends encoded values to a byte buffer.
#[derive(Default)]
pub(super) struct Writer(pub Vec<u8>);

/// Reads encoded values from a byte slice; every read is `None` past the end or on a bad value.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Writer {
    pub fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    pub fn usize(&mut self, v: usize) {
        self.uint(v as u64);
    }

    pub fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    pub fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn range(&mut self, r: &Range<usize>) {
        self.usize(r.start);
        self.usize(r.end);
    }

    fn list<T>(&mut self, items: &[T], mut put: impl FnMut(&mut Self, &T)) {
        self.usize(items.len());
        for item in items {
            put(self, item);
        }
    }
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// How far into the bytes the reader is.
    pub fn position(&self) -> usize {
        self.at
    }

    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    pub fn uint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    pub fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    pub fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.usize()?;
        std::str::from_utf8(self.bytes(n)?).ok()
    }

    fn bool(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn range(&mut self) -> Option<Range<usize>> {
        let (start, end) = (self.usize()?, self.usize()?);
        (start <= end).then_some(start..end)
    }

    /// A list of items: its length is checked against the bytes left (each item takes at least
    /// one), so a damaged length cannot ask for a huge allocation.
    fn list<T>(&mut self, mut get: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.usize()?;
        if n > self.bytes.len() - self.at {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(get(self)?);
        }
        Some(out)
    }
}

/// What the analysis of one file found, as the cache keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub findings: Vec<Finding>,
    /// The hunks grouped from them (empty for a notebook, whose plan regroups).
    pub hunks: Vec<Hunk>,
    pub parsed_cleanly: bool,
    pub blocker: Option<Blocker>,
    pub lines: usize,
    /// What the run's program needs of the file, so that a warm run does not read it again.
    pub facts: Facts,
}

/// What the pipeline's `program` needs of a Python file (nothing for a notebook).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    /// Its import statements as `(dotted name, from-import)`.
    pub imports: Vec<(String, bool)>,
    /// Whether it may start a program (by its name and text).
    pub starts_program: bool,
    /// The digest of the run's file list that `edges` were resolved in (0: not resolved).
    pub layout: u64,
    /// The files of that run it imports, by index.
    pub edges: Vec<usize>,
}

impl Entry {
    /// The entry of an analysed file: its plan (findings and, but for a notebook, hunks) and the
    /// number of lines analysed.
    pub(crate) fn of(plan: &FilePlan, lines: usize, facts: Facts) -> Self {
        Self {
            findings: plan.findings.clone(),
            hunks: if plan.notebook.is_some() { Vec::new() } else { plan.hunks.clone() },
            parsed_cleanly: plan.parsed_cleanly,
            blocker: plan.blocker,
            lines,
            facts,
        }
    }

    /// The entry of a file the pre-filter passed over: nothing found, no line analysed.
    pub(crate) fn unread(facts: Facts) -> Self {
        Self { findings: Vec::new(), hunks: Vec::new(), parsed_cleanly: true, blocker: None, lines: 0, facts }
    }

    pub(super) fn put(&self, w: &mut Writer) {
        w.list(&self.findings, put_finding);
        w.list(&self.hunks, put_hunk);
        w.byte(u8::from(self.parsed_cleanly));
        put_blocker(w, self.blocker);
        w.usize(self.lines);
        let facts = &self.facts;
        w.list(&facts.imports, |w, (name, from)| {
            w.str(name);
            w.byte(u8::from(*from));
        });
        w.byte(u8::from(facts.starts_program));
        w.uint(facts.layout);
        w.list(&facts.edges, |w, &j| w.usize(j));
    }

    /// The entry, if the rest of `r` is exactly one.
    pub(super) fn get(r: &mut Reader<'_>) -> Option<Self> {
        let entry = Self {
            findings: r.list(get_finding)?,
            hunks: r.list(get_hunk)?,
            parsed_cleanly: r.bool()?,
            blocker: get_blocker(r)?,
            lines: r.usize()?,
            facts: Facts {
                imports: r.list(|r| Some((r.str()?.to_owned(), r.bool()?)))?,
                starts_program: r.bool()?,
                layout: r.uint()?,
                edges: r.list(Reader::usize)?,
            },
        };
        r.is_done().then_some(entry)
    }
}

fn put_finding(w: &mut Writer, f: &Finding) {
    let rule = Rule::ALL.iter().position(|&r| r == f.rule).expect("every rule is in Rule::ALL");
    w.usize(rule);
    w.byte(match f.severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    });
    w.str(&f.message);
    w.range(&f.range);
    w.list(&f.fixes, put_fix);
    w.list(&f.requires, |w, &i| w.usize(i));
    w.list(&f.packages, |w, p| w.str(p));
    w.byte(match f.duty {
        None => 0,
        Some(Duty::DisableV2Behavior) => 1,
        Some(Duty::LegacyKeras) => 2,
    });
    w.byte(u8::from(f.kept_for_dependants) | u8::from(f.support) << 1 | u8::from(f.keras3_only) << 2);
}

fn get_finding(r: &mut Reader<'_>) -> Option<Finding> {
    let rule = *Rule::ALL.get(r.usize()?)?;
    let severity = match r.byte()? {
        0 => Severity::Info,
        1 => Severity::Warning,
        2 => Severity::Error,
        _ => return None,
    };
    let mut f = Finding::new(rule, severity, 0..0, r.str()?);
    f.range = r.range()?;
    f.fixes = r.list(get_fix)?;
    f.requires = r.list(Reader::usize)?;
    f.packages = r.list(|r| r.str().map(|s| intern(s)))?;
    f.duty = match r.byte()? {
        0 => None,
        1 => Some(Duty::DisableV2Behavior),
        2 => Some(Duty::LegacyKeras),
        _ => return None,
    };
    let flags = r.byte()?;
    if flags > 7 {
        return None;
    }
    f.kept_for_dependants = flags & 1 != 0;
    f.support = flags & 2 != 0;
    f.keras3_only = flags & 4 != 0;
    Some(f)
}

fn put_fix(w: &mut Writer, fix: &Fix) {
    w.list(&fix.edits, |w, e| {
        w.range(&e.range);
        w.str(&e.content);
    });
    w.byte(match fix.safety {
        Safety::Manual => 0,
        Safety::Review => 1,
        Safety::Safe => 2,
    });
    w.str(fix.label);
    w.list(&fix.packages, |w, p| w.str(p));
}

fn get_fix(r: &mut Reader<'_>) -> Option<Fix> {
    let edits = r.list(|r| Some(Edit { range: r.range()?, content: r.str()?.to_owned() }))?;
    let safety = match r.byte()? {
        0 => Safety::Manual,
        1 => Safety::Review,
        2 => Safety::Safe,
        _ => return None,
    };
    let label = intern(r.str()?);
    let packages = r.list(|r| r.str().map(|s| intern(s)))?;
    Some(Fix { edits, safety, label, packages })
}

fn put_hunk(w: &mut Writer, h: &Hunk) {
    w.list(&h.findings, |w, &i| w.usize(i));
    w.range(&h.lines);
    w.range(&h.bytes);
    w.list(&h.requires, |w, &i| w.usize(i));
    w.str(&h.key);
}

fn get_hunk(r: &mut Reader<'_>) -> Option<Hunk> {
    Some(Hunk {
        findings: r.list(Reader::usize)?,
        lines: r.range()?,
        bytes: r.range()?,
        requires: r.list(Reader::usize)?,
        key: r.str()?.to_owned(),
    })
}

fn put_blocker(w: &mut Writer, b: Option<Blocker>) {
    match b {
        None => w.byte(0),
        Some(Blocker::Python2 { at }) => {
            w.byte(1);
            w.usize(at);
        }
        Some(Blocker::TooDeep { at }) => {
            w.byte(2);
            w.usize(at);
        }
        Some(Blocker::Syntax { at: None }) => w.byte(3),
        Some(Blocker::Syntax { at: Some(at) }) => {
            w.byte(4);
            w.usize(at);
        }
    }
}

/// `Some(None)`: no blocker; `None`: not a blocker's encoding.
#[allow(clippy::option_option)] // The outer `Option` is "decodes", as for every `get_` here.
fn get_blocker(r: &mut Reader<'_>) -> Option<Option<Blocker>> {
    Some(match r.byte()? {
        0 => None,
        1 => Some(Blocker::Python2 { at: r.usize()? }),
        2 => Some(Blocker::TooDeep { at: r.usize()? }),
        3 => Some(Blocker::Syntax { at: None }),
        4 => Some(Blocker::Syntax { at: Some(r.usize()?) }),
        _ => return None,
    })
}

/// The `&'static str` of a stored label or package name: they come from a small set, so each
/// distinct one is kept once for the life of the process (records are checksummed before they
/// are decoded, so only names the tool itself wrote get here).
fn intern(s: &str) -> &'static str {
    static SEEN: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&known) = seen.iter().find(|&&k| k == s) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    seen.push(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_at_every_width() {
        let values = [0, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX), u64::MAX];
        let mut w = Writer::default();
        for v in values {
            w.uint(v);
        }
        let mut r = Reader::new(&w.0);
        for v in values {
            assert_eq!(r.uint(), Some(v));
        }
        assert!(r.is_done());
        assert_eq!(Reader::new(&[0xff; 11]).uint(), None, "longer than 64 bits");
        assert_eq!(Reader::new(&[0x80]).uint(), None, "cut short");
    }

    #[test]
    fn a_damaged_length_asks_for_nothing_huge() {
        let mut w = Writer::default();
        w.usize(usize::MAX / 2);
        assert!(Reader::new(&w.0).list(Reader::byte).is_none());
        assert!(Reader::new(&w.0).str().is_none());
    }

    #[test]
    fn every_enum_value_round_trips() {
        let mut findings = Vec::new();
        for (i, &rule) in Rule::ALL.iter().enumerate() {
            let severity = [Severity::Info, Severity::Warning, Severity::Error][i % 3];
            let mut f = Finding::new(rule, severity, i..i + 2, format!("message {i} é"));
            f.duty = [None, Some(Duty::DisableV2Behavior), Some(Duty::LegacyKeras)][i % 3];
            f.kept_for_dependants = i % 2 == 0;
            f.support = i % 4 == 1;
            f.requires = (0..i % 3).collect();
            f.packages = vec!["tf-keras"; i % 2];
            let edits = vec![Edit::replacement(i..i + 1, "x"), Edit::insertion(i + 5, "y\n")];
            let fix = if i % 2 == 0 { Fix::safe(edits) } else { Fix::review(edits).labelled("native") };
            f.fixes = vec![fix.needing("tf-slim"); i % 3];
            findings.push(f);
        }
        let blockers = [
            None,
            Some(Blocker::Python2 { at: 3 }),
            Some(Blocker::TooDeep { at: 9 }),
            Some(Blocker::Syntax { at: None }),
            Some(Blocker::Syntax { at: Some(70_000) }),
        ];
        for blocker in blockers {
            let hunk =
                Hunk { findings: vec![0, 2], lines: 3..5, bytes: 40..90, requires: vec![1], key: "k|a→b".into() };
            let entry = Entry {
                findings: findings.clone(),
                hunks: vec![hunk],
                parsed_cleanly: blocker.is_none(),
                blocker,
                lines: 12,
                facts: Facts {
                    imports: vec![("pkg.mod".into(), false), (".rel.name é".into(), true)],
                    starts_program: blocker.is_some(),
                    layout: u64::MAX - 3,
                    edges: vec![0, 7, 300_000],
                },
            };
            let mut w = Writer::default();
            entry.put(&mut w);
            let back = Entry::get(&mut Reader::new(&w.0)).expect("decodes");
            assert_eq!(format!("{back:?}"), format!("{entry:?}"));
            let mut longer = w.0.clone();
            longer.push(0);
            assert!(Entry::get(&mut Reader::new(&longer)).is_none(), "trailing bytes");
            assert!(Entry::get(&mut Reader::new(&w.0[..w.0.len() - 1])).is_none(), "cut short");
        }
    }
}
