//! The full-screen review UI (ratatui + crossterm): collect the files, start the analysis in the
//! background, then loop over arrivals (restoring the session) and keys → `App::update` →
//! effects (journal, write, quit) → a frame. Only `src/tui*` touches the terminal.

pub mod action;
pub mod app;
pub mod highlight;
pub mod keymap;
pub mod rows;
pub mod theme;
pub mod view;
pub mod widgets;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};

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
use theme::{Depth, Palette, Theme};

/// How long the loop waits for a key before it looks at the signal flag again.
const POLL: Duration = Duration::from_millis(250);
/// The same while the analysis runs, so that files and progress show as they arrive.
pub const SCAN_POLL: Duration = Duration::from_millis(40);

/// Build the app over `plans` with a named theme (used by `review`, tests and benchmarks).
pub fn build_app(plans: Vec<FilePlan>, settings: Settings, theme: &str, depth: Depth, size: (u16, u16)) -> Result<App> {
    let palette = Palette::load(theme)?;
    let highlighter = Highlighter::new(theme::syntax_theme(&palette.syntax)?);
    Ok(App::new(plans, settings, load_keymap(), Theme::new(&palette, depth), highlighter, size))
}

/// The keymap, patched by `$XDG_CONFIG_HOME/tf2-migrate/keys.toml` when it exists.
fn load_keymap() -> Keymap {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    let Some(path) = config.map(|c| c.join("tf2-migrate/keys.toml")) else {
        return Keymap::default();
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let (map, problems) = Keymap::with_overrides(&text);
            for p in problems {
                eprintln!("tf2-migrate: {}: {p}", path.display());
            }
            map
        }
        Err(_) => Keymap::default(),
    }
}

/// The background analysis as the UI sees it: results arrive over a channel and are moved into
/// the app (journalled decisions restored) on every tick of the event loop.
pub struct Scan {
    rx: Receiver<Found>,
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
        let rx = pipeline::spawn_analysis(candidates, settings.clone(), Arc::clone(&done));
        Self { rx, done, total, errors, restorer, finished: false }
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
        loop {
            match self.rx.try_recv() {
                Ok(Found::Plan(mut plan)) => {
                    if let Some(r) = &mut self.restorer {
                        r.apply(&mut plan);
                    }
                    app.insert_plan(plan);
                    changed = true;
                }
                Ok(Found::Error(e)) => self.errors.push(e),
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
        let restored = self.restorer.as_ref().map(Restorer::finish).unwrap_or_default();
        if restored.restored > 0 || restored.stale > 0 {
            app.message = Some(format!(
                "restored {} decisions from the last session ({} stale); --fresh starts over",
                restored.restored, restored.stale
            ));
        } else if !self.errors.is_empty() {
            app.message =
                Some(format!("{} files could not be read or were skipped (listed on exit)", self.errors.len()));
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
            let (journal, entries) =
                Journal::open(path, args.fresh).with_context(|| format!("session journal {}", path.display()))?;
            (Some(journal), Some(Restorer::new(&entries)))
        }
        None => (None, None),
    };

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }

    // The walk is cheap; parsing and the rules run behind the UI.
    let (candidates, errors) = pipeline::candidates(&args.common.paths, &settings);
    let mut scan = Scan::start(candidates, errors, &settings, restorer);

    let mut terminal = ratatui::init();
    let size = terminal.size().map_or((80, 24), |s| (s.width, s.height));
    let result = build_app(Vec::new(), settings, theme, depth, size)
        .and_then(|mut app| event_loop(&mut terminal, &mut app, &mut scan, journal.as_mut(), &stop));
    ratatui::restore();
    let failed = commands::print_errors(&scan.errors);
    result?;
    Ok(if failed { ExitStatus::Error } else { ExitStatus::Clean })
}

/// Draw one frame inside a synchronized update (no tearing, one burst of bytes).
pub fn draw<B: Backend + Write>(terminal: &mut Terminal<B>, app: &App) -> Result<()> {
    execute!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| frame.render_widget(app, frame.area())).map_err(|e| anyhow::anyhow!("draw: {e}"))?;
    execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    Ok(())
}

fn event_loop<B: Backend + Write>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    scan: &mut Scan,
    mut journal: Option<&mut Journal>,
    stop: &AtomicBool,
) -> Result<()> {
    let input = spawn_input();
    let mut dirty = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        dirty |= scan.drain(app);
        if dirty {
            // A terminal that went away cannot be drawn on: leave quietly.
            if draw(terminal, app).is_err() {
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
                app.size = (w, h);
                let (f, h) = (app.file, app.hunk);
                app.goto(f, h);
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
