//! Syntax highlighting with syntect, lazily: a side is highlighted only as far down as it has
//! been shown, and the result is kept, so a key press never re-highlights.

use std::ops::Range;

use syntect::highlighting::{
    FontStyle, HighlightState, Highlighter as SynHighlighter, RangedHighlightIterator, Theme as SyntaxTheme,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

use super::rows::Line;
use super::theme::Rgb;

/// A styled run of a line: colour, bold, italic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub range: Range<usize>,
    pub fg: Rgb,
    pub bold: bool,
    pub italic: bool,
}

/// The syntax set (Python) and the theme, loaded once.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    theme: SyntaxTheme,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Highlighter")
    }
}

impl Highlighter {
    pub fn new(theme: SyntaxTheme) -> Self {
        Self { syntaxes: SyntaxSet::load_defaults_newlines(), theme }
    }

    fn python(&self) -> &SyntaxReference {
        self.syntaxes.find_syntax_by_extension("py").unwrap_or_else(|| self.syntaxes.find_syntax_plain_text())
    }
}

/// The highlighting of one side of one file, as far as it has gone.
#[derive(Default)]
pub struct SideHighlight {
    pub spans: Vec<Vec<Span>>,
    state: Option<(ParseState, HighlightState)>,
}

impl std::fmt::Debug for SideHighlight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SideHighlight({} lines)", self.spans.len())
    }
}

impl SideHighlight {
    /// Highlight `lines` up to (not including) `upto`, continuing where the last call stopped.
    pub fn ensure(&mut self, hl: &Highlighter, lines: &[Line], upto: usize) {
        let upto = upto.min(lines.len());
        if self.spans.len() >= upto {
            return;
        }
        let highlighter = SynHighlighter::new(&hl.theme);
        let (parse, state) = self.state.get_or_insert_with(|| {
            (ParseState::new(hl.python()), HighlightState::new(&highlighter, ScopeStack::new()))
        });
        let mut buf = String::new();
        for line in &lines[self.spans.len()..upto] {
            buf.clear();
            buf.push_str(&line.text);
            buf.push('\n');
            let spans = match parse.parse_line(&buf, &hl.syntaxes) {
                Ok(ops) => RangedHighlightIterator::new(state, &ops, &buf, &highlighter)
                    .filter(|(_, _, r)| r.start < line.text.len())
                    .map(|(style, _, r)| Span {
                        range: r.start..r.end.min(line.text.len()),
                        fg: (style.foreground.r, style.foreground.g, style.foreground.b),
                        bold: style.font_style.contains(FontStyle::BOLD),
                        italic: style.font_style.contains(FontStyle::ITALIC),
                    })
                    .collect(),
                Err(_) => Vec::new(),
            };
            self.spans.push(spans);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::syntax_theme;

    #[test]
    fn highlights_python_lazily() {
        let hl = Highlighter::new(syntax_theme("dark").unwrap());
        let lines: Vec<Line> = ["import tensorflow as tf", "# comment", "x = 'a'"]
            .iter()
            .enumerate()
            .map(|(i, t)| Line { no: i + 1, text: (*t).to_owned(), changed: false, emph: Vec::new() })
            .collect();
        let mut side = SideHighlight::default();
        side.ensure(&hl, &lines, 1);
        assert_eq!(side.spans.len(), 1);
        side.ensure(&hl, &lines, 10);
        assert_eq!(side.spans.len(), 3);
        let colours: std::collections::HashSet<Rgb> = side.spans.iter().flatten().map(|s| s.fg).collect();
        assert!(colours.len() >= 3, "keyword, comment and string differ");
    }
}
