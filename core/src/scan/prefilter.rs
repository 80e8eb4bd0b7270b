//! Which files can have findings, told from their bytes before anything is parsed.
//!
//! A file that names neither `tensorflow` nor `keras` can only have findings of the two rules
//! that do not need them: `numpy2` and `python-stdlib` (the others resolve names through
//! TensorFlow or Keras imports, and the Keras method rule asks for one of the two words itself).
//! For those two, the filter reads what the rules would have to see: the names `NumPy` 2 removed
//! after a dot, and the modules import statements name. It may let through a file that has no
//! finding (that file is parsed for nothing), never the other way round: a test runs every
//! fixture with findings through it.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use foldhash::HashSet;
use memchr::memmem;

use crate::rules::table::{NUMPY2, STDLIB};

/// Whether the file whose bytes are `bytes` may have findings. `notebook`: the bytes are a
/// notebook's JSON, whose code sits in strings with escapes (`\n`, `\"`): unless they name
/// TensorFlow or Keras, the filter reads the program the rules would see (a notebook that cannot
/// be read gets through, to be reported).
pub(crate) fn may_have_findings(bytes: &[u8], notebook: bool) -> bool {
    if crate::rules::names_tensorflow_or_keras(bytes) {
        return true;
    }
    if notebook {
        let read = std::str::from_utf8(bytes).ok().and_then(|json| crate::notebook::parse(json).ok());
        return read.is_none_or(|nb| may_have_findings(nb.program().as_bytes(), false));
    }
    (memmem::find(bytes, b"numpy").is_some() && numpy2_may_apply(bytes)) || stdlib_may_apply(bytes)
}

/// `numpy2`: a name of its table after a dot (`np.float`, `numpy.core.x`, `import numpy.lib`;
/// Python allows blanks, a line continuation and, in brackets, a comment after the dot), `array`
/// in a file that says `copy` (`np.array(x, copy=False)`), or any from-import of `numpy` (it may
/// bind any name, `*` included).
fn numpy2_may_apply(bytes: &[u8]) -> bool {
    static NAMES: OnceLock<HashSet<&'static [u8]>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        // The keys as written: a warm run that finds every file in the cache builds no table.
        // `numpy.core.abs` → `core`.
        NUMPY2
            .rows()
            .filter_map(|r| r.field(0).strip_prefix("numpy.").and_then(|rest| rest.split('.').next()))
            .map(str::as_bytes)
            .collect()
    });
    let says_copy = memmem::find(bytes, b"copy").is_some();
    let after_a_dot = memchr::memchr_iter(b'.', bytes).any(|dot| {
        let mut lex = Lexer { text: bytes, at: dot + 1, in_brackets: true };
        let name = lex.name().unwrap_or_default();
        names.contains(name) || (name == b"array" && says_copy)
    });
    after_a_dot || imports(bytes, |path, from| from && (path == "numpy" || path.starts_with("numpy.")))
}

