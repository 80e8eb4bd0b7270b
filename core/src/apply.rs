//! Applying fixes to the original text: sort, skip what overlaps, splice.

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
/// whole; identical edits from several fixes (a shared import line) are applied once.
pub(crate) fn apply_fixes(text: &str, fixes: &[&Fix]) -> Applied {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| (fixes[i].span().start, fixes[i].span().end));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = vec![false; fixes.len()];
    for i in order {
        let fix = fixes[i];
        if fix.edits.iter().all(|e| taken.iter().all(|t| !t.conflicts_with(e))) {
            taken.extend(fix.edits.iter());
            applied[i] = true;
        }
    }
    Applied { text: splice(text, taken), applied }
}

/// Join the untouched slices of `text` with the replacements of non-conflicting `edits`.
pub(crate) fn splice<'e>(text: &str, edits: impl IntoIterator<Item = &'e Edit>) -> String {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
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

/// Check that rewriting `before` into `after` did not break a file that parsed.
pub fn verify(before_parsed_cleanly: bool, after: &str) -> Result<(), Rejected> {
    if before_parsed_cleanly && source::has_syntax_error(&source::parse(after)) {
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
    }
}
