//! The full-screen review UI (ratatui + crossterm): collect the files, start the analysis in the
//! background, then loop over arrivals (restoring the session) and keys → `App::update` →
//! effects (journal, write, quit) → a frame. Only `src/tui*` touches the terminal.

pub mod action;
pub mod app;
mod highlight;
mod keymap;
mod layout;
mod rows;
pub mod screen;
pub mod theme;
mod view;
mod widgets;
mod wrap;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;
use tf2_migrate_core::report::plural;

use anyhow::{Context, Result};
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use crate::cli::{ExitStatus, ReviewArgs};
use crate::commands;
use tf2_migrate_core::error::Error;
use tf2_migrate_core::pipeline::{self, Found, Settings};
use tf2_migrate_core::plan::FilePlan;
use tf2_migrate_core::scan::Candidate;
use tf2_migrate_core::session::{self, Journal, Restorer};

use app::{App, Effect};
use highlight::Highlighter;
use keymap::Keymap;
use screen::Screen;
use theme::{Depth, Palette, Theme};

/// How long the loop waits for a key before it looks at the signal flag again.
const POLL: Duration = Duration::from_millis(250);
/// The same while the analysis runs, so that files and progress show as they arrive.
pub const SCAN_POLL: Duration = Duration::from_millis(40);

/// Build the app over `plans` with a named theme and the default keys (used by `review`,
/// tests and benchmarks).
pub fn build_app(plans: Vec<FilePlan>, settings: Settings, theme: &str, depth: Depth, size: (u16, u16)) -> Result<App> {
    let palette = Palette::load(theme)?;
    let highlighter = Highlighter::new(theme::syntax_theme(&palette.syntax)?);
    Ok(App::new(plans, settings, Keymap::default(), Theme::new(&palette, depth), highlighter, size))
}

