//! Tests of the review UI: the state machine, snapshots of the main screens, every size from
//! 20x5 up, and terminal safety against hostile file contents and names.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::app::{App, Effect, Focus, Mode};
use super::build_app;
use super::theme::Depth;
use tf2_migrate_core::pipeline::{self, Settings};
use tf2_migrate_core::plan::{Decision, FilePlan};
use tf2_migrate_core::source::Encoding;

const TRAIN: &str = "\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])


y = tf.log(x)


z = tf.to_float(y)
s = tf.Session()
";

const LIB: &str = "\
import tensorflow as tf
from tensorflow.contrib import slim

h = tf.contrib.layers.fully_connected(x, 3)
v = tf.get_variable('v', [3])
w = tf.Variable(1.0)
";

fn plan(path: &str, text: &str) -> FilePlan {
    pipeline::check_text(path.into(), ".".into(), text.into(), Encoding::Utf8 { bom: false }, &Settings::default()).0
}

fn app_with(plans: Vec<FilePlan>, depth: Depth, size: (u16, u16)) -> App {
    build_app(plans, Settings::default(), "dark", depth, size).unwrap()
}

fn app(size: (u16, u16)) -> App {
    app_with(vec![plan("proj/lib.py", LIB), plan("proj/train.py", TRAIN)], Depth::TrueColor, size)
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn render(app: &App) -> Terminal<TestBackend> {
    let (w, h) = app.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t
}

#[test]
fn fixture_has_hunks_in_both_files() {
    let a = app((120, 40));
    assert!(!a.plans[0].hunks.is_empty(), "{:?}", a.plans[0].findings);
    assert!(a.plans[1].hunks.len() >= 3, "{:?}", a.plans[1].findings);
}

#[test]
fn accept_and_reject_move_to_the_next_undecided_hunk() {
    let mut a = app((120, 40));
    assert_eq!((a.file, a.hunk), (0, 0));
    let e = a.update(Action::Accept);
    assert!(matches!(e, Some(Effect::Journal(ref v)) if !v.is_empty()));
    assert_eq!(a.plans[0].hunk_decision(0), Decision::Accepted);
    let first_pending = (0..a.plans[0].hunks.len())
        .find(|&h| a.plans[0].hunk_decision(h) == Decision::Pending)
        .map_or((1, 0), |h| (0, h));
    assert_eq!((a.file, a.hunk), first_pending);
    a.goto(1, 0);
    a.update(Action::Reject);
    assert_eq!(a.plans[1].hunk_decision(0), Decision::Rejected);
    assert_eq!((a.file, a.hunk), (1, 1));
}

#[test]
fn undo_and_redo_restore_decisions_and_cursor() {
    let mut a = app((120, 40));
    a.goto(1, 1);
    a.update(Action::Accept);
    assert_eq!(a.plans[1].hunk_decision(1), Decision::Accepted);
    let e = a.update(Action::Undo);
    assert!(matches!(e, Some(Effect::Journal(ref v)) if v.len() == 1 && v[0].decision == Decision::Pending));
    assert_eq!(a.plans[1].hunk_decision(1), Decision::Pending);
    assert_eq!((a.file, a.hunk), (1, 1));
    a.update(Action::Redo);
    assert_eq!(a.plans[1].hunk_decision(1), Decision::Accepted);
    assert_eq!(a.update(Action::Redo), None, "nothing left to redo");
}

#[test]
fn file_and_rule_wide_decisions() {
    let mut a = app((120, 40));
    a.goto(1, 0);
    a.update(Action::RejectFile);
    assert_eq!(a.plans[1].counts().0, 0);
    a.update(Action::Undo);
    let rule = a.plans[1].findings[a.plans[1].hunks[0].findings[0]].rule;
    a.goto(1, 0);
    a.update(Action::AcceptRule);
    for p in &a.plans {
        for h in 0..p.hunks.len() {
            if p.hunks[h].findings.iter().any(|&i| p.findings[i].rule == rule) {
                assert_eq!(p.hunk_decision(h), Decision::Accepted);
            }
        }
    }
}

#[test]
fn navigation_and_focus() {
    let mut a = app((120, 40));
    a.update(Action::NextFile);
    assert_eq!(a.file, 1);
    a.update(Action::Last);
    assert_eq!(a.hunk, a.plans[1].hunks.len() - 1);
    a.update(Action::First);
    assert_eq!(a.hunk, 0);
    a.update(Action::PrevHunk);
    assert_eq!(a.file, 0, "k crosses back into the previous file");
    a.update(Action::SwitchFocus);
    assert_eq!(a.focus, Focus::Files);
    a.update(Action::NextHunk);
    assert_eq!((a.file, a.hunk), (1, 0), "j moves between files in the list");
    a.on_key(key('/'));
    for c in "tf.log".chars() {
        a.on_key(key(c));
    }
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(a.mode, Mode::Normal);
    let (before, _) = a.plans[a.file].hunk_texts(a.hunk);
    assert!(before.contains("tf.log"), "{before}");
}

#[test]
fn quit_asks_only_when_accepted_hunks_are_unwritten() {
    let mut a = app((120, 40));
    assert_eq!(a.on_key(key('q')), Some(Effect::Quit));
    a.on_key(key('y'));
    assert_eq!(a.on_key(key('q')), None);
    assert_eq!(a.mode, Mode::ConfirmQuit);
    assert_eq!(a.on_key(key('n')), None, "any other key stays");
    assert_eq!(a.mode, Mode::Normal);
    a.on_key(key('q'));
    assert_eq!(a.on_key(key('y')), Some(Effect::Quit));
}

#[test]
fn write_asks_then_writes_and_reports_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.py");
    let changed = dir.path().join("changed.py");
    std::fs::write(&good, TRAIN).unwrap();
    std::fs::write(&changed, TRAIN).unwrap();
    let mk = |p: &std::path::Path| {
        pipeline::check_text(
            p.to_path_buf(),
            dir.path().to_path_buf(),
            TRAIN.into(),
            Encoding::Utf8 { bom: false },
            &Settings::default(),
        )
        .0
    };
    let mut a = app_with(vec![mk(&changed), mk(&good)], Depth::TrueColor, (120, 40));
    a.update(Action::AcceptFile);
    a.goto(1, 0);
    a.update(Action::Accept);
    assert_eq!(a.on_key(key('w')), None);
    assert_eq!(a.mode, Mode::ConfirmWrite);
    assert_eq!(a.on_key(key('y')), Some(Effect::Write));
    std::fs::write(&changed, "# edited meanwhile\n").unwrap();
    let forget = a.write_accepted();
    assert_eq!(forget.len(), 1);
    assert_eq!(std::fs::read_to_string(&changed).unwrap(), "# edited meanwhile\n");
    let written = std::fs::read_to_string(&good).unwrap();
    assert_ne!(written, TRAIN);
    assert!(matches!(&a.outcome[0], Some((false, why)) if why.contains("changed on disk")));
    assert!(matches!(&a.outcome[1], Some((true, _))));
    let screen = render(&a).backend().to_string();
    assert!(screen.contains("[!]"), "{screen}");
}

