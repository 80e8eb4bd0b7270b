//! Duties across the files of one run. A library module that needs its program to switch
//! something on ([`Duty`]: graph mode, Keras 2) cannot do it itself; the entry points of the tree
//! (test files, scripts, files with a `__main__` block) that import it, directly or through other
//! modules of the tree, owe it. Those are analysed again with the duties in their options, so
//! that the rules insert the switch where they would for the entry point's own code.
//!
//! Imports are read from the text (`scan::prefilter::statement_imports`) and found among the run's
//! candidate files the way Python would find them when a program runs from the file's folder or
//! from a folder above it, up to the scan root.

use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::cache::Facts;
use crate::fix::Duties;
use crate::plan::FilePlan;
use crate::scan::{Candidate, prefilter};

/// The modules of a run, by name, and what is known of each analysed one.
pub(super) struct Program<'c> {
    candidates: &'c [Candidate],
    /// The run's modules by name, made when an import is first resolved (a warm run whose files
    /// are those of the run before has every file's imports resolved in the cache).
    index: OnceLock<Index>,
    /// A digest of the run's files (roots and paths, in order): resolved imports, as candidate
    /// indices, hold for runs with the same one (the cache keeps them).
    layout: u64,
    /// Per candidate: what its own findings ask of the entry point, and the in-tree modules it
    /// imports (filled in as files are analysed, from several threads).
    known: Mutex<Known>,
}

/// The modules of a run by name.
struct Index {
    /// Per root of the run: candidate index by dotted module name from that root (`pkg.sub.mod`
    /// for `pkg/sub/mod.py`, `pkg` for `pkg/__init__.py`).
    modules: Vec<HashMap<String, usize>>,
    /// Per candidate: its root (an index of the run's roots) and its folder's dotted name.
    places: Vec<(usize, String)>,
    /// Names a first segment of an in-tree import can have: file stems and folder names.
    names: HashSet<String>,
}

#[derive(Default)]
struct Known {
    duties: Vec<Duties>,
    edges: Vec<Vec<usize>>,
    /// Whether another module of the tree imports each one (made when first asked, once every
    /// file has been read).
    imported: Option<Vec<bool>>,
}

impl Index {
    fn new(candidates: &[Candidate]) -> Self {
        let mut names = HashSet::new();
        let mut roots: Vec<&Path> = Vec::new();
        let mut modules: Vec<HashMap<String, usize>> = Vec::new();
        let mut places = Vec::with_capacity(candidates.len());
        for (i, c) in candidates.iter().enumerate() {
            let root = roots.iter().position(|r| *r == c.root).unwrap_or_else(|| {
                roots.push(&c.root);
                modules.push(HashMap::new());
                roots.len() - 1
            });
            let rel = c.path.strip_prefix(&c.root).unwrap_or(&c.path);
            let mut parts: Vec<&str> = Vec::new();
            for part in rel {
                let part = Path::new(part);
                let stem =
                    if part.extension().is_some_and(|e| e == "py") { part.file_stem() } else { Some(part.as_os_str()) };
                parts.extend(stem.and_then(|s| s.to_str()));
            }
            names.extend(parts.iter().map(|p| (*p).to_owned()));
            let folder = parts.len().saturating_sub(1);
            places.push((root, parts[..folder].join(".")));
            if parts.last() == Some(&"__init__") {
                parts.pop();
            }
            modules[root].entry(parts.join(".")).or_insert(i);
        }
        Self { modules, places, names }
    }
}

impl<'c> Program<'c> {
    pub(super) fn new(candidates: &'c [Candidate]) -> Self {
        let mut layout = xxhash_rust::xxh3::Xxh3::new();
        for c in candidates {
            for part in [c.root.as_os_str(), c.path.as_os_str()] {
                layout.update(part.as_encoded_bytes());
                layout.update(b"\0");
            }
        }
        Self {
            candidates,
            index: OnceLock::new(),
            // Never 0, which stored facts use for "not resolved".
            layout: layout.digest().max(1),
            known: Mutex::new(Known {
                duties: vec![Duties::default(); candidates.len()],
                edges: vec![Vec::new(); candidates.len()],
                imported: None,
            }),
        }
    }

