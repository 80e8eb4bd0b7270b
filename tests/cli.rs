//! The binary on temporary copies: exit codes, outputs, and files left exactly as they were
//! unless a rewrite was asked for.

use std::fs;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CACHE: &str = ".tf2-migrate-cache";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tf2-migrate"));
    c.env_remove("NO_COLOR").env("CI", "true");
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the shipped example tree in a temp dir.
fn example_tree() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/legacy_project");
    let dst = tmp.path().join("project");
    copy_dir(&src, &dst);
    (tmp, dst)
}

fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for e in fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// Every file under `dir` but the tool's own cache (a folder that ignores itself in git).
fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() && p.ends_with(CACHE) {
                continue;
            }
            if meta.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), fs::read(&p).unwrap(), meta.modified().unwrap(), meta.permissions().mode()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn check_exit_codes_and_output() {
    let (_tmp, dir) = example_tree();
    let o = run(&dir, &["check", "."]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("train_softmax.py:7:5: error [compat-v1]"), "{out}");
    assert!(out.contains("legacy_py2.py:4:1: error [python2-syntax]"), "{out}");
    assert!(!out.contains("utils.py"), "a file with no TF code is not flagged:\n{out}");
    assert!(!out.contains('\x1b'), "no colour when stdout is not a terminal");

    let clean = tempfile::tempdir().unwrap();
    fs::write(clean.path().join("a.py"), "import numpy as np\n").unwrap();
    let o = run(clean.path(), &["check", "."]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("No TensorFlow 1"));

    let o = run(clean.path(), &["check", "does-not-exist"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("does-not-exist"), "the error names the path: {}", stderr(&o));
    assert_eq!(stdout(&o), "", "an error stands alone, with no \"nothing found\" after it");

    let o = run(clean.path(), &["check", "--select", "no-such-rule", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown rule no-such-rule"));
}

#[test]
fn diff_into_a_pipe_closed_early_ends_quietly_and_leaves_the_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = "import tensorflow as tf\n\na = tf.log(1.0)\nb = tf.to_float(a)\nc = tf.random_uniform([2])\n";
    // Far more diff than a pipe buffers (64 KiB), so the writer meets the closed pipe.
    for i in 0..600 {
        fs::write(dir.join(format!("m{i:03}.py")), text).unwrap();
    }
    let before = snapshot_tree(dir);
    let mut child = bin()
        .current_dir(dir)
        .args(["diff", "--no-cache"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 13];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(&first, b"--- a/m000.py", "diffs come in path order");
    assert_eq!((code(&o), stderr(&o).as_str()), (0, ""), "a reader that stopped early is no error");
    assert_eq!(snapshot_tree(dir), before);
}

#[test]
fn check_json_is_machine_readable() {
    let (_tmp, dir) = example_tree();
    let o = run(&dir, &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["path"].as_str().unwrap().ends_with("train_softmax.py")));
    let f = &files[0]["findings"][0];
    for key in ["rule", "severity", "safety", "line", "column", "message"] {
        assert!(!f[key].is_null(), "finding has {key}: {f}");
    }
}

#[test]
fn apply_then_diff_is_empty_and_untouched_files_keep_bytes_and_mtime() {
    let (_tmp, dir) = example_tree();
    let before = snapshot_tree(&dir);
    let o = run(&dir, &["diff", "."]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("+tf.compat.v1.disable_v2_behavior()") || stdout(&o).contains("disable_v2_behavior()"));
    assert_eq!(snapshot_tree(&dir), before, "diff writes nothing");

    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = run(&dir, &["apply", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("files written"), "{}", stderr(&o));
    let after = snapshot_tree(&dir);
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, _)| b.0.strip_prefix(&dir).unwrap().display().to_string())
        .collect();
    assert!(
        changed.contains(&"train_softmax.py".to_owned()) && changed.contains(&"keras_cnn.py".to_owned()),
        "{changed:?}"
    );
    for (b, a) in before.iter().zip(&after) {
        if b.1 == a.1 {
            assert_eq!(b.2, a.2, "{}: unchanged file kept its mtime", b.0.display());
        }
        assert_eq!(b.3, a.3, "{}: mode kept", b.0.display());
    }
    let py2 = dir.join("legacy_py2.py");
    assert_eq!(fs::read(&py2).unwrap(), before.iter().find(|e| e.0 == py2).unwrap().1, "Python 2 file untouched");

    let o = run(&dir, &["diff", "."]);
    assert_eq!(stdout(&o), "", "diff after apply is empty");
    assert_eq!(code(&o), 0);
}

#[test]
fn apply_keeps_crlf_bom_and_permissions() {
    let tmp = tempfile::tempdir().unwrap();
    let crlf = tmp.path().join("crlf.py");
    fs::write(&crlf, "import tensorflow as tf\r\nx = tf.log(y)\r\n").unwrap();
    fs::set_permissions(&crlf, fs::Permissions::from_mode(0o755)).unwrap();
    let bom = tmp.path().join("bom.py");
    fs::write(&bom, "\u{feff}import tensorflow as tf\nx = tf.log(y)\n").unwrap();
    let latin = tmp.path().join("latin.py");
    fs::write(&latin, b"# -*- coding: latin-1 -*-\nimport tensorflow as tf\nx = tf.log(y)  # caf\xe9\n").unwrap();
    let o = run(tmp.path(), &["apply", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read(&crlf).unwrap(), b"import tensorflow as tf\r\nx = tf.math.log(y)\r\n");
    assert_eq!(fs::metadata(&crlf).unwrap().permissions().mode() & 0o777, 0o755);
    assert_eq!(fs::read(&bom).unwrap(), "\u{feff}import tensorflow as tf\nx = tf.math.log(y)\n".as_bytes());
    assert_eq!(
        fs::read(&latin).unwrap(),
        b"# -*- coding: latin-1 -*-\nimport tensorflow as tf\nx = tf.math.log(y)  # caf\xe9\n"
    );
}

#[test]
fn select_ignore_and_strategy() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("a.py");
    let text = "import tensorflow as tf\nx = tf.log(y)\ns = tf.Session()\n";
    fs::write(&f, text).unwrap();
    let o = run(tmp.path(), &["diff", "--select", "tf2-rename", "."]);
    assert!(stdout(&o).contains("+x = tf.math.log(y)") && !stdout(&o).contains("compat.v1"), "{}", stdout(&o));
    let o = run(tmp.path(), &["diff", "--ignore", "tf2-rename", "."]);
    assert!(!stdout(&o).contains("math.log") && stdout(&o).contains("tf.compat.v1.Session"), "{}", stdout(&o));
    let o = run(tmp.path(), &["diff", "--strategy", "compat", "."]);
    assert!(
        stdout(&o).contains("+import tensorflow.compat.v1 as tf") && stdout(&o).contains("+tf.disable_v2_behavior()"),
        "{}",
        stdout(&o)
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), text);
}

