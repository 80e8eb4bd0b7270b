//! Tests of the review UI: the state machine, snapshots of the main screens, every size from
//! 20x5 up, and terminal safety against hostile file contents and names.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::app::{App, Effect, Focus, Mode};
use super::build_app;
use super::keymap::Keymap;
use super::layout::Arrange;
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
    assert!(a.message.as_deref().unwrap_or_default().starts_with("match 1/1 for tf.log · C-n next · C-p previous"));
}

#[test]
fn search_counts_matches_and_next_match_never_rejects() {
    let mut a = app((80, 24));
    a.on_key(key('/'));
    for c in "tf.".chars() {
        a.on_key(key(c));
    }
    a.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let total = a.plans.iter().map(|p| p.hunks.len()).sum::<usize>();
    let first = a.message.clone().unwrap_or_default();
    assert!(first.starts_with(&format!("match 2/{total} ")), "{first}");
    a.on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert!(a.message.as_deref().unwrap_or_default().starts_with(&format!("match 3/{total} ")));
    a.on_key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL));
    assert!(a.message.as_deref().unwrap_or_default().starts_with(&format!("match 2/{total} ")));
    assert_eq!(a.totals().2, 0, "moving between matches rejects nothing");
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
    assert_eq!(a.on_key(key('x')), None, "keys the keymap does not bind do nothing");
    assert_eq!(a.mode, Mode::ConfirmQuit);
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

/// A hunk whose change is past column 70 (`rate=1 - keep_probability`).
const MODEL: &str = "\
import tensorflow as tf


