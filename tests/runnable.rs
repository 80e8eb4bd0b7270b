//! Migrated code must run on TensorFlow 2. These tests run the shipped example scripts, and a
//! notebook cell by cell, with the Python named by `TF2_MIGRATE_PYTHON` (one with TensorFlow 2
//! installed; with nbclient and ipykernel there, the notebook also runs in a real kernel); without
//! it they print a note and pass, because CI has no TensorFlow.
//!
//! `TF2_MIGRATE_PYTHON=/path/to/venv/bin/python cargo test --test runnable`

use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> Option<PathBuf> {
    std::env::var_os("TF2_MIGRATE_PYTHON").map(PathBuf::from)
}

fn example_copy() -> tempfile::TempDir {
    copy_of("examples/legacy_project")
}

/// A copy of a folder of the repository, as `p` in a temp dir.
fn copy_of(folder: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let status = Command::new("cp").arg("-r").arg(&src).arg(tmp.path().join("p")).status().unwrap();
    assert!(status.success());
    tmp
}

fn migrate(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_tf2-migrate"))
        .current_dir(dir)
        .arg("apply")
        .args(args)
        .arg(".")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Run a script; Ok(stdout) or Err(last lines of stderr).
fn run(python: &Path, dir: &Path, script: &str) -> Result<String, String> {
    let out = Command::new(python).arg(script).current_dir(dir).env("TF_CPP_MIN_LOG_LEVEL", "3").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
    if out.status.success() { Ok(String::from_utf8_lossy(&out.stdout).into_owned()) } else { Err(tail.join(" | ")) }
}

#[test]
fn examples_fail_before_and_run_after_migration() {
    let Some(py) = python() else {
        eprintln!("note: TF2_MIGRATE_PYTHON is not set; runnability test skipped");
        return;
    };
    for (args, label) in [(&[][..], "upgrade"), (&["--strategy", "compat"][..], "compat")] {
        let tmp = example_copy();
        let dir = tmp.path().join("p");
        assert!(
            run(&py, &dir, "train_softmax.py").is_err(),
            "the unmigrated TF1 script must fail on TF2 (else this test proves nothing)"
        );
        migrate(&dir, args);
        for script in ["train_softmax.py", "keras_cnn.py"] {
            if let Err(e) = run(&py, &dir, script) {
                panic!("{label}: migrated {script} does not run: {e}");
            }
        }
    }
}

/// Code already half migrated: the one-line cheat (`import tensorflow.compat.v1 as tf`) with
/// `tf.contrib` and a `type(x) is tf.Tensor` test under it, and TF 1.x eager code (`tfe`,
/// `enable_eager_execution`). Both fail as they are; `apply --unsafe` makes them run.
#[test]
fn half_migrated_examples_fail_before_and_run_after_migration() {
    let Some(py) = python() else {
        eprintln!("note: TF2_MIGRATE_PYTHON is not set; runnability test skipped");
        return;
    };
    let tmp = copy_of("examples/half_migrated");
    let dir = tmp.path().join("p");
    for script in ["cheat_compat_v1.py", "eager_tf1.py"] {
        assert!(run(&py, &dir, script).is_err(), "{script} must fail on TF2 as it is (else this test proves nothing)");
    }
    migrate(&dir, &["--unsafe"]);
    for script in ["cheat_compat_v1.py", "eager_tf1.py"] {
        if let Err(e) = run(&py, &dir, script) {
            panic!("migrated {script} does not run: {e}");
        }
    }
    let cheat = std::fs::read_to_string(dir.join("cheat_compat_v1.py")).unwrap();
    assert!(cheat.contains("import tensorflow as tf\n"), "the cheat's import is undone:\n{cheat}");
    let eager = std::fs::read_to_string(dir.join("eager_tf1.py")).unwrap();
    assert!(!eager.contains("import tensorflow.contrib") && !eager.contains("enable_eager_execution()"), "{eager}");
}

/// Runs a notebook's code cells in order in one namespace, the way a kernel would, without
/// Jupyter: `IPython` lines (magics, shell escapes, help) become `pass`, and a `%%time`-like cell
/// magic line is dropped (a cell under another cell magic is skipped).
const CELL_RUNNER: &str = r#"
import json, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
cells = nb["cells"] if "cells" in nb else [c for w in nb["worksheets"] for c in w["cells"]]
namespace = {"__name__": "__main__"}
for number, cell in enumerate(cells, 1):
    if cell["cell_type"] != "code":
        continue
    source = cell.get("source", cell.get("input", ""))
    lines = ("".join(source) if isinstance(source, list) else source).splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].split()[0] not in ("%%time", "%%timeit", "%%capture"):
            continue
        lines = lines[1:]
    code = "\n".join(
        l[: len(l) - len(l.lstrip())] + "pass" if l.lstrip().startswith(("%", "!", "?")) else l for l in lines
    )
    exec(compile(code, "<cell %d>" % number, "exec"), namespace)
"#;

/// Runs a notebook with nbclient and the `python3` kernel of the same Python (when nbclient and
/// ipykernel are installed there): the real thing, magics included.
const NBCLIENT_RUNNER: &str = r#"
import os, sys
os.environ["JUPYTER_PATH"] = os.path.join(sys.prefix, "share", "jupyter")
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3").execute()
"#;

fn run_notebook(python: &Path, dir: &Path, runner: &str, notebook: &str) -> Result<(), String> {
    let out = Command::new(python)
        .args(["-c", runner, notebook])
        .current_dir(dir)
        .env("TF_CPP_MIN_LOG_LEVEL", "3")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
    if out.status.success() { Ok(()) } else { Err(tail.join(" | ")) }
}

#[test]
fn a_notebook_fails_before_and_runs_cell_by_cell_after_migration() {
    let Some(py) = python() else {
        eprintln!("note: TF2_MIGRATE_PYTHON is not set; notebook runnability test skipped");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notebooks/runnable.ipynb");
    std::fs::copy(&src, tmp.path().join("runnable.ipynb")).unwrap();
    assert!(
        run_notebook(&py, tmp.path(), CELL_RUNNER, "runnable.ipynb").is_err(),
        "the unmigrated TF1 notebook must fail on TF2 (else this test proves nothing)"
    );
    migrate(tmp.path(), &[]);
    if let Err(e) = run_notebook(&py, tmp.path(), CELL_RUNNER, "runnable.ipynb") {
        panic!("the migrated notebook does not run: {e}");
    }
    let has_nbclient = Command::new(&py).args(["-c", "import nbclient, ipykernel"]).output().unwrap().status.success();
    if has_nbclient {
        if let Err(e) = run_notebook(&py, tmp.path(), NBCLIENT_RUNNER, "runnable.ipynb") {
            panic!("the migrated notebook does not run under nbclient: {e}");
        }
    } else {
        eprintln!("note: no nbclient/ipykernel in TF2_MIGRATE_PYTHON; ran the cells without Jupyter only");
    }
}
