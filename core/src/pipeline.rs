//! The pipeline shared by every command: scan → source → rules → plan, and the automatic
//! decide → apply → verify → write used by `apply` (in `rewrite`).

mod cached;
mod one_keras;
mod program;
mod rewrite;

use cached::{Held, Looked, Outcome, ReadFile};
pub use rewrite::{Policy, accepted_text, migrate, not_rewritable, write_plan};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::cache::Cache;
use crate::deps::{self, DepsKind, KerasRoute, Needs};
use crate::error::Error;
use crate::fix::{Duties, Finding};
use crate::notebook;
use crate::plan::FilePlan;
use crate::rules::{self, Options, Rule};
use crate::scan::{self, Candidate, ScanOptions};
use crate::source::SourceFile;

/// Which rules a command works on (`--select`, `--ignore`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFilter {
    /// Per rule (indexed by `Rule as usize`): whether its findings are kept.
    keep: Vec<bool>,
}

impl Default for RuleFilter {
    fn default() -> Self {
        Self { keep: vec![true; Rule::ALL.len()] }
    }
}

impl RuleFilter {
    /// Keep the rules `select` names (all when empty) minus those `ignore` names; each pattern is
    /// a rule id or a `prefix*`. `Err` lists the patterns that name no rule.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Self, Vec<String>> {
        let unknown: Vec<String> =
            select.iter().chain(ignore).filter(|p| Rule::matching(p).next().is_none()).cloned().collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let named = |patterns: &[String], r: Rule| patterns.iter().any(|p| Rule::matching(p).any(|m| m == r));
        let keep = Rule::ALL.iter().map(|&r| (select.is_empty() || named(select, r)) && !named(ignore, r)).collect();
        Ok(Self { keep })
    }

    pub fn keeps(&self, rule: Rule) -> bool {
        self.keep[rule as usize]
    }

    /// Drop the findings of filtered rules, keeping `requires` indices consistent. A kept finding's
    /// requirements are kept too, whatever their rule (marked `kept_for_dependants`): writing half
    /// of a linked change (a `tf.compat.v1` graph rewrite without the eager switch) breaks code.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let mut keep: Vec<bool> = findings.iter().map(|f| self.keeps(f.rule)).collect();
        let mut stack: Vec<usize> = (0..findings.len()).filter(|&i| keep[i]).collect();
        while let Some(i) = stack.pop() {
            for &r in &findings[i].requires {
                if !keep[r] {
                    keep[r] = true;
                    stack.push(r);
                }
            }
        }
        let mut new_index = HashMap::new();
        let mut out = Vec::new();
        for (i, mut f) in findings.into_iter().enumerate() {
            if keep[i] {
                f.kept_for_dependants = !self.keeps(f.rule);
                new_index.insert(i, out.len());
                out.push(f);
            }
        }
        for f in &mut out {
            f.requires = f.requires.iter().filter_map(|r| new_index.get(r).copied()).collect();
        }
        out
    }
}

/// Everything a command needs to know about the files.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub scan: ScanOptions,
    pub rules: Options,
    pub filter: RuleFilter,
    /// Other rules for the files some globs match (the configuration's `per-path` tables); the
    /// last that matches a file wins.
    pub per_path: Vec<PathSettings>,
    /// The content cache's folder (`None`: no cache).
    pub cache: Option<PathBuf>,
}

/// The rule settings of the files a set of globs matches.
#[derive(Debug, Clone)]
pub struct PathSettings {
    /// The globs (gitignore syntax), relative to the folder they were written for.
    pub matcher: ignore::overrides::Override,
    pub rules: Options,
    pub filter: RuleFilter,
}

impl PathSettings {
    /// Settings for the files `globs` (gitignore syntax, relative to `base`) match; `Err` names
    /// a glob that does not parse.
    pub fn new(base: &std::path::Path, globs: &[String], rules: Options, filter: RuleFilter) -> Result<Self, String> {
        let mut builder = ignore::overrides::OverrideBuilder::new(base);
        for g in globs {
            builder.add(g).map_err(|e| format!("bad glob {g:?}: {e}"))?;
        }
        let matcher = builder.build().map_err(|e| e.to_string())?;
        Ok(Self { matcher, rules, filter })
    }
}