def build_network(inputs, keep_probability, num_hidden_units=128, scope_name=\"network\"):
    hidden_layer_output = tf.keras.layers.Dense(num_hidden_units)(inputs)
    if keep_probability is not None:
        if True:
            dropped = tf.nn.dropout(hidden_layer_output, keep_prob=keep_probability)
    return dropped
";

fn model_app(size: (u16, u16)) -> App {
    let mut a = app_with(vec![plan("proj/model.py", MODEL)], Depth::TrueColor, size);
    let h = (0..a.plans[0].hunks.len()).find(|&h| a.plans[0].hunk_texts(h).1.contains("rate=1")).unwrap();
    a.goto(0, h);
    a
}

#[test]
fn every_changed_character_shows_at_80x24_stacked() {
    let a = model_app((80, 24));
    assert_eq!(a.geometry().arrange, Arrange::Stacked, "side by side would cut the change");
    let screen = render(&a).backend().to_string();
    assert!(screen.contains("rate=1 - keep_probability)"), "{screen}");
    assert!(screen.contains("keep_prob=keep_probability)"), "{screen}");
    insta::assert_snapshot!(render(&a).backend());
}

#[test]
fn side_by_side_by_hand_wraps_instead_of_cutting() {
    let mut a = model_app((80, 24));
    a.update(Action::ToggleLayout);
    assert_eq!(a.geometry().arrange, Arrange::SideBySide);
    let screen = render(&a).backend().to_string();
    // Every piece of the new line is on screen (wrapped, marked ↪).
    for piece in ["tf.nn.dropout(hidden_layer_output,", "rate=1 - keep_probability)", "keep_prob=keep_probability)"] {
        assert!(screen.contains(piece), "{piece}: {screen}");
    }
    assert!(screen.contains('↪'), "{screen}");
    insta::assert_snapshot!(render(&a).backend());
    a.update(Action::ToggleLayout);
    assert_eq!((a.arrange, a.geometry().arrange), (None, Arrange::Stacked), "pressed again: automatic");
}

#[test]
fn a_short_hunk_stays_side_by_side() {
    let a = app((120, 40));
    assert_eq!(a.geometry().arrange, Arrange::SideBySide);
}

#[test]
fn the_key_bar_keeps_the_essentials_at_80_columns() {
    let a = app((80, 24));
    let screen = render(&a).backend().to_string();
    let bar = screen.lines().nth(23).unwrap_or_default();
    for k in ["y accept", "n reject", "v ", "/ ", "w write", "q quit", "? help"] {
        assert!(bar.contains(k), "{k:?} missing from {bar:?}");
    }
    let wide = render(&app((200, 40))).backend().to_string();
    assert!(wide.contains("j/↓/k/↑") || wide.contains("j/k next/prev"), "{wide}");
}

#[test]
fn the_help_explains_the_file_list() {
    let mut a = app((120, 40));
    a.update(Action::Help);
    let (_, lines) = a.overlay();
    let text = lines.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    for needle in ["[~]", "[w]", "[!]", "12 0✓ 0✗ 2⚠", "12 hunks undecided", "v  side by side / stacked"] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

#[test]
fn the_rule_text_names_what_why_and_example() {
    let mut a = app_with(vec![plan("proj/lib.py", LIB)], Depth::TrueColor, (100, 30));
    let p = &a.plans[0];
    let needs_slim = |i: usize| p.chosen(i).is_some_and(|f| f.packages.contains(&"tf-slim"));
    let slim = (0..p.hunks.len()).find(|&h| p.hunks[h].findings.iter().any(|&i| needs_slim(i)));
    a.goto(0, slim.expect("the fixture has a hunk that needs tf-slim"));
    a.update(Action::RuleInfo);
    assert!(matches!(a.mode, Mode::Info(0)));
    let (title, lines) = a.overlay();
    let text = lines.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert_eq!(title, "Rule");
    for needle in ["What", "Why", "Example", "Here"] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert!(text.contains("Install  pip install tf-slim"), "{text}");
    a.on_key(key('x'));
    assert_eq!(a.mode, Mode::Normal);
}

#[test]
fn streaming_starts_on_the_first_file_in_path_order() {
    let mut a = app_with(Vec::new(), Depth::TrueColor, (80, 24));
    a.expect(["proj/a.py", "proj/m.py", "proj/z.py"].map(std::path::PathBuf::from));
    // The last file in path order is analysed first: the cursor waits for the first.
    a.insert_plan(plan("proj/z.py", TRAIN));
    assert_eq!(a.waiting_for(), Some(std::path::Path::new("proj/a.py")));
    assert_eq!(a.update(Action::Accept), None, "y waits for the first file");
    assert_eq!(a.totals().1, 0);
    let screen = render(&a).backend().to_string();
    assert!(screen.contains("Waiting for proj/a.py, the first file in path order"), "{screen}");
    a.insert_plan(plan("proj/m.py", LIB));
    assert!(a.waiting_for().is_some());
    // a.py arrives: the first y lands on it.
    a.insert_plan(plan("proj/a.py", TRAIN));
    assert_eq!(a.waiting_for(), None);
    assert_eq!((a.file, a.hunk), (0, 0));
    a.update(Action::Accept);
    assert_eq!(a.plans[0].hunk_decision(0), Decision::Accepted);
    assert_eq!(a.plans[0].path, std::path::Path::new("proj/a.py"));
}

#[test]
fn a_clean_first_file_ends_the_wait() {
    let mut a = app_with(Vec::new(), Depth::TrueColor, (80, 24));
    a.expect(["proj/a.py", "proj/b.py"].map(std::path::PathBuf::from));
    a.insert_plan(plan("proj/b.py", TRAIN));
    assert!(a.waiting_for().is_some());
    a.analysed(std::path::Path::new("proj/a.py"));
    assert_eq!(a.waiting_for(), None);
    assert_eq!(a.names[a.file], "proj/b.py");
    // Moving while waiting shows what has arrived.
    let mut b = app_with(Vec::new(), Depth::TrueColor, (80, 24));
    b.expect(["proj/a.py", "proj/b.py"].map(std::path::PathBuf::from));
    b.insert_plan(plan("proj/b.py", TRAIN));
    b.update(Action::NextHunk);
    assert_eq!(b.waiting_for(), None);
}

#[test]
fn rule_wide_and_file_wide_keys_keep_explicit_decisions() {
    let mut a = app_with(vec![plan("proj/a.py", TRAIN), plan("proj/b.py", TRAIN)], Depth::TrueColor, (120, 40));
    let rule = a.plans[0].findings[a.plans[0].hunks[0].findings[0]].rule;
    let others = a.plans[1].hunks[0].findings.iter().filter(|&&i| a.plans[1].findings[i].rule != rule).count();
    a.update(Action::Reject);
    assert_eq!(a.plans[0].hunk_decision(0), Decision::Rejected);
    a.goto(0, 0);
    a.update(Action::AcceptRule);
    assert_eq!(a.plans[0].hunk_decision(0), Decision::Rejected, "Y keeps the explicit n");
    assert_eq!(a.plans[1].hunk_decision(0), Decision::Accepted);
    let msg = a.message.clone().unwrap_or_default();
    assert!(msg.starts_with(&format!("accepted 1 hunk of {rule} in 2 files")), "{msg}");
    assert!(msg.contains("kept 1 hunk decided before"), "{msg}");
    if others > 0 {
        assert!(msg.contains(&format!("carrying {others} edits of other rules")), "{msg}");
    }
    // Undo restores exactly what Y changed: the n stays.
    a.update(Action::Undo);
    assert_eq!(a.plans[0].hunk_decision(0), Decision::Rejected);
    assert_eq!(a.plans[1].hunk_decision(0), Decision::Pending);
    a.update(Action::Undo);
    assert_eq!(a.plans[0].hunk_decision(0), Decision::Pending);
    a.goto(1, 1);
    a.update(Action::Accept);
    a.goto(1, 0);
    a.update(Action::RejectFile);
    assert_eq!(a.plans[1].hunk_decision(1), Decision::Accepted, "d keeps the explicit y");
    let kept = a.plans[1].counts().1;
    assert!(a.message.as_deref().unwrap_or_default().contains(&format!("kept {kept} hunk")), "{:?}", a.message);
}

/// Two hunks: `import tf_slim` and a use of it that needs it.
const SLIM: &str = "\
import tensorflow as tf



loss = tf.contrib.slim.apply_regularization(reg, weights)
";

#[test]
fn rejecting_a_needed_hunk_rejects_what_needs_it() {
    let mut a = app_with(vec![plan("proj/s.py", SLIM)], Depth::TrueColor, (100, 30));
    let p = &a.plans[0];
    let Some(user) = (0..p.hunks.len()).find(|&h| !p.hunks[h].requires.is_empty()) else {
        panic!("no hunk needs another: {:?}", p.hunks);
    };
    let needed = p.hunks[user].requires[0];
    a.goto(0, user);
    a.update(Action::Accept);
    assert_eq!(a.plans[0].hunk_decision(needed), Decision::Accepted);
    a.goto(0, needed);
    a.update(Action::Reject);
    assert_eq!(a.plans[0].hunk_decision(user), Decision::Rejected, "no use without its import");
    assert!(a.message.as_deref().unwrap_or_default().contains("also rejected 1 hunk that need"));
    a.update(Action::Undo);
    assert_eq!(a.plans[0].hunk_decision(user), Decision::Accepted);
    assert_eq!(a.plans[0].hunk_decision(needed), Decision::Accepted);
}

#[test]
fn undo_survives_a_write_for_what_was_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.py");
    std::fs::write(&path, TRAIN).unwrap();
    let p = pipeline::check_text(
        path.clone(),
        dir.path().to_path_buf(),
        TRAIN.into(),
        Encoding::Utf8 { bom: false },
        &Settings::default(),
    )
    .0;
    let mut a = app_with(vec![p], Depth::TrueColor, (120, 40));
    a.update(Action::Accept);
    a.update(Action::Reject);
    a.write_accepted();
    assert_ne!(std::fs::read_to_string(&path).unwrap(), TRAIN);
    // The rejection was not written: undo brings the hunk back to undecided.
    let rejected = a.plans[0].counts().2;
    assert_eq!(rejected, 1);
    assert!(a.update(Action::Undo).is_some());
    assert_eq!(a.plans[0].counts().2, 0);
    // The accepted hunk was written: undoing it changes nothing and says so.
    assert_eq!(a.update(Action::Undo), None);
    assert!(a.message.as_deref().unwrap_or_default().contains("already written stay written"));
}

#[test]
fn dialog_keys_come_from_the_keymap() {
    let mut a = app((100, 30));
    a.keymap = Keymap::from_toml("confirm = \"o\"\ncancel = \"x\"\n").unwrap();
    a.update(Action::Accept);
    a.update(Action::Write);
    assert_eq!(a.mode, Mode::ConfirmWrite);
    let screen = render(&a).backend().to_string();
    assert!(screen.contains("o write") && screen.contains("x cancel"), "{screen}");
    assert!(screen.contains("Writing is final"), "{screen}");
    assert_eq!(a.on_key(key('y')), None);
    assert_eq!(a.mode, Mode::ConfirmWrite, "y is not bound in dialogs any more");
    assert_eq!(a.on_key(key('o')), Some(Effect::Write));
}

/// The title's counts are never cut: at 80 columns, and while a large scan is still running,
/// the title takes a shorter form that still ends with the manual count.
#[test]
fn the_title_keeps_its_counts_at_80_columns() {
    let mut a = app((80, 24));
    for scanning in [None, Some((412, 10_000))] {
        a.scanning = scanning;
        let terminal = render(&a);
        let title: String = (0..80).map(|x| terminal.backend().buffer()[(x, 0)].symbol().to_owned()).collect();
        assert!(title.trim_end().ends_with("manual"), "{title:?}");
        assert!(title.contains("0/") && title.contains("decided"), "{title:?}");
    }
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
            for mode in [Mode::Normal, Mode::Help(3), Mode::Info(0), Mode::ConfirmWrite, Mode::ConfirmQuit] {
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
    for mode in [Mode::Normal, Mode::Help(0), Mode::Info(0), Mode::ConfirmWrite] {
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

const NOTEBOOK: &str = include_str!("../../tests/fixtures/notebooks/tutorial_list.ipynb");

fn notebook_plan(path: &std::path::Path, root: &std::path::Path) -> FilePlan {
    let settings = Settings::default();
    let enc = Encoding::Utf8 { bom: false };
    pipeline::check_file(path.into(), root.into(), NOTEBOOK.into(), enc, &settings).unwrap().0
}

#[test]
fn a_notebook_is_reviewed_cell_by_cell() {
    let a = app_with(vec![notebook_plan("nb/t.ipynb".as_ref(), ".".as_ref())], Depth::TrueColor, (80, 24));
    let screen = render(&a).backend().to_string();
    assert!(screen.contains("── cell 3 ───"), "{screen}");
    assert!(screen.contains("hunk 1/5 · cell 3 · disable-eager · safe"), "{screen}");
    // Lines are numbered within their cell: the eager switch is line 3 of cell 3.
    assert!(screen.contains("▌3+ tf.compat.v1.disable_v2_behavior()"), "{screen}");
    let rows = super::rows::build(&a.plans[0]);
    let cells: Vec<usize> = rows
        .rows
        .iter()
        .filter_map(|r| if let super::rows::Row::Cell { cell } = r { Some(*cell) } else { None })
        .collect();
    assert_eq!(cells, [2, 3, 4, 5, 6, 7], "one separator per code cell with code");
    let firsts = rows.before.iter().filter(|l| l.no == 1).count();
    assert_eq!(firsts, 6, "each cell's first line is line 1");
}

#[test]
fn writing_a_notebook_writes_its_json_and_reviews_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.ipynb");
    std::fs::write(&path, NOTEBOOK).unwrap();
    let mut a = app_with(vec![notebook_plan(&path, dir.path())], Depth::TrueColor, (80, 24));
    a.update(Action::AcceptFile);
    a.write_accepted();
    let written = std::fs::read_to_string(&path).unwrap();
    let changed = tf2_migrate_core::notebook::changed_cells(NOTEBOOK, &written).unwrap();
    assert_eq!(changed.iter().map(|c| c.cell).collect::<Vec<_>>(), [3, 4, 6, 7]);
    assert!(a.plans[0].hunks.is_empty(), "nothing is left to review: {:?}", a.plans[0].hunks);
    assert_eq!(a.plans[0].original(), written);
}
