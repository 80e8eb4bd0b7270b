//! Bad input: whatever a real repository holds, the run goes on. Every fixture is a file the tool
//! must either leave alone with a one-line reason naming it on stderr, leave alone silently
//! (nothing to migrate: empty, comments only, not a regular file), or migrate into code `CPython`
//! still parses. No panic, no crash, and a good file in the same tree is still migrated.
//!
//! Fixtures are the small files under `tests/fixtures/bad_input/` (Python 2 forms and syntax
//! errors) plus the ones generated here (binary, encodings, 50 MB, deep nesting, symlink loops,
//! permissions, notebooks, ...). As root, permission bits do not stop reads: the unreadable file and
//! folder cases then assert what root gets (the files are read and migrated, modes kept).

mod common;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::sync::atomic::AtomicUsize;

use common::{put, run};
use tf2_migrate_core::pipeline::{self, Settings};

const GOOD: &str = "import tensorflow as tf\n\ny = tf.log(x)\n";
const TF: &str = "import tensorflow as tf\n";

/// What must happen to a fixture.
#[derive(Debug, Clone)]
enum Expect {
    /// Unchanged, with exactly one stderr line naming it that contains this text.
    Refused(&'static str),
    /// Unchanged, nothing said (there is nothing to migrate).
    Untouched,
    /// Rewritten; `CPython` still parses it, and a second `check` proposes no fix.
    Migrated,
    /// Valid but odd: changed or not, the result parses and keeps this text.
    Keeps(&'static str),
}

struct Fixture {
    name: String,
    expect: Expect,
}

#[allow(clippy::too_many_lines)] // One line per fixture: a table, not logic.
fn fixtures(root: &Path, privileged: bool) -> Vec<Fixture> {
    let mut out = Vec::new();
    let mut add = |name: &str, bytes: &[u8], expect: Expect| {
        put(root, name, bytes);
        out.push(Fixture { name: name.to_owned(), expect });
    };
    // The committed fixtures: Python 2 forms and syntax errors.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad_input");
    let mut committed: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
    committed.sort_by_key(fs::DirEntry::file_name);
    for entry in committed {
        let name = entry.file_name().to_string_lossy().into_owned();
        let expect =
            if name.starts_with("py2_") { Expect::Refused("Python 2 code") } else { Expect::Refused("does not parse") };
        add(&name, &fs::read(entry.path()).unwrap(), expect);
    }

    // Encodings and binary content.
    let binary = [TF.as_bytes(), b"\x00\x01\x02\xff\xfe"].concat();
    add("binary.py", &binary, Expect::Refused("binary file"));
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(GOOD.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    add("utf16.py", &utf16, Expect::Refused("binary file"));
    add(
        "latin1_no_cookie.py",
        b"import tensorflow as tf\ns = 'caf\xe9'\ny = tf.log(x)\n",
        Expect::Refused("not valid UTF-8 and no coding cookie"),
    );
    add(
        "bad_utf8_after_bom.py",
        b"\xEF\xBB\xBFimport tensorflow as tf\ns = '\xe9'\n",
        Expect::Refused("invalid UTF-8 after BOM"),
    );
    add(
        "unknown_cookie.py",
        b"# -*- coding: klingon -*-\nimport tensorflow as tf\ny = tf.log(x)\n",
        Expect::Refused("unknown coding cookie"),
    );
    add("cookie_lies.py", b"# coding: utf-8\nimport tensorflow as tf\ns = '\xe9'\n", Expect::Refused("declares utf-8"));

    // Sizes and shapes.
    let mut huge = GOOD.as_bytes().to_vec();
    huge.resize(50 * 1024 * 1024, b'\n');
    add("huge_50mb.py", &huge, Expect::Refused("byte limit"));
    let long = format!("{GOOD}s = \"{}\"\nz = tf.log(y)\n", "x".repeat(100_000));
    add("long_line.py", long.as_bytes(), Expect::Migrated);
    add("empty.py", b"", Expect::Untouched);
    add("only_comments.py", b"# import tensorflow as tf\n# y = tf.log(x)\n", Expect::Untouched);
    add("crlf_blank.py", b"\r\n\r\n# uses tensorflow\r\n\r\n", Expect::Untouched);
    add("crlf_only.py", b"import tensorflow as tf\r\n\r\ny = tf.log(x)\r\n", Expect::Migrated);
    add(
        "tabs_mixed.py",
        b"import tensorflow as tf\nif x:\n        y = 1\n\tz = tf.log(x)\n",
        Expect::Refused("does not parse"),
    );
    add("tabs_only.py", b"import tensorflow as tf\nif x:\n\ty = 1\n\tz = tf.log(x)\n", Expect::Migrated);
    let nested = |open: &str, close: &str, n: usize| format!("{TF}x = {}y{}\n", open.repeat(n), close.repeat(n));
    add("deep_calls.py", nested("tf.log(", ")", 1_500).as_bytes(), Expect::Refused("nested more than"));
    add("deep_lists.py", nested("[", "]", 3_000).as_bytes(), Expect::Refused("nested more than"));
    add(
        "deep_sum.py",
        format!("{TF}x = tf.log({}1)\n", "1 + ".repeat(5_000)).as_bytes(),
        Expect::Refused("nested more than"),
    );
    add(
        "long_attribute_chain.py",
        format!("{TF}x = tf{}\n", ".a".repeat(3_000)).as_bytes(),
        Expect::Refused("nested more than"),
    );
    add("nested_ok.py", nested("tf.log(", ")", 50).as_bytes(), Expect::Migrated);
    add("many_findings.py", format!("{TF}{}", "y = tf.log(x)\n".repeat(1_000)).as_bytes(), Expect::Migrated);

    // Odd but valid import forms and shadowing.
    add("import_star.py", b"from tensorflow import *\ny = log(x)\n", Expect::Keeps("y = log(x)"));
    add("import_multi.py", b"import numpy as np, tensorflow as tf\ny = tf.log(x)\n", Expect::Migrated);
    add("import_dunder.py", b"tf = __import__('tensorflow')\ny = tf.log(x)\n", Expect::Keeps("tf.log(x)"));
    add(
        "import_in_function.py",
        b"def f(x):\n    import tensorflow as tf\n    return tf.log(x)\n",
        Expect::Keeps("def f(x):"),
    );
    add("import_relative.py", b"from . import tensorflow\ny = tensorflow.log(x)\n", Expect::Keeps("tensorflow.log(x)"));
    add(
        "import_parenthesized.py",
        b"from keras.layers import (  # layers\n    Dense,\n    Dropout,  # reg\n)\nimport tensorflow as tf\n",
        Expect::Migrated,
    );
    add("import_backslash.py", b"import tensorflow \\\n    as tf\ny = tf.log(x)\n", Expect::Keeps("y = tf"));
    add(
        "import_try_except.py",
        b"try:\n    import tensorflow.compat.v1 as tf\nexcept ImportError:\n    import tensorflow as tf\ny = tf.log(x)\n",
        Expect::Keeps("except ImportError:"),
    );
    add(
        "shadow_param.py",
        b"import tensorflow as tf\ndef f(tf):\n    return tf.log(1)\n",
        Expect::Keeps("    return tf.log(1)\n"),
    );
    add("shadow_assign.py", b"import tensorflow as tf\ntf = object()\ny = tf.log(x)\n", Expect::Keeps("y = tf.log(x)"));
    add(
        "shadow_lambda.py",
        b"import tensorflow as tf\nf = lambda tf: tf.log(1)\n",
        Expect::Keeps("lambda tf: tf.log(1)"),
    );
    add(
        "shadow_comprehension_free.py",
        b"import tensorflow as tf\nys = [tf.log(v) for v in range(3)]\n",
        Expect::Migrated,
    );
    add(
        "weird name \u{e9}\u{1F600}.py",
        b"import tensorflow as tf\nprint tf.log(1)\n",
        Expect::Refused("Python 2 code"),
    );

    // Not regular files, links, permissions.
    add(
        "notebook.ipynb",
        br#"{"cells": [{"source": ["import tensorflow as tf"]}]}"#,
        Expect::Refused("no `nbformat` key"),
    );
    symlink("loop_b.py", root.join("loop_a.py")).unwrap();
    symlink("loop_a.py", root.join("loop_b.py")).unwrap();
    for name in ["loop_a.py", "loop_b.py"] {
        out.push(Fixture { name: name.into(), expect: Expect::Refused("symbolic links") });
    }
    symlink("nowhere.py", root.join("dangling.py")).unwrap();
    fs::create_dir(root.join("folder.py")).unwrap();
    std::process::Command::new("mkfifo").arg(root.join("fifo.py")).status().expect("mkfifo");
    let locked = put(root, "locked.py", GOOD);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    out.push(Fixture {
        name: "locked.py".into(),
        expect: if privileged { Expect::Migrated } else { Expect::Refused("Permission denied") },
    });
    let inner = put(root, "locked_dir/inner.py", GOOD);
    fs::set_permissions(root.join("locked_dir"), fs::Permissions::from_mode(0o000)).unwrap();
    out.push(Fixture {
        name: "locked_dir/inner.py".into(),
        expect: if privileged { Expect::Migrated } else { Expect::Untouched },
    });
    let _ = inner;
    out
}

#[test]
fn bad_input_never_stops_the_run() {
    let privileged = common::permissions_are_bypassed();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let list = fixtures(&root, privileged);
    assert!(list.len() >= 40, "{} fixtures", list.len());
    put(&root, "good.py", GOOD);
    let before: std::collections::BTreeMap<String, Vec<u8>> = list
        .iter()
        .filter_map(|f| {
            let p = root.join(&f.name);
            fs::symlink_metadata(&p).ok()?;
            Some((f.name.clone(), fs::read(&p).unwrap_or_default()))
        })
        .collect();

    // Errors (undecodable, loops) make every command exit 2.
    let check = run(dir.path(), "check", &[], &root);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(check.stdout.contains("good.py"), "{}", check.stdout);

    let apply = run(dir.path(), "apply", &["--unsafe"], &root);
    assert_eq!(apply.code, 2, "{}", apply.stderr);
    assert!(!apply.stderr.contains("panicked"), "{}", apply.stderr);
    assert_ne!(fs::read_to_string(root.join("good.py")).unwrap(), GOOD, "good.py migrated");

    let mut migrated = Vec::new();
    for f in &list {
        let path = root.join(&f.name);
        let name = f.name.rsplit('/').next().unwrap();
        let lines: Vec<&str> = apply
            .stderr
            .lines()
            .filter(|l| l.contains(&format!("/{name}:")) || l.contains(&format!("/{}:", f.name)))
            .collect();
        let old = &before[&f.name];
        let now = fs::read(&path).unwrap_or_default();
        match &f.expect {
            Expect::Refused(why) => {
                assert_eq!(lines.len(), 1, "{}: one reason line expected:\n{}", f.name, apply.stderr);
                assert!(lines[0].contains(why), "{}: {:?} lacks {why:?}", f.name, lines[0]);
                assert_eq!(&now, old, "{} modified", f.name);
            }
            Expect::Untouched => {
                assert!(lines.is_empty(), "{}: {lines:?}", f.name);
                assert_eq!(&now, old, "{} modified", f.name);
            }
            Expect::Migrated => {
                assert!(lines.is_empty(), "{}: {lines:?}", f.name);
                assert_ne!(&now, old, "{} not migrated", f.name);
                migrated.push(f.name.clone());
            }
            Expect::Keeps(text) => {
                assert!(lines.is_empty(), "{}: {lines:?}", f.name);
                let now = String::from_utf8(now).unwrap();
                assert!(now.contains(text), "{}: lost {text:?}:\n{now}", f.name);
                migrated.push(f.name.clone());
            }
        }
    }
    // Every rewritten file still parses (CPython), and a second pass finds nothing to fix.
    let texts: Vec<String> = migrated.iter().map(|n| fs::read_to_string(root.join(n)).unwrap()).collect();
    if let Some(ok) = common::python_parses(&texts) {
        for (n, ok) in migrated.iter().zip(ok) {
            assert!(ok, "{n}: CPython rejects the migrated file");
        }
    }
    let again = run(dir.path(), "diff", &["--unsafe"], &root);
    assert!(!again.stdout.contains("+++ "), "a second pass still rewrites:\n{}", again.stdout);
    // Restore permissions so the temp dir can be removed.
    let _ = fs::set_permissions(root.join("locked_dir"), fs::Permissions::from_mode(0o755));
}

/// Exit codes: 0 nothing / done, 1 findings (check, diff), 2 error; notes (skips) are not errors.
#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    let clean = cwd.join("clean");
    put(&clean, "a.py", "import os\nprint(os.name)\n");
    put(&clean, "b.py", "import tensorflow as tf\ny = tf.math.log(x)\n");
    for (cmd, code) in [("check", 0), ("diff", 0), ("apply", 0), ("report", 0)] {
        assert_eq!(run(cwd, cmd, &[], &clean).code, code, "{cmd} on a clean tree");
    }
    // Findings plus a Python 2 file (a note, not an error).
    let found = cwd.join("found");
    put(&found, "good.py", GOOD);
    put(&found, "old.py", "import tensorflow as tf\nprint tf.log(1)\n");
    put(&found, "nb.ipynb", "{\"tensorflow\": \"not a notebook\"}");
    assert_eq!(run(cwd, "check", &[], &found).code, 1);
    assert_eq!(run(cwd, "diff", &[], &found).code, 1);
    let r = run(cwd, "apply", &[], &found);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 2, "two notes: {}", r.stderr);
    assert_eq!(run(cwd, "check", &["--select", "tf2-rename"], &found).code, 0);
    // Errors: a missing path, an undecodable file, an unknown rule.
    let missing = cwd.join("missing");
    for cmd in ["check", "diff", "apply"] {
        let r = run(cwd, cmd, &[], &missing);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert!(r.stderr.contains("missing"), "{}", r.stderr);
    }
    let broken = cwd.join("broken");
    put(&broken, "good.py", GOOD);
    put(&broken, "bad.py", b"import tensorflow as tf\ns = '\xe9'\n");
    for cmd in ["check", "diff", "apply"] {
        assert_eq!(run(cwd, cmd, &[], &broken).code, 2, "{cmd}");
    }
    assert_ne!(fs::read_to_string(broken.join("good.py")).unwrap(), GOOD);
    assert_eq!(run(cwd, "check", &["--select", "no-such-rule"], &clean).code, 2);
}

/// A file deleted between the scan and the read is reported by name; the others go on.
#[test]
fn file_deleted_during_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let gone = put(dir.path(), "gone.py", GOOD);
    put(dir.path(), "stays.py", GOOD);
    let settings = Settings::default();
    let (cands, errors) = pipeline::candidates(&[dir.path().to_path_buf()], &settings);
    assert_eq!(cands.len(), 2);
    fs::remove_file(&gone).unwrap();
    let analysis = pipeline::analyse(&cands, errors, &settings, &AtomicUsize::new(0));
    assert_eq!(analysis.plans.len(), 1);
    assert_eq!(analysis.errors.len(), 1);
    assert!(analysis.errors[0].to_string().contains("gone.py"));
}