/// `python-stdlib`: a module import statements name has a row, or one of its parents has
/// (`from distutils.core import setup`, `import os, imp`, `from collections import Mapping`);
/// or the text holds a dotted key (`collections.Mapping`, `time.clock`) or a `TestCase` method
/// (`assertEquals`). A use through an alias of a module that has no row itself (`import
/// collections as c` then `c.Mapping`) is not seen in a file that names no TensorFlow, Keras or
/// `NumPy`: generic words such as `format` or `parser` would let too many files through.
fn stdlib_may_apply(bytes: &[u8]) -> bool {
    static KEYS: OnceLock<(HashSet<&'static str>, AhoCorasick)> = OnceLock::new();
    let (keys, needles) = KEYS.get_or_init(|| {
        let keys: HashSet<&'static str> = STDLIB.rows().map(|r| r.field(0)).collect();
        let mut needles: Vec<&str> = keys
            .iter()
            .filter_map(|k| match k.strip_prefix("unittest.TestCase.") {
                Some(method) => Some(method),
                None => k.contains('.').then_some(*k),
            })
            .collect();
        needles.sort_unstable();
        (keys, AhoCorasick::new(needles).expect("the needles are plain strings"))
    });
    needles.is_match(bytes)
        || imports(bytes, |path, _| {
            let mut ends = path.match_indices('.').map(|(i, _)| i).chain([path.len()]);
            ends.any(|end| keys.contains(&path[..end]))
        })
}

/// Whether `hit` says yes to one of the dotted names that import statements in `text` name, with
/// whether the statement is a from-import: `import a.b as c, d` gives `a.b` and `d`; `from a.b
/// import (c, d as e)` gives `a.b.c` and `a.b.d`, and `from a.b import *` gives `a.b`. A relative
/// import keeps its dots: `from . import x` gives `.x`, `from ..m import y` gives `..m.y`.
///
/// Read from the text alone, so generous: every word `import` starts a list of names (a
/// from-import's names are also given alone, as if they were modules), words in strings and
/// comments count, and a statement read only in part gives what was read.
pub(crate) fn imports(text: &[u8], hit: impl FnMut(&str, bool) -> bool) -> bool {
    imports_where(text, |_| true, hit)
}

/// [`imports`] of the statements that start a line (after blanks) or follow a `;`: the
/// statements themselves, not the words in prose (`from the start`), for a caller that wants
/// what a file imports rather than a generous guess.
pub(crate) fn statement_imports(text: &[u8], hit: impl FnMut(&str, bool) -> bool) -> bool {
    imports_where(
        text,
        |at| {
            text[..at]
                .iter()
                .rev()
                .find(|&&b| b != b' ' && b != b'\t')
                .is_none_or(|&b| matches!(b, b'\n' | b'\r' | b';'))
        },
        hit,
    )
}

fn imports_where(text: &[u8], starts: impl Fn(usize) -> bool, mut hit: impl FnMut(&str, bool) -> bool) -> bool {
    for at in words(text, b"import").filter(|&at| starts(at)) {
        let mut lex = Lexer { text, at: at + b"import".len(), in_brackets: false };
        if names(&mut lex, |name| hit(name, false)) {
            return true;
        }
    }
    for at in words(text, b"from").filter(|&at| starts(at)) {
        let mut lex = Lexer { text, at: at + b"from".len(), in_brackets: false };
        lex.blanks();
        let dots = lex.text[lex.at.min(lex.text.len())..].iter().take_while(|&&b| b == b'.').count();
        lex.at += dots;
        let module = match (dots, lex.dotted()) {
            (_, Some(m)) if m == "import" && dots > 0 => {
                // `from . import x`: the word read was the keyword.
                lex.at -= "import".len();
                ".".repeat(dots)
            }
            (_, Some(m)) => format!("{}{m}", ".".repeat(dots)),
            (0, None) => continue,
            (_, None) => ".".repeat(dots),
        };
        if lex.name() != Some(b"import".as_slice()) {
            continue;
        }
        let sep = if module.ends_with('.') { "" } else { "." };
        lex.blanks();
        if lex.text.get(lex.at) == Some(&b'*') {
            if hit(&module, true) {
                return true;
            }
            continue;
        }
        if names(&mut lex, |name| hit(&format!("{module}{sep}{name}"), true)) {
            return true;
        }
    }
    false
}

/// The import list after `import`: dotted names, each maybe `as` another, comma-separated, maybe
/// in brackets. Stops at the first `hit` that says yes (and returns `true`).
fn names(lex: &mut Lexer<'_>, mut hit: impl FnMut(&str) -> bool) -> bool {
    lex.blanks();
    if lex.text.get(lex.at) == Some(&b'(') {
        lex.at += 1;
        lex.in_brackets = true;
    }
    while let Some(name) = lex.dotted() {
        if hit(&name) {
            return true;
        }
        let mut next = *lex;
        if next.name() == Some(b"as".as_slice()) {
            *lex = next;
            lex.name();
        }
        lex.blanks();
        if lex.text.get(lex.at) != Some(&b',') {
            break;
        }
        lex.at += 1;
    }
    false
}

/// Where the word `word` starts in `text` (not inside a longer name).
fn words<'t>(text: &'t [u8], word: &'t [u8]) -> impl Iterator<Item = usize> + 't {
    memmem::find_iter(text, word).filter(move |&at| {
        (at == 0 || !is_name_byte(text[at - 1])) && text.get(at + word.len()).is_none_or(|b| !is_name_byte(*b))
    })
}

/// Bytes that continue a name. Any non-ASCII byte does: no name the filter looks for has one, so
/// a name that does is another name.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii()
}

