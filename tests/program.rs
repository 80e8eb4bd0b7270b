//! Duties across files: what a library module needs its program to switch on (graph mode,
//! Keras 2) is inserted into the tree's entry points that import it, directly or not.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tf2-migrate"))
        .current_dir(dir)
        .env("CI", "true")
        .env("TF2_MIGRATE_CACHE_DIR", dir.join("cache"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The diff of one file in a multi-file diff.
fn file_diff<'a>(diff: &'a str, path: &str) -> &'a str {
    let Some(start) = diff.find(&format!("--- a/{path}\n")) else { return "" };
    let rest = &diff[start + 4..];
    rest.find("\n--- a/").map_or(rest, |end| &rest[..end])
}

fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        ("pkg/__init__.py", ""),
        (
            "pkg/modeling.py",
            "import tensorflow as tf\n\n\ndef dense(x):\n    return tf.layers.dense(x, 10)\n\n\ndef feed(x):\n    p = tf.placeholder(tf.float32)\n    return p\n",
        ),
        // A library module that only imports the one with duties.
        (
            "pkg/heads.py",
            "import tensorflow as tf\nfrom . import modeling\n\n\ndef head(x):\n    return modeling.dense(x)\n",
        ),
        (
            "pkg/modeling_test.py",
            "import tensorflow as tf\n\nfrom pkg import modeling\n\n\nclass ModelingTest(tf.test.TestCase):\n    def test_dense(self):\n        self.assertTrue(callable(modeling.dense))\n",
        ),
        (
            "run.py",
            "import tensorflow as tf\nimport pkg.heads as heads\n\n\ndef main():\n    print(heads.head)\n\n\nif __name__ == \"__main__\":\n    main()\n",
        ),
        // Files that name no TensorFlow: a module between an entry point and the one with duties,
        // and entry points that only import modules of the tree (a script, a `__main__` block).
        ("pkg/glue.py", "from pkg import modeling\n\n\ndef g():\n    return modeling.feed\n"),
        (
            "via_glue.py",
            "import tensorflow as tf\nfrom pkg import glue\n\nif __name__ == \"__main__\":\n    print(glue.g())\n",
        ),
        // A re-export shim (imports only) that nothing imports: a library module all the same.
        ("pkg/compat.py", "# for compatibility\nfrom .modeling import dense  # noqa\n\n__all__ = []\n"),
        ("script.py", "\"\"\"A script.\"\"\"\nimport pkg.heads\n\nprint(pkg.heads.head)\n"),
        (
            "train.py",
            "from pkg import heads\n\n\ndef go():\n    print(heads.head)\n\n\nif __name__ == \"__main__\":\n    go()\n",
        ),
        // A notebook is a program of its own.
        (
            "notebooks/explore.ipynb",
            r##"{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# Explore"]},
 {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["import numpy as np\n", "from pkg import heads"]},
 {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["heads.head(np.zeros(3))"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
"##,
        ),
        // An entry point importing nothing of the tree, and one whose imports owe nothing.
        ("alone.py", "import tensorflow as tf\n\nif __name__ == \"__main__\":\n    print(tf.constant(1))\n"),
        ("util.py", "import tensorflow as tf\n\n\ndef two():\n    return tf.constant(2)\n"),
        (
            "use_util.py",
            "import tensorflow as tf\nimport util\n\nif __name__ == \"__main__\":\n    print(util.two())\n",
        ),
    ];
    for (path, text) in files {
        let path = tmp.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    tmp
}

#[test]
fn entry_points_switch_on_what_the_modules_they_import_need() {
    const LEGACY: &str = "+os.environ[\"TF_USE_LEGACY_KERAS\"] = \"1\"";
    let tmp = tree();
    let diff = stdout(&run(tmp.path(), &["diff", "--unsafe", "--no-cache", "--color", "never", "."]));
    for entry in ["pkg/modeling_test.py", "run.py", "via_glue.py", "script.py", "train.py"] {
        let d = file_diff(&diff, entry);
        assert!(d.contains(LEGACY), "{entry}: {diff}");
        assert!(d.contains("tf.compat.v1.disable_v2_behavior()"), "{entry}: {diff}");
    }
    // The test module switches at the top (runners never run a `__main__` block); the script in
    // its `__main__` block.
    assert!(file_diff(&diff, "run.py").contains("+    tf.compat.v1.disable_v2_behavior()\n     main()"), "{diff}");
    // One that names no TensorFlow imports it for the switch: at the top of a script, first in
    // a `__main__` block.
    let script = file_diff(&diff, "script.py");
    assert!(
        script.contains("+import tensorflow as tf\n+tf.compat.v1.disable_v2_behavior()\n import pkg.heads"),
        "{diff}"
    );
    let train = file_diff(&diff, "train.py");
    assert!(
        train.contains("+    import tensorflow as tf\n+    tf.compat.v1.disable_v2_behavior()\n     go()"),
        "{diff}"
    );
    // A notebook that imports the tree's modules: at the top of its first code cell.
    let notebook = file_diff(&diff, "notebooks/explore.ipynb:cell 2");
    assert!(notebook.contains(LEGACY) && notebook.contains("+tf.compat.v1.disable_v2_behavior()\n"), "{diff}");
    // Library modules and entry points that import nothing with a duty are left as they are.
    for untouched in ["pkg/heads.py", "pkg/glue.py", "pkg/compat.py", "alone.py", "use_util.py", "util.py"] {
        assert!(file_diff(&diff, untouched).is_empty(), "{untouched}: {diff}");
    }
    // The insertions in entry points owed only to other modules are for review, not `apply`'s
    // default: the entry point's own code may be eager.
    let check = stdout(&run(tmp.path(), &["check", "--no-cache", "."]));
    let line = check.lines().find(|l| l.starts_with("run.py") && l.contains("[disable-eager]")).unwrap();
    assert!(line.ends_with("(review)"), "{check}");
}

#[test]
fn owed_switches_are_cached_and_stable() {
    let tmp = tree();
    let cold = stdout(&run(tmp.path(), &["check", "--format", "json", "."]));
    assert!(tmp.path().join("cache").exists());
    let warm = stdout(&run(tmp.path(), &["check", "--format", "json", "."]));
    assert_eq!(cold, warm);
    assert!(cold.contains("run.py"), "{cold}");
    // Applied, the tree asks for nothing more.
    let o = run(tmp.path(), &["apply", "--unsafe", "--no-cache", "-q", "."]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = stdout(&run(tmp.path(), &["diff", "--unsafe", "--no-cache", "."]));
    assert!(again.is_empty(), "{again}");
}

/// Imports resolved in one run are kept in the cache by file index: a file added before the
/// others (every index moves) must not make a warm run read old indices.
#[test]
fn a_changed_file_list_resolves_imports_again() {
    let tmp = tree();
    let json = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(".");
        stdout(&run(tmp.path(), &args))
    };
    let first = json(&[]);
    assert!(first.contains("run.py"), "{first}");
    fs::write(tmp.path().join("aaa.py"), "import tensorflow as tf\n\n\ndef f():\n    return tf.constant(1)\n").unwrap();
    fs::write(tmp.path().join("pkg/aaa.py"), "X = 1\n").unwrap();
    let warm = json(&[]);
    assert_eq!(warm, json(&["--no-cache"]));
    assert_eq!(warm, first, "the new files have nothing to migrate and change nothing");
    // Run again: the entries stored again with the new list's indices give the same.
    assert_eq!(json(&[]), warm);
}
