//! Applying fixes to the original text: sort, skip what overlaps, splice.

use std::collections::{BTreeMap, HashSet};

use crate::fix::{Edit, Fix};
use crate::source;

/// The result of applying a set of fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// For each input fix, whether it was applied (false: it overlapped one applied before it).
    pub applied: Vec<bool>,
}

/// Apply `fixes` to `text`. A fix whose edits conflict with an already applied fix is skipped
/// whole; identical edits from several fixes (a shared import line) are applied once. Fixes are
/// taken in order of their first edit; conflicts are found among the edits taken so far by their
/// start offsets, so the whole is O(n log n) in the number of edits.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> Applied {
    let (taken, applied) = take(fixes);
    Applied { text: splice(text, taken.edits()), applied }
}

/// The edits [`apply_fixes`] would splice in, in the order it splices them (by start offset;
/// insertions at one point in the order taken), identical edits once.
pub fn applied_edits(fixes: &[&Fix]) -> Vec<Edit> {
    let (taken, _) = take(fixes);
    let mut edits: Vec<&Edit> = taken.edits().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut seen: HashSet<&Edit> = HashSet::new();
    edits.retain(|e| seen.insert(*e));
    edits.into_iter().cloned().collect()
}

/// The edits of the fixes that can be applied together (see [`apply_fixes`]), and which were.
fn take<'f>(fixes: &[&'f Fix]) -> (Taken<'f>, Vec<bool>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| (fixes[i].span().start, fixes[i].span().end));
    let mut taken = Taken::default();
    let mut applied = vec![false; fixes.len()];
    for i in order {
        let fix = fixes[i];
        if fix.edits.iter().all(|e| !taken.conflicts(e)) {
            for e in &fix.edits {
                taken.insert(e);
            }
            applied[i] = true;
        }
    }
    (taken, applied)
}

/// The edits taken so far, by start offset (insertions at one point kept in the order taken).
#[derive(Default)]
struct Taken<'e> {
    by_start: BTreeMap<(usize, usize, usize), &'e Edit>,
}

impl<'e> Taken<'e> {
    /// Whether `edit` conflicts with a taken edit. The taken edits never overlap each other, so
    /// only the last one starting before `edit` and those starting inside it can.
    fn conflicts(&self, edit: &Edit) -> bool {
        let before = self.by_start.range(..(edit.range.start, 0, 0)).next_back().map(|(_, e)| *e);
        let inside =
            self.by_start.range((edit.range.start, 0, 0)..=(edit.range.end, usize::MAX, usize::MAX)).map(|(_, e)| *e);
        before.into_iter().chain(inside).any(|t| t.conflicts_with(edit))
    }

    fn insert(&mut self, edit: &'e Edit) {
        if self.contains(edit) {
            return;
        }
        let n = self.by_start.len();
        self.by_start.insert((edit.range.start, edit.range.end, n), edit);
    }

    /// Whether an identical edit is taken (a shared import line is applied once).
    fn contains(&self, edit: &Edit) -> bool {
        self.by_start
            .range((edit.range.start, edit.range.end, 0)..=(edit.range.start, edit.range.end, usize::MAX))
            .any(|(_, t)| *t == edit)
    }

    fn edits(&self) -> impl Iterator<Item = &'e Edit> + '_ {
        self.by_start.values().copied()
    }
}

/// Join the untouched slices of `text` with the replacements of non-conflicting `edits`, in the
/// order given where several start at one point; identical edits count once.
pub fn splice<'e>(text: &str, edits: impl IntoIterator<Item = &'e Edit>) -> String {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut seen: HashSet<&Edit> = HashSet::new();
    edits.retain(|e| seen.insert(*e));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.content.len()).sum::<usize>());
    let mut pos = 0;
    for e in edits {
        debug_assert!(e.range.start >= pos, "overlapping edits reached splice");
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.content);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Why a rewritten text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// The original parsed; the result does not.
    BreaksSyntax,
}

/// Check that rewriting a file that compiled (`before_ok`) into `after` did not break it: the
/// result must parse, and hold nothing `CPython` rejects that tree-sitter accepts (a repeated
/// keyword argument, a positional argument after a keyword, a bad indentation).
pub fn verify(before_ok: bool, after: &str) -> Result<(), Rejected> {
    if before_ok && source::blocker_of(after).is_some() {
        return Err(Rejected::BreaksSyntax);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_and_skips_overlaps() {
        let text = "tf.log(tf.to_float(x))";
        let a = Fix::safe(vec![Edit::replacement(0..6, "tf.math.log")]);
        let b = Fix::safe(vec![Edit::replacement(7..18, "tf.cast"), Edit::insertion(20, ", tf.float32")]);
        let c = Fix::safe(vec![Edit::replacement(3..6, "LOG")]);
        let out = apply_fixes(text, &[&a, &b, &c]);
        assert_eq!(out.text, "tf.math.log(tf.cast(x, tf.float32))");
        assert_eq!(out.applied, vec![true, true, false]);
    }

    #[test]
    fn shared_insertions_apply_once() {
        let a = Fix::safe(vec![Edit::insertion(0, "import x\n"), Edit::replacement(0..1, "b")]);
        let b = Fix::safe(vec![Edit::insertion(0, "import x\n")]);
        let out = apply_fixes("a\n", &[&a, &b]);
        assert_eq!(out.text, "import x\nb\n");
        assert_eq!(out.applied, vec![true, true]);
    }

    #[test]
    fn verify_refuses_broken_result() {
        assert_eq!(verify(true, "x = (\n"), Err(Rejected::BreaksSyntax));
        assert_eq!(verify(false, "x = (\n"), Ok(()));
        assert_eq!(verify(true, "x = 1\n"), Ok(()));
        assert_eq!(verify(true, "f(x, axis=1, axis=2)\n"), Err(Rejected::BreaksSyntax));
        assert_eq!(verify(true, "f(name=1, x)\n"), Err(Rejected::BreaksSyntax));
        assert_eq!(verify(true, "f(*a, k=1, **kw)\n"), Ok(()));
    }
}