/// The keymap, patched by `$XDG_CONFIG_HOME/tf2-migrate/keys.toml` when it exists; a problem
/// in it is an error naming the file and line.
fn load_keymap() -> Result<Keymap> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    let Some(path) = config.map(|c| c.join("tf2-migrate/keys.toml")) else {
        return Ok(Keymap::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Keymap::default()),
        Err(e) => return Err(e).with_context(|| format!("{}", path.display())),
    };
    Keymap::from_toml(&text).map_err(|problems| {
        let lines: Vec<String> =
            problems.iter().map(|p| format!("{}:{}: {}", path.display(), p.line, p.message)).collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

/// What the background analysis says about one file: its index among the candidates and what
/// it is.
type Arrival = (usize, Found);

/// The background analysis as the UI sees it: results arrive over a channel and are moved into
/// the app (journalled decisions restored) on every tick of the event loop.
pub struct Scan {
    rx: Receiver<Arrival>,
    paths: Vec<PathBuf>,
    announced: bool,
    done: Arc<AtomicUsize>,
    total: usize,
    /// Every error so far (candidate collection first), listed on exit.
    pub errors: Vec<Error>,
    restorer: Option<Restorer>,
    finished: bool,
}

impl Scan {
    /// Start analysing `candidates` on a background thread.
    pub fn start(
        candidates: Vec<Candidate>,
        errors: Vec<Error>,
        settings: &Settings,
        restorer: Option<Restorer>,
    ) -> Self {
        let done = Arc::new(AtomicUsize::new(0));
        let total = candidates.len();
        let paths = candidates.iter().map(|c| c.path.clone()).collect();
        let rx = pipeline::spawn_analysis(candidates, settings.clone(), Arc::clone(&done));
        Self { rx, paths, announced: false, done, total, errors, restorer, finished: false }
    }

    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Move whatever has arrived into the app without waiting; true when the screen changes.
    pub fn drain(&mut self, app: &mut App) -> bool {
        if self.finished {
            return false;
        }
        let mut changed = false;
        if !self.announced {
            self.announced = true;
            app.expect(self.paths.iter().cloned());
            changed = true;
        }
        loop {
            match self.rx.try_recv() {
                Ok((i, found)) => {
                    match found {
                        Found::Plan(mut plan) => {
                            if let Some(r) = &mut self.restorer {
                                r.apply(&mut plan);
                            }
                            // As in the review itself: no accepted hunk without what it needs.
                            plan.enforce_requirements();
                            app.insert_plan(plan);
                            changed = true;
                        }
                        Found::Error(e) => self.errors.push(e),
                        Found::Clean => {}
                    }
                    if let Some(path) = self.paths.get(i) {
                        app.analysed(path);
                    }
                }
                Err(TryRecvError::Empty) => {
                    let progress = Some((self.done.load(Ordering::Relaxed), self.total));
                    changed |= app.scanning != progress;
                    app.scanning = progress;
                    return changed;
                }
                Err(TryRecvError::Disconnected) => {
                    self.finish(app);
                    return true;
                }
            }
        }
    }

    /// Everything is in: say what was restored (stale decisions can only be counted now) or
    /// what could not be read.
    fn finish(&mut self, app: &mut App) {
        self.finished = true;
        app.scanning = None;
        for path in &self.paths {
            app.analysed(path);
        }
        let restored = self.restorer.as_ref().map(Restorer::finish).unwrap_or_default();
        if restored.restored > 0 || restored.stale > 0 || restored.skipped > 0 {
            let skipped = if restored.skipped > 0 {
                format!(", {} unreadable journal lines skipped", restored.skipped)
            } else {
                String::new()
            };
            app.message = Some(format!(
                "restored {} from the last session ({} stale{skipped}); --fresh starts over",
                plural(restored.restored, "hunk decision"),
                restored.stale
            ));
        } else if !self.errors.is_empty() {
            let n = self.errors.len();
            let were = if n == 1 { "was" } else { "were" };
            app.message = Some(format!("{} could not be read or {were} skipped (listed on exit)", plural(n, "file")));
        }
    }
}

pub fn run_review(args: &ReviewArgs) -> Result<ExitStatus> {
    let settings = commands::settings(&args.common)?;
    let depth = Depth::detect(args.common.color, |k| std::env::var(k).ok());
    let theme = args.theme.as_deref().unwrap_or(theme::DEFAULT_THEME);

    let journal_path = args.session.clone().or_else(|| session::default_path(&session::roots(&args.common.paths)));
    let (mut journal, restorer) = match &journal_path {
        Some(path) => {
            let (journal, log) =
                Journal::open(path, args.fresh).with_context(|| format!("session journal {}", path.display()))?;
            (Some(journal), Some(Restorer::new(&log)))
        }
        None => (None, None),
    };

    // Configuration first, so that a mistake is reported on a normal screen.
    let keymap = load_keymap()?;
    let palette = Palette::load(theme)?;
    let highlighter = Highlighter::new(theme::syntax_theme(&palette.syntax)?);

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }

    // The walk is cheap; parsing and the rules run behind the UI.
    let (candidates, errors) = pipeline::candidates(&args.common.paths, &settings);
    let mut scan = Scan::start(candidates, errors, &settings, restorer);

    let mut terminal = ratatui::init();
    let size = terminal.size().map_or((80, 24), |s| (s.width, s.height));
    let mut app = App::new(Vec::new(), settings, keymap, Theme::new(&palette, depth), highlighter, size);
    let result = event_loop(terminal.backend_mut(), &mut app, &mut scan, journal.as_mut(), &stop);
    ratatui::restore();
    let failed = commands::print_errors(&scan.errors);
    result?;
    Ok(if failed { ExitStatus::Error } else { ExitStatus::Clean })
}

fn event_loop<B: Backend + Write>(
    backend: &mut B,
    app: &mut App,
    scan: &mut Scan,
    mut journal: Option<&mut Journal>,
    stop: &AtomicBool,
) -> Result<()> {
    let input = spawn_input();
    let mut screen = Screen::new();
    let mut dirty = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        dirty |= scan.drain(app);
        if dirty {
            // A terminal that went away cannot be drawn on: leave quietly.
            if screen.draw(backend, app).is_err() {
                return Ok(());
            }
            dirty = false;
        }
        let timeout = if scan.finished() { POLL } else { SCAN_POLL };
        let event = match input.recv_timeout(timeout) {
            Ok(Ok(event)) => event,
            // The terminal failed or the reader is gone: leave (the journal is already synced).
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return Ok(()),
            Err(RecvTimeoutError::Timeout) if terminal_gone() => return Ok(()),
            Err(RecvTimeoutError::Timeout) => continue,
        };
        let effect = match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => app.on_key(key),
            Event::Resize(w, h) => {
                app.resize((w, h));
                screen.invalidate();
                None
            }
            _ => None,
        };
        dirty = true;
        match effect {
            None => {}
            Some(Effect::Quit) => return Ok(()),
            Some(Effect::Journal(entries)) => record(app, journal.as_deref_mut(), &entries),
            Some(Effect::Write) => {
                let forget = app.write_accepted();
                record(app, journal.as_deref_mut(), &forget);
            }
        }
    }
}

/// Terminal events, read on a thread of their own. When its terminal goes away, crossterm's
/// reader loops on end-of-file inside `poll` and never returns, so the UI thread must never call
/// it: it waits on this channel with a timeout and so always sees a signal or a vanished terminal.
/// The reader thread dies with the process.
fn spawn_input() -> mpsc::Receiver<std::io::Result<Event>> {
    let (tx, rx) = mpsc::channel();
    let reader = move || {
        loop {
            let event = event::read();
            let failed = event.is_err();
            if tx.send(event).is_err() || failed {
                break;
            }
        }
    };
    if std::thread::Builder::new().name("terminal input".into()).spawn(reader).is_err() {
        // No thread: the receiver reports Disconnected and the UI leaves cleanly.
    }
    rx
}

/// Whether the controlling terminal has vanished (a dropped SSH link, a killed tmux pane): Linux
/// shows its device as "(deleted)". Elsewhere this says no, and the signals cover it.
fn terminal_gone() -> bool {
    ["/proc/self/fd/0", "/proc/self/fd/1"]
        .iter()
        .any(|fd| std::fs::read_link(fd).is_ok_and(|p| p.to_string_lossy().ends_with(" (deleted)")))
}

fn record(app: &mut App, journal: Option<&mut Journal>, entries: &[session::Entry]) {
    if let Some(j) = journal
        && let Err(e) = j.append(entries)
    {
        app.message =
            Some(format!("cannot save the session to {}: {e}", rows::display(&j.path().display().to_string())));
    }
}

#[cfg(test)]
mod tests;