impl Settings {
    /// A digest of every setting that changes what the analysis finds (for the cache's key).
    pub fn results_digest(&self) -> u64 {
        let per_path: Vec<String> =
            self.per_path.iter().map(|p| format!("{:?}|{:?}|{:?}", p.matcher, p.rules, p.filter)).collect();
        // The pre-filter's switch too: with it off, files it passes over are analysed after all.
        let all = format!("{:?}|{:?}|{per_path:?}|{}", self.rules, self.filter, self.scan.prefilter);
        crate::plan::fnv1a(all.as_bytes())
    }

    /// The rule options and filter for `path`.
    pub fn rules_for(&self, path: &std::path::Path) -> (&Options, &RuleFilter) {
        if self.per_path.is_empty() {
            return (&self.rules, &self.filter);
        }
        // Absolute and without `.` components: the matcher strips its root as a byte prefix.
        let absolute: std::path::PathBuf = if path.is_absolute() {
            path.components().collect()
        } else {
            std::env::current_dir().unwrap_or_default().join(path).components().collect()
        };
        self.per_path
            .iter()
            .rev()
            .find(|p| p.matcher.matched(&absolute, false).is_whitelist())
            .map_or((&self.rules, &self.filter), |p| (&p.rules, &p.filter))
    }
}

/// The result of analysing the given paths.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Flagged files, in path order.
    pub plans: Vec<FilePlan>,
    /// Files that could not be handled, with the reason.
    pub errors: Vec<Error>,
    pub files_scanned: usize,
    pub lines_scanned: usize,
}

/// Run the rules over one decoded Python text (for a file of any kind, see [`check_file`]).
pub fn check_text(
    path: PathBuf,
    root: PathBuf,
    text: String,
    encoding: crate::source::Encoding,
    settings: &Settings,
) -> (FilePlan, usize) {
    check_source(SourceFile::new(path, text, encoding), root, settings, Duties::default())
}

/// [`check_text`] of a parsed file, for an entry point that owes `duties` to the modules it
/// imports.
fn check_source(src: SourceFile, root: PathBuf, settings: &Settings, duties: Duties) -> (FilePlan, usize) {
    let (options, filter) = settings.rules_for(&src.path);
    let findings = filter.apply(rules::check(&src, &owing(options, duties)));
    let lines = src.lines.line_count();
    let parsed_cleanly = !crate::source::has_syntax_error(&src.tree);
    let blocker = src.blocker();
    let SourceFile { path, text, encoding, .. } = src;
    let mut plan = FilePlan::new(path, root, text, encoding, parsed_cleanly, findings);
    plan.blocker = blocker;
    (plan, lines)
}

/// The plan of a dependency file, given what the migrated code needs (see [`crate::deps`]).
pub fn check_deps(
    path: PathBuf,
    root: PathBuf,
    text: String,
    encoding: crate::source::Encoding,
    kind: DepsKind,
    needs: &Needs,
) -> FilePlan {
    let findings = deps::check(kind, &text, needs);
    let mut plan = FilePlan::new(path, root, text, encoding, true, findings);
    plan.deps = Some(kind);
    plan
}

/// What the plans so far need from the project's dependency files: the packages their chosen
/// fixes import, and their Keras route.
fn absorb(needs: &mut Needs, plan: &FilePlan) {
    for (i, f) in plan.findings.iter().enumerate() {
        let Some(fix) = plan.chosen(i) else { continue };
        needs.packages.extend(fix.packages.iter().copied());
        if f.rule == Rule::KerasImport {
            needs.keras = if fix.packages.contains(&"tf-keras") || needs.keras == KerasRoute::TfKeras {
                KerasRoute::TfKeras
            } else {
                KerasRoute::TensorflowKeras
            };
        }
    }
}

/// `options` with what an entry point owes (`duties`) to the modules it imports.
fn owing(options: &Options, duties: Duties) -> std::borrow::Cow<'_, Options> {
    if duties.is_empty() {
        std::borrow::Cow::Borrowed(options)
    } else {
        std::borrow::Cow::Owned(Options { duties, ..options.clone() })
    }
}

