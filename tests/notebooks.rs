//! Jupyter notebooks end to end: found by every command like Python files, findings located by
//! cell, rewritten inside code cells' `source` strings only (every other byte of the JSON kept),
//! a cell that does not parse left alone without blocking the others, idempotent, and shown per
//! cell by `diff` and `report`. Fixtures: `tests/fixtures/notebooks/` (made by
//! `tools/notebook_fixtures.py`).

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{put, run, run_in};
use serde_json::Value;
use tf2_migrate_core::notebook;
use tf2_migrate_core::pipeline::{self, Policy, Settings};
use tf2_migrate_core::source::Encoding;

const NOTEBOOKS: [&str; 4] = ["old_v3.ipynb", "runnable.ipynb", "tutorial_list.ipynb", "tutorial_string.ipynb"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notebooks")
}

/// A temporary copy of the fixtures, in `<tmp>/nb`.
fn copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nb");
    common::copy_tree(&fixtures(), &dir);
    (tmp, dir)
}

/// The JSON value with every code cell's source blanked: what must not change.
fn without_sources(text: &str) -> Value {
    let mut v: Value = serde_json::from_str(text).unwrap();
    let key = if v.get("worksheets").is_some() { "input" } else { "source" };
    let blank = |cell: &mut Value| {
        if cell["cell_type"] == "code" {
            cell[key] = Value::Null;
        }
    };
    if let Some(sheets) = v.get_mut("worksheets") {
        for s in sheets.as_array_mut().unwrap() {
            s["cells"].as_array_mut().unwrap().iter_mut().for_each(blank);
        }
    } else {
        v["cells"].as_array_mut().unwrap().iter_mut().for_each(blank);
    }
    v
}

/// The bytes of a notebook outside its code cells' source values, by the notebook reader's spans.
fn outside_sources(text: &str) -> Vec<&str> {
    let nb = notebook::parse(text).unwrap();
    let mut out = Vec::new();
    let mut at = 0;
    for c in nb.cells() {
        out.push(&text[at..c.json_range.start]);
        at = c.json_range.end;
    }
    out.push(&text[at..]);
    out
}

