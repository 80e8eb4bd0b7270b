//! End to end: drive the real binary in tmux (review, decide, write, quit; a session journal
//! surviving SIGHUP; hostile bytes never reaching the terminal). Skipped when tmux is absent.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tf2-migrate");
/// How long to wait for text to appear (generous: debug builds on busy CI machines).
const TIMEOUT: Duration = Duration::from_secs(15);

const TRAIN: &str = "\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])


y = tf.log(x)


z = tf.to_float(y)
s = tf.Session()
";

/// TRAIN with hunks 1 and 3 accepted and hunk 2 (tf.log) rejected.
const EXPECTED: &str = "\
import tensorflow as tf
tf.compat.v1.disable_v2_behavior()

x = tf.compat.v1.placeholder(tf.float32, [None, 3])


y = tf.log(x)


z = tf.cast(y, tf.float32)
s = tf.compat.v1.Session()
";

fn have_tmux() -> bool {
    let ok = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: tmux is not installed; skipping the end-to-end UI test");
    }
    ok
}

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Session {
    name: String,
}

impl Session {
    /// Start `command` (a shell line) in a detached 120x40 tmux session.
    fn start(name: &str, command: &str) -> Self {
        Self::start_sized(name, command, (120, 40))
    }

    /// Start `command` in a detached tmux session of `width` x `height`.
    fn start_sized(name: &str, command: &str, (width, height): (u16, u16)) -> Self {
        let name = format!("tf2m-{}-{name}", std::process::id());
        let (w, h) = (width.to_string(), height.to_string());
        // Tests start sessions in parallel; when no tmux server runs yet, two clients racing to
        // start one can make a `new-session` fail. A second try finds the server up.
        let mut last = None;
        for attempt in 0..3 {
            let out = Command::new("tmux")
                .args(["new-session", "-d", "-x", &w, "-y", &h, "-s", &name])
                .arg(command)
                .output()
                .unwrap();
            if out.status.success() {
                return Self { name };
            }
            last = Some(String::from_utf8_lossy(&out.stderr).into_owned());
            std::thread::sleep(std::time::Duration::from_millis(200 * (attempt + 1)));
        }
        panic!("tmux new-session failed three times: {}", last.unwrap_or_default());
    }

    fn screen(&self) -> String {
        tmux(&["capture-pane", "-p", "-t", &self.name])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            tmux(&["send-keys", "-t", &self.name, k]);
        }
    }

    /// Wait until `text` is on screen; panic with the screen if it never shows.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(start.elapsed() < TIMEOUT, "timed out waiting for {text:?}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn pane_pid(&self) -> u32 {
        tmux(&["display-message", "-p", "-t", &self.name, "#{pane_pid}"]).trim().parse().unwrap()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.name]).status();
    }
}

fn fixture(dir: &Path) -> PathBuf {
    let root = dir.join("proj");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("train.py"), TRAIN).unwrap();
    root
}

fn shell_line(dir: &Path, args: &str) -> String {
    format!(
        "cd '{}' && env XDG_STATE_HOME='{}' COLORTERM=truecolor '{BIN}' review {args}; echo EXITED $?; sleep 60",
        dir.display(),
        dir.join("state").display()
    )
}

#[test]
fn review_accept_reject_write_quit() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = fixture(dir.path());
    let s = Session::start("write", &shell_line(dir.path(), "proj"));
    s.wait_for("hunk 1/3");
    s.keys(&["y"]);
    s.wait_for("1/3 hunks decided");
    s.keys(&["n"]);
    s.wait_for("2/3 hunks decided");
    s.keys(&["y"]);
    s.wait_for("every hunk is decided: 2 accepted in 1 file");
    s.keys(&["w"]);
    s.wait_for("Write 2 accepted hunks to 1 file?");
    s.keys(&["y"]);
    s.wait_for("wrote 1 file (2 hunks)");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    assert_eq!(std::fs::read_to_string(root.join("train.py")).unwrap(), EXPECTED);
}

/// TF1 code with changes past column 70.
const LONG: &str = "\
import tensorflow as tf


def build_network(inputs, keep_probability, num_hidden_units=128, scope_name=\"network\"):
    hidden_layer_output = tf.keras.layers.Dense(num_hidden_units)(inputs)
    if keep_probability is not None:
        if True:
            dropped = tf.nn.dropout(hidden_layer_output, keep_prob=keep_probability)
    return dropped


def total_loss(predictions, targets, weights_for_each_example, regularisation_scale=0.01):
    per_example = tf.reduce_sum(tf.square(predictions - targets) * weights_for_each_example, 1, keep_dims=True)
    return per_example
";

#[test]
fn every_change_shows_at_80x24_over_xterm() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("model.py"), LONG).unwrap();
    // The last file in path order is small and quick; the start must still be model.py.
    std::fs::write(root.join("zz_last.py"), "import tensorflow as tf\nx = tf.log(1.0)\n").unwrap();
    let cmd = format!(
        "cd '{}' && env TERM=xterm XDG_STATE_HOME='{}' '{BIN}' review proj; echo EXITED $?; sleep 60",
        dir.path().display(),
        dir.path().join("state").display()
    );
    let s = Session::start_sized("long", &cmd, (80, 24));
    let screen = s.wait_for("hunk 1/2");
    assert!(screen.contains("proj/model.py"), "{screen}");
    // Old and new text of the dropout hunk, every changed character, without extra keys.
    let screen = s.wait_for("rate=1 - keep_probability)");
    assert!(screen.contains("keep_prob=keep_probability)"), "{screen}");
    for line in screen.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    s.keys(&["j"]);
    let screen = s.wait_for("▶ [ ] hunk 2/2");
    let screen = if screen.contains("keepdims=True)") { screen } else { s.wait_for("keepdims=True)") };
    assert!(screen.contains("keep_dims=True)"), "{screen}");
    // The key bar keeps the essentials at 80 columns.
    let bar = screen.lines().last().unwrap_or_default();
    for k in ["y accept", "n reject", "w write", "q quit", "? help", "/ "] {
        assert!(bar.contains(k), "{k:?} missing from {bar:?}");
    }
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