#[test]
fn plans_arrive_in_path_order_and_the_cursor_keeps_its_file() {
    let mut a = app_with(Vec::new(), Depth::TrueColor, (120, 40));
    a.scanning = Some((0, 3));
    let screen = format!("{:?}", render(&a).backend());
    assert!(screen.contains("scanning 0/3 files…"), "{screen}");
    assert!(screen.contains("no file needing a change so far"), "{screen}");
    // Writing is refused until the scan is complete, even with nothing arrived.
    assert_eq!(a.update(Action::Write), None);
    assert!(a.message.as_deref().unwrap_or_default().contains("still scanning"));

    // The first arrival gets the cursor on its first pending hunk.
    a.insert_plan(plan("proj/m.py", TRAIN));
    assert_eq!((a.file, a.hunk, a.names[0].as_str()), (0, 0, "proj/m.py"));
    a.update(Action::NextHunk);
    a.update(Action::Accept);
    assert_eq!(a.hunk, 2);
    // A plan before the cursor's file shifts it down; the cursor stays on m.py, hunk 2.
    a.insert_plan(plan("proj/a.py", LIB));
    assert_eq!(a.names, ["proj/a.py", "proj/m.py"]);
    assert_eq!((a.file, a.hunk), (1, 2));
    // After it, nothing moves.
    a.insert_plan(plan("proj/z.py", TRAIN));
    assert_eq!(a.names, ["proj/a.py", "proj/m.py", "proj/z.py"]);
    assert_eq!(a.outcome.len(), 3);
    assert_eq!((a.file, a.hunk), (1, 2));
    assert_eq!(a.plans[1].hunk_decision(1), Decision::Accepted);
    // Undo recorded before the insertions still points at m.py.
    a.update(Action::Undo);
    assert_eq!(a.plans[1].hunk_decision(1), Decision::Pending);
    assert_eq!((a.file, a.hunk), (1, 1));

    a.update(Action::Accept);
    assert_eq!(a.update(Action::Write), None);
    assert_eq!(a.mode, Mode::Normal);
    a.scanning = None;
    a.update(Action::Write);
    assert_eq!(a.mode, Mode::ConfirmWrite);
}

