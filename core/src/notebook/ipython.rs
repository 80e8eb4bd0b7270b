//! `IPython` syntax in code cells (line and cell magics, shell escapes, help, `x = !cmd`), masked
//! in the notebook's program with the same byte length, and the `pip install` lines among them.

use std::ops::Range;

use super::{MaskKind, MaskedLine, Notebook, PipInstall, PipPackage};

/// Cell magics whose body is Python: only their first line is masked.
const PYTHON_CELL_MAGICS: &[&str] = &["time", "timeit", "capture", "prun"];
/// Cell magics whose body is shell script, searched for `pip install` lines.
const SHELL_CELL_MAGICS: &[&str] = &["bash", "sh", "script", "system"];

/// Where a Python tokenizer stands at the start of a line: only a line that starts a statement
/// can be `IPython` syntax (`%` or `!=` continuing an expression in brackets is Python).
#[derive(Default)]
struct LineState {
    depth: usize,
    /// Inside a string: its quote and whether it is triple-quoted.
    string: Option<(u8, bool)>,
    continued: bool,
}

impl LineState {
    fn at_statement_start(&self) -> bool {
        self.depth == 0 && self.string.is_none() && !self.continued
    }

    /// Advances over one line (without its `\n`).
    fn scan(&mut self, line: &str) {
        let b = line.trim_end_matches('\r').as_bytes();
        let mut i = 0;
        self.continued = false;
        while i < b.len() {
            if let Some((q, triple)) = self.string {
                if b[i] == b'\\' {
                    if i + 1 == b.len() {
                        return; // an escaped newline: the string goes on
                    }
                    i += 2;
                } else if b[i] == q && (!triple || b[i..].starts_with(&[q, q, q])) {
                    self.string = None;
                    i += if triple { 3 } else { 1 };
                } else {
                    i += 1;
                }
                continue;
            }
            match b[i] {
                b'#' => break,
                q @ (b'"' | b'\'') => {
                    let triple = b[i..].starts_with(&[q, q, q]);
                    self.string = Some((q, triple));
                    i += if triple { 3 } else { 1 };
                    continue;
                }
                b'(' | b'[' | b'{' => self.depth += 1,
                b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                b'\\' if i + 1 == b.len() => self.continued = true,
                _ => {}
            }
            i += 1;
        }
        if matches!(self.string, Some((_, false))) {
            self.string = None; // an unterminated one-line string ends with the line
        }
    }
}

/// The `IPython` syntax a line that starts a statement is, if any.
fn classify(line: &str) -> Option<MaskKind> {
    let t = line.trim_start_matches([' ', '\t']).trim_end();
    let help_name = |s: &str| {
        let s = s.strip_prefix("%%").or_else(|| s.strip_prefix('%')).unwrap_or(s);
        s.chars().next().is_some_and(|c| !c.is_ascii_digit())
            && s.chars().all(|c| c.is_alphanumeric() || "_*.[]-".contains(c))
    };
    match t.chars().next()? {
        '%' => Some(MaskKind::LineMagic),
        '!' => Some(MaskKind::Shell),
        '?' => Some(MaskKind::Help),
        '#' => None,
        _ if t.strip_suffix("??").or_else(|| t.strip_suffix('?')).is_some_and(help_name) => Some(MaskKind::Help),
        _ => {
            let (lhs, rhs) = t.split_once('=')?;
            let lhs_ok = !lhs.trim().is_empty() && lhs.chars().all(|c| c.is_alphanumeric() || "_., \t".contains(c));
            let rhs = rhs.trim_start();
            (lhs_ok && (rhs.starts_with('!') || rhs.starts_with('%'))).then_some(MaskKind::Assignment)
        }
    }
}