/// A helper module without TensorFlow still reaches the scan's rules when it uses a
/// standard-library name that Python removed (TensorFlow 2.21 runs on Python 3.10-3.13).
#[test]
fn files_without_tensorflow_get_the_python_stdlib_rule() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("util.py"),
        "import collections\n\ndef is_map(x):\n    return isinstance(x, collections.Mapping)\n",
    )
    .unwrap();
    fs::write(tmp.path().join("plain.py"), "import collections\nx = collections.OrderedDict()\n").unwrap();
    // Imports the scan once missed in such a file: a module under a removed one, and a removed
    // module second in a list.
    fs::write(tmp.path().join("build.py"), "from distutils.core import setup\nsetup(name='x')\n").unwrap();
    fs::write(tmp.path().join("load.py"), "import os, imp\nm = imp.load_source('m', os.sep)\n").unwrap();
    let o = run(tmp.path(), &["diff", "--no-cache", "."]);
    let out = stdout(&o);
    assert!(
        out.contains("+    return isinstance(x, collections.abc.Mapping)") && out.contains("+import collections.abc"),
        "{out}"
    );
    assert!(!out.contains("plain.py"), "{out}");
    let o = run(tmp.path(), &["check", "--no-cache", "."]);
    let out = stdout(&o);
    assert!(out.contains("build.py:1:1: error [python-stdlib] `distutils` is gone"), "{out}");
    assert!(out.contains("load.py:1:1: error [python-stdlib] `imp` is gone"), "{out}");
}

/// A file that names neither TensorFlow nor Keras only gets the rules about `NumPy` and the
/// standard library, whether or not it mentions `numpy`: a scikit-learn model's `predict_proba`
/// is not a Keras model's, and `NumPy` code without a removed name is not touched.
#[test]
fn numpy_files_without_keras_get_only_numpy_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let sk = "import numpy as np\n\ndef score(clf, x):\n    return np.asarray(clf.predict_proba(x)).sum()\n";
    fs::write(tmp.path().join("sk.py"), sk).unwrap();
    fs::write(tmp.path().join("old.py"), "import numpy as np\n\ndef f(x):\n    return np.asscalar(x)\n").unwrap();
    let keras = "import keras\n\ndef score(clf, x):\n    return clf.predict_proba(x)\n";
    fs::write(tmp.path().join("kmodel.py"), keras).unwrap();
    let o = run(tmp.path(), &["check", "--no-cache", "."]);
    let out = stdout(&o);
    assert!(!out.contains("sk.py"), "{out}");
    assert!(out.contains("old.py:4:12: error [numpy2]"), "{out}");
    assert!(out.contains("kmodel.py:4:16: error [keras3-api]"), "{out}");
}

