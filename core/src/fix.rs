//! The fix data model: findings, edits, and how safe each rewrite is.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::rules::catalogue::Rule;
pub use crate::safety::{Safety, Severity};

/// One replacement of a byte range of the original text. An insertion has an empty range.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

impl Edit {
    pub fn replacement(range: Range<usize>, content: impl Into<String>) -> Self {
        let content = content.into();
        debug_assert!(range.start <= range.end);
        Self { range, content }
    }

    pub(crate) fn insertion(at: usize, content: impl Into<String>) -> Self {
        let content = content.into();
        debug_assert!(!content.is_empty(), "an insertion must insert something");
        Self { range: at..at, content }
    }

    pub(crate) fn deletion(range: Range<usize>) -> Self {
        debug_assert!(!range.is_empty(), "a deletion must delete something");
        Self { range, content: String::new() }
    }

    /// Whether two edits cannot both be applied: their ranges overlap, or an insertion falls
    /// strictly inside the other's range. Identical edits do not conflict (they are merged), and
    /// neither do two insertions at the same point (both go in, in order: an import line and the
    /// eager switch may both belong after the same statement).
    pub fn conflicts_with(&self, other: &Self) -> bool {
        if self == other || (self.range.is_empty() && other.range.is_empty()) {
            return false;
        }
        self.range.start < other.range.end && other.range.start < self.range.end
            || (self.range.is_empty() && self.range.start > other.range.start && self.range.start < other.range.end)
            || (other.range.is_empty() && other.range.start > self.range.start && other.range.start < self.range.end)
    }
}

/// A set of edits that only make sense together, with one safety level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Sorted by start offset, non-overlapping.
    pub edits: Vec<Edit>,
    pub safety: Safety,
    /// Short label of this alternative, e.g. "compat.v1" or "native".
    pub label: &'static str,
    /// Packages (pip names) the rewritten code imports: applying the fix means installing them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<&'static str>,
}

impl Fix {
    fn new(mut edits: Vec<Edit>, safety: Safety, label: &'static str) -> Self {
        debug_assert!(safety != Safety::Manual, "a manual finding has no fix");
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        edits.dedup();
        debug_assert!(edits.windows(2).all(|w| !w[0].conflicts_with(&w[1])), "edits of one fix overlap: {edits:?}");
        Self { edits, safety, label, packages: Vec::new() }
    }

    /// A rewrite with the same behaviour.
    pub fn safe(edits: Vec<Edit>) -> Self {
        Self::new(edits, Safety::Safe, "upgrade")
    }

    /// A rewrite whose behaviour may differ; the finding's message says how.
    pub fn review(edits: Vec<Edit>) -> Self {
        Self::new(edits, Safety::Review, "upgrade")
    }

    /// `safe` or `review` as a table row says (the same object under another name, or not).
    pub(crate) fn safe_if(safe: bool, edits: Vec<Edit>) -> Self {
        if safe { Self::safe(edits) } else { Self::review(edits) }
    }

    #[must_use]
    pub(crate) fn labelled(mut self, label: &'static str) -> Self {
        self.label = label;
        self
    }

    /// The rewritten code imports `package` (a pip name).
    #[must_use]
    pub fn needing(mut self, package: &'static str) -> Self {
        if !self.packages.contains(&package) {
            self.packages.push(package);
        }
        self
    }

    /// The byte span from the first edit's start to the last edit's end.
    pub fn span(&self) -> Range<usize> {
        let start = self.edits.first().map_or(0, |e| e.range.start);
        let end = self.edits.iter().map(|e| e.range.end).max().unwrap_or(start);
        start..end
    }
}

/// Something the program's entry point must do for a module to run on TensorFlow 2, which the
/// module itself must not do (it sets process-wide state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Duty {
    /// Call `tf.compat.v1.disable_v2_behavior()` before building graphs.
    DisableV2Behavior,
    /// Set `TF_USE_LEGACY_KERAS=1` before TensorFlow is first imported (and install tf-keras).
    LegacyKeras,
}