    /// Record the in-tree modules that Python file `i` imports: its stored edges when they were
    /// resolved for this run's files, else resolved from its import statements (see [`imports`]),
    /// then returned (to be stored). Also returns whether it may start a program (see
    /// [`may_be_entry_point`]) and imports some: then it is analysed after every other file,
    /// with what it owes ([`Self::owed`]).
    pub(super) fn read(&self, i: usize, facts: &Facts) -> (bool, Option<Vec<usize>>) {
        let (edges, resolved) = if facts.layout == self.layout {
            (facts.edges.clone(), None)
        } else {
            let mut key = String::new();
            let mut edges: Vec<usize> = facts
                .imports
                .iter()
                .filter_map(|(name, from)| self.resolve(i, name, *from, &mut key))
                .filter(|&j| j != i)
                .collect();
            edges.sort_unstable();
            edges.dedup();
            (edges.clone(), Some(edges))
        };
        let waits = !edges.is_empty() && facts.starts_program;
        self.known.lock().unwrap_or_else(PoisonError::into_inner).edges[i] = edges;
        (waits, resolved)
    }

    /// The digest of the run's files that resolved edges hold for.
    pub(super) fn layout(&self) -> u64 {
        self.layout
    }

    /// Record what an analysed file's findings ask of its program's entry point.
    pub(super) fn analysed(&self, i: usize, plan: &FilePlan) {
        let duties = plan.findings.iter().filter_map(|f| f.duty).collect();
        self.known.lock().unwrap_or_else(PoisonError::into_inner).duties[i] = duties;
    }

    /// Whether another module of the tree imports file `i` (once every file has been read).
    pub(super) fn imported(&self, i: usize) -> bool {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known.imported()[i]
    }

    /// What file `i` owes as an entry point: the duties of every module of the tree it imports,
    /// directly or not. Nothing for a module another one of the tree imports (a library module
    /// with a `__main__` block of its own is a library first: a switch there would be set by
    /// every program that imports it).
    pub(super) fn owed(&self, i: usize) -> Duties {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if known.imported()[i] {
            return Duties::default();
        }
        let mut seen = vec![false; known.edges.len()];
        let mut stack = known.edges[i].clone();
        let mut owed = Duties::default();
        seen[i] = true;
        while let Some(j) = stack.pop() {
            if std::mem::replace(&mut seen[j], true) {
                continue;
            }
            owed = owed.union(known.duties[j]);
            stack.extend(&known.edges[j]);
        }
        owed
    }
}

impl Known {
    /// Whether another module imports each one (made once, when first asked).
    fn imported(&mut self) -> &[bool] {
        let edges = &self.edges;
        self.imported.get_or_insert_with(|| {
            let mut imported = vec![false; edges.len()];
            for &j in edges.iter().flatten() {
                imported[j] = true;
            }
            imported
        })
    }
}

impl Program<'_> {
    /// The candidate that `import name` (`from`: the last segment may be a name in the module)
    /// in file `i` loads: a relative name from the file's package, an absolute one from the
    /// file's folder or a folder above it, up to its root. `key`: a buffer.
    fn resolve(&self, i: usize, name: &str, from: bool, key: &mut String) -> Option<usize> {
        let dots = name.bytes().take_while(|&b| b == b'.').count();
        let rest = &name[dots..];
        let first = rest.split('.').next().unwrap_or(rest);
        let index = self.index.get_or_init(|| Index::new(self.candidates));
        if dots == 0 && !index.names.contains(first) {
            return None; // a package from elsewhere (tensorflow, numpy, os...)
        }
        let (root, folder) = &index.places[i];
        // The folders to look in, as dotted prefixes: the file's, then each one above it.
        let mut bases = std::iter::successors(Some(folder.as_str()), |f| {
            (!f.is_empty()).then(|| f.rsplit_once('.').map_or("", |(p, _)| p))
        });
        let bases: Vec<&str> = if dots > 0 { bases.nth(dots - 1).into_iter().collect() } else { bases.collect() };
        let parent = from.then(|| rest.rsplit_once('.').map_or("", |(m, _)| m));
        let mut find = |base: &str, module: &str| {
            key.clear();
            key.push_str(base);
            if !base.is_empty() && !module.is_empty() {
                key.push('.');
            }
            key.push_str(module);
            (!key.is_empty()).then(|| index.modules[*root].get(key.as_str()).copied()).flatten()
        };
        bases.into_iter().find_map(|base| {
            (!rest.is_empty()).then(|| find(base, rest)).flatten().or_else(|| parent.and_then(|m| find(base, m)))
        })
    }
}

