//! Unified diffs of a file's bytes before and after a rewrite, as `diff` prints them: in the
//! file's own encoding and line endings, with git-style quoted names, so that `git apply` and
//! `patch -p1` take them.
//!
//! The line alignment exploits what a migration does (local edits, far apart): equal lines are
//! matched greedily and a mismatch is resolved by the nearest point where both sides agree again,
//! within a bounded window. Time is linear in the file size for such changes; the result is
//! always a correct diff, if not always the smallest one.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Component, Path};

/// Lines of context around each change.
pub const CONTEXT: usize = 3;

/// How far apart (in lines, both sides together) the two texts may drift before a change is
/// reported as one block up to the end.
const WINDOW: usize = 400;

/// One line of a diff: its index on the old side, on the new side, or both (context).
type Step = (Option<usize>, Option<usize>);

/// One step of the alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `n` lines equal on both sides.
    Equal(usize),
    /// `del` old lines replaced by `ins` new lines.
    Change { del: usize, ins: usize },
}

/// `text` split after each `\n` (the last line may lack one).
fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

fn hashes(lines: &[&[u8]]) -> Vec<u64> {
    lines
        .iter()
        .map(|l| {
            let mut h = DefaultHasher::new();
            l.hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Align `old` with `new`.
fn align(old: &[&[u8]], new: &[&[u8]]) -> Vec<Op> {
    let (ho, hn) = (hashes(old), hashes(new));
    let eq = |i: usize, j: usize| ho[i] == hn[j] && old[i] == new[j];
    // Two sides agree at (i, j): that line, and the next one unless an end comes first.
    let agree = |i: usize, j: usize| {
        i < old.len() && j < new.len() && eq(i, j) && (i + 1 == old.len() || j + 1 == new.len() || eq(i + 1, j + 1))
    };
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    let push = |ops: &mut Vec<Op>, op: Op| match (ops.last_mut(), op) {
        (Some(Op::Equal(n)), Op::Equal(m)) => *n += m,
        _ => ops.push(op),
    };
    while i < old.len() && j < new.len() {
        if eq(i, j) {
            push(&mut ops, Op::Equal(1));
            i += 1;
            j += 1;
            continue;
        }
        // The nearest point where the sides agree again: two equal lines in a row, or one equal
        // line with some content (a lone blank line or bracket agrees by chance too often).
        let substantial = |k: usize| old[k].iter().filter(|b| !b.is_ascii_whitespace()).count() > 3;
        let resync = (1..=WINDOW).find_map(|d| {
            (0..=d).map(|a| (a, d - a)).find(|&(a, b)| {
                i + a < old.len()
                    && j + b < new.len()
                    && (agree(i + a, j + b) || (eq(i + a, j + b) && substantial(i + a)))
            })
        });
        let (del, ins) = resync.unwrap_or((old.len() - i, new.len() - j));
        push(&mut ops, Op::Change { del, ins });
        i += del;
        j += ins;
    }
    if i < old.len() || j < new.len() {
        push(&mut ops, Op::Change { del: old.len() - i, ins: new.len() - j });
    }
    ops
}

/// A path as a diff header shows it: relative components only (no `./`), git-style quoted when
/// it holds a character that would break the header or reach the terminal raw.
pub fn header_path(prefix: &str, path: &Path) -> String {
    quote(&format!("{prefix}{}", normal(path)))
}

/// A path's components joined by `/`, without `.` components or a leading `/`: `./src/x.py` is
/// `src/x.py`. Not quoted.
pub fn normal(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => parts.push("..".to_owned()),
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    if parts.is_empty() { ".".to_owned() } else { parts.join("/") }
}

/// A path as outputs other than diff headers show it: like [`normal`], but an absolute path
/// stays absolute (`/srv/x.py`).
pub fn display(path: &Path) -> String {
    if path.has_root() { format!("/{}", normal(path)) } else { normal(path) }
}

/// `path` as seen from `base` (the folder the command runs in): an absolute path under `base`
/// loses that prefix, so that a diff of `/home/me/proj` run in `/home/me/proj` applies there.
/// Other paths are returned as they are.
pub fn relative_to<'p>(path: &'p Path, base: &Path) -> std::borrow::Cow<'p, Path> {
    match path.strip_prefix(base) {
        Ok(rel) if path.is_absolute() && base.is_absolute() => std::borrow::Cow::Owned(rel.to_path_buf()),
        _ => std::borrow::Cow::Borrowed(path),
    }
}

/// git's C-style quoting: `"a/\033[31mx.py"`, only when needed.
fn quote(name: &str) -> String {
    let needs = name.chars().any(|c| crate::text::is_unsafe(c) || matches!(c, '"' | '\\')) || name.ends_with(' ');
    if !needs {
        return name.to_owned();
    }
    let mut out = String::from("\"");
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if crate::text::is_unsafe(c) => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{b:03o}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How the lines of a diff are shown.
pub trait Style {
    /// A header (`---`, `+++`), a hunk head (`@@`), a removed, an added or a context line; each
    /// given with its leading marker and its newline.
    fn line(&self, kind: LineKind, bytes: &[u8], out: &mut Vec<u8>);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Header,
    HunkHead,
    Removed,
    Added,
    Context,
    /// `\ No newline at end of file`
    Note,
}

/// The bytes as they are: what `git apply` and `patch` read.
pub struct Raw;

impl Style for Raw {
    fn line(&self, _: LineKind, bytes: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(bytes);
    }
}

/// The unified diff of `old` → `new` (bytes in the file's encoding) under the given header names
/// (already quoted); empty when they are equal.
pub fn unified(old: &[u8], new: &[u8], old_name: &str, new_name: &str, style: &dyn Style) -> Vec<u8> {
    let mut out = Vec::new();
    if old == new {
        return out;
    }
    let (old_lines, new_lines) = (lines(old), lines(new));
    let ops = align(&old_lines, &new_lines);
    style.line(LineKind::Header, format!("--- {old_name}\n").as_bytes(), &mut out);
    style.line(LineKind::Header, format!("+++ {new_name}\n").as_bytes(), &mut out);
    // Expand to per-line steps with positions, then cut hunks around the changes.
    let mut steps: Vec<Step> = Vec::new();
    let (mut at_old, mut at_new) = (0, 0);
    for op in &ops {
        match *op {
            Op::Equal(n) => {
                steps.extend((0..n).map(|k| (Some(at_old + k), Some(at_new + k))));
                at_old += n;
                at_new += n;
            }
            Op::Change { del, ins } => {
                steps.extend((0..del).map(|k| (Some(at_old + k), None)));
                steps.extend((0..ins).map(|k| (None, Some(at_new + k))));
                at_old += del;
                at_new += ins;
            }
        }
    }
    let changed: Vec<usize> =
        steps.iter().enumerate().filter(|(_, s)| s.0.is_none() || s.1.is_none()).map(|(k, _)| k).collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k] + 1;
        while k + 1 < changed.len() && changed[k + 1] <= end + 2 * CONTEXT {
            k += 1;
            end = changed[k] + 1;
        }
        let end = (end + CONTEXT).min(steps.len());
        hunk(&steps[start..end], &old_lines, &new_lines, style, &mut out);
        k += 1;
    }
    out
}

