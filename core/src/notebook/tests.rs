use super::verify::serde_sources;
use super::*;

mod random;

use random::ODD;

// ---------------------------------------------------------------------------------------------
// Fixture builders: notebooks written the way `nbformat` (and editors) write them.
// ---------------------------------------------------------------------------------------------

/// How a fixture notebook is laid out.
#[derive(Clone, Copy)]
struct Style {
    /// One indentation level (nbformat: one space).
    indent: &'static str,
    /// Line ending of the JSON file.
    nl: &'static str,
    /// Non-ASCII as `\uXXXX` (Python's `ensure_ascii=True`).
    ascii: bool,
    /// Sources as lists of lines (else one string).
    list: bool,
}

const NBFORMAT: Style = Style { indent: " ", nl: "\n", ascii: false, list: true };

enum Cell<'a> {
    Code(&'a str),
    Markdown(&'a str),
    Raw(&'a str),
    /// Code with outputs given as raw JSON (an array).
    CodeOut(&'a str, &'a str),
}

/// A JSON string literal, escaped like Python's `json.dumps` (with or without `ensure_ascii`).
fn lit(s: &str, ascii: bool) -> String {
    let mut out = String::from("\"");
    json::escape_into(&mut out, s, ascii);
    out.push('"');
    out
}

/// A source value: a list of lines, each ending in "\n" except maybe the last, or one string.
fn source_value(src: &str, st: Style, depth: usize) -> String {
    if !st.list {
        return lit(src, st.ascii);
    }
    if src.is_empty() {
        return "[]".to_owned();
    }
    let pad = st.indent.repeat(depth + 1);
    let items: Vec<String> = src.split_inclusive('\n').map(|l| format!("{pad}{}", lit(l, st.ascii))).collect();
    format!("[{nl}{}{nl}{}]", items.join(&format!(",{}", st.nl)), st.indent.repeat(depth), nl = st.nl)
}

fn build_with(st: Style, cells: &[Cell], metadata: &str, minor: u32, ids: bool) -> String {
    let (i1, i2, i3, nl) = (st.indent, st.indent.repeat(2), st.indent.repeat(3), st.nl);
    let mut out_cells = Vec::new();
    for (n, cell) in cells.iter().enumerate() {
        let id = if ids { format!("{i3}\"id\": \"cell-{n}\",{nl}") } else { String::new() };
        let text = match cell {
            Cell::Code(src) | Cell::CodeOut(src, _) => {
                let outputs = if let Cell::CodeOut(_, o) = cell { *o } else { "[]" };
                format!(
                    "{i2}{{{nl}{i3}\"cell_type\": \"code\",{nl}{i3}\"execution_count\": {n},{nl}{id}{i3}\"metadata\": {{}},{nl}{i3}\"outputs\": {outputs},{nl}{i3}\"source\": {}{nl}{i2}}}",
                    source_value(src, st, 3)
                )
            }
            Cell::Markdown(src) | Cell::Raw(src) => {
                let kind = if matches!(cell, Cell::Markdown(_)) { "markdown" } else { "raw" };
                format!(
                    "{i2}{{{nl}{i3}\"cell_type\": \"{kind}\",{nl}{id}{i3}\"metadata\": {{}},{nl}{i3}\"source\": {}{nl}{i2}}}",
                    source_value(src, st, 3)
                )
            }
        };
        out_cells.push(text);
    }
    format!(
        "{{{nl}{i1}\"cells\": [{nl}{}{nl}{i1}],{nl}{i1}\"metadata\": {metadata},{nl}{i1}\"nbformat\": 4,{nl}{i1}\"nbformat_minor\": {minor}{nl}}}{nl}",
        out_cells.join(&format!(",{nl}"))
    )
}

const PY3_META: &str = r#"{"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python", "version": "3.6.9"}}"#;

fn build(st: Style, cells: &[Cell]) -> String {
    build_with(st, cells, PY3_META, 4, false)
}

fn make(st: Style, cells: &[Cell]) -> (String, Notebook) {
    let text = build(st, cells);
    let parsed = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (text, parsed)
}

/// Applies JSON edits (sorted, non-overlapping) to a text.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.content);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The code cells' sources joined, decoded by `serde_json` (the oracle), without added newlines.
fn serde_code(text: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(text).expect("serde_json parses");
    serde_sources(&value).expect("cells").concat()
}

/// `edits` (program ranges of `nb`, non-overlapping) applied to the cells' code joined without
/// the newlines the program adds.
fn expected_code(nb: &Notebook, edits: &[(Range<usize>, String)]) -> String {
    let added: Vec<usize> = nb.cells().iter().filter(|c| c.added_newline).map(|c| c.range.end).collect();
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|(r, _)| (r.start, r.end));
    let (mut code, mut at) = (String::new(), 0);
    let keep = |code: &mut String, range: Range<usize>| {
        let kept = nb.source[range.clone()].char_indices().filter(|(i, _)| !added.contains(&(range.start + i)));
        code.extend(kept.map(|(_, c)| c));
    };
    for (range, new) in sorted {
        keep(&mut code, at..range.start);
        code.push_str(&new);
        at = range.end;
    }
    keep(&mut code, at..nb.source.len());
    code
}

/// The code cells' sources joined as `program()` joins them, decoded by `serde_json`.
fn serde_program(text: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(text).expect("serde_json parses");
    let mut out = String::new();
    for code in serde_sources(&value).expect("cells") {
        out.push_str(&code);
        if !code.is_empty() && !code.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Maps one edit, applies it, checks it with `verify` and the serde oracle; returns the new text.
fn edit(text: &str, range: impl Span, new: &str) -> String {
    let range = range.span();
    let nb = parse(text).unwrap();
    let edits = nb.map_edit(range.clone(), new).unwrap_or_else(|e| panic!("{e}"));
    let edited = apply(text, &edits);
    verify(text, &edited).unwrap_or_else(|e| panic!("{e}\n{edited}"));
    assert_eq!(serde_code(&edited), expected_code(&nb, &[(range, new.to_owned())]), "edited JSON:\n{edited}");
    edited
}

/// An edit's program range: an offset is an insertion point.
trait Span {
    fn span(self) -> Range<usize>;
}

impl Span for usize {
    fn span(self) -> Range<usize> {
        self..self
    }
}

impl Span for Range<usize> {
    fn span(self) -> Range<usize> {
        self
    }
}

/// The program range of the first `needle`.
fn find(nb: &Notebook, needle: &str) -> Range<usize> {
    let start = at(nb, needle);
    start..start + needle.len()
}

fn at(nb: &Notebook, needle: &str) -> usize {
    nb.program().find(needle).unwrap_or_else(|| panic!("{needle:?} not in {:?}", nb.program()))
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

#[test]
fn list_sources_make_one_program_with_cells_numbered_among_all_cells() {
    let (_, nb) = make(
        NBFORMAT,
        &[
            Cell::Markdown("# Title\n%%bash is text here\n"),
            Cell::Code("import tensorflow as tf\nx = tf.log(2.0)\n"),
            Cell::Raw("!not code"),
            Cell::Code("y = x + 1"),
        ],
    );
    assert_eq!(nb.program(), "import tensorflow as tf\nx = tf.log(2.0)\ny = x + 1\n");
    assert_eq!(nb.nbformat(), 4);
    assert_eq!(nb.nbformat_minor(), Some(4));
    let cells = nb.cells();
    assert_eq!(cells.len(), 2);
    assert_eq!((cells[0].index, cells[0].range.clone(), cells[0].added_newline), (2, 0..40, false));
    assert_eq!((cells[1].index, cells[1].range.clone(), cells[1].added_newline), (4, 40..49, true));
    assert!(nb.masked_lines().is_empty());
}

#[test]
fn string_sources_are_read_whole() {
    let st = Style { list: false, ..NBFORMAT };
    let (text, nb) = make(st, &[Cell::Code("a = 1\nb = 2\n"), Cell::Code("c = 3")]);
    assert!(text.contains(r#""source": "a = 1\nb = 2\n""#));
    assert_eq!(nb.program(), "a = 1\nb = 2\nc = 3\n");
    let edited = edit(&text, at(&nb, "b = 2"), "import os\n");
    assert!(edited.contains(r#""source": "a = 1\nimport os\nb = 2\n""#), "{edited}");
}

#[test]
fn kernel_is_recorded_and_python2_is_noticed() {
    let (_, nb) = make(NBFORMAT, &[Cell::Code("x = 1\n")]);
    assert_eq!(nb.kernel().name.as_deref(), Some("python3"));
    assert_eq!(nb.kernel().language.as_deref(), Some("python"));
    assert!(!nb.kernel().is_python2());
    let meta = r#"{"kernelspec": {"display_name": "Python 2", "language": "python", "name": "python2"}, "language_info": {"name": "python", "version": "2.7.15"}}"#;
    let nb2 = parse(&build_with(NBFORMAT, &[Cell::Code("print 'hi'\n")], meta, 2, false)).unwrap();
    assert!(nb2.kernel().is_python2());
    assert_eq!(nb2.kernel().version.as_deref(), Some("2.7.15"));
    let bare = parse(&build_with(NBFORMAT, &[Cell::Code("x\n")], "{}", 2, false)).unwrap();
    assert_eq!(bare.kernel(), &Kernel::default());
}

#[test]
fn other_kernel_languages_are_refused_with_the_position() {
    let meta = "{\"kernelspec\": {\"display_name\": \"R\",\n \"language\": \"R\", \"name\": \"ir\"}}";
    let text = build_with(NBFORMAT, &[Cell::Code("x <- 1\n")], meta, 4, false);
    let err = parse(&text).unwrap_err();
    let NotebookError::NotPython { language, line, column } = &err else { panic!("{err:?}") };
    assert_eq!(language, "R");
    assert_eq!((*line, *column), json::line_col(&text, text.find("\"R\", \"name\"").unwrap()), "{err}");
    assert_eq!(err.to_string(), format!("{line}:14: the notebook's kernel language is `R`, not Python"));
    let meta = r#"{"language_info": {"name": "julia"}}"#;
    assert!(matches!(parse(&build_with(NBFORMAT, &[], meta, 4, false)), Err(NotebookError::NotPython { .. })));
}

#[test]
fn nbformat_4_5_with_cell_ids() {
    let text =
        build_with(NBFORMAT, &[Cell::Code("import tensorflow as tf\n"), Cell::Code("tf.log(1.)")], PY3_META, 5, true);
    let nb = parse(&text).unwrap();
    assert_eq!(nb.nbformat_minor(), Some(5));
    assert_eq!(nb.program(), "import tensorflow as tf\ntf.log(1.)\n");
    let edited = edit(&text, find(&nb, "log"), "math.log");
    assert!(edited.contains("\"id\": \"cell-1\""));
}

const NB3: &str = r#"{
 "metadata": {
  "name": "old"
 },
 "nbformat": 3,
 "nbformat_minor": 0,
 "worksheets": [
  {
   "cells": [
    {
     "cell_type": "heading",
     "level": 1,
     "metadata": {},
     "source": [
      "x = 'not code'"
     ]
    },
    {
     "cell_type": "code",
     "collapsed": false,
     "input": [
      "import tensorflow as tf\n",
      "sess = tf.Session()"
     ],
     "language": "python",
     "metadata": {},
     "outputs": [
      {
       "output_type": "stream",
       "stream": "stdout",
       "text": [
        "input = 1\n"
       ]
      }
     ],
     "prompt_number": 1
    },
    {
     "cell_type": "code",
     "collapsed": false,
     "input": [],
     "language": "python",
     "metadata": {},
     "outputs": []
    },
    {
     "cell_type": "code",
     "collapsed": false,
     "input": [
      "%matplotlib inline"
     ],
     "language": "python",
     "metadata": {},
     "outputs": []
    }
   ],
   "metadata": {}
  }
 ]
}"#;

#[test]
fn nbformat_3_worksheets_and_input() {
    let nb = parse(NB3).unwrap();
    assert_eq!(nb.nbformat(), 3);
    assert_eq!(nb.kernel().language.as_deref(), Some("python"));
    assert_eq!(nb.program(), "import tensorflow as tf\nsess = tf.Session()\n0#atplotlib inline\n");
    assert_eq!(nb.cells().iter().map(|c| c.index).collect::<Vec<_>>(), [2, 3, 4]);
    let edited = edit(NB3, find(&nb, "tf.Session"), "tf.compat.v1.Session");
    assert!(edited.contains("\"sess = tf.compat.v1.Session()\""));
    assert!(edited.contains("\"input = 1\\n\""), "outputs untouched");
    let edited = edit(NB3, 0, "import os\n");
    assert!(edited.contains("\"import os\\n\",\n      \"import tensorflow as tf\\n\""), "{edited}");
}

#[test]
fn outputs_that_look_like_sources_are_ignored() {
    let outputs = r#"[
    {
     "data": {
      "application/json": {"cells": [{"cell_type": "code", "source": ["%%bash\n", "!rm -rf /"]}], "source": "x"},
      "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "text/plain": ["source = 'not this'\n", "<Figure>"]
     },
     "metadata": {"needs_background": "light"},
     "output_type": "display_data"
    },
    {"name": "stdout", "output_type": "stream", "text": ["!pip install tensorflow==1.15\n", "%time\n"]}
   ]"#;
    let (text, nb) = make(NBFORMAT, &[Cell::CodeOut("plt.plot(x)\n", outputs), Cell::Code("y = 2\n")]);
    assert_eq!(nb.program(), "plt.plot(x)\ny = 2\n");
    assert!(nb.masked_lines().is_empty() && nb.pip_installs().is_empty());
    let edited = edit(&text, find(&nb, "y"), "z");
    assert!(edited.contains("iVBORw0KGgo"));
}

#[test]
fn empty_cells_add_nothing_and_can_be_filled() {
    for list in [true, false] {
        let st = Style { list, ..NBFORMAT };
        let (text, nb) = make(st, &[Cell::Code("a = 1\n"), Cell::Code(""), Cell::Code("b = 2\n"), Cell::Code("")]);
        assert_eq!(nb.program(), "a = 1\nb = 2\n");
        let cells = nb.cells();
        assert_eq!(cells.iter().map(|c| c.range.clone()).collect::<Vec<_>>(), [0..6, 6..6, 6..12, 12..12]);
        assert!(cells.iter().all(|c| !c.added_newline));
        // An insertion between cells goes to the start of the latest one there ...
        let edited = edit(&text, 6..6, "c = 3\n");
        let after = parse(&edited).unwrap();
        assert_eq!((after.cells()[1].range.clone(), after.cells()[2].range.clone()), (6..6, 6..18), "{edited}");
        // ... and at the end into the last, empty cell.
        let edited = edit(&text, 12..12, "d = 4\ne = 5");
        let after = parse(&edited).unwrap();
        assert_eq!(after.cells()[3].range, 12..23);
        if list {
            assert!(edited.contains("\"source\": [\"d = 4\\n\",\n    \"e = 5\"]"), "{edited}");
        }
    }
}

#[test]
fn a_cell_without_final_newline_gets_one_that_cannot_be_edited() {
    let (text, nb) = make(NBFORMAT, &[Cell::Code("x = 1"), Cell::Code("y = 2")]);
    assert_eq!(nb.program(), "x = 1\ny = 2\n");
    assert!(nb.cells()[0].added_newline);
    assert!(matches!(nb.map_edit(5..6, ""), Err(Unmappable::AddedNewline { cell: 1, .. })));
    assert!(matches!(nb.map_edit(4..6, "2\n"), Err(Unmappable::AddedNewline { .. })));
    assert!(matches!(nb.map_edit(12..12, "z = 3\n"), Err(Unmappable::AddedNewline { cell: 2, .. })));
    // Appending at the end of the code itself is fine.
    let edited = edit(&text, 5..5, "  # one");
    assert!(edited.contains("\"x = 1  # one\""));
    // An edit ending a cell's code with a newline needs no new list element.
    let edited = edit(&text, 11..11, "\n");
    assert!(edited.contains("\"y = 2\\n\"\n"), "{edited}");
    assert!(parse(&edited).unwrap().cells()[1].added_newline.eq(&false));
}

#[test]
fn indentation_and_line_endings_of_the_file_are_kept_when_splitting() {
    for (indent, nl) in [(" ", "\n"), ("  ", "\n"), ("    ", "\n"), ("\t", "\n"), (" ", "\r\n"), ("  ", "\r\n")] {
        let st = Style { indent, nl, ..NBFORMAT };
        let (text, nb) = make(st, &[Cell::Code("import tensorflow as tf\nx = tf.log(2.0)\n")]);
        let pad = indent.repeat(4);
        let edits = nb.map_edit(0..0, "import os\n").unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].content, format!("import os\\n\",{nl}{pad}\""));
        assert_eq!(&text[edits[0].range.start - 1..edits[0].range.start], "\"");
        let edited = edit(&text, 0..0, "import os\n");
        assert!(
            edited.contains(&format!("[{nl}{pad}\"import os\\n\",{nl}{pad}\"import tensorflow as tf\\n\",")),
            "{edited:?}"
        );
        // Text outside the edit, CRLFs included, is byte for byte the same.
        assert_eq!(edited.len(), text.len() + edits[0].content.len());
        assert_eq!(edited.matches("\r\n").count() - text.matches("\r\n").count(), usize::from(nl == "\r\n"));
    }
}

#[test]
fn a_single_element_list_uses_its_own_layout_or_the_files() {
    let (text, nb) = make(NBFORMAT, &[Cell::Code("x = 1\n")]);
    let edited = edit(&text, 6..6, "y = 2\n");
    assert!(edited.contains("[\n    \"x = 1\\n\",\n    \"y = 2\\n\"\n   ]"), "{edited}");
    let _ = nb;
    // Inline lists (json.dumps without indent).
    let text = r#"{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["a\n", "b"]}, {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["c"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}"#;
    let nb = parse(text).unwrap();
    assert_eq!(nb.program(), "a\nb\nc\n");
    let edited = edit(text, 4..4, "x\n");
    assert!(edited.contains(r#""source": ["x\n", "c"]"#), "{edited}");
    let edited = edit(text, 2..2, "x\n");
    assert!(edited.contains(r#""source": ["a\n", "x\n", "b"]"#), "{edited}");
}

// ---------------------------------------------------------------------------------------------
// Escapes and non-ASCII text
// ---------------------------------------------------------------------------------------------

#[test]
fn escapes_in_sources_are_decoded_and_kept() {
    let text = r#"{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["s = \"a\\b\"\t# tab\n", "p = 'x\/y'\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}"#;
    let nb = parse(text).unwrap();
    assert_eq!(nb.program(), "s = \"a\\b\"\t# tab\np = 'x/y'\n");
    let edited = edit(text, at(&nb, "# tab"), "  ");
    assert!(edited.contains(r#""s = \"a\\b\"\t  # tab\n""#), "{edited}");
    assert!(edited.contains(r"'x\/y'"), "an untouched escape keeps its form");
    let edited = edit(text, at(&nb, "a\\b"), "\"q\\\t\u{1}\u{8}\u{c}\r");
    assert!(edited.contains(r#""s = \"\"q\\\t\u0001\b\f\ra\\b\"\t"#), "{edited}");
}

#[test]
fn raw_non_ascii_stays_raw_and_new_text_is_written_raw() {
    let (text, nb) = make(NBFORMAT, &[Cell::Code("# héllo 日本 😀\nx = tf.log(1)\n")]);
    assert!(!nb.escapes_non_ascii());
    assert_eq!(nb.program(), "# héllo 日本 😀\nx = tf.log(1)\n");
    let edited = edit(&text, find(&nb, "log"), "math.log");
    assert!(edited.contains("\"# héllo 日本 😀\\n\""));
    let edited = edit(&text, at(&nb, "x"), "é𝔘 = 1\n");
    assert!(edited.contains("\"é𝔘 = 1\\n\","), "{edited}");
    assert_eq!(nb.cell_at(at(&nb, "x")), Some(CellPos { cell: 1, line: 2, column: 1 }));
    assert_eq!(nb.cell_at(at(&nb, "😀")), Some(CellPos { cell: 1, line: 1, column: 12 }));
    assert!(matches!(nb.map_edit(3..4, ""), Err(Unmappable::OutOfRange { .. })), "inside é");
}

#[test]
fn escaped_non_ascii_stays_escaped_with_surrogate_pairs() {
    let st = Style { ascii: true, ..NBFORMAT };
    let (text, nb) = make(st, &[Cell::Code("# h\u{e9}llo \u{1f600}\nx = tf.log(1)\n")]);
    assert!(text.contains(r"# h\u00e9llo \ud83d\ude00\n"));
    assert!(nb.escapes_non_ascii());
    assert_eq!(nb.program(), "# h\u{e9}llo \u{1f600}\nx = tf.log(1)\n");
    let edited = edit(&text, find(&nb, "log"), "math.log");
    assert!(edited.contains(r##""# h\u00e9llo \ud83d\ude00\n""##));
    let edited = edit(&text, at(&nb, "llo"), "\u{e9}\u{1d518}\u{7f}");
    assert!(edited.contains(r##""# h\u00e9\u00e9\ud835\udd18\u007fllo \ud83d\ude00\n""##), "{edited}");
    // Replacing an escaped character replaces its whole escape.
    let edited = edit(&text, at(&nb, "\u{1f600}")..at(&nb, "\u{1f600}") + 4, "ok");
    assert!(edited.contains(r##""# h\u00e9llo ok\n""##), "{edited}");
    // An ASCII-only file with no escaped non-ASCII writes new non-ASCII raw.
    let (text, plain) = make(st, &[Cell::Code("x = 1\n")]);
    assert!(!plain.escapes_non_ascii());
    assert!(edit(&text, 0..0, "# é\n").contains("\"# é\\n\""));
}

#[test]
fn a_file_with_raw_and_escaped_non_ascii_writes_raw() {
    let text = r##"{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["é"]}, {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["# \u00e9\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}"##;
    let nb = parse(text).unwrap();
    assert!(!nb.escapes_non_ascii());
    assert!(edit(text, 2..2, "ü").contains(r##""# ü\u00e9\n""##));
}

// ---------------------------------------------------------------------------------------------
// Masking IPython syntax
// ---------------------------------------------------------------------------------------------

fn masked(code: &str) -> (Notebook, Vec<(String, MaskKind)>) {
    let (_, nb) = make(NBFORMAT, &[Cell::Code(code)]);
    assert_eq!(nb.program().len(), nb.code().len(), "masking keeps every offset");
    let spans = nb.masked_lines().iter().map(|m| (nb.source[m.range.clone()].to_owned(), m.kind)).collect();
    (nb, spans)
}

#[test]
fn line_magics_shell_help_and_assignments_become_comments() {
    use MaskKind::{Assignment, Help, LineMagic, Shell};
    let code = "%matplotlib inline\n%load_ext autoreload\n!pip install tensorflow==1.15\nif True:\n  !ls\n?tf.Session\ntf.Session?\ntf.nn??\n%pinfo?\nfiles = !ls -la\nt = %time f()\na, b.c = %who_ls\nx = 1\n";
    let (nb, spans) = masked(code);
    assert_eq!(
        nb.program(),
        "0#atplotlib inline\n0#oad_ext autoreload\n0#ip install tensorflow==1.15\nif True:\n  0#s\n0#f.Session\n0#.Session?\n0#.nn??\n0#info?\n0#les = !ls -la\n0#= %time f()\n0# b.c = %who_ls\nx = 1\n"
    );
    let kinds: Vec<MaskKind> = spans.iter().map(|s| s.1).collect();
    assert_eq!(
        kinds,
        [LineMagic, LineMagic, Shell, Shell, Help, Help, Help, LineMagic, Assignment, Assignment, Assignment]
    );
    assert_eq!(spans[3].0, "  !ls\n");
}

#[test]
fn python_that_looks_like_ipython_is_left_alone() {
    let code = "msg = (\"%d items\"\n       % n)\nok = (a\n      != b)\ns = \"\"\"\n!not shell\n%not magic\nwhat?\n\"\"\"\nt = 'it''s' \\\n    % 3\ny = x % 2  # why?\nz = {'a': 1}['a']\nd = dict(a=1)\nq = a == b\nr = '''x\\\n''' \n# %comment\n";
    let (nb, spans) = masked(code);
    assert_eq!(nb.program(), code);
    assert!(spans.is_empty(), "{spans:?}");
}

#[test]
fn a_magic_alone_in_a_block_still_parses() {
    let (nb, _) =
        masked("try:\n    import tensorflow\nexcept ImportError:\n    !pip install tensorflow==1.15\n    %cd x\n");
    assert_eq!(
        nb.program(),
        "try:\n    import tensorflow\nexcept ImportError:\n    0#ip install tensorflow==1.15\n    0#d x\n"
    );
    let (nb, _) = masked("if x:\n    %time\n?\n");
    assert_eq!(nb.program(), "if x:\n    0#ime\n0\n");
}

#[test]
fn continued_masked_lines_and_non_ascii_first_characters() {
    let (nb, spans) = masked("!pip install a \\\n    b\né?\nx\n");
    assert_eq!(nb.program(), "0#ip install a \\\n    #\n0 #\nx\n");
    assert_eq!(spans.len(), 3);
    assert_eq!(nb.program().len(), nb.source.len());
}

#[test]
fn cell_magics_with_python_bodies_mask_their_first_line_only() {
    for magic in ["%%time", "%%timeit -n 3", "%%capture out", "%%prun -s cumulative"] {
        let code = format!("\n{magic}\nx = tf.log(1)\n%matplotlib inline\n");
        let (text, nb) = make(NBFORMAT, &[Cell::Code("a = 1\n"), Cell::Code(&code)]);
        let masked_magic = format!("#{}", &magic[1..]);
        assert_eq!(nb.program(), format!("a = 1\n\n{masked_magic}\nx = tf.log(1)\n0#atplotlib inline\n"));
        let m = &nb.masked_lines()[0];
        assert_eq!((m.range.clone(), m.kind, m.cell), (6..6 + magic.len() + 2, MaskKind::CellMagicHeader, 2));
        // The body can be edited, the header cannot, nor can anything go before it.
        edit(&text, find(&nb, "log"), "math.log");
        edit(&text, at(&nb, "x = "), "import os\n");
        assert!(matches!(nb.map_edit(8..9, "%"), Err(Unmappable::Masked { .. })));
        assert!(matches!(nb.map_edit(7..7, "x\n"), Err(Unmappable::Masked { .. })));
        // At the boundary before it, an insertion goes to the end of the previous cell instead.
        let edited = edit(&text, 6..6, "b = 2\n");
        assert!(edited.contains("\"a = 1\\n\",\n    \"b = 2\\n\""), "{edited}");
    }
}

#[test]
fn other_cell_magics_mask_the_whole_cell() {
    for magic in ["%%bash", "%%writefile run.py", "%%html", "%%javascript", "%%sh", "%%latex", "  %%script python2"] {
        let code = format!("{magic}\necho \"$HOME\"\n\n  é body\nprint 'x'");
        let (text, nb) = make(NBFORMAT, &[Cell::Code(&code), Cell::Code("y = 1\n")]);
        let start = code.find('%').unwrap();
        let expected =
            format!("{}#{}\n#cho \"$HOME\"\n\n  #  body\n#rint 'x'\ny = 1\n", &code[..start], &magic[start + 1..]);
        assert_eq!(nb.program(), expected);
        assert_eq!(nb.masked_lines().len(), 1);
        assert_eq!(nb.masked_lines()[0].range, 0..code.len());
        assert_eq!(nb.masked_lines()[0].kind, MaskKind::CellMagic);
        for range in [0..0, 3..3, 7..8, code.len()..code.len()] {
            assert!(matches!(nb.map_edit(range, "x"), Err(Unmappable::Masked { .. })));
        }
        assert!(matches!(nb.map_edit(code.len()..code.len() + 1, ""), Err(Unmappable::AddedNewline { .. })));
        edit(&text, find(&nb, "y = 1"), "z = 1");
    }
}

#[test]
fn edits_around_masked_lines() {
    let (text, nb) = make(NBFORMAT, &[Cell::Code("x = 1\n%matplotlib inline\ny = 2\n!ls")]);
    let m = at(&nb, "0#atplotlib");
    // Before a masked line: fine with a whole line, refused if it would join the line.
    edit(&text, m..m, "import os\n");
    assert!(matches!(nb.map_edit(m..m, "z"), Err(Unmappable::Masked { .. })));
    assert!(matches!(nb.map_edit(m - 1..m, ""), Err(Unmappable::Masked { .. })));
    edit(&text, m - 2..m, "2\n");
    // Inside or at the end of it: refused. After its newline: fine.
    assert!(matches!(nb.map_edit(m + 1..m + 1, "x"), Err(Unmappable::Masked { cell: 1, .. })));
    assert!(matches!(nb.map_edit(m + 18..m + 18, "x"), Err(Unmappable::Masked { .. })));
    edit(&text, m + 19..m + 19, "z = 0\n");
    // The last line has no newline: its end is part of it.
    let end = nb.cells()[0].range.end;
    assert!(matches!(nb.map_edit(end..end, "\nw"), Err(Unmappable::Masked { .. })));
}

#[test]
fn pip_install_lines_are_listed_with_their_packages() {
    let code = "!pip install -q tensorflow==1.15 'keras<2.3' -i https://x.org/simple\n%pip install \"tensorflow-gpu>=1.14,<2\" --upgrade\n! pip3 install Keras[tests]==2.2.4 && echo ok\n!python -m pip install -r req.txt\n!pip list\n!{sys.executable} -m pip install numpy 2>/dev/null\n";
    let (nb, _) = masked(code);
    let pips = nb.pip_installs();
    let specs: Vec<Vec<&str>> = pips.iter().map(|p| p.packages.iter().map(|s| s.spec.as_str()).collect()).collect();
    assert_eq!(
        specs,
        [
            vec!["tensorflow==1.15", "keras<2.3"],
            vec!["tensorflow-gpu>=1.14,<2"],
            vec!["Keras[tests]==2.2.4"],
            vec![],
            vec!["numpy"]
        ]
    );
    for p in pips.iter().flat_map(|p| &p.packages) {
        assert_eq!(&nb.program()[p.range.clone()], p.spec);
    }
    let keras = &pips[2].packages[0];
    assert_eq!((keras.name().as_str(), keras.version()), ("keras", "==2.2.4"));
    assert_eq!((pips[0].packages[1].name().as_str(), pips[0].packages[1].version()), ("keras", "<2.3"));
    assert_eq!(&nb.program()[pips[1].line.clone()], "0#ip install \"tensorflow-gpu>=1.14,<2\" --upgrade");
    // In a shell cell, without `!`.
    let (_, nb) = make(NBFORMAT, &[Cell::Code("x\n"), Cell::Code("%%bash\npip install tensorflow==1.13.1\n")]);
    assert_eq!(nb.pip_installs()[0].cell, 2);
    assert_eq!(nb.pip_installs()[0].packages[0].spec, "tensorflow==1.13.1");
}

// ---------------------------------------------------------------------------------------------
// Mapping edits
// ---------------------------------------------------------------------------------------------

const TWO_CELLS: &[Cell] = &[Cell::Code("import tensorflow as tf\nx = tf.log(2.0)\ny = 3\n"), Cell::Code("z = 4")];

#[test]
fn a_replacement_inside_one_line_touches_only_its_bytes() {
    let (text, nb) = make(NBFORMAT, TWO_CELLS);
    let p = at(&nb, "log");
    let edits = nb.map_edit(p..p + 3, "math.log").unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(&text[edits[0].range.clone()], "log");
    assert_eq!(edits[0].content, "math.log");
}

#[test]
fn newlines_in_replacements_split_list_elements() {
    let (text, nb) = make(NBFORMAT, TWO_CELLS);
    let x = at(&nb, "x = ");
    // Insertion at a line start: right after the element's opening quote.
    let edited = edit(&text, x..x, "import os\n");
    assert!(edited.contains("\"import os\\n\",\n    \"x = tf.log(2.0)\\n\","));
    // A replacement ending in a newline just before a closing quote needs no split.
    let edited = edit(&text, x + 4..x + 16, "1\n");
    assert!(edited.contains("\"x = 1\\n\",\n    \"y = 3\\n\""), "{edited}");
    // Lines in the middle of an element.
    let edited = edit(&text, x + 4..x + 4, "(\n  a,\n  b)\nw = ");
    assert!(
        edited.contains("\"x = (\\n\",\n    \"  a,\\n\",\n    \"  b)\\n\",\n    \"w = tf.log(2.0)\\n\""),
        "{edited}"
    );
    // Across elements.
    let y = at(&nb, "y = 3");
    let edited = edit(&text, x + 4..y + 4, "0\nv = 1\nu = ");
    assert!(edited.contains("\"x = 0\\n\",\n    \"v = 1\\n\",\n    \"u = 3\\n\""), "{edited}");
    let edited = edit(&text, x + 1..y + 1, "");
    assert!(edited.contains("\"x = 3\\n\"\n"), "{edited}");
}

#[test]
fn whole_lines_deleted_drop_their_elements() {
    let (text, nb) = make(NBFORMAT, TWO_CELLS);
    let x = at(&nb, "x = ");
    let y = at(&nb, "y = ");
    let edited = edit(&text, x..y, "");
    assert!(edited.contains("\"import tensorflow as tf\\n\",\n    \"y = 3\\n\"\n"), "{edited}");
    let edited = edit(&text, y..y + 6, "");
    assert!(edited.contains("\"x = tf.log(2.0)\\n\"\n   ]"), "{edited}");
    let edited = edit(&text, 0..y + 6, "");
    assert!(edited.contains("\"source\": [\n    \"\"\n   ]"), "{edited}");
    let edited = edit(&text, x..y + 6, "");
    assert!(edited.contains("[\n    \"import tensorflow as tf\\n\"\n   ]"), "{edited}");
}

#[test]
fn insertions_after_the_last_line_start_a_new_element() {
    let (text, nb) = make(NBFORMAT, TWO_CELLS);
    let end = nb.cells()[0].range.end;
    let edited = edit(&text, end - 6..end, "");
    let _ = edited;
    // Between the cells the insertion belongs to the next one ...
    let edited = edit(&text, end..end, "w = 0\n");
    assert!(edited.contains("[\n    \"w = 0\\n\",\n    \"z = 4\"\n   ]"), "{edited}");
    // ... unless it comes from a multi-edit in the first cell's last line.
    let edits = nb.map_edits(&[(end - 2..end - 1, "5".to_owned()), (end..end, "w = 0\n".to_owned())]).unwrap();
    assert_eq!(edits.len(), 2);
}

#[test]
fn crlf_inside_sources_and_tabs() {
    let (text, nb) = make(NBFORMAT, &[Cell::Code("a = 1\r\n\tb = 2\r\nc = 3")]);
    assert_eq!(nb.program(), "a = 1\r\n\tb = 2\r\nc = 3\n");
    let edited = edit(&text, 7..7, "import os\r\n");
    assert!(edited.contains("\"a = 1\\r\\n\",\n    \"import os\\r\\n\",\n    \"\\tb = 2\\r\\n\","), "{edited}");
}

#[test]
fn edits_outside_one_cell_are_refused() {
    let (_, nb) = make(NBFORMAT, &[Cell::Code("a = 1\n"), Cell::Markdown("text"), Cell::Code("b = 2\n")]);
    assert_eq!(nb.map_edit(4..8, ""), Err(Unmappable::CrossesCells { range: 4..8, from: 1, to: 3 }));
    assert!(matches!(nb.map_edit(5..20, ""), Err(Unmappable::OutOfRange { .. })));
    let reversed = Range { start: 3, end: 2 };
    assert!(matches!(nb.map_edit(reversed, ""), Err(Unmappable::OutOfRange { .. })));
    assert_eq!(nb.map_edit(3..3, ""), Ok(vec![]));
}

#[test]
fn several_edits_map_to_sorted_non_overlapping_json_edits() {
    let (text, nb) = make(NBFORMAT, TWO_CELLS);
    let p = at(&nb, "log");
    let z = at(&nb, "z");
    let edits = nb
        .map_edits(&[(z..z + 1, "zz".to_owned()), (0..0, "import os\n".to_owned()), (p..p + 3, "math.log".to_owned())])
        .unwrap();
    assert_eq!(edits.len(), 3);
    assert!(edits.windows(2).all(|w| w[0].range.end <= w[1].range.start));
    let edited = apply(&text, &edits);
    verify(&text, &edited).unwrap();
    assert_eq!(serde_program(&edited), "import os\nimport tensorflow as tf\nx = tf.math.log(2.0)\ny = 3\nzz = 4\n");
    // Overlaps, and two insertions at one point, are refused.
    assert!(matches!(nb.map_edits(&[(0..5, String::new()), (3..8, String::new())]), Err(Unmappable::Overlap { .. })));
    assert!(matches!(nb.map_edits(&[(0..0, "a".into()), (0..0, "b".into())]), Err(Unmappable::Overlap { .. })));
    // Touching edits in one cell are merged: delete a line and insert one in its place.
    let y = at(&nb, "y = ");
    let edits = nb.map_edits(&[(y..y, "w = 0\n".to_owned()), (y..y + 6, String::new())]).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(serde_program(&apply(&text, &edits)), nb.program().replace("y = 3\n", "w = 0\n"));
}

#[test]
fn cell_at_gives_cell_line_and_column() {
    let (_, nb) = make(NBFORMAT, &[Cell::Markdown("m"), Cell::Code("ab\ncd"), Cell::Raw("r"), Cell::Code("ef\n")]);
    assert_eq!(nb.program(), "ab\ncd\nef\n");
    let pos = |o| nb.cell_at(o).map(|p| (p.cell, p.line, p.column));
    assert_eq!(pos(0), Some((2, 1, 1)));
    assert_eq!(pos(4), Some((2, 2, 2)));
    assert_eq!(pos(5), Some((2, 2, 3)), "the added newline");
    assert_eq!(pos(6), Some((4, 1, 1)));
    assert_eq!(pos(9), Some((4, 2, 1)), "the end of the program");
    assert_eq!(pos(10), None);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

fn json_error(text: &str) -> (usize, usize, String) {
    match parse(text) {
        Err(NotebookError::NotJson { line, column, reason }) => (line, column, reason),
        other => panic!("{other:?}"),
    }
}

#[test]
fn broken_json_names_line_and_column() {
    assert_eq!(json_error("{\n \"cells\": [1,]\n}").0..json_error("{\n \"cells\": [1,]\n}").1, 2..14);
    let cases: &[(&str, (usize, usize), &str)] = &[
        ("", (1, 1), "unexpected end"),
        ("{\"a\": 1,}", (1, 9), "expected a string key"),
        ("{\n  \"a\": \"é\n\"}", (2, 10), "control character"),
        ("{\"a\": \"\\x\"}", (1, 8), "invalid escape"),
        ("{\"a\": \"\\ud800\"}", (1, 8), "lone leading surrogate"),
        ("{\"a\": \"\\udc00\"}", (1, 8), "lone trailing surrogate"),
        ("{\"a\": \"\\u12g4\"}", (1, 8), "invalid \\u escape"),
        ("{\"a\": 01}", (1, 8), "expected `,` or `}`"),
        ("{\"a\": 1.}", (1, 9), "no digit after"),
        ("{\"a\": NaN}", (1, 7), "expected a value"),
        ("{\"a\": tru}", (1, 7), "expected a value"),
        ("{} {}", (1, 4), "trailing characters"),
        ("\u{feff}{}", (1, 1), "byte order mark"),
        ("{\"a\" 1}", (1, 6), "expected `:`"),
        ("[\"unterminated", (1, 15), "unterminated string"),
        ("{\"a\": [1 2]}", (1, 10), "expected `,` or `]`"),
    ];
    for (text, (line, column), reason) in cases {
        let (l, c, r) = json_error(text);
        assert_eq!((l, c), (*line, *column), "{text:?}: {r}");
        assert!(r.contains(reason), "{text:?}: {r}");
    }
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(json_error(&deep).2.contains("nesting too deep"));
    let msg = parse("{\n\"cells\": [}").unwrap_err().to_string();
    assert_eq!(msg, "2:11: not valid JSON: expected a value");
}

#[test]
fn json_that_is_not_a_notebook_is_refused_with_the_place() {
    let not_nb = |text: &str| match parse(text) {
        Err(NotebookError::NotANotebook { line, column, reason }) => (line, column, reason),
        other => panic!("{other:?}"),
    };
    assert_eq!(not_nb("[]"), (1, 1, "the top level is not an object".to_owned()));
    assert!(not_nb("{\"cells\": []}").2.contains("nbformat"));
    assert_eq!(not_nb("{\"nbformat\": \"4\"}").1, 14);
    assert!(not_nb("{\"nbformat\": 4.0}").2.contains("integer"));
    assert!(not_nb("{\"nbformat\": 4}").2.contains("cells"));
    assert!(not_nb("{\"nbformat\": 4, \"cells\": {}}").2.contains("not a list"));
    assert!(not_nb("{\"nbformat\": 4, \"cells\": [1]}").2.contains("not an object"));
    assert!(not_nb("{\"nbformat\": 4, \"cells\": [{}]}").2.contains("cell_type"));
    assert!(not_nb("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\"}]}").2.contains("no `source`"));
    let (line, column, reason) = not_nb("{\"nbformat\": 4, \"cells\": [\n{\"cell_type\": \"code\", \"source\": [1]}]}");
    assert_eq!((line, column), (2, 34));
    assert!(reason.contains("not text"));
    assert!(
        not_nb("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": null}]}")
            .2
            .contains("not a string")
    );
    let (line, column, reason) =
        not_nb("{\"nbformat\": 4, \"cells\": [{\"cell_type\": \"code\", \"source\": \"a\",\n \"source\": \"b\"}]}");
    assert_eq!((line, column, reason.as_str()), (2, 2, "duplicate key `source`"));
    assert!(not_nb("{\"nbformat\": 4, \"metadata\": [], \"cells\": []}").2.contains("metadata"));
    assert!(not_nb("{\"nbformat\": 3}").2.contains("worksheets"));
}

#[test]
fn unsupported_nbformat_versions() {
    for v in [1, 2, 5] {
        let err = parse(&format!("{{\n  \"nbformat\": {v}, \"cells\": []}}")).unwrap_err();
        assert_eq!(err, NotebookError::Unsupported { nbformat: v, line: 2, column: 15 });
    }
}

// ---------------------------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------------------------

#[test]
fn verify_accepts_source_edits_only() {
    let (text, nb) = make(
        NBFORMAT,
        &[
            Cell::Markdown("tf.log"),
            Cell::CodeOut(
                "x = tf.log(1)\n",
                "[{\"name\": \"stdout\", \"output_type\": \"stream\", \"text\": [\"1\"]}]",
            ),
        ],
    );
    let p = at(&nb, "log");
    let edited = apply(&text, &nb.map_edit(p..p + 3, "math.log").unwrap());
    let changed = changed_cells(&text, &edited).unwrap();
    assert_eq!(
        changed,
        [ChangedCell { cell: 2, before: "x = tf.log(1)\n".into(), after: "x = tf.math.log(1)\n".into() }]
    );
    assert_eq!(changed_cells(&text, &text).unwrap(), []);
    let broken = [
        text.replacen("\"execution_count\": 1", "\"execution_count\": 2", 1),
        text.replacen("[\"1\"]", "[\"2\"]", 1),
        text.replacen("\"tf.log\"", "\"tf.math.log\"", 1),
        text.replacen(
            "\"cell_type\": \"code\",\n   \"execution_count\": 1,",
            "\"execution_count\": 1,\n   \"cell_type\": \"code\",",
            1,
        ),
        text.replacen("\"nbformat_minor\": 4", "\"nbformat_minor\": 5", 1),
        text.replacen("\"x = tf.log(1)\\n\"", "\"x = tf.log(1)\\n\",]", 1),
        text.replacen('\n', "\r\n", 1),
    ];
    for b in &broken {
        assert_ne!(b, &text);
        assert!(verify(&text, b).is_err(), "{b}");
    }
    assert!(verify("{", &text).unwrap_err().contains("original is not JSON"));
}

/// Whether `code` parses as Python 3, by `python3 -c 'ast.parse(…)'`; `None` without a `python3`.
fn python_parses(code: &str) -> Option<Result<(), String>> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .args(["-c", "import ast, sys; ast.parse(sys.stdin.read())"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(code.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    Some(if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) })
}

#[test]
fn masked_programs_parse_as_python() {
    let cells = [
        Cell::Code("%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nimport tensorflow as tf\n"),
        Cell::Code("try:\n    import keras\nexcept ImportError:\n    !pip install keras==2.2.4\n"),
        Cell::Code("for i in range(3):\n    !echo {i}\nfiles = !ls\nt = %time f()\n"),
        Cell::Code("?tf.Session\ntf.Session?\ntf.nn??\n%pinfo tf\n!pip install a \\\n   b\n"),
        Cell::Code("%%time\nfor i in range(2):\n    x = tf.log(1.0)\n"),
        Cell::Code("%%bash\nif true; then\n    echo \"it's\"\nfi\n"),
        Cell::Code("%%writefile m.py\ndef f(:\n  return ((\n"),
        Cell::Code("%%html\n<div class='x'>\n</div>"),
        Cell::Code("msg = (\"%d\"\n       % 3)\nok = (1\n      != 2)\n"),
        Cell::Code("é?\n"),
    ];
    let (_, nb) = make(NBFORMAT, &cells);
    match python_parses(nb.program()) {
        None => eprintln!("note: no python3, masked program not checked"),
        Some(result) => result.unwrap_or_else(|e| panic!("{e}\n{}", nb.program())),
    }
    // The unmasked code does not parse, which is why masking is needed.
    if let Some(result) = python_parses(&nb.source) {
        assert!(result.is_err());
    }
}

#[test]
fn nbformat_3_worksheets_are_numbered_on_and_keys_may_be_escaped() {
    let text = r#"{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [
  {"cells": [{"cell_type": "markdown", "source": "m"}, {"cell_type": "code", "language": "python", "input": "a = 1\n", "outputs": []}]},
  {"cells": [{"cell\u005ftype": "code", "language": "python", "input": ["b = 2"], "outputs": []}]}]}"#;
    let nb = parse(text).unwrap();
    assert_eq!(nb.program(), "a = 1\nb = 2\n");
    assert_eq!(nb.cells().iter().map(|c| c.index).collect::<Vec<_>>(), [2, 3]);
    let edited = edit(text, 6..6, "import os\n");
    assert!(edited.contains(r#""input": ["import os\n", "b = 2"]"#), "{edited}");
    let r = r#"{"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "language": "julia", "input": ""}]}]}"#;
    assert!(matches!(parse(r), Err(NotebookError::NotPython { .. })));
}

#[test]
fn duplicate_top_level_keys_are_refused() {
    let text = "{\"nbformat\": 4, \"cells\": [], \"cells\": []}";
    assert!(matches!(parse(text), Err(NotebookError::NotANotebook { line: 1, column: 30, .. })));
}

#[test]
fn display_name_python_2_is_a_python2_kernel() {
    let kernel = Kernel { display_name: Some("Python 2".into()), ..Kernel::default() };
    assert!(kernel.is_python2());
    let kernel = Kernel { version: Some("3.10.2".into()), name: Some("python3".into()), ..Kernel::default() };
    assert!(!kernel.is_python2());
}

#[test]
fn new_control_characters_and_quotes_are_escaped_in_string_sources() {
    let st = Style { list: false, ..NBFORMAT };
    let (text, nb) = make(st, &[Cell::Code("print('x')\n")]);
    let edited = edit(&text, find(&nb, "'x'"), "\"a\\b\"\n\t\u{1b}");
    assert!(edited.contains(r#""print(\"a\\b\"\n\t\u001b)\n""#), "{edited}");
}

#[test]
fn odd_layouts_are_read() {
    let nb = parse(ODD).unwrap();
    assert_eq!(nb.program(), "a = 1\nb = 2\nc = A/2\n\n#%capture\nx = '\u{1f600}'\nd\n");
    assert_eq!(nb.cells().len(), 5);
    let edited = edit(ODD, 0..0, "import os\n");
    assert!(edited.contains(r#"["", "import os\n", "a = 1\nb = 2\n","#), "{edited}");
}