#[test]
fn an_empty_review_says_so_once_the_scan_is_done() {
    let mut a = app_with(Vec::new(), Depth::TrueColor, (120, 40));
    a.scanning = Some((5, 5));
    a.goto(0, 0);
    a.update(Action::NextHunk);
    a.scanning = None;
    let screen = format!("{:?}", render(&a).backend());
    assert!(screen.contains("Nothing to migrate: no file needs a change."), "{screen}");
    assert!(!screen.contains("scanning"), "{screen}");
}

#[test]
fn snapshot_80x24() {
    let mut a = app((80, 24));
    a.update(Action::Accept);
    insta::assert_snapshot!(render(&a).backend());
}

#[test]
fn snapshot_120x40() {
    let mut a = app((120, 40));
    a.goto(1, 1);
    a.update(Action::Reject);
    insta::assert_snapshot!(render(&a).backend());
}

#[test]
fn snapshot_help_overlay() {
    let mut a = app((120, 40));
    a.update(Action::Help);
    insta::assert_snapshot!(render(&a).backend());
}

#[test]
fn snapshot_no_color() {
    let mut a = app_with(vec![plan("proj/lib.py", LIB), plan("proj/train.py", TRAIN)], Depth::Mono, (100, 30));
    a.goto(1, 0);
    a.update(Action::Accept);
    let t = render(&a);
    for cell in t.backend().buffer().content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "no colours with NO_COLOR");
        assert_eq!(cell.bg, ratatui::style::Color::Reset, "no colours with NO_COLOR");
    }
    insta::assert_snapshot!(t.backend());
}

#[test]
fn every_size_renders_without_panic() {
    let mut a = app((20, 5));
    a.goto(1, 1);
    for w in (20..=200).step_by(7) {
        for h in (5..=60).step_by(5) {
            a.size = (w, h);
            for mode in [Mode::Normal, Mode::Help, Mode::ConfirmWrite, Mode::ConfirmQuit] {
                a.mode = mode;
                render(&a);
            }
            a.mode = Mode::Normal;
            a.focus = if a.focus == Focus::Diff { Focus::Files } else { Focus::Diff };
            a.update(Action::NextHunk);
            a.update(Action::PageDown);
        }
    }
}

#[test]
fn hostile_contents_and_names_never_reach_the_terminal() {
    let text = "import tensorflow as tf\n# \x1b]0;pwned\x07 \u{202e}evil\u{202c} \x1b[31mred \u{9b}2J\tTab\u{200b}\nx = tf.log(1)  # \u{2066}\x1b[2J\n";
    let name = "proj/\x1b]0;pwned\x07\u{202e}name\u{85}.py";
    let mut a = app_with(vec![plan(name, text)], Depth::TrueColor, (120, 20));
    for mode in [Mode::Normal, Mode::Help, Mode::ConfirmWrite] {
        a.mode = mode;
        a.focus = Focus::Diff;
        for t in [render(&a), {
            a.size = (60, 20);
            let t = render(&a);
            a.size = (120, 20);
            t
        }] {
            for cell in t.backend().buffer().content() {
                for c in cell.symbol().chars() {
                    assert!(!c.is_control() && !tf2_migrate_core::text::is_unsafe(c), "{c:?} reached the screen");
                }
            }
            let screen = t.backend().to_string();
            if a.mode == Mode::Normal {
                assert!(screen.contains('\u{FFFD}'), "{screen}");
            }
        }
    }
    a.mode = Mode::Normal;
    a.update(Action::Accept);
    render(&a);
}
