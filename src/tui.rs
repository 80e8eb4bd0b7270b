//! The full-screen review UI (ratatui + crossterm): scan, restore the session, then loop over
//! keys → `App::update` → effects (journal, write, quit) → a frame. Only `src/tui*` touches the
//! terminal.

pub mod action;
pub mod app;
pub mod bench;
pub mod highlight;
pub mod keymap;
pub mod rows;
pub mod theme;
pub mod view;
pub mod widgets;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};

use crate::cli::{ExitStatus, ReviewArgs};
use crate::commands;
use crate::pipeline::Settings;
use crate::plan::FilePlan;
use crate::session::{self, Journal};

use app::{App, Effect};
use highlight::Highlighter;
use keymap::Keymap;
use theme::{Depth, Palette, Theme};

/// How long the loop waits for a key before it looks at the signal flag again.
const POLL: Duration = Duration::from_millis(250);

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

pub fn run_review(args: &ReviewArgs) -> Result<ExitStatus> {
    let settings = commands::settings(&args.common)?;
    let depth = Depth::detect(args.common.color, |k| std::env::var(k).ok());
    let theme = args.theme.as_deref().unwrap_or(theme::DEFAULT_THEME);
    let analysis = commands::analyse(&args.common, &settings);
    let mut plans = analysis.plans;

    let journal_path = args.session.clone().or_else(|| session::default_path(&session::roots(&args.common.paths)));
    let mut message = None;
    let mut journal = match &journal_path {
        Some(path) => {
            let (journal, entries) =
                Journal::open(path, args.fresh).with_context(|| format!("session journal {}", path.display()))?;
            let r = session::restore(&mut plans, &entries);
            if r.restored > 0 || r.stale > 0 {
                message = Some(format!(
                    "restored {} decisions from the last session ({} stale); --fresh starts over",
                    r.restored, r.stale
                ));
            }
            Some(journal)
        }
        None => None,
    };
    let errors = analysis.errors;
    if message.is_none() && !errors.is_empty() {
        message = Some(format!("{} files could not be read or were skipped (listed on exit)", errors.len()));
    }

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }

    let mut terminal = ratatui::init();
    let size = terminal.size().map_or((80, 24), |s| (s.width, s.height));
    let result = build_app(plans, settings, theme, depth, size).and_then(|mut app| {
        app.message = message;
        event_loop(&mut terminal, &mut app, journal.as_mut(), &stop)
    });
    ratatui::restore();
    let failed = commands::print_errors(&errors);
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
    mut journal: Option<&mut Journal>,
    stop: &AtomicBool,
) -> Result<()> {
    let mut dirty = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        if dirty {
            // A terminal that went away cannot be drawn on: leave quietly.
            if draw(terminal, app).is_err() {
                return Ok(());
            }
            dirty = false;
        }
        match event::poll(POLL) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(_) => return Ok(()),
        }
        let effect = match event::read() {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => app.on_key(key),
            Ok(Event::Resize(w, h)) => {
                app.size = (w, h);
                let (f, h) = (app.file, app.hunk);
                app.goto(f, h);
                None
            }
            Ok(_) => None,
            Err(_) => return Ok(()),
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