#[test]
fn decisions_survive_sighup() {
    if !have_tmux() {
        return;
    }
    let (dir, journal, s) = start_review("hup");
    s.keys(&["y", "n"]);
    s.wait_for("2/3 hunks decided");
    let pid = s.pane_pid();
    Command::new("kill").args(["-HUP", &pid.to_string()]).status().unwrap();
    wait_gone(pid, TIMEOUT, "after SIGHUP");
    drop(s);
    let s = Session::start(
        "hup2",
        &format!("cd '{}' && '{BIN}' review --session '{}' proj; sleep 60", dir.path().display(), journal.display()),
    );
    s.wait_for("restored 2 hunk decisions from the last session (0 stale)");
    s.keys(&["j"]);
    let screen = s.wait_for("2/3 hunks decided (1 accepted, 1 rejected)");
    assert!(screen.contains("[~]"), "{screen}");
    s.keys(&["q", "y"]);
}

#[test]
fn review_dot_inside_and_the_folder_outside_share_decisions() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = fixture(dir.path());
    let state = dir.path().join("state");
    let run = |name: &str, cwd: &Path, arg: &str| {
        let cmd = format!(
            "cd '{}' && env XDG_STATE_HOME='{}' '{BIN}' review {arg}; echo EXITED $?; sleep 60",
            cwd.display(),
            state.display()
        );
        Session::start(name, &cmd)
    };
    let s = run("dot", &root, ".");
    s.wait_for("hunk 1/3");
    s.keys(&["n"]);
    s.wait_for("1/3 hunks decided");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    drop(s);
    let s = run("outside", dir.path(), "proj");
    s.wait_for("restored 1 hunk decision from the last session (0 stale)");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
}

/// Start `review` over a fresh fixture tree in tmux with its own journal; wait for the first hunk.
fn start_review(name: &str) -> (tempfile::TempDir, PathBuf, Session) {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let journal = dir.path().join("session.jsonl");
    let cmd = format!("cd '{}' && exec '{BIN}' review --session '{}' proj", dir.path().display(), journal.display());
    let s = Session::start(name, &cmd);
    s.wait_for("hunk 1/3");
    (dir, journal, s)
}

/// Wait until process `pid` has exited; fail after `limit`.
fn wait_gone(pid: u32, limit: Duration, when: &str) {
    let start = Instant::now();
    while Command::new("kill").args(["-0", &pid.to_string()]).status().is_ok_and(|st| st.success()) {
        assert!(start.elapsed() < limit, "review still running {limit:?} {when}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn review_exits_when_its_terminal_vanishes() {
    if !have_tmux() {
        return;
    }
    let (_dir, journal, s) = start_review("gone");
    s.keys(&["y"]);
    s.wait_for("1/3 hunks decided");
    let pid = s.pane_pid();
    drop(s); // kill-session: the pane's terminal goes away, as with a dropped SSH link
    wait_gone(pid, Duration::from_secs(3), "after its terminal vanished");
    let journalled = std::fs::read_to_string(&journal).unwrap();
    assert!(journalled.contains("\"d\":\"a\""), "the decision was journalled before the terminal went: {journalled}");
}

#[test]
fn hostile_bytes_never_reach_the_terminal() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("evil\u{202e}yp.py"),
        "import tensorflow as tf\n# \x1b]0;pwned\x07 \u{202e}gnp.exe \x1b[2J\u{9b}31m\ny = tf.log(x)  # \x1b]0;pwned\x07\n",
    )
    .unwrap();
    let raw = dir.path().join("raw.out");
    let s = Session::start(
        "evil",
        &format!(
            "read go; cd '{}' && env XDG_STATE_HOME='{}' '{BIN}' review proj; echo EXITED $?; sleep 60",
            dir.path().display(),
            dir.path().join("state").display()
        ),
    );
    tmux(&["pipe-pane", "-o", "-t", &s.name, &format!("cat >> '{}'", raw.display())]);
    s.keys(&["Enter"]);
    s.wait_for("hunk 1/1");
    s.keys(&["?"]);
    s.wait_for("Keys");
    // Any key closes the help (not Esc: Esc then q in quick succession reads as Alt-q).
    s.keys(&["?"]);
    s.wait_for("y accept");
    s.keys(&["q"]);
    s.wait_for("EXITED 0");
    let bytes = std::fs::read(&raw).unwrap();
    let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(bytes.len() > 1000, "the UI drew something");
    assert!(!find(b"\x1b]0;pwned"), "OSC from the file reached the terminal");
    assert!(!find("\u{202e}".as_bytes()), "a bidi override reached the terminal");
    assert!(!find(b"\x07"), "BEL reached the terminal");
    assert!(!find("\u{9b}".as_bytes()), "C1 CSI reached the terminal");
}