/// `--select` must not write half of a linked change: the `tf.compat.v1` graph rewrites it keeps
/// need the eager switch (another rule), so the switch is kept too, and `check` says why.
#[test]
fn select_keeps_what_selected_fixes_require() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("train.py");
    let text =
        "import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 3])\nwith tf.Session() as s:\n    pass\n";
    fs::write(&f, text).unwrap();
    let o = run(tmp.path(), &["check", "--select", "compat-v1", "."]);
    assert!(
        stdout(&o).contains("[disable-eager]") && stdout(&o).contains("kept: selected fixes need it"),
        "{}",
        stdout(&o)
    );
    let o = run(tmp.path(), &["apply", "--select", "compat-v1", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("1 fixes of rules left out by --select/--ignore kept"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(&f).unwrap(),
        "import tensorflow as tf\ntf.compat.v1.disable_v2_behavior()\nx = tf.compat.v1.placeholder(tf.float32, [None, 3])\nwith tf.compat.v1.Session() as s:\n    pass\n"
    );
    // Ignoring the switch's rule keeps it too while fixes that need it stay.
    fs::write(&f, text).unwrap();
    run(tmp.path(), &["apply", "--ignore", "disable-eager", "."]);
    assert!(fs::read_to_string(&f).unwrap().contains("disable_v2_behavior()"));
    // With no graph rewrite selected, nothing needs the switch and nothing is written.
    fs::write(&f, text).unwrap();
    let o = run(tmp.path(), &["apply", "--select", "tf2-rename", "."]);
    assert_eq!(code(&o), 0);
    assert_eq!(fs::read_to_string(&f).unwrap(), text);
}

#[test]
fn diff_colour_follows_flag_and_no_color() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.py"), "import tensorflow as tf\nx = tf.log(y)\n").unwrap();
    let o = run(tmp.path(), &["diff", "--color", "always", "."]);
    assert!(stdout(&o).contains("\x1b[32m+x = tf.math.log(y)"), "{:?}", stdout(&o));
    let o = run(tmp.path(), &["diff", "--color", "never", "."]);
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn report_and_rules() {
    let (_tmp, dir) = example_tree();
    let o = run(&dir, &["report", "."]);
    assert_eq!(code(&o), 0);
    let md = stdout(&o);
    assert!(md.starts_with("# TensorFlow 2 migration plan"));
    assert!(md.contains("## `models/slim_net.py`") || md.contains("slim_net.py"), "{md}");
    assert!(md.contains("**manual**"), "manual actions are listed:\n{md}");
    assert!(md.contains("tf-slim"), "packages to install are named:\n{md}");
    let o = run(&dir, &["report", "--format", "json", "-o", "r.json", "."]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("r.json")).unwrap()).unwrap();
    assert!(v["summary"]["by_rule"]["compat-v1"].as_u64().unwrap() > 0);

    let o = bin().args(["rules"]).output().unwrap();
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    for id in ["tf2-rename", "compat-v1", "keras-import", "disable-eager", "contrib"] {
        assert!(text.contains(id), "{id} listed");
    }
    assert!(text.contains("renames.tsv"), "tables listed with sizes");
}

#[test]
fn help_and_version() {
    let o = bin().arg("--help").output().unwrap();
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    for word in ["review", "check", "diff", "apply", "report", "rules", "Exit codes"] {
        assert!(help.contains(word), "--help mentions {word}");
    }
    let o = bin().arg("--version").output().unwrap();
    assert!(stdout(&o).starts_with("tf2-migrate "));
}

/// Write `text` to `file` (alone in its folder) and analyse the folder as the binary would.
fn plan_of(file: &Path, text: &str) -> tf2_migrate_core::plan::FilePlan {
    use tf2_migrate_core::pipeline::{self, Settings};
    fs::write(file, text).unwrap();
    let settings = Settings::default();
    let (candidates, errors) = pipeline::candidates(&[file.parent().unwrap().to_path_buf()], &settings);
    let mut analysis = pipeline::analyse(&candidates, errors, &settings, &std::sync::atomic::AtomicUsize::new(0));
    analysis.plans.remove(0)
}