/// Whether each text compiles as a notebook cell does (`CPython`, top-level `await` allowed, as
/// in `IPython`); `None` without a `python3`.
fn cells_compile(texts: &[String]) -> Option<Vec<bool>> {
    const CHECK: &str = r"
import ast, json, sys, warnings
warnings.simplefilter('ignore')
out = []
for text in json.load(sys.stdin):
    try:
        compile(text, '<cell>', 'exec', flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        out.append(True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        out.append(False)
json.dump(out, sys.stdout)
";
    if !common::have_python() {
        return None;
    }
    let mut child = std::process::Command::new("python3")
        .args(["-c", CHECK])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let input = serde_json::to_vec(texts).unwrap();
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
    let out = child.wait_with_output().ok()?;
    writer.join().unwrap().unwrap();
    serde_json::from_slice(&out.stdout).ok()
}

/// The masked code (`IPython` lines as comments) of the given cells of a notebook's JSON.
fn masked_cells(json: &str, cells: &[usize]) -> Vec<String> {
    let nb = notebook::parse(json).unwrap();
    cells
        .iter()
        .map(|&n| {
            let cell = nb.cells().iter().find(|x| x.index == n).unwrap();
            nb.program()[cell.range.clone()].to_owned()
        })
        .collect()
}

/// Check a migrated notebook against its original: only code cells' sources changed (by bytes
/// and by `serde_json`), outputs and layout kept, and every changed cell that compiled before
/// still compiles (by `CPython`); returns the changed cells.
fn check_rewrite(name: &str, before: &str, after: &str) -> Vec<usize> {
    assert_eq!(outside_sources(before), outside_sources(after), "{name}: bytes outside sources changed");
    assert_eq!(without_sources(before), without_sources(after), "{name}: the JSON outside sources changed");
    let changed = notebook::changed_cells(before, after).unwrap_or_else(|e| panic!("{name}: {e}"));
    let cells: Vec<usize> = changed.iter().map(|c| c.cell).collect();
    let (old, new) = (masked_cells(before, &cells), masked_cells(after, &cells));
    if let (Some(was), Some(is)) = (cells_compile(&old), cells_compile(&new)) {
        // Like a Python file, a cell that only CPython rejects (tree-sitter parses it) may be
        // rewritten; one that compiled must still compile.
        for ((c, was), is) in changed.iter().zip(was).zip(is) {
            assert!(is || !was, "{name}: cell {} does not compile after the rewrite:\n{}", c.cell, c.after);
        }
    }
    cells
}

#[test]
fn check_finds_every_notebook_and_locates_findings_by_cell() {
    let r = run(&fixtures(), "check", &[], &fixtures());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    for name in NOTEBOOKS {
        assert!(r.stdout.contains(&format!("{name}:cell ")), "{name} missing:\n{}", r.stdout);
    }
    for line in [
        "tutorial_list.ipynb:cell 2:1:14: warning [notebook-setup] `tensorflow==1.15` installs TensorFlow 1",
        "tutorial_list.ipynb:cell 2:1:31: warning [notebook-setup] `keras==2.2.4` installs standalone Keras 2",
        "tutorial_list.ipynb:cell 2:2:1: warning [notebook-setup] `%tensorflow_version 1.x` selects TensorFlow 1",
        "tutorial_list.ipynb:cell 3:2:24: error [disable-eager]",
        "tutorial_list.ipynb:cell 4:5:23: error [tf2-rename] `tf.log` is `tf.math.log`",
        "tutorial_list.ipynb:cell 5:1:1: error [python2-syntax] Python 2 syntax (print statement): the cell is left unchanged",
        "tutorial_string.ipynb:cell 4:1:12: error [syntax-error] the cell does not parse",
        "old_v3.ipynb:cell 3:2:1: error [python2-syntax]",
        "old_v3.ipynb:cell 4:1:19: error [tf2-rename]",
    ] {
        assert!(r.stdout.contains(line), "{line:?} missing:\n{}", r.stdout);
    }
    let json = run(&fixtures(), "check", &["--format", "json"], &fixtures());
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 4);
    for f in files {
        for finding in f["findings"].as_array().unwrap() {
            assert!(finding["cell"].as_u64().is_some_and(|c| c >= 1), "{finding}");
            assert!(finding["line"].as_u64().is_some() && finding["column"].as_u64().is_some(), "{finding}");
        }
    }
}

#[test]
fn apply_changes_code_cell_sources_only_and_keeps_the_file() {
    let (_tmp, dir) = copy();
    let before: Vec<String> = NOTEBOOKS.iter().map(|n| fs::read_to_string(dir.join(n)).unwrap()).collect();
    fs::set_permissions(dir.join("tutorial_list.ipynb"), fs::Permissions::from_mode(0o640)).unwrap();
    let r = run_in(&dir, &["apply", "--unsafe", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("4 files written"), "{}", r.stderr);
    let expected: [(&str, &[usize]); 4] = [
        // Cell 3 holds a Python 2 print statement: left as it is, the others are migrated.
        ("old_v3.ipynb", &[2, 4]),
        ("runnable.ipynb", &[2, 3, 5]),
        // Cell 2 holds only IPython lines, cell 5 is Python 2.
        ("tutorial_list.ipynb", &[3, 4, 6, 7]),
        // Cell 4 does not parse.
        ("tutorial_string.ipynb", &[2, 5]),
    ];
    for ((name, cells), old) in expected.iter().zip(&before) {
        let new = fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(&check_rewrite(name, old, &new), cells, "{name}");
    }
    let mode = fs::metadata(dir.join("tutorial_list.ipynb")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "the mode is kept");
    let list = fs::read_to_string(dir.join("tutorial_list.ipynb")).unwrap();
    for kept in [
        // The eager switch goes into the cell that imports TensorFlow, as a new list element.
        "    \"import numpy as np\\n\",\n    \"import tensorflow as tf\\n\",\n    \"tf.compat.v1.disable_v2_behavior()\"\n",
        "    \"loss = -tf.reduce_sum(tf.math.log(y), axis=[1], keepdims=True)\\n\"\n",
        "    \"# Entraînement : 日本語のコメント 😀\\n\",",
        "    \"print 'loss:', loss\\n\",\n    \"z = tf.log(2.0)\"\n",
        "\"!pip install tensorflow==1.15 keras==2.2.4\\n\",",
        "\"image/png\": \"iVBORw0KGgo",
    ] {
        assert!(list.contains(kept), "{kept:?} not in:\n{list}");
    }
    // One string per source stays one string; non-ASCII stays escaped as the file has it.
    let string = fs::read_to_string(dir.join("tutorial_string.ipynb")).unwrap();
    assert!(string.contains(
        r#""source": "from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import Dense\nimport tensorflow as tf\ntf.compat.v1.disable_v2_behavior()\n""#
    ));
    assert!(string.contains(r"# mod\u00e8le \u00e0 deux couches\n"), "{string}");
    assert!(string.contains(r#"print(\"tab\\there\", s.run(tf.math.log(1.0)))\n"#), "{string}");

    // A second run has nothing left to rewrite; the manual findings stay.
    let again = run(&dir, "diff", &["--unsafe"], &dir);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.is_empty(), "{}", again.stdout);
    let check = run(&dir, "check", &[], &dir);
    assert!(check.stdout.contains(": 0 safe hunks, 0 review hunks, "), "{}", check.stdout);
    let same = run_in(&dir, &["apply", "--unsafe", "."]);
    assert!(same.stderr.contains("0 files written"), "{}", same.stderr);
}

#[test]
fn diff_shows_each_changed_cell_and_writes_nothing() {
    let (tmp, dir) = copy();
    let r = run_in(tmp.path(), &["diff", "nb"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains(
        "--- a/nb/tutorial_list.ipynb:cell 4\n+++ b/nb/tutorial_list.ipynb:cell 4\n@@ -1,5 +1,5 @@\n # Entraînement"
    ));
    assert!(r.stdout.contains("-loss = -tf.reduce_sum(tf.log(y), reduction_indices=[1], keep_dims=True)\n+loss = -tf.reduce_sum(tf.math.log(y), axis=[1], keepdims=True)\n"));
    assert!(r.stdout.contains("+++ b/nb/old_v3.ipynb:cell 4\n@@ -1 +1 @@\n"), "{}", r.stdout);
    assert!(!r.stdout.contains("tutorial_list.ipynb:cell 5"), "the Python 2 cell has no diff:\n{}", r.stdout);
    for name in NOTEBOOKS {
        assert_eq!(fs::read(dir.join(name)).unwrap(), fs::read(fixtures().join(name)).unwrap());
    }
}

#[test]
fn report_locates_by_cell_and_says_which_outputs_go_stale() {
    let md = run(&fixtures(), "report", &[], &fixtures());
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        md.stdout.contains("Notebook: the cells that change (3, 4, 6, 7) keep their saved outputs, which are stale")
    );
    assert!(md.stdout.contains("- cell 5:1:1 [python2-syntax] **manual** (error): Python 2 syntax"), "{}", md.stdout);
    assert!(md.stdout.contains("tutorial_list.ipynb:cell 5:1:1`: Python 2 syntax (print statement)"), "{}", md.stdout);
    let json = run(&fixtures(), "report", &["--format", "json"], &fixtures());
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    let list = v["changes"].as_array().unwrap().iter().find(|f| f["path"].as_str().unwrap().ends_with("list.ipynb"));
    assert_eq!(list.unwrap()["stale_outputs"], serde_json::json!([3, 4, 6, 7]));
    assert!(v["summary"]["packages"].as_array().unwrap().iter().any(|p| p == "tensorflow"), "{v}");
    let manual = v["manual"].as_array().unwrap().iter().flat_map(|g| g["places"].as_array().unwrap());
    assert!(manual.into_iter().all(|p| p["cell"].as_u64().is_some()), "{v}");
}

#[test]
fn notebooks_are_found_like_python_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    let nb = fs::read(fixtures().join("runnable.ipynb")).unwrap();
    for rel in ["a.ipynb", "sub/b.ipynb", "ignored/c.ipynb", "skip_me.ipynb", ".hidden/d.ipynb"] {
        put(&root, rel, &nb);
    }
    put(&root, ".gitignore", "ignored/\n");
    let r = run(tmp.path(), "check", &["--exclude", "skip_*.ipynb"], &root);
    let found: Vec<&str> = ["a.ipynb", "b.ipynb", "c.ipynb", "skip_me.ipynb", "d.ipynb"]
        .into_iter()
        .filter(|n| r.stdout.contains(&format!("/{n}:cell")))
        .collect();
    assert_eq!(found, ["a.ipynb", "b.ipynb"], "{}", r.stdout);
    let no_ignore = run(tmp.path(), "check", &["--no-ignore"], &root);
    assert!(no_ignore.stdout.contains("/c.ipynb:cell") && no_ignore.stdout.contains("/skip_me.ipynb:cell"));
    // A notebook named on the command line is read as one.
    let one = run_in(&root, &["check", "sub/b.ipynb"]);
    assert!(one.stdout.contains("sub/b.ipynb:cell 3:2:5: error [compat-v1]"), "{}", one.stdout);
}

#[test]
fn notebooks_that_cannot_be_read_are_skipped_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    put(&root, "v2.ipynb", r#"{"nbformat": 2, "worksheets": [], "tensorflow": 1}"#);
    put(&root, "broken.ipynb", "{\"cells\": [\"import tensorflow\",]}");
    put(
        &root,
        "r.ipynb",
        r#"{"nbformat": 4, "nbformat_minor": 2, "metadata": {"kernelspec": {"language": "R", "name": "ir"}}, "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": "library(tensorflow)"}]}"#,
    );
    put(&root, "plain.ipynb", r#"{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": []}"#);
    let r = run(tmp.path(), "check", &[], &root);
    assert_eq!(r.code, 0, "notes are not errors: {}", r.stderr);
    for (name, why) in [
        ("v2.ipynb", "nbformat 2 is not supported (only 3 and 4 are)"),
        ("broken.ipynb", "not valid JSON"),
        ("r.ipynb", "the notebook's kernel language is `R`, not Python"),
    ] {
        let lines = r.stderr_lines_naming(name);
        assert_eq!(lines.len(), 1, "{name}: {}", r.stderr);
        assert!(lines[0].contains("note:") && lines[0].contains(why), "{name}: {}", lines[0]);
    }
    assert!(r.stderr_lines_naming("plain.ipynb").is_empty());
}

#[test]
fn a_notebook_with_crlf_and_two_space_indents_keeps_them() {
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(fixtures().join("runnable.ipynb")).unwrap();
    let two = text.lines().map(|l| {
        let n = l.len() - l.trim_start().len();
        format!("{}{}", " ".repeat(2 * n), l.trim_start())
    });
    let crlf: String = two.map(|l| l + "\r\n").collect();
    let path = put(tmp.path(), "w.ipynb", &crlf);
    let r = run_in(tmp.path(), &["apply", "w.ipynb"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let new = fs::read_to_string(&path).unwrap();
    assert_eq!(check_rewrite("w.ipynb", &crlf, &new), [2, 3, 5]);
    assert!(
        new.contains("\"import tensorflow as tf\\n\",\r\n        \"tf.compat.v1.disable_v2_behavior()\"\r\n"),
        "{new}"
    );
    assert!(!new.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
}

#[test]
fn a_notebook_changed_on_disk_is_not_written() {
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(fixtures().join("runnable.ipynb")).unwrap();
    let path = put(tmp.path(), "r.ipynb", &text);
    let settings = Settings::default();
    let (mut plan, _) =
        pipeline::check_file(path.clone(), tmp.path().into(), text.clone(), Encoding::Utf8 { bom: false }, &settings)
            .unwrap();
    let policy = Policy { min_safety: tf2_migrate_core::fix::Safety::Safe };
    let new = pipeline::migrate(&mut plan, policy, &settings).unwrap().unwrap();
    notebook::verify(&text, &new).unwrap();
    // Someone runs the notebook meanwhile: its outputs change.
    let executed = text.replacen("\"execution_count\": null", "\"execution_count\": 1", 1);
    fs::write(&path, &executed).unwrap();
    let err = pipeline::write_plan(&plan, &new).unwrap_err();
    assert!(matches!(err, tf2_migrate_core::error::Error::Conflict { .. }), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), executed);
}

/// A notebook of `cells` (code, or markdown when it starts with `# md`), laid out by
/// `serde_json` with `indent`, sources as lists of lines or as one string.
fn notebook_of(cells: &[String], indent: &[u8], lists: bool) -> String {
    let cells: Vec<Value> = cells
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let source = if lists {
                Value::Array(code.split_inclusive('\n').map(|l| Value::String(l.to_owned())).collect())
            } else {
                Value::String(code.clone())
            };
            if code.starts_with("# md") {
                serde_json::json!({"cell_type": "markdown", "metadata": {}, "source": source})
            } else {
                let outputs = serde_json::json!([{"name": "stdout", "output_type": "stream", "text": ["out é\n"]}]);
                serde_json::json!({"cell_type": "code", "execution_count": i, "metadata": {}, "outputs": outputs, "source": source})
            }
        })
        .collect();
    let doc = serde_json::json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4});
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, serde_json::ser::PrettyFormatter::with_indent(indent));
    serde::Serialize::serialize(&doc, &mut ser).unwrap();
    String::from_utf8(out).unwrap() + "\n"
}

