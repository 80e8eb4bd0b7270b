//! Text made safe for a terminal: the one sanitiser that the command-line output and the review
//! UI share, so that no byte of a file's contents or name can drive the terminal or hide text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// What replaces a character that must not reach the terminal.
pub const PLACEHOLDER: char = '\u{FFFD}';

/// Unicode bidirectional overrides and isolates (Trojan Source).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Zero-width and format characters that could hide text (besides bidi controls).
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// Whether `c` must never be sent to a terminal as it is: control characters (escape sequences
/// start with one), bidi controls and invisible format characters. Tabs and newlines are judged by
/// the caller, which knows whether the text is one line.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || is_invisible_format(c)
}

/// Multi-line text (messages, diffs) made safe: every unsafe character but tab and newline
/// becomes [`PLACEHOLDER`].
pub fn printable(text: &str) -> Cow<'_, str> {
    // Nearly every message is printable ASCII: checked a byte at a time, and borrowed.
    if text.bytes().all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n')) {
        return Cow::Borrowed(text);
    }
    text.chars().map(|c| if matches!(c, '\t' | '\n') || !is_unsafe(c) { c } else { PLACEHOLDER }).collect()
}

/// One-line text (a file name in a `path:line:col` line) made safe and unambiguous: unsafe
/// characters, newlines and tabs included, are written as escapes (`\n`, `\t`, `\x1b`,
/// `\u{202e}`) and a backslash as `\\`, so a name can never forge a line of output.
pub(crate) fn escape_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bidi_and_invisible_characters_never_pass() {
        assert_eq!(
            printable("a\x1b[31mb\u{202E}c\u{9b}d\te\u{200b}f\n"),
            "a\u{FFFD}[31mb\u{FFFD}c\u{FFFD}d\te\u{FFFD}f\n"
        );
    }

    #[test]
    fn one_line_text_cannot_forge_lines() {
        assert_eq!(escape_line("a\nb.py:1:1: error"), "a\\nb.py:1:1: error");
        assert_eq!(escape_line("x\x1b]0;t\x07\u{202e}\\"), "x\\x1b]0;t\\x07\\u{202e}\\\\");
        assert_eq!(escape_line("plain/name é.py"), "plain/name é.py");
    }
}