#[test]
fn apply_decisions_applies_exactly_the_saved_review_decisions() {
    use tf2_migrate_core::plan::Decision;
    use tf2_migrate_core::session::{Entry, Journal};
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("a.py");
    let plan = &plan_of(&f, "import tensorflow as tf\n\n\nx = tf.log(y)\n\n\ns = tf.Session()\n");
    let log_hunk = (0..plan.hunks.len()).find(|&h| plan.hunk_texts(h).1.contains("tf.math.log")).unwrap();
    let journal_path = tmp.path().join("decisions.jsonl");
    let (mut journal, _) = Journal::open(&journal_path, false).unwrap();
    let mut accept = Entry::of(plan, log_hunk);
    accept.decision = Decision::Accepted;
    journal.append(&[accept]).unwrap();

    let o = run(tmp.path(), &["apply", &format!("--decisions={}", journal_path.display()), "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("from 1 saved review decisions (0 stale)"), "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(&f).unwrap(),
        "import tensorflow as tf\n\n\nx = tf.math.log(y)\n\n\ns = tf.Session()\n",
        "only the accepted hunk"
    );
    let o = run(tmp.path(), &["apply", "--decisions=missing.jsonl", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.jsonl"), "{}", stderr(&o));
}

/// `apply --decisions` keeps linked hunks whole like the review: a journal that rejects the
/// `import tf_slim` hunk but accepts a `tf_slim.` use writes neither; one that leaves the import
/// undecided pulls it in with the use. A file that is no journal is an error.
#[test]
fn apply_decisions_enforces_requirements() {
    use tf2_migrate_core::plan::Decision;
    use tf2_migrate_core::session::{Entry, Journal};
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("net.py");
    let text = "import tensorflow as tf\n\n\n\n\ndef f(x):\n    return tf.contrib.slim.conv2d(x, 8, 3)\n";
    let plan = &plan_of(&f, text);
    let import = (0..plan.hunks.len()).find(|&h| plan.hunk_texts(h).1.contains("import tf_slim")).unwrap();
    let usage = (0..plan.hunks.len()).find(|&h| plan.hunk_texts(h).1.contains("tf_slim.conv2d")).unwrap();
    assert_ne!(import, usage);
    let journal_path = tmp.path().join("decisions.jsonl");
    let entry = |h: usize, decision: Decision| Entry { decision, ..Entry::of(plan, h) };

    let (mut journal, _) = Journal::open(&journal_path, false).unwrap();
    journal.append(&[entry(usage, Decision::Accepted), entry(import, Decision::Rejected)]).unwrap();
    let o = run(tmp.path(), &["apply", &format!("--decisions={}", journal_path.display()), "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&f).unwrap(), text, "a use without its import is not written");

    let (_, _) = Journal::open(&journal_path, true).unwrap();
    let (mut journal, _) = Journal::open(&journal_path, false).unwrap();
    journal.append(&[entry(usage, Decision::Accepted)]).unwrap();
    let o = run(tmp.path(), &["apply", &format!("--decisions={}", journal_path.display()), "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = fs::read_to_string(&f).unwrap();
    assert!(out.contains("import tf_slim\n") && out.contains("tf_slim.conv2d(x, 8, 3)"), "{out}");

    fs::write(tmp.path().join("notes.txt"), "not a journal\n").unwrap();
    let o = run(tmp.path(), &["apply", "--decisions=notes.txt", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a review journal"), "{}", stderr(&o));
}

/// A malformed or empty `--exclude` glob stops the run with an error naming it; nothing is read
/// or written, and the wording does not suggest the root was skipped.
#[test]
fn bad_exclude_globs_are_errors() {
    let (_tmp, dir) = example_tree();
    let before = snapshot_tree(&dir);
    for glob in ["", "[", "a{b"] {
        let o = run(&dir, &["apply", "--exclude", glob, "."]);
        assert_eq!(code(&o), 2, "{glob:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--exclude"), "{glob:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("skipped"), "{glob:?}: {}", stderr(&o));
    }
    assert_eq!(snapshot_tree(&dir), before);
}

/// Runs `git` with a fixed identity in `dir`.
fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.email=t@t", "-c", "user.name=t", "-c", "core.autocrlf=false"])
        .args(args)
        .output()
        .unwrap()
}

fn tree_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot_tree(dir)
        .into_iter()
        .filter(|e| !e.0.components().any(|c| c.as_os_str() == ".git"))
        .map(|e| (e.0.strip_prefix(dir).unwrap().to_path_buf(), e.1))
        .collect()
}

/// `diff | git apply` (and `patch -p1`) in the folder `diff` ran in writes what `apply` writes,
/// whichever way the paths were given: `.`, `./sub`, a file, or an absolute path.
#[test]
fn diff_output_applies_with_git_apply_and_patch() {
    let (_tmp, dir) = example_tree();
    // A file with CRLF line endings and one without a final newline travel too.
    fs::write(dir.join("crlf.py"), "import tensorflow as tf\r\nx = tf.log(y)\r\n").unwrap();
    fs::write(dir.join("models/tail.py"), "import tensorflow as tf\nx = tf.log(y)").unwrap();
    let applied = tempfile::tempdir().unwrap();
    let expected = {
        let target = applied.path().join("p");
        copy_dir(&dir, &target);
        let o = run(&target, &["apply", "."]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        tree_bytes(&target)
    };
    let abs = dir.to_str().unwrap().to_owned();
    for paths in [vec!["."], vec!["./models", "train_softmax.py", "crlf.py", "keras_cnn.py"], vec![abs.as_str()]] {
        let mut args = vec!["diff"];
        args.extend(&paths);
        let o = run(&dir, &args);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let patch = o.stdout;
        let text = String::from_utf8_lossy(&patch);
        assert!(!text.contains("a/./") && !text.contains("a//"), "{paths:?}: names are normalised:\n{text}");

        let scratch = tempfile::tempdir().unwrap();
        let work = scratch.path().join("p");
        copy_dir(&dir, &work);
        fs::write(scratch.path().join("d.patch"), &patch).unwrap();
        assert_eq!(code(&git(&work, &["init", "-q"])), 0);
        let o = git(&work, &["apply", "--check", "../d.patch"]);
        assert_eq!(code(&o), 0, "{paths:?}: git apply --check: {}", stderr(&o));
        let o = git(&work, &["apply", "../d.patch"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        if paths == ["."] || paths == [abs.as_str()] {
            assert_eq!(tree_bytes(&work), expected, "{paths:?}: git apply reproduces `apply`");
        }

        let plain = scratch.path().join("q");
        copy_dir(&dir, &plain);
        let o =
            Command::new("patch").current_dir(&plain).args(["-p1", "--batch", "--silent", "-i", "../d.patch"]).output();
        if let Ok(o) = o {
            assert_eq!(code(&o), 0, "{paths:?}: patch -p1: {}{}", stdout(&o), stderr(&o));
            assert_eq!(tree_bytes(&plain), tree_bytes(&work), "{paths:?}: patch -p1 agrees with git apply");
        }
    }
}

/// A reader that stops early (`diff | head`) ends the run quietly with status 0, as ripgrep does.
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    let body: String = (0..40).map(|i| format!("x{i} = tf.log(y)\n\n\n\n")).collect::<Vec<_>>().concat();
    for i in 0..60 {
        fs::write(tmp.path().join(format!("m{i:02}.py")), format!("import tensorflow as tf\n{body}")).unwrap();
    }
    for command in [&["diff", "."][..], &["check", "."], &["report", "."]] {
        let mut child =
            bin().current_dir(tmp.path()).args(command).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = [0u8; 100];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{command:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{command:?}: nothing on stderr");
    }
}

/// `--decisions` alone reads the journal of the given root (as `review` keeps it); with `=FILE`
/// it reads that file; the next argument is never taken as its value.
#[test]
fn apply_decisions_without_a_value_uses_the_roots_journal() {
    use tf2_migrate_core::pipeline::{self, Settings};
    use tf2_migrate_core::plan::Decision;
    use tf2_migrate_core::session::{Entry, Journal};
    let tmp = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    fs::create_dir(&project).unwrap();
    let f = project.join("a.py");
    let text = "import tensorflow as tf\n\n\nx = tf.log(y)\n\n\nz = tf.log(w)\n";
    fs::write(&f, text).unwrap();
    let settings = Settings::default();
    let (candidates, errors) = pipeline::candidates(std::slice::from_ref(&project), &settings);
    let analysis = pipeline::analyse(&candidates, errors, &settings, &std::sync::atomic::AtomicUsize::new(0));
    let plan = &analysis.plans[0];
    let first = (0..plan.hunks.len()).find(|&h| plan.hunk_texts(h).1.contains("x = tf.math.log")).unwrap();
    let entry = |h: usize, decision: Decision| Entry { decision, ..Entry::of(plan, h) };

    let apply_decisions = || {
        bin()
            .current_dir(tmp.path())
            .env("XDG_STATE_HOME", state.path())
            .args(["apply", "--decisions", "project"])
            .output()
            .unwrap()
    };
    // Before any review there is no journal: the error names the one `review project` keeps.
    let o = apply_decisions();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    let start = err.find(state.path().to_str().unwrap()).unwrap_or_else(|| panic!("{err}"));
    let journal_path = PathBuf::from(&err[start..err.find(": cannot read").unwrap()]);
    assert!(journal_path.ends_with(format!("tf2-migrate/{}", journal_path.file_name().unwrap().to_str().unwrap())));
    let (mut journal, _) = Journal::open(&journal_path, false).unwrap();
    journal.append(&[entry(first, Decision::Accepted)]).unwrap();
    drop(journal);
    assert_eq!(fs::read_to_string(&f).unwrap(), text, "nothing written without a journal");

    let o = apply_decisions();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(&f).unwrap(),
        "import tensorflow as tf\n\n\nx = tf.math.log(y)\n\n\nz = tf.log(w)\n",
        "exactly the accepted hunk"
    );
    assert!(stderr(&o).contains("left: 1 safe hunk, 0 review hunks, 0 manual items"), "{}", stderr(&o));

    // `--decisions=FILE` names the journal.
    fs::write(&f, text).unwrap();
    fs::copy(&journal_path, tmp.path().join("mine.jsonl")).unwrap();
    let o = run(tmp.path(), &["apply", "--decisions=mine.jsonl", "project"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(fs::read_to_string(&f).unwrap().contains("x = tf.math.log(y)\n\n\nz = tf.log(w)"));

    let o = bin().args(["apply", "--help"]).output().unwrap();
    assert!(stdout(&o).contains("--decisions[=<FILE>]") && stdout(&o).contains("`--decisions=FILE`"), "{}", stdout(&o));
}

/// `check`, `apply` and `report` count what is left in the review's units: hunks by safety, and
/// manual items.
#[test]
fn summaries_count_hunks_of_every_safety_and_manual_items() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("a.py");
    fs::write(
        &f,
        "import tensorflow as tf\nx = tf.log(y)\n\n\nimg = tf.image.resize_bilinear(img, [64, 64])\n\n\ng = tf.gradients(x, v)\n",
    )
    .unwrap();
    let o = run(tmp.path(), &["check", "."]);
    let out = stdout(&o);
    // The eager switch and `tf.math.log` are on adjacent lines: one hunk.
    let summary = "1 safe hunk, 1 review hunk, 1 manual item";
    assert!(out.ends_with(&format!("in 1 file: {summary}.\n")), "{out}");
    let o = run(tmp.path(), &["report", "."]);
    assert!(stdout(&o).contains(&format!("- **1 file** to migrate: {summary}.")), "{}", stdout(&o));
    let o = run(tmp.path(), &["check", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"], serde_json::json!({"safe": 1, "review": 1, "manual": 1}));

    let o = run(tmp.path(), &["apply", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 file written (1 hunk); left: 0 safe hunks, 1 review hunk, 1 manual item"),
        "{}",
        stderr(&o)
    );
    let o = run(tmp.path(), &["apply", "--unsafe", "."]);
    assert!(stderr(&o).contains("left: 0 safe hunks, 0 review hunks, 1 manual item"), "{}", stderr(&o));
}

/// `rules ID` and `rules PREFIX*` print rules in full, with the safety findings carry.
#[test]
fn rules_shows_one_rule_in_full() {
    let o = bin().args(["rules", "contrib"]).output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for part in ["contrib\n", "what:", "why:", "example:", "safety:  review or safe (sometimes manual)", "contrib.tsv"]
    {
        assert!(out.contains(part), "{part:?} in:\n{out}");
    }
    assert!(!out.contains("compat-v1"), "only the rule asked for:\n{out}");
    let o = bin().args(["rules", "compat*"]).output().unwrap();
    assert!(stdout(&o).contains("compat-v1\n") && stdout(&o).contains("compat-import\n"), "{}", stdout(&o));
    let o = bin().args(["rules", "--format", "json", "keras3-api"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rules"][0]["safeties"], serde_json::json!(["review", "safe"]));
    let o = bin().args(["rules", "nope"]).output().unwrap();
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown rule nope"), "{}", stderr(&o));
}

/// The report on the example tree: a plan whose first screen says what to do by hand and what
/// to install.
#[test]
fn report_is_a_plan() {
    let (_tmp, dir) = example_tree();
    let o = run(&dir, &["report", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    insta::assert_snapshot!("report_example_tree", md);
    let first_screen: String = md.lines().take(24).collect::<Vec<_>>().join("\n");
    assert!(first_screen.contains("pip install"), "{first_screen}");
    assert!(first_screen.contains("## Do this by hand first"), "{first_screen}");
    let o = run(&dir, &["report", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in ["summary", "manual", "files", "changes", "errors"] {
        assert!(!v[key].is_null(), "{key} in {v}");
    }
    assert!(v["summary"]["packages"].as_array().unwrap().iter().any(|p| p == "tf-slim"));
    assert_eq!(v["files"].as_array().unwrap().len(), v["summary"]["files"].as_u64().unwrap() as usize);
}

/// A project with `[tool.tf2-migrate]` in its pyproject.toml: the file's settings apply (also
/// from a subfolder), flags win, per-path tables change the files they match, and `config`
/// says where each value came from.
#[test]
fn configuration_precedence_and_config_command() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("proj");
    fs::create_dir_all(project.join("tests")).unwrap();
    fs::create_dir_all(project.join("src")).unwrap();
    fs::write(
        project.join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 100\n\n[tool.tf2-migrate]\nstrategy = \"compat\"\n\
         ignore = [\"api-note\"]\n\n[[tool.tf2-migrate.per-path]]\npaths = [\"tests/**\"]\nstrategy = \"upgrade\"\n\
         select = [\"tf2-rename\"]\n",
    )
    .unwrap();
    let text = "import tensorflow as tf\nx = tf.log(y)\ns = tf.Session()\n";
    fs::write(project.join("src/a.py"), text).unwrap();
    fs::write(project.join("tests/t.py"), text).unwrap();

    let o = run(&project, &["config"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("pyproject.toml [tool.tf2-migrate]"), "{out}");
    let row =
        |key: &str| out.lines().find(|l| l.starts_with(key)).unwrap_or_default().split_whitespace().collect::<Vec<_>>();
    assert_eq!(row("strategy")[1], "compat");
    assert!(row("strategy")[2].ends_with("pyproject.toml:8"), "{out}");
    assert_eq!(row("target-tf")[1..], ["2.21", "default"]);
    assert!(row("ignore")[2].ends_with("pyproject.toml:9"), "{out}");
    assert!(out.contains("per-path   tests/**") && out.contains("pyproject.toml:14"), "{out}");

    let o = run(&project, &["config", "--strategy", "native", "--target-tf", "2.15"]);
    let out = stdout(&o);
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["strategy", "native", "--strategy"]),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["target-tf", "2.15", "--target-tf"]),
        "{out}"
    );

    // The file applies from a subfolder; the per-path table changes tests/ only.
    let o = run(&project.join("src"), &["diff", "."]);
    assert!(stdout(&o).contains("+import tensorflow.compat.v1 as tf"), "{}", stdout(&o));
    let o = run(&project, &["diff", "tests"]);
    assert!(stdout(&o).contains("+x = tf.math.log(y)") && !stdout(&o).contains("compat"), "{}", stdout(&o));
    // A flag wins over the file and over the per-path table.
    let o = run(&project, &["diff", "--strategy", "upgrade", "--select", "compat-v1", "."]);
    let out = stdout(&o);
    assert!(out.contains("+s = tf.compat.v1.Session()") && !out.contains("tf.math.log"), "{out}");
    assert!(!out.contains("import tensorflow.compat.v1 as tf"), "{out}");

    // A tf2-migrate.toml nearer the files wins over the pyproject.toml above it.
    fs::write(project.join("src/tf2-migrate.toml"), "strategy = \"upgrade\"\n").unwrap();
    let o = run(&project.join("src"), &["config"]);
    assert!(stdout(&o).contains("src/tf2-migrate.toml:1"), "{}", stdout(&o));
}

/// Unknown keys and bad values in the configuration stop the run with the file and line.
#[test]
fn configuration_errors_name_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.py"), "import tensorflow as tf\nx = tf.log(y)\n").unwrap();
    let cases = [
        (
            "pyproject.toml",
            "[tool.black]\nfoo = 1\n\n[tool.tf2-migrate]\nstrategy = \"compat\"\nselcet = [\"x\"]\n",
            ":6: unknown field `selcet`",
        ),
        ("tf2-migrate.toml", "\n\nstrategy = \"fast\"\n", ":3: strategy: unknown strategy \"fast\""),
        (
            "tf2-migrate.toml",
            "select = [\n  \"compat-v1\",\n]\nignore = [\"no-such-rule\"]\n",
            ":4: ignore: unknown rule no-such-rule",
        ),
        ("tf2-migrate.toml", "target-tf = \"1.15\"\n", ":1: target-tf: expected a TensorFlow 2 version"),
        (
            "tf2-migrate.toml",
            "[[per-path]]\npaths = [\"x/**\"]\nstrategy = \"native\"\nfix = true\n",
            ":4: unknown field `fix`",
        ),
        ("tf2-migrate.toml", "exclude = [\"\"]\n", ":1: exclude: an empty pattern"),
    ];
    for (name, text, expected) in cases {
        let _ = fs::remove_file(tmp.path().join("pyproject.toml"));
        let _ = fs::remove_file(tmp.path().join("tf2-migrate.toml"));
        fs::write(tmp.path().join(name), text).unwrap();
        for command in ["check", "config"] {
            let o = run(tmp.path(), &[command, "."]);
            assert_eq!(code(&o), 2, "{name} {text:?}: {}", stderr(&o));
            let err = stderr(&o);
            assert!(err.contains(&format!("{name}{expected}")), "{expected:?} in: {err}");
            assert_eq!(stdout(&o), "", "nothing else is printed");
        }
    }
}

#[test]
fn completions_and_man_page() {
    for (shell, marker) in
        [("bash", "complete -F"), ("zsh", "#compdef tf2-migrate"), ("fish", "complete -c tf2-migrate")]
    {
        let o = bin().args(["completions", shell]).output().unwrap();
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains(marker), "{shell}: {marker:?} in\n{}", &out[..out.len().min(400)]);
        assert!(out.contains("strategy") && out.contains("report"), "{shell}: flags and commands");
    }
    let o = bin().arg("man").output().unwrap();
    assert_eq!(code(&o), 0);
    let man = stdout(&o);
    assert!(man.contains(".TH tf2-migrate 1"), "{}", &man[..man.len().min(300)]);
    assert!(man.contains("review") && man.contains("Exit codes"), "commands and the after-help are in the page");
}

/// Dependency files move with the code: TF 1.x pins to the target, `tensorflow-gpu` to
/// `tensorflow`, the Keras 2 pin goes once every Keras import moved, and the packages the
/// rewritten code imports are added; every other byte (comments, markers) stays.
#[test]
fn dependency_files_follow_the_migrated_code() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("pkg")).unwrap();
    fs::write(
        dir.join("requirements.txt"),
        "numpy>=1.16  # arrays\ntensorflow-gpu==1.15.0 ; sys_platform == \"linux\"\nkeras==2.2.4\n",
    )
    .unwrap();
    fs::write(
        dir.join("setup.py"),
        "from setuptools import setup\nsetup(name='pkg', install_requires=['tensorflow>=1.12,<2'])\n",
    )
    .unwrap();
    fs::write(
        dir.join("pkg/model.py"),
        "import tensorflow as tf\nfrom keras.layers import Dense\nnet = tf.contrib.slim.conv2d\n",
    )
    .unwrap();
    let o = run(dir, &["check", "."]);
    assert!(stdout(&o).contains("requirements.txt:2:1: error [dependency-pin]"), "{}", stdout(&o));
    let o = run(dir, &["apply", "--unsafe", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        fs::read_to_string(dir.join("requirements.txt")).unwrap(),
        "numpy>=1.16  # arrays\ntensorflow~=2.21.0 ; sys_platform == \"linux\"\ntf-slim~=1.1\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("setup.py")).unwrap(),
        "from setuptools import setup\nsetup(name='pkg', install_requires=['tensorflow~=2.21.0', 'tf-slim~=1.1'])\n"
    );
    // Idempotent: nothing left to pin.
    let o = run(dir, &["check", "--select", "dependency-pin", "."]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

/// The content cache changes how long a run takes, never what it says or writes: a warm run, a
/// run after a file changed, one with a corrupt cache and one with `--no-cache` agree.
#[test]
fn the_cache_changes_nothing_but_time() {
    let (_tmp, dir) = example_tree();
    let json = |args: &[&str]| {
        let o = run(&dir, args);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        stdout(&o)
    };
    let cold = json(&["check", "--format", "json", "."]);
    let stored = dir.join(CACHE).join("files.bin");
    assert!(stored.exists(), "a first run stores its findings");
    let ignore = fs::read_to_string(dir.join(CACHE).join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "the cache folder ignores itself: {ignore}");
    assert_eq!(json(&["check", "--format", "json", "."]), cold, "a warm run says the same");

    // A file edited since: its findings come from its new text, not from the cache.
    let file = dir.join("train_softmax.py");
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("z = tf.log(w)\n");
    fs::write(&file, &text).unwrap();
    let edited = json(&["check", "--format", "json", "."]);
    assert_ne!(edited, cold);
    assert_eq!(edited, json(&["check", "--no-cache", "--format", "json", "."]));

    // A damaged cache (a flipped byte, a truncated file, garbage) is ignored.
    let good = fs::read(&stored).unwrap();
    let mut flipped = good.clone();
    flipped[good.len() * 2 / 3] ^= 0x20;
    for bad in [flipped, good[..good.len() / 2].to_vec(), b"\x00\xff not a cache".to_vec()] {
        fs::write(&stored, bad).unwrap();
        assert_eq!(json(&["check", "--format", "json", "."]), edited);
    }

    // `apply` through a warm cache writes what a cold one writes.
    let other = tempfile::tempdir().unwrap();
    let copy = other.path().join("p");
    copy_dir(&dir, &copy);
    let _ = fs::remove_dir_all(copy.join(CACHE));
    assert_eq!(code(&run(&dir, &["apply", "."])), 0);
    assert_eq!(code(&run(&copy, &["apply", "--no-cache", "."])), 0);
    assert!(!copy.join(CACHE).exists(), "--no-cache writes no cache");
    assert_eq!(tree_bytes(&dir), tree_bytes(&copy));

    // $TF2_MIGRATE_CACHE_DIR puts it elsewhere.
    let elsewhere = tempfile::tempdir().unwrap();
    let o =
        bin().current_dir(&copy).env("TF2_MIGRATE_CACHE_DIR", elsewhere.path()).args(["check", "."]).output().unwrap();
    assert!(code(&o) < 2, "{}", stderr(&o));
    assert!(elsewhere.path().join("files.bin").exists());
    assert!(!copy.join(CACHE).exists());
}
