//! Migrated code must run on TensorFlow 2. These tests run the shipped example scripts with the
//! Python named by `TF2_MIGRATE_PYTHON` (one with TensorFlow 2 installed); without it they print a
//! note and pass, because CI has no TensorFlow.
//!
//! `TF2_MIGRATE_PYTHON=/path/to/venv/bin/python cargo test --test runnable`

use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> Option<PathBuf> {
    std::env::var_os("TF2_MIGRATE_PYTHON").map(PathBuf::from)
}

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/legacy_project");
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