/// Run the rules over one decoded file: a Python file, or a Jupyter notebook's JSON (by the
/// path's extension). A notebook that cannot be read is skipped with the reason. A dependency
/// file gets no finding here: what it needs depends on the other files ([`analyse_each`]).
pub fn check_file(
    path: PathBuf,
    root: PathBuf,
    text: String,
    encoding: crate::source::Encoding,
    settings: &Settings,
) -> Result<(FilePlan, usize), Error> {
    check_file_owing(path, root, text, encoding, settings, Duties::default())
}

/// [`check_file`] for an entry point (a script, a notebook) that owes `duties` to the modules it
/// imports.
fn check_file_owing(
    path: PathBuf,
    root: PathBuf,
    text: String,
    encoding: crate::source::Encoding,
    settings: &Settings,
    duties: Duties,
) -> Result<(FilePlan, usize), Error> {
    if let Some(kind) = DepsKind::of(&path) {
        let needs = Needs::default();
        return Ok((check_deps(path, root, text, encoding, kind, &needs), 0));
    }
    if !scan::is_notebook(&path) {
        return Ok(check_source(SourceFile::new(path, text, encoding), root, settings, duties));
    }
    let prepared =
        notebook::file::prepare(text).map_err(|e| Error::Skipped { path: path.clone(), reason: e.to_string() })?;
    let src = SourceFile::with_cells(path, prepared.rules_text, encoding, prepared.cells);
    let (options, filter) = settings.rules_for(&src.path);
    let mut findings = rules::check(&src, &owing(options, duties));
    findings.extend(prepared.findings);
    let findings = prepared.file.place(filter.apply(findings));
    let lines = src.lines.line_count();
    Ok((FilePlan::for_notebook(src.path, root, prepared.file, encoding, findings), lines))
}

/// Collect the candidate files of `paths`.
pub fn candidates(paths: &[PathBuf], settings: &Settings) -> (Vec<Candidate>, Vec<Error>) {
    scan::collect(paths, &settings.scan)
}

/// What the analysis found in one file, handed over as soon as it is ready.
#[derive(Debug)]
pub enum Found {
    /// A file with findings.
    Plan(FilePlan),
    /// A file that could not be handled, with the reason.
    Error(Error),
    /// A file with nothing to migrate (handed over so that a listener knows it is done).
    Clean,
}

impl Found {
    /// A plan, or `Clean` when it has no finding.
    fn of(plan: FilePlan) -> Self {
        if plan.findings.is_empty() { Self::Clean } else { Self::Plan(plan) }
    }
}