/// Random TF1 programs cut into cells at random line boundaries (a cut inside a statement makes
/// cells that do not parse), with `IPython` lines put in: the migration never fails, changes only
/// code cells' sources, leaves the cells that do not parse alone, and a second run finds nothing.
#[test]
fn random_programs_cut_into_cells_migrate_exactly() {
    let seed = std::env::var("NB_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x0b_2026);
    let mut rng = common::Rng::new(seed);
    let magics = ["%matplotlib inline\n", "!pip install tensorflow==1.15\n", "%%time\n", "x?\n", "files = !ls\n"];
    let (mut changed_total, mut broken_total) = (0, 0);
    for round in 0..80 {
        let strategy = *rng.pick(&common::STRATEGIES);
        let settings = common::settings(strategy);
        let mut program = common::generate_program(&mut rng);
        if rng.chance(1, 4) {
            program = common::mutate(&mut rng, &program);
        }
        let mut cells: Vec<String> = vec![String::new()];
        for line in program.split_inclusive('\n') {
            let top = !line.starts_with([' ', '\t', ')', ']', '}']);
            if top && rng.chance(1, 4) && !cells.last().unwrap().is_empty() {
                cells.push(String::new());
                if rng.chance(1, 3) {
                    let magic = *rng.pick(&magics);
                    cells.last_mut().unwrap().push_str(magic);
                }
                if rng.chance(1, 8) {
                    cells.insert(cells.len() - 1, "# md notes".to_owned());
                }
            }
            cells.last_mut().unwrap().push_str(line);
        }
        // Sources often lack their last newline.
        for c in &mut cells {
            if rng.chance(1, 2) && c.ends_with('\n') {
                c.pop();
            }
        }
        let indents: [&[u8]; 3] = [b" ", b"  ", b"    "];
        let indent = *rng.pick(&indents);
        let json = notebook_of(&cells, indent, rng.chance(2, 3));
        let ctx = format!("round {round} (NB_SEED={seed}, {strategy:?}):\n{json}");
        let path = PathBuf::from(format!("r{round}.ipynb"));
        let enc = Encoding::Utf8 { bom: false };
        let (mut plan, _) = pipeline::check_file(path.clone(), ".".into(), json.clone(), enc, &settings)
            .unwrap_or_else(|e| panic!("{e}\n{ctx}"));
        broken_total += plan.findings.iter().filter(|f| f.message.contains("the cell is left unchanged")).count();
        let new = match pipeline::migrate(&mut plan, common::EVERYTHING, &settings) {
            Ok(Some(new)) => new,
            Ok(None) => continue,
            Err(e) => panic!("{e}\n{ctx}"),
        };
        changed_total += check_rewrite(&path.to_string_lossy(), &json, &new).len();
        let (mut again, _) = pipeline::check_file(path, ".".into(), new.clone(), enc, &settings).unwrap();
        let second =
            pipeline::migrate(&mut again, common::EVERYTHING, &settings).unwrap_or_else(|e| panic!("{e}\n{ctx}"));
        assert_eq!(second, None, "a second run still rewrites: {ctx}\n{new}");
    }
    assert!(changed_total > 60 && broken_total > 5, "{changed_total} cells changed, {broken_total} left alone");
}
