//! The metadata matrix: what `apply` keeps of a file besides the intended edits.
//!
//! Every case runs through the real binary and compares the whole file with hand-written expected
//! bytes, so any byte changed beyond the intended edit fails the test. Decisions:
//!
//! - **Kept exactly**: permission bits (0755, 0600, 0444, setgid), owner and group (when the test
//!   may chown), CRLF, mixed line endings (each line keeps its own; inserted lines take the
//!   dominant one), UTF-8 BOM, latin-1 and cp1252 coding cookies (re-encoded byte for byte), tabs,
//!   form feeds, trailing whitespace, no trailing newline.
//! - **Written through**: a symlink inside the root stays a symlink; its target is rewritten once,
//!   whichever name is scanned first (the other name is the same file, not a conflict).
//! - **Refused with a reason**: a file with several hard links (replacing it would split them): the
//!   reason names the file and "hard links", and both names keep their bytes and their inode.
//! - A read-only file (0444) is rewritten like `sed -i` would (replace by rename), mode kept: the
//!   permission protects the inode's contents, and the folder is writable.

mod common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;

use common::{put, run};

/// (file name, original bytes, expected bytes after `apply`).
const CASES: &[(&str, &[u8], &[u8])] = &[
    (
        "crlf.py",
        b"import tensorflow as tf\r\n\r\ny = tf.log(x)\r\n",
        b"import tensorflow as tf\r\n\r\ny = tf.math.log(x)\r\n",
    ),
    (
        "crlf_insert.py",
        b"import tensorflow as tf\r\nsess = tf.Session()\r\n",
        b"import tensorflow as tf\r\ntf.compat.v1.disable_v2_behavior()\r\nsess = tf.compat.v1.Session()\r\n",
    ),
    (
        "mixed_endings.py",
        b"import tensorflow as tf\r\nx = 1\ny = tf.log(x)\r\nz = 2\n\x0c\nw = tf.log(z)   \n",
        b"import tensorflow as tf\r\nx = 1\ny = tf.math.log(x)\r\nz = 2\n\x0c\nw = tf.math.log(z)   \n",
    ),
    (
        "bom.py",
        b"\xEF\xBB\xBFimport tensorflow as tf\ny = tf.log(x)\n",
        b"\xEF\xBB\xBFimport tensorflow as tf\ny = tf.math.log(x)\n",
    ),
    (
        "latin1.py",
        b"# -*- coding: latin-1 -*-\nimport tensorflow as tf\n# caf\xe9\ny = tf.log(x)  # \xe9\xff\n",
        b"# -*- coding: latin-1 -*-\nimport tensorflow as tf\n# caf\xe9\ny = tf.math.log(x)  # \xe9\xff\n",
    ),
    (
        "cp1252.py",
        b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nimport tensorflow as tf\ns = '\x80 \x93'\ny = tf.log(x)\n",
        b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nimport tensorflow as tf\ns = '\x80 \x93'\ny = tf.math.log(x)\n",
    ),
    (
        "no_newline.py",
        b"import tensorflow as tf\ny = tf.log(x)",
        b"import tensorflow as tf\ny = tf.math.log(x)",
    ),
    (
        "tabs.py",
        b"import tensorflow as tf\nif True:\n\ty = tf.log(x)\t# tab\n",
        b"import tensorflow as tf\nif True:\n\ty = tf.math.log(x)\t# tab\n",
    ),
    (
        "unicode.py",
        "import tensorflow as tf\n\u{e9}t\u{e9} = tf.log(x)  # \u{65e5}\u{672c} \u{1F600}\n".as_bytes(),
        "import tensorflow as tf\n\u{e9}t\u{e9} = tf.math.log(x)  # \u{65e5}\u{672c} \u{1F600}\n".as_bytes(),
    ),
];

/// (file name, mode): the same TF1 text under different permission bits.
const MODES: &[(&str, u32)] =
    &[("mode755.py", 0o755), ("mode600.py", 0o600), ("mode444.py", 0o444), ("mode2750.py", 0o2750)];

const PLAIN: &[u8] = b"import tensorflow as tf\ny = tf.log(x)\n";
const PLAIN_NEW: &[u8] = b"import tensorflow as tf\ny = tf.math.log(x)\n";

fn can_chown(dir: &Path) -> bool {
    let p = put(dir, ".probe", "x");
    let ok = std::os::unix::fs::chown(&p, Some(4321), Some(4321)).is_ok();
    fs::remove_file(p).unwrap();
    ok
}