/// Analyse candidates in parallel and hand what each one is (a plan, an error, or clean) to
/// `each`, with the candidate's index, as soon as it is ready (roughly in candidate order, not
/// exactly). `each` returns `false` to stop early (nobody is listening any more). Returns the
/// number of lines scanned.
pub(crate) fn analyse_each(
    candidates: &[Candidate],
    settings: &Settings,
    done: &AtomicUsize,
    each: impl Fn(usize, Found) -> bool + Sync,
) -> usize {
    let lines = AtomicUsize::new(0);
    let needs = Mutex::new(Needs { target: Some(settings.rules.target), ..Needs::default() });
    let is_deps = |c: &Candidate| DepsKind::of(&c.path).is_some();
    let code = candidates.iter().enumerate().filter(|(_, c)| !is_deps(c));
    let stop = std::sync::atomic::AtomicBool::new(false);
    let cache = settings.cache.as_deref().map(|dir| Cache::open(dir, settings.results_digest()));
    let one_keras = Mutex::new(one_keras::OneKeras::default());
    // Entry points that import modules of the tree wait until every file is in (`program`).
    let program = program::Program::new(candidates);
    let held: Mutex<Vec<Held>> = Mutex::new(Vec::new());
    // Hands over what is ready; false once nobody listens.
    let emit = |ready: Vec<(usize, Found)>| {
        let mut go_on = true;
        for (i, found) in ready {
            if let Found::Plan(plan) = &found {
                absorb(&mut needs.lock().unwrap_or_else(PoisonError::into_inner), plan);
            }
            go_on = go_on && each(i, found);
        }
        if !go_on {
            stop.store(true, Ordering::Relaxed);
        }
        go_on
    };
    // One analysed file handed over (through the one-Keras routing); false once nobody listens.
    let analysed = |i: usize, result: Result<Outcome, Error>| match result {
        Ok(Outcome::Plan(plan, n)) => {
            lines.fetch_add(n, Ordering::Relaxed);
            program.analysed(i, &plan);
            let ready = one_keras.lock().unwrap_or_else(PoisonError::into_inner).route(i, *plan);
            emit(ready.into_iter().map(|(i, plan)| (i, Found::of(plan))).collect())
        }
        Ok(Outcome::Clean(n)) => {
            lines.fetch_add(n, Ordering::Relaxed);
            emit(vec![(i, Found::Clean)])
        }
        Err(e) => emit(vec![(i, Found::Error(e))]),
    };
    scan::par_each(code, done, |i, c| {
        let file = match ReadFile::new(c, settings, cache.is_some()) {
            Ok(file) => file,
            Err(e) => return emit(vec![(i, Found::Error(e))]),
        };
        let mut looked = Looked::new(file, cache.as_ref());
        if looked.read_into(i, &program, cache.as_ref()) {
            // What was looked up and read goes with it (used if it owes nothing).
            held.lock().unwrap_or_else(PoisonError::into_inner).push(Held { i, looked });
            return !stop.load(Ordering::Relaxed);
        }
        analysed(i, looked.analyse(settings, cache.as_ref()))
    });
    // The entry points that waited, analysed once with what they owe to the modules they import:
    // first those that other modules import in turn (they owe nothing, and what they need counts
    // for the others), then the rest; each group in parallel.
    let (imported, entry_points): (Vec<_>, Vec<_>) =
        held.into_inner().unwrap_or_else(PoisonError::into_inner).into_iter().partition(|h| program.imported(h.i));
    for group in [imported, entry_points] {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let results: Vec<_> = group
            .into_par_iter()
            .map(|held| {
                let (i, owed) = (held.i, program.owed(held.i));
                (i, held.analyse(owed, settings, cache.as_ref()))
            })
            .collect();
        for (i, result) in results {
            if !analysed(i, result) {
                break;
            }
        }
    }
    // Files that could have kept Keras 2 and need not: as analysed.
    let waiting = one_keras.into_inner().unwrap_or_else(PoisonError::into_inner).waiting;
    if !stop.load(Ordering::Relaxed) {
        emit(waiting.into_iter().map(|(i, plan)| (i, Found::of(plan))).collect());
    }
    let stopped = stop.into_inner();
    if let Some(cache) = cache {
        // A hint only: a cache that cannot be written costs the next run its time, nothing more.
        let _ = cache.save();
    }
    // Dependency files last: what they must pin depends on what every other file needs.
    if !stopped {
        let needs = needs.into_inner().unwrap_or_else(PoisonError::into_inner);
        let deps = candidates.iter().enumerate().filter(|(_, c)| is_deps(c));
        check_deps_files(deps, settings, &needs, done, each);
    }
    lines.into_inner()
}

/// Check the dependency files among the candidates (index and candidate) against what the code
/// needs, handing each to `each` until it returns `false`.
fn check_deps_files<'c>(
    deps: impl Iterator<Item = (usize, &'c Candidate)>,
    settings: &Settings,
    needs: &Needs,
    done: &AtomicUsize,
    each: impl Fn(usize, Found) -> bool,
) {
    for (i, c) in deps {
        let found = match scan::load(c, &settings.scan) {
            Ok(None) => Found::Clean,
            Ok(Some(loaded)) => {
                let kind = DepsKind::of(&loaded.path).unwrap_or(DepsKind::Requirements);
                let plan = check_deps(loaded.path, loaded.root, loaded.text, loaded.encoding, kind, needs);
                if plan.findings.is_empty() { Found::Clean } else { Found::Plan(plan) }
            }
            Err(e) => Found::Error(e),
        };
        done.fetch_add(1, Ordering::Relaxed);
        if !each(i, found) {
            break;
        }
    }
}

/// Analyse candidates in parallel; `done` counts finished files for a progress display. Plans
/// come back in path order, errors after `errors` in candidate order.
pub fn analyse(candidates: &[Candidate], errors: Vec<Error>, settings: &Settings, done: &AtomicUsize) -> Analysis {
    let mut plans = Vec::new();
    let mut analysis = analyse_map(candidates, errors, settings, done, |plan| plan, |plan| plans.push(plan));
    analysis.plans = plans;
    analysis
}