/// A cursor over Python text that steps over what may separate two tokens of one statement.
#[derive(Clone, Copy)]
struct Lexer<'t> {
    text: &'t [u8],
    at: usize,
    /// Inside brackets: line ends and comments separate tokens too.
    in_brackets: bool,
}

impl<'t> Lexer<'t> {
    /// Step over blanks, line continuations and, in brackets, line ends and comments.
    fn blanks(&mut self) {
        while let Some(&b) = self.text.get(self.at) {
            match b {
                b' ' | b'\t' | b'\x0c' => self.at += 1,
                b'\\' if matches!(self.text.get(self.at + 1), Some(b'\n' | b'\r')) => self.at += 2,
                b'\r' | b'\n' if self.in_brackets => self.at += 1,
                b'#' if self.in_brackets => {
                    self.at = memchr::memchr(b'\n', &self.text[self.at..]).map_or(self.text.len(), |n| self.at + n);
                }
                _ => break,
            }
        }
    }

    /// The name after the blanks, if one starts there.
    fn name(&mut self) -> Option<&'t [u8]> {
        self.blanks();
        let rest = &self.text[self.at.min(self.text.len())..];
        let len = rest.iter().position(|b| !is_name_byte(*b)).unwrap_or(rest.len());
        if len == 0 || rest[0].is_ascii_digit() {
            return None;
        }
        self.at += len;
        Some(&rest[..len])
    }

    /// A dotted name (`a . b` is `a.b`), if one starts after the blanks.
    fn dotted(&mut self) -> Option<String> {
        let mut out = String::from_utf8_lossy(self.name()?).into_owned();
        loop {
            let mut next = *self;
            next.blanks();
            if next.text.get(next.at) != Some(&b'.') {
                return Some(out);
            }
            next.at += 1;
            let Some(part) = next.name() else { return Some(out) };
            out.push('.');
            out.push_str(&String::from_utf8_lossy(part));
            *self = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(text: &str) -> bool {
        may_have_findings(text.as_bytes(), false)
    }

    #[test]
    fn tensorflow_and_keras() {
        assert!(py("import tensorflow as tf"));
        assert!(py("from keras import x"));
        assert!(!py("import torch"));
        assert!(!py("import tensorflo"));
    }

    #[test]
    fn numpy_only() {
        // Nothing NumPy 2 removed: not parsed.
        assert!(!py("import numpy as np\nx = np.zeros(3, dtype=np.float32).sum()\n"));
        assert!(!py("import numpy as np\nx = np.array([1.5])  # float, int\n"));
        // A removed name after a dot, however the dot is written.
        assert!(py("import numpy as np\nx = np.float(3)\n"));
        assert!(py("import numpy as onp\nx = onp . asscalar(a)\n"));
        assert!(py("import numpy as np\nx = np.\\\n    NaN\n"));
        assert!(py("import numpy as np\nx = (np.  # the old alias\n     product(a))\n"));
        assert!(py("import numpy.core.numeric as nc\n"));
        assert!(py("import numpy as np\nn = np.lib.pad\n"));
        // `np.array(x, copy=False)`, whose meaning NumPy 2 changed.
        assert!(py("import numpy as np\nx = np.array(a, copy=False)\n"));
        // A from-import of numpy may bind any name.
        assert!(py("from numpy import float\n"));
        assert!(py("from \\\n  numpy import *\n"));
        assert!(py("from numpy.linalg import norm\n"));
        assert!(!py("import numpy\nfrom numpyro import x\nnumpy.ones(2)\n"));
        // The standard library's names still count in a NumPy file.
        assert!(py("import numpy as np\nimport imp\n"));
    }

    #[test]
    fn notebooks() {
        let nb = |cells: &[&str]| {
            let cells: Vec<String> = cells
                .iter()
                .map(|c| format!(r#"{{"cell_type": "code", "metadata": {{}}, "outputs": [], "source": {c}}}"#))
                .collect();
            let json =
                format!(r#"{{"cells": [{}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#, cells.join(", "));
            may_have_findings(json.as_bytes(), true)
        };
        assert!(nb(&[r#"["import tensorflow as tf\n"]"#]));
        // Read as the program: an import split over lines (JSON strings) and a NumPy 2 name.
        assert!(nb(&[r#"["from collections import (\n", "    Mapping)\n"]"#]));
        assert!(nb(&[r#"["import numpy as np\n"]"#, r#""x = np.\\\n  float""#]));
        assert!(!nb(&[r#"["import numpy as np\n", "np.zeros(2)"]"#]));
        assert!(!nb(&[r#""import torch""#]));
        // Not a notebook this can read: the scan reports it.
        assert!(may_have_findings(b"{ not json", true));
    }

    #[test]
    fn standard_library() {
        assert!(py("isinstance(x, collections.Mapping)"));
        assert!(py("self.assertEquals(a, b)"));
        // Every form of import that names a removed module, or a module under it.
        for text in [
            "import imp\n",
            "import os, imp\n",
            "import os,\\\n    imp as i\n",
            "from imp import reload\n",
            "from distutils.core import setup\n",
            "from distutils . core import setup\n",
            "import distutils.util\n",
            "from collections import Mapping\n",
            "from collections import (OrderedDict,  # ordered\n    Mapping)\n",
            "from collections import OrderedDict as OD, Mapping\n",
            "from os import errno\n",
            "x = 1; import imp\n",
            "if x: from imp import reload\n",
        ] {
            assert!(py(text), "{text:?}");
        }
        // Names that only look like them.
        for text in [
            "import importlib\n",
            "from collections import OrderedDict\n",
            "from .distutils import x\n",
            "parser = argparse.ArgumentParser()\n",
            "__import__('os')\n",
            "from_imp = 1\n",
        ] {
            assert!(!py(text), "{text:?}");
        }
    }

    #[test]
    fn import_lists() {
        let all = |text: &str| {
            let mut seen = Vec::new();
            imports(text.as_bytes(), |p, from| {
                seen.push(format!("{}{p}", if from { "from " } else { "" }));
                false
            });
            seen
        };
        assert_eq!(all("import a.b as c, d\n"), ["a.b", "d"]);
        assert_eq!(all("from a . b import (c,\n  # x\n  d as e)\n"), ["c", "d", "from a.b.c", "from a.b.d"]);
        assert_eq!(all("from a import *\n"), ["from a"]);
        assert_eq!(all("from a import b\nc = 1, d\n"), ["b", "from a.b"]);
        assert_eq!(all("yield from gen\nimport\n"), Vec::<String>::new());
        // A relative import keeps its dots; its names are read as modules too.
        assert_eq!(all("from . import imp\n"), ["imp", "from .imp"]);
        assert_eq!(all("from ..m import y\nfrom .import z\n"), ["y", "z", "from ..m.y", "from .z"]);
        // Statements only: prose and the names after `from x` are not read again.
        let mut seen = Vec::new();
        let text = "\"\"\"Taken from the paper, import it\"\"\"\nimport a\n  from b import c; import d\nx = 1;from e import f\n";
        statement_imports(text.as_bytes(), |p, from| {
            seen.push(format!("{}{p}", if from { "from " } else { "" }));
            false
        });
        assert_eq!(seen, ["a", "d", "from b.c", "from e.f"]);
    }

    #[test]
    fn every_fixture_with_findings_gets_through() {
        // The rules' own test files: every Python one that has findings is parsed (the
        // NumPy-only ones exercise `numpy2_may_apply`).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut seen = 0;
        for entry in ignore::WalkBuilder::new(&dir).build().flatten() {
            let p = entry.path();
            if p.extension().is_none_or(|e| e != "py") {
                continue;
            }
            let bytes = std::fs::read(p).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let src =
                crate::source::SourceFile::new(p.to_path_buf(), text, crate::source::Encoding::Utf8 { bom: false });
            if crate::rules::check(&src, &crate::rules::Options::default()).is_empty() {
                continue;
            }
            seen += 1;
            assert!(may_have_findings(&bytes, false), "{} has findings but would not be parsed", p.display());
        }
        assert!(seen > 20, "only {seen} fixtures with findings");
    }
}