fn hunk(steps: &[Step], a: &[&[u8]], b: &[&[u8]], style: &dyn Style, out: &mut Vec<u8>) {
    let old_len = steps.iter().filter(|s| s.0.is_some()).count();
    let new_len = steps.iter().filter(|s| s.1.is_some()).count();
    // The first line on each side (1-based), or the line before when the side is empty.
    let first = |side: fn(&Step) -> Option<usize>, len: usize, before: usize| {
        steps.iter().find_map(side).map_or(before, |l| if len == 0 { l } else { l + 1 })
    };
    let before_old = steps.iter().rev().find_map(|s| s.0).map_or(0, |l| l + 1);
    let before_new = steps.iter().rev().find_map(|s| s.1).map_or(0, |l| l + 1);
    let old_start = first(|s| s.0, old_len, before_old);
    let new_start = first(|s| s.1, new_len, before_new);
    let head = format!("@@ -{} +{} @@\n", range(old_start, old_len), range(new_start, new_len));
    style.line(LineKind::HunkHead, head.as_bytes(), out);
    let emit = |kind: LineKind, marker: u8, line: &[u8], out: &mut Vec<u8>| {
        let mut bytes = Vec::with_capacity(line.len() + 2);
        bytes.push(marker);
        bytes.extend_from_slice(line);
        let complete = line.ends_with(b"\n");
        if !complete {
            bytes.push(b'\n');
        }
        style.line(kind, &bytes, out);
        if !complete {
            style.line(LineKind::Note, b"\\ No newline at end of file\n", out);
        }
    };
    // Within a change, the removed lines come before the added ones (they do in `steps`).
    for s in steps {
        match *s {
            (Some(i), Some(_)) => emit(LineKind::Context, b' ', a[i], out),
            (Some(i), None) => emit(LineKind::Removed, b'-', a[i], out),
            (None, Some(j)) => emit(LineKind::Added, b'+', b[j], out),
            (None, None) => {}
        }
    }
}