/// [`analyse`], turning each plan into what the caller keeps of it (`map`, on the thread that
/// made the plan, which is then dropped) and handing that to `emit` in path order (on that
/// thread too, under a lock: a channel to the calling thread cost a wake-up a file, more than a
/// warm run's analysis of it). `check` keeps a file's report lines, not its text. The `Analysis`
/// returned has no plans.
pub fn analyse_map<U: Send>(
    candidates: &[Candidate],
    errors: Vec<Error>,
    settings: &Settings,
    done: &AtomicUsize,
    map: impl Fn(FilePlan) -> U + Sync,
    emit: impl FnMut(U) + Send,
) -> Analysis {
    let state = Mutex::new((InOrder::default(), emit, errors));
    let lines_scanned = analyse_each(candidates, settings, done, |i, found| {
        let kept = match found {
            Found::Plan(plan) => Ok(Some(map(plan))),
            Found::Error(e) => Err(e),
            Found::Clean => Ok(None),
        };
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        let (order, emit, errors) = &mut *state;
        order.push(i, kept, &mut |kept| {
            match kept {
                Ok(Some(kept)) => emit(kept),
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
            true
        })
    });
    let (_, _, errors) = state.into_inner().unwrap_or_else(PoisonError::into_inner);
    Analysis { plans: Vec::new(), errors, files_scanned: candidates.len(), lines_scanned }
}

/// Values numbered from 0 handed over in that order, each as soon as it and every one before it
/// have come (the rest wait).
struct InOrder<T> {
    waiting: HashMap<usize, T>,
    next: usize,
}

impl<T> Default for InOrder<T> {
    fn default() -> Self {
        Self { waiting: HashMap::new(), next: 0 }
    }
}

impl<T> InOrder<T> {
    /// Take value `i` and hand what is now ready to `emit`; false once `emit` says stop.
    fn push(&mut self, i: usize, value: T, emit: &mut impl FnMut(T) -> bool) -> bool {
        self.waiting.insert(i, value);
        while let Some(value) = self.waiting.remove(&self.next) {
            self.next += 1;
            if !emit(value) {
                return false;
            }
        }
        true
    }
}

/// Hand the values of `(index, value)` pairs to `emit` in index order from 0 (see [`InOrder`]);
/// stops when `emit` returns `false`, and then drops `results` (a channel's senders see it
/// closed). Returns whether it went to the end.
fn in_order<T>(results: impl IntoIterator<Item = (usize, T)>, mut emit: impl FnMut(T) -> bool) -> bool {
    let mut order = InOrder::default();
    results.into_iter().all(|(i, value)| order.push(i, value, &mut emit))
}

/// Run `analyse_each` on a background thread that sends each candidate's index and result as
/// soon as it is ready (clean files too, so the review knows which files before the first one in
/// path order are still to come). The channel closes when every file is done, or once the
/// receiver is dropped (the rest is skipped).
pub fn spawn_analysis(
    candidates: Vec<Candidate>,
    settings: Settings,
    done: Arc<AtomicUsize>,
) -> Receiver<(usize, Found)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || analyse_each(&candidates, &settings, &done, |i, f| tx.send((i, f)).is_ok()));
    rx
}