#[test]
fn apply_keeps_metadata_or_refuses_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    for (name, before, _) in CASES {
        put(&root, name, before);
    }
    for (name, mode) in MODES {
        let p = put(&root, name, PLAIN);
        fs::set_permissions(&p, fs::Permissions::from_mode(*mode)).unwrap();
    }
    let chown = can_chown(&root);
    let owned = put(&root, "owned.py", PLAIN);
    if chown {
        std::os::unix::fs::chown(&owned, Some(4321), Some(4321)).unwrap();
    }
    // A symlink inside the root, to a file inside the root.
    put(&root, "real/target.py", PLAIN);
    symlink("real/target.py", root.join("alias.py")).unwrap();
    // Two names for one inode.
    let hl_a = put(&root, "hl_a.py", PLAIN);
    fs::hard_link(&hl_a, root.join("hl_b.py")).unwrap();
    let hl_ino = fs::metadata(&hl_a).unwrap().ino();

    let r = run(dir.path(), "apply", &[], &root);
    assert_eq!(r.code, 2, "the hard link is an error\n{}", r.stderr);

    for (name, _, expected) in CASES {
        let got = fs::read(root.join(name)).unwrap();
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(expected), "{name}");
        assert_eq!(got, *expected, "{name}");
    }
    for (name, mode) in MODES {
        let p = root.join(name);
        assert_eq!(fs::read(&p).unwrap(), PLAIN_NEW, "{name}");
        assert_eq!(fs::metadata(&p).unwrap().mode() & 0o7777, *mode, "{name}");
    }
    assert_eq!(fs::read(&owned).unwrap(), PLAIN_NEW);
    if chown {
        let m = fs::metadata(&owned).unwrap();
        assert_eq!((m.uid(), m.gid()), (4321, 4321), "owner kept");
    }

    // The symlink: still a link to the same place, the target rewritten, and no conflict.
    assert_eq!(fs::read_link(root.join("alias.py")).unwrap(), Path::new("real/target.py"));
    assert_eq!(fs::read(root.join("real/target.py")).unwrap(), PLAIN_NEW);
    assert!(
        r.stderr_lines_naming("target.py").is_empty() && r.stderr_lines_naming("alias.py").is_empty(),
        "a symlink to a file in the root is not an error:\n{}",
        r.stderr
    );

    // The hard link: refused with a reason, both names untouched.
    for name in ["hl_a.py", "hl_b.py"] {
        let lines = r.stderr_lines_naming(name);
        assert_eq!(lines.len(), 1, "{name}: {}", r.stderr);
        assert!(lines[0].contains("hard links"), "{}", lines[0]);
        let p = root.join(name);
        assert_eq!(fs::read(&p).unwrap(), PLAIN, "{name}");
        let m = fs::metadata(&p).unwrap();
        assert_eq!((m.ino(), m.nlink()), (hl_ino, 2), "{name}");
    }
    assert_eq!(r.stderr.lines().count(), 2, "only the hard links: {}", r.stderr);

    // No temp file left anywhere, and a second run changes nothing.
    let before = common::snapshot(&root);
    assert!(before.keys().all(|k| !k.to_string_lossy().contains("tf2-migrate")), "{:?}", before.keys());
    let r = run(dir.path(), "apply", &[], &root);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(common::snapshot(&root), before, "a second apply changed something");
    let r = run(dir.path(), "check", &["--ignore", "api-note"], &root);
    assert_eq!(r.code, 1, "the hard-linked files still need migrating: {}", r.stdout);
    assert!(
        r.stdout.lines().all(|l| l.starts_with(&root.join("hl_").display().to_string()) || !l.contains(".py:")),
        "{}",
        r.stdout
    );
}

/// Extended attributes (user attributes here; POSIX ACLs are attributes too) survive a write:
/// the writer copies every one onto the new file before the rename.
#[test]
fn apply_keeps_extended_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tagged.py");
    fs::write(&file, PLAIN).unwrap();
    if let Err(e) = xattr::set(&file, "user.tf2m.test", b"kept") {
        eprintln!("skipped: this file system keeps no user attributes ({e})");
        return;
    }
    let out = run(dir.path(), "apply", &[], dir.path());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(fs::read(&file).unwrap(), PLAIN_NEW);
    assert_eq!(xattr::get(&file, "user.tf2m.test").unwrap().as_deref(), Some(&b"kept"[..]));
}
