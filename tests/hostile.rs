//! Hostile but legal Python (tests/fixtures/hostile, one file per shape): `tools/hostile_check.py`
//! runs the real binary over every fixture with `apply` and `apply --unsafe` under each strategy
//! and checks that the output compiles under `CPython`, keeps shebang and coding lines, every
//! comment, the statement structure and every argument's binding, that inserted lines come after
//! what they use, that `diff` output applies with `patch`, and that a second `apply` changes
//! nothing. Needs `python3` (standard library only); skipped with a note without it.

use std::path::Path;
use std::process::Command;

#[test]
fn every_hostile_fixture_migrates_correctly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("TF2_MIGRATE_CHECK_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = match Command::new(&python)
        .arg(root.join("tools/hostile_check.py"))
        .arg(env!("CARGO_BIN_EXE_tf2-migrate"))
        .arg(root.join("tests/fixtures/hostile"))
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: no {python} to run tools/hostile_check.py ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("0 failing"), "{stdout}");
}