/// Run `work` on every plan on the thread pool and hand each result to `emit` in plan order, as
/// soon as it and those before it are done (so output streams in path order); `emit` returns
/// `false` to stop (plans not yet started are then skipped). Rewriting a file re-checks and
/// re-parses it, and writing one waits on the disk: one file at a time left a core idle.
pub fn each_plan<T: Send>(
    plans: &mut [FilePlan],
    work: impl Fn(&mut FilePlan) -> T + Sync,
    mut emit: impl FnMut(T) -> bool,
) {
    use rayon::prelude::*;
    use std::sync::atomic::AtomicBool;
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|scope| {
        let (work, stop) = (&work, &stop);
        scope.spawn(move || {
            plans.par_iter_mut().enumerate().for_each(|(i, plan)| {
                if !stop.load(Ordering::Relaxed) {
                    // A closed channel means `emit` stopped: nothing to do with the result.
                    let _ = tx.send((i, work(plan)));
                }
            });
        });
        if !in_order(rx, &mut emit) {
            stop.store(true, Ordering::Relaxed);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Safety;
    use crate::source::Encoding;

    const FLAGGED: &str = "import tensorflow as tf\nx = tf.log(1.0)\n";

    /// A tree of `n` files: every third has nothing to migrate, every fifth (not third) is binary.
    fn tree(n: usize) -> (tempfile::TempDir, Vec<Candidate>, Vec<Error>) {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..n {
            let text: &[u8] = if i % 3 == 0 {
                b"import os\n"
            } else if i % 5 == 0 {
                b"import tensorflow\0"
            } else {
                FLAGGED.as_bytes()
            };
            std::fs::write(dir.path().join(format!("m{i:03}.py")), text).unwrap();
        }
        let (candidates, errors) = candidates(&[dir.path().to_path_buf()], &Settings::default());
        assert_eq!(candidates.len(), n);
        (dir, candidates, errors)
    }

    /// Standalone Keras files of one run: `needs2.py` uses what only Keras 2 has.
    fn keras_run(with_keeper: bool) -> Vec<FilePlan> {
        let dir = tempfile::tempdir().unwrap();
        let plain = "import tensorflow as tf\nfrom keras.layers import Dense\nx = tf.log(1.0)\nd = Dense(3)\n";
        std::fs::write(dir.path().join("a_plain.py"), plain).unwrap();
        std::fs::write(dir.path().join("z_plain.py"), plain).unwrap();
        if with_keeper {
            let needs2 = "from keras import backend as K\nf = K.function([1], [2])\n";
            std::fs::write(dir.path().join("needs2.py"), needs2).unwrap();
        }
        let settings = Settings { cache: None, ..Settings::default() };
        let (candidates, errors) = candidates(&[dir.path().to_path_buf()], &settings);
        analyse(&candidates, errors, &settings, &AtomicUsize::new(0)).plans
    }

    #[test]
    fn one_file_that_keeps_keras2_makes_every_file_keep_it() {
        let default_fix = |plan: &FilePlan| {
            let f = plan.findings.iter().find(|f| f.rule == Rule::KerasImport).unwrap();
            f.fixes[0].label
        };
        // Alone, a plain file goes to tf.keras (Keras 3).
        let plans = keras_run(false);
        let labels: Vec<&str> = plans.iter().map(default_fix).collect();
        assert!(labels.iter().all(|l| *l != crate::rules::keras3::TF_KERAS), "tf.keras by default: {labels:?}");
        // Beside a file that needs Keras 2, before and after it in path order, it keeps Keras 2.
        let plans = keras_run(true);
        assert_eq!(plans.len(), 3);
        for plan in &plans {
            assert_eq!(default_fix(plan), crate::rules::keras3::TF_KERAS, "{}", plan.path.display());
        }
        let first = plans.iter().find(|p| p.path.ends_with("a_plain.py")).unwrap();
        assert!(first.findings.iter().any(|f| f.message.contains("another file of this program")));
        // `apply` (safe fixes only) takes `tf.log`, leaves the import for review, and its second
        // pass, which sees the file alone, does not move it to tf.keras either.
        let mut plan = first.clone();
        let settings = Settings { cache: None, ..Settings::default() };
        let out = migrate(&mut plan, Policy { min_safety: Safety::Safe }, &settings).unwrap().unwrap();
        assert!(out.contains("tf.math.log") && out.contains("from keras.layers import Dense"), "{out}");
        let mut plan = first.clone();
        let out = migrate(&mut plan, Policy { min_safety: Safety::Review }, &settings).unwrap().unwrap();
        assert!(out.contains("from tf_keras.layers import Dense"), "{out}");
    }

    #[test]
    fn analyse_map_keeps_what_map_makes_in_path_order() {
        let (_dir, candidates, _) = tree(40);
        let whole = analyse(&candidates, Vec::new(), &Settings::default(), &AtomicUsize::new(0));
        let mut kept = Vec::new();
        let mapped = analyse_map(
            &candidates,
            Vec::new(),
            &Settings::default(),
            &AtomicUsize::new(0),
            |plan| (plan.path.clone(), plan.findings.len()),
            |k| kept.push(k),
        );
        let expected: Vec<_> = whole.plans.iter().map(|p| (p.path.clone(), p.findings.len())).collect();
        assert!(expected.len() > 10 && expected.is_sorted());
        assert_eq!(kept, expected);
        assert!(mapped.plans.is_empty());
        let messages = |a: &Analysis| a.errors.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(messages(&mapped), messages(&whole));
        assert!(!mapped.errors.is_empty(), "the binary files are reported");
    }

    #[test]
    fn each_plan_emits_in_plan_order_and_stops_when_asked() {
        let (_dir, candidates, errors) = tree(40);
        let mut plans = analyse(&candidates, errors, &Settings::default(), &AtomicUsize::new(0)).plans;
        let paths: Vec<PathBuf> = plans.iter().map(|p| p.path.clone()).collect();
        assert!(paths.len() > 10);
        // The first plan finishes last: the others wait for it, then follow in order.
        let mut seen = Vec::new();
        each_plan(
            &mut plans,
            |plan| {
                if plan.path == paths[0] {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                plan.path.clone()
            },
            |path| {
                seen.push(path);
                true
            },
        );
        assert_eq!(seen, paths);
        // `false` from emit: no further results are handed over.
        let mut emitted = 0;
        each_plan(
            &mut plans,
            |_| (),
            |()| {
                emitted += 1;
                emitted < 3
            },
        );
        assert_eq!(emitted, 3);
    }

    #[test]
    fn analyse_each_hands_over_every_candidate_once() {
        let (_dir, candidates, _) = tree(40);
        let seen = Mutex::new(Vec::new());
        let done = AtomicUsize::new(0);
        let lines = analyse_each(&candidates, &Settings::default(), &done, |i, f| {
            let kind = match f {
                Found::Plan(_) => 'p',
                Found::Error(_) => 'e',
                Found::Clean => 'c',
            };
            seen.lock().unwrap().push((i, kind));
            true
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        let kind = |i: usize| {
            if i.is_multiple_of(3) {
                'c'
            } else if i.is_multiple_of(5) {
                'e'
            } else {
                'p'
            }
        };
        assert_eq!(seen, (0..40).map(|i| (i, kind(i))).collect::<Vec<_>>());
        let expected: Vec<(usize, bool)> = (0..40).filter(|i| i % 3 != 0).map(|i| (i, i % 5 != 0)).collect();
        assert_eq!(done.load(Ordering::Relaxed), 40);
        // Only TensorFlow files that could be read count their lines.
        let (_, per_file) =
            check_text("m.py".into(), ".".into(), FLAGGED.into(), Encoding::Utf8 { bom: false }, &Settings::default());
        assert_eq!(lines, per_file * expected.iter().filter(|(_, plan)| *plan).count());
    }

    #[test]
    fn analyse_each_stops_when_told() {
        let (_dir, candidates, _) = tree(200);
        let calls = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        analyse_each(&candidates, &Settings::default(), &done, |_, _| {
            calls.fetch_add(1, Ordering::Relaxed);
            false
        });
        // Each worker stops after its first hand-over; it does not drain the rest.
        assert!(calls.load(Ordering::Relaxed) <= rayon::current_num_threads() + 1);
        assert!(done.load(Ordering::Relaxed) < 200);
    }

    #[test]
    fn streamed_results_match_the_batch_analysis() {
        let (_dir, candidates, errors) = tree(30);
        let settings = Settings::default();
        let batch = analyse(&candidates, errors, &settings, &AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let rx = spawn_analysis(candidates, settings, Arc::clone(&done));
        let (mut plans, mut errors, mut seen) = (Vec::new(), Vec::new(), Vec::new());
        for (i, f) in rx {
            seen.push(i);
            match f {
                Found::Plan(p) => plans.push(p.path),
                Found::Error(e) => errors.push(e.to_string()),
                Found::Clean => {}
            }
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..30).collect::<Vec<_>>(), "every candidate is reported once");
        plans.sort();
        errors.sort();
        assert_eq!(done.load(Ordering::Relaxed), 30);
        assert_eq!(plans, batch.plans.iter().map(|p| p.path.clone()).collect::<Vec<_>>());
        assert!(batch.plans.is_sorted_by(|a, b| a.path < b.path));
        let mut batch_errors: Vec<String> = batch.errors.iter().map(ToString::to_string).collect();
        batch_errors.sort();
        assert_eq!(errors, batch_errors);
        assert!(!errors.is_empty());
    }
}