/// The requirements of a `pip install` command line (`line` without its `\n`), with their byte
/// ranges in `line`; `None` if it is not one.
fn pip_install(line: &str) -> Option<Vec<(Range<usize>, &str)>> {
    /// pip options that take a value as the next word.
    const WITH_ARG: &str = " -r --requirement -c --constraint -e --editable -t --target -i --index-url \
        --extra-index-url -f --find-links --prefix --root --src --upgrade-strategy --platform --python-version \
        --implementation --abi --trusted-host --proxy --retries --timeout --cache-dir --log --progress-bar \
        --exists-action --cert --client-cert --global-option --config-settings -C --only-binary --no-binary --report ";
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices().chain(std::iter::once((line.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                tokens.push((s..i, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    let words: Vec<&str> = tokens.iter().map(|(_, w)| w.trim_start_matches(['!', '%'])).collect();
    let pip = words.iter().position(|w| matches!(*w, "pip" | "pip2" | "pip3"))?;
    if words.get(pip + 1) != Some(&"install") || (pip > 0 && !matches!(words[pip - 1], "-m" | "")) {
        return None;
    }
    let mut specs = Vec::new();
    let mut skip = false;
    for (range, word) in tokens.into_iter().skip(pip + 2) {
        if word.starts_with(['&', ';', '|', '>', '<', '#']) || word.starts_with("2>") || word.starts_with("1>") {
            break;
        }
        if std::mem::take(&mut skip) {
            continue;
        }
        if word.starts_with('-') {
            skip = WITH_ARG.contains(&format!(" {word} "));
            continue;
        }
        let quoted = word.len() >= 2
            && (word.starts_with('"') && word.ends_with('"') || word.starts_with('\'') && word.ends_with('\''));
        let (range, word) =
            if quoted { (range.start + 1..range.end - 1, &word[1..word.len() - 1]) } else { (range, word) };
        specs.push((range, word));
    }
    Some(specs)
}

/// Masks the line whose first non-blank character is at `at`, keeping every byte offset: as `0#…`
/// with `statement` (an expression statement, so a magic that is a block's only statement still
/// parses), else as the comment `#…`. A wider character is padded with spaces.
fn mask_line(program: &mut String, at: usize, statement: bool) {
    let marks: &[char] = if statement { &['0', '#'] } else { &['#'] };
    let chars = program[at..].char_indices().take_while(|(_, c)| !matches!(c, '\n' | '\r'));
    let spans: Vec<(usize, usize)> = chars.map(|(i, c)| (at + i, c.len_utf8())).take(marks.len()).collect();
    for ((pos, len), mark) in spans.into_iter().zip(marks) {
        program.replace_range(pos..pos + len, &format!("{mark}{}", " ".repeat(len - 1)));
    }
}

impl Notebook {
    /// Masks the `IPython` syntax of code cell `c` (0-based among code cells) and notes pip lines.
    pub(super) fn mask_cell(&mut self, c: usize) {
        let (cell, base) = (self.cells[c].index, self.cells[c].range.start);
        let code = &self.source[self.cells[c].range.clone()];
        let mut lines = Vec::new();
        let mut at = 0;
        for line in code.split_inclusive('\n') {
            lines.push((at, line.trim_end_matches('\n'), at + line.len()));
            at += line.len();
        }
        let first_char = |(start, line, _): (usize, &str, usize)| {
            line.find(|c: char| !matches!(c, ' ' | '\t' | '\x0c' | '\r')).map(|i| base + start + i)
        };
        let mut masks = Vec::new(); // (program range, kind, where the line starts, as a statement)
        let mut pip_lines = Vec::new();
        let first = lines.iter().position(|(_, l, _)| !l.trim().is_empty());
        let magic = first.and_then(|f| lines[f].1.trim_start().strip_prefix("%%")).map(|m| {
            let name = m.split_whitespace().next().unwrap_or("");
            (PYTHON_CELL_MAGICS.contains(&name), SHELL_CELL_MAGICS.contains(&name))
        });
        let mut body = lines.as_slice();
        if let (Some(f), Some((python, shell))) = (first, magic) {
            if python {
                masks.push((base..base + lines[f].2, MaskKind::CellMagicHeader, first_char(lines[f]), false));
                body = &lines[f + 1..];
            } else {
                masks.push((base..base + code.len(), MaskKind::CellMagic, None, false));
                for &line in &lines[f..] {
                    masks.push((0..0, MaskKind::CellMagic, first_char(line), false));
                    if shell {
                        pip_lines.push(line);
                    }
                }
                body = &[];
            }
        }
        let mut state = LineState::default();
        let mut continued: Option<MaskKind> = None;
        for &(start, line, end) in body {
            let statement = continued.is_none();
            let kind = continued.take().or_else(|| state.at_statement_start().then(|| classify(line)).flatten());
            if let Some(kind) = kind {
                masks.push((base + start..base + end, kind, first_char((start, line, end)), statement));
                if matches!(kind, MaskKind::Shell | MaskKind::LineMagic) {
                    pip_lines.push((start, line, end));
                }
                if line.trim_end_matches('\r').ends_with('\\') {
                    continued = Some(kind);
                }
            } else {
                state.scan(line);
            }
        }
        for (start, line, _) in pip_lines {
            let line_start = base + start;
            let Some(specs) = pip_install(line) else { continue };
            let packages = specs
                .into_iter()
                .map(|(r, s)| PipPackage { spec: s.to_owned(), range: line_start + r.start..line_start + r.end });
            let packages = packages.collect();
            self.pips.push(PipInstall { cell, line: line_start..line_start + line.len(), packages });
        }
        for (range, kind, at, statement) in masks {
            if let Some(at) = at {
                mask_line(&mut self.program, at, statement);
            }
            if !range.is_empty() {
                self.masked.push(MaskedLine { range, cell, kind });
            }
        }
    }
}
