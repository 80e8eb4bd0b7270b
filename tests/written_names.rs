//! Every name the rewrite tables know (renames, contrib, private paths, Keras modules), used as an
//! attribute and through a from-import, migrated by the real binary under each strategy:
//! `tools/written_names_check.py` checks with `tools/api_check.py` that the output names nothing
//! the recorded TensorFlow 2.21 API lacks unless the input named it already (known failures:
//! `tests/written_names_known.txt`). Needs `python3` (standard library only); skipped with a note
//! without it.

use std::path::Path;
use std::process::Command;

#[test]
fn every_name_written_exists_in_tensorflow_2_21() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("TF2_MIGRATE_CHECK_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = match Command::new(&python)
        .arg(root.join("tools/written_names_check.py"))
        .arg(env!("CARGO_BIN_EXE_tf2-migrate"))
        .arg("--known")
        .arg(root.join("tests/written_names_known.txt"))
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: no {python} to run tools/written_names_check.py ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(": 0 failing"), "{stdout}");
}