fn range(start: usize, len: usize) -> String {
    if len == 1 { start.to_string() } else { format!("{start},{len}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(old: &str, new: &str) -> String {
        String::from_utf8(unified(old.as_bytes(), new.as_bytes(), "a/f", "b/f", &Raw)).unwrap()
    }

    #[test]
    fn hunks_have_context_and_correct_heads() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n";
        assert_eq!(diff(old, new), "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    }

    #[test]
    fn insertions_at_the_top_and_missing_final_newline() {
        assert_eq!(diff("a\nb\n", "x\na\nb\n"), "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n+x\n a\n b\n");
        assert_eq!(diff("", "x\n"), "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n");
        assert_eq!(
            diff("a", "b"),
            "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn crlf_bytes_are_kept() {
        let out = diff("a\r\nb\r\n", "a\r\nc\r\n");
        assert!(out.contains("-b\r\n+c\r\n"), "{out:?}");
    }

    #[test]
    fn far_apart_changes_make_separate_hunks_in_linear_time() {
        let old = (0..100_000).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "line {i}");
            s
        });
        let new = old.replace("line 10\n", "line ten\n").replace("line 90000\n", "line ninety thousand\n");
        let out = diff(&old, &new);
        assert_eq!(out.matches("@@ ").count(), 2, "{out}");
        assert!(out.contains("@@ -8,7 +8,7 @@\n"), "{out}");
    }

    #[test]
    fn names_are_quoted_like_git() {
        assert_eq!(header_path("a/", Path::new("./src/x.py")), "a/src/x.py");
        assert_eq!(header_path("a/", Path::new("/tmp/x.py")), "a/tmp/x.py");
        assert_eq!(header_path("a/", Path::new("m\u{1b}[31mx.py")), "\"a/m\\033[31mx.py\"");
        assert_eq!(header_path("b/", Path::new("new\nline.py")), "\"b/new\\nline.py\"");
        assert_eq!(header_path("a/", Path::new("./a/./b.py")), "a/a/b.py");
        assert_eq!(display(Path::new("./a/./b.py")), "a/b.py");
        assert_eq!(display(Path::new("/srv/./b.py")), "/srv/b.py");
    }

    #[test]
    fn absolute_paths_under_the_base_become_relative() {
        let base = Path::new("/home/me/proj");
        assert_eq!(relative_to(Path::new("/home/me/proj/src/x.py"), base), Path::new("src/x.py"));
        assert_eq!(relative_to(Path::new("/elsewhere/x.py"), base), Path::new("/elsewhere/x.py"));
        assert_eq!(relative_to(Path::new("src/x.py"), base), Path::new("src/x.py"));
    }
}