impl Duty {
    /// What the entry point must do, in one line.
    pub fn describe(self) -> &'static str {
        match self {
            Self::DisableV2Behavior => "call tf.compat.v1.disable_v2_behavior() before any graph is built",
            Self::LegacyKeras => {
                "set os.environ[\"TF_USE_LEGACY_KERAS\"] = \"1\" before TensorFlow is first imported (pip install tf-keras)"
            }
        }
    }
}

/// The duties a file owes as a program's entry point to the modules of the tree it imports
/// (a set of [`Duty`]; empty for a file on its own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Duties(u8);

impl Duties {
    const fn bit(duty: Duty) -> u8 {
        match duty {
            Duty::DisableV2Behavior => 1,
            Duty::LegacyKeras => 2,
        }
    }

    #[must_use]
    pub const fn with(self, duty: Duty) -> Self {
        Self(self.0 | Self::bit(duty))
    }

    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    pub const fn has(self, duty: Duty) -> bool {
        self.0 & Self::bit(duty) != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set as one byte (for a cache key).
    pub const fn bits(self) -> u8 {
        self.0
    }
}

impl FromIterator<Duty> for Duties {
    fn from_iter<I: IntoIterator<Item = Duty>>(iter: I) -> Self {
        iter.into_iter().fold(Self::default(), Self::with)
    }
}

/// What a rule found at one place, with zero (manual) or more alternative fixes.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is (byte range of the original text).
    pub range: Range<usize>,
    /// Alternatives, the default first. Empty: manual finding, guidance only.
    pub fixes: Vec<Fix>,
    /// Indices (in the same file's finding list) of findings this one needs applied with it,
    /// e.g. the import its replacement uses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<usize>,
    /// Packages the guidance of a manual finding asks for (a fix's own are on the fix).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<&'static str>,
    /// What the program's entry point must do because of this finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty: Option<Duty>,
    /// Kept although `--select`/`--ignore` left its rule out, because a kept fix requires it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub kept_for_dependants: bool,
    /// Only there for other fixes (an import line they use): applied when one of them is, never
    /// on its own.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub support: bool,
    /// A Keras rewrite only Keras 3 needs: dropped where the code keeps Keras 2 as `tf_keras`
    /// (the Keras 3 rules decide).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub keras3_only: bool,
}

impl Finding {
    pub fn new(rule: Rule, severity: Severity, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity,
            message: message.into(),
            range,
            fixes: Vec::new(),
            requires: Vec::new(),
            packages: Vec::new(),
            duty: None,
            kept_for_dependants: false,
            support: false,
            keras3_only: false,
        }
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    /// Add the fixes given (none: the finding stays manual).
    #[must_use]
    pub(crate) fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    /// Mark as [support](Self::support) for other fixes.
    #[must_use]
    pub(crate) fn supporting(mut self) -> Self {
        self.support = true;
        self
    }

    #[must_use]
    pub(crate) fn with_duty(mut self, duty: Duty) -> Self {
        self.duty = Some(duty);
        self
    }

    /// The safety of the default fix, or `Manual` when there is none.
    pub fn safety(&self) -> Safety {
        self.fixes.first().map_or(Safety::Manual, |f| f.safety)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safety_is_ordered() {
        assert!(Safety::Manual < Safety::Review && Safety::Review < Safety::Safe);
    }

    #[test]
    fn conflicts() {
        let a = Edit::replacement(0..5, "x");
        assert!(a.conflicts_with(&Edit::replacement(4..6, "y")));
        assert!(!a.conflicts_with(&Edit::replacement(5..6, "y")));
        assert!(!a.conflicts_with(&a.clone()));
        assert!(!Edit::insertion(3, "a").conflicts_with(&Edit::insertion(3, "b")));
        assert!(Edit::insertion(3, "a").conflicts_with(&a));
        assert!(!Edit::insertion(5, "a").conflicts_with(&a));
        assert!(!Edit::insertion(0, "a").conflicts_with(&a));
    }

    #[test]
    fn fix_sorts_and_dedups() {
        let f =
            Fix::safe(vec![Edit::replacement(5..6, "b"), Edit::replacement(0..1, "a"), Edit::replacement(0..1, "a")]);
        assert_eq!(f.edits.len(), 2);
        assert_eq!(f.span(), 0..6);
    }
}
