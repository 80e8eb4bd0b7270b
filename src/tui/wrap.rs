//! Soft wrapping: code lines (breaking between arguments, never inside a changed span that fits)
//! and styled prose for the status panel and the overlays. Widths are display columns.

use std::ops::Range;

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// The display columns of `text`.
pub(crate) fn width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Split `text` into pieces of at most `cols` display columns (soft wrap). With `code`, a break
/// after `, ` is preferred, then after an opening bracket, then after a space, so that an
/// argument such as `rate=1 - keep_prob` stays on one row; a break inside an `emph` range that
/// would fit on a row is avoided. Breaks fall in the second half of a row, else at the limit.
pub(crate) fn wrap(text: &str, emph: &[Range<usize>], cols: usize, code: bool) -> Vec<Range<usize>> {
    let cols = cols.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        // The candidate breaks of this row: (byte offset, columns so far).
        let mut col = 0;
        let mut hard = text.len();
        let mut best: Option<(u8, usize)> = None;
        // The best break that splits a changed span: better than cutting a word.
        let mut fallback: Option<(u8, usize)> = None;
        for (i, c) in text[start..].char_indices() {
            let at = start + i;
            let w = c.width().unwrap_or(0);
            if at > start && col >= cols / 2 {
                let before = &text[start..at];
                let prio = if code && before.ends_with(", ") {
                    3
                } else if code && before.ends_with(['(', '[', '{']) {
                    2
                } else {
                    u8::from(before.ends_with(' '))
                };
                let splits = emph.iter().any(|r| r.start < at && at < r.end && width(&text[r.clone()]) <= cols);
                let slot = if splits { &mut fallback } else { &mut best };
                if prio > 0 && slot.is_none_or(|(p, _)| prio >= p) {
                    *slot = Some((prio, at));
                }
            }
            if col + w > cols {
                hard = at;
                break;
            }
            col += w;
        }
        if hard == text.len() {
            out.push(start..text.len());
            return out;
        }
        let mut end = best.or(fallback).map_or(hard, |(_, at)| at);
        if end == start {
            // A single character wider than the row: show it alone.
            end = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
        out.push(start..end);
        start = end;
    }
}

/// Wrap a styled line of prose to `cols` columns (breaking after spaces).
pub(crate) fn wrap_line(line: &Line<'_>, cols: usize) -> Vec<Line<'static>> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let mut bounds = Vec::with_capacity(line.spans.len());
    let mut at = 0;
    for s in &line.spans {
        bounds.push(at..at + s.content.len());
        at += s.content.len();
    }
    wrap(&text, &[], cols, false)
        .into_iter()
        .map(|row| {
            let spans: Vec<Span<'static>> = line
                .spans
                .iter()
                .zip(&bounds)
                .filter_map(|(span, b)| {
                    let (from, to) = (b.start.max(row.start), b.end.min(row.end));
                    (from < to).then(|| Span::styled(text[from..to].to_owned(), span.style))
                })
                .collect();
            Line::from(spans).style(line.style)
        })
        .collect()
}

/// Wrap every line.
pub(crate) fn wrap_lines(lines: &[Line<'_>], cols: usize) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| wrap_line(l, cols)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces<'a>(text: &'a str, emph: &[Range<usize>], cols: usize) -> Vec<&'a str> {
        wrap(text, emph, cols, true).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn code_breaks_between_arguments() {
        let line = "            dropped = tf.nn.dropout(hidden_layer_output, rate=1 - keep_probability)";
        assert_eq!(
            pieces(line, &[], 75),
            ["            dropped = tf.nn.dropout(hidden_layer_output, ", "rate=1 - keep_probability)"]
        );
        assert_eq!(pieces("short", &[], 75), ["short"]);
        assert_eq!(pieces("", &[], 10), [""]);
        // No break point: cut at the limit.
        assert_eq!(pieces("abcdefghij", &[], 4), ["abcd", "efgh", "ij"]);
        // A wide character never splits.
        assert_eq!(pieces("ab界", &[], 3), ["ab", "界"]);
    }

    #[test]
    fn a_changed_span_that_fits_is_not_split() {
        let line = "x = aaaa bbbb cccc dddd";
        let at = line.find("cccc").unwrap();
        assert_eq!(pieces(line, &[], 16), ["x = aaaa bbbb ", "cccc dddd"]);
        let changed = at - 5..at + 4;
        assert_eq!(pieces(line, std::slice::from_ref(&changed), 16), ["x = aaaa ", "bbbb cccc dddd"]);
    }

    #[test]
    fn prose_keeps_styles_across_rows() {
        let line =
            Line::from(vec![Span::raw("one two "), Span::styled("three four", ratatui::style::Style::new().bold())]);
        let rows = wrap_line(&line, 10);
        let texts: Vec<String> = rows.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect();
        assert_eq!(texts, ["one two ", "three four"]);
        assert!(rows[1].spans[0].style.add_modifier.contains(ratatui::style::Modifier::BOLD));
    }
}