/// The import statements of a Python file (its bytes, decoded or not: import statements are
/// ASCII) as `(dotted name, from-import)`: what [`Program::read`] resolves.
pub(super) fn imports(text: &[u8]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    prefilter::statement_imports(text, |name, from| {
        out.push((name.to_owned(), from));
        false
    });
    out
}

/// Whether a file may be a program's entry point, by its name and text (a superset of what the
/// rules call one: test files, scripts without definitions, a `__main__` block). `text`: its
/// bytes, decoded or not.
pub(super) fn may_be_entry_point(path: &Path, text: &[u8]) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if name == "__init__.py" {
        return false; // a package, imported by definition
    }
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "__main__.py"
        || memchr::memmem::find(text, b"__main__").is_some()
        || memchr::memmem::find(text, b"TestCase").is_some()
        || ![&b"def "[..], b"class ", b"async def ", b"@"]
            .iter()
            .any(|p| text.starts_with(p) || memchr::memmem::find(text, &[b"\n", *p].concat()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(files: &[&str]) -> Program<'static> {
        let root = std::path::PathBuf::from("/r");
        let candidates: Vec<Candidate> =
            files.iter().map(|f| Candidate { path: root.join(f), root: root.clone() }).collect();
        // A test's few files, for the test's whole run.
        Program::new(candidates.leak())
    }

    fn resolve(p: &Program, file: &str, name: &str, from: bool) -> Option<usize> {
        let index = p.index.get_or_init(|| Index::new(p.candidates));
        let i = index.modules[0].get(&file.trim_end_matches(".py").replace('/', ".").replace(".__init__", "")).copied();
        p.resolve(i.expect("a file of the program"), name, from, &mut String::new())
    }

    #[test]
    fn imports_are_found_as_python_would() {
        let p = program(&["bert/modeling.py", "bert/run.py", "pkg/__init__.py", "pkg/ops.py", "pkg/sub/t.py", "x.py"]);
        // The script's own folder, then the folders above it up to the root.
        assert_eq!(resolve(&p, "bert/run.py", "modeling", false), Some(0));
        assert_eq!(resolve(&p, "pkg/sub/t.py", "pkg.ops", false), Some(3));
        assert_eq!(resolve(&p, "pkg/sub/t.py", "pkg.ops.f", true), Some(3), "a name in the module");
        assert_eq!(resolve(&p, "pkg/sub/t.py", "pkg", false), Some(2), "a package");
        assert_eq!(resolve(&p, "pkg/sub/t.py", "x", false), Some(5));
        // Relative imports, from the file's package.
        assert_eq!(resolve(&p, "pkg/sub/t.py", "..ops", true), Some(3));
        assert_eq!(resolve(&p, "pkg/ops.py", ".sub.t", true), Some(4));
        // Packages from elsewhere are never looked for; missing modules are none.
        assert_eq!(resolve(&p, "bert/run.py", "tensorflow", false), None);
        assert_eq!(resolve(&p, "bert/run.py", "pkg.missing", false), None);
    }

    #[test]
    fn duties_reach_entry_points_through_imports() {
        use crate::fix::Duty;
        let p = program(&["lib.py", "mid.py", "main.py", "other.py"]);
        {
            let mut known = p.known.lock().unwrap();
            known.duties[0] = Duties::default().with(Duty::DisableV2Behavior);
            known.edges[1] = vec![0];
            known.edges[2] = vec![1];
            known.edges[0] = vec![1]; // a cycle is no trouble
        }
        assert!(p.owed(2).has(Duty::DisableV2Behavior));
        assert!(!p.owed(2).has(Duty::LegacyKeras));
        assert!(p.owed(3).is_empty());
        // Modules others import owe nothing, whatever they import.
        assert!(p.owed(1).is_empty() && p.owed(0).is_empty());
    }

    #[test]
    fn entry_points_by_name_and_text() {
        let lib = "import tensorflow as tf\n\ndef f():\n    pass\n";
        assert!(!may_be_entry_point(Path::new("lib.py"), lib.as_bytes()));
        assert!(may_be_entry_point(Path::new("lib_test.py"), lib.as_bytes()));
        assert!(may_be_entry_point(Path::new("test_lib.py"), lib.as_bytes()));
        assert!(may_be_entry_point(
            Path::new("run.py"),
            format!("{lib}if __name__ == '__main__':\n    f()\n").as_bytes()
        ));
        assert!(may_be_entry_point(Path::new("script.py"), b"import lib\nlib.f()\n"));
        assert!(!may_be_entry_point(Path::new("__init__.py"), b"from . import lib\n"));
    }
}
