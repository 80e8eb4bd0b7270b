//! `cargo bench --bench tui`: benchmarks of the review UI. First frame over 1,000
//! flagged files (analysed in the background) and the time until all are in (also over the tree
//! in `$TUI_BENCH_TREE`), key press → frame
//! on a 10,000-line file, bytes sent per next-hunk frame.
//! Frames go to a `CrosstermBackend` over a `Vec<u8>`, wrapped in synchronized output.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

use tf2_migrate::tui::action::Action;
use tf2_migrate::tui::app::App;
use tf2_migrate::tui::screen::Screen;
use tf2_migrate::tui::theme::Depth;
use tf2_migrate::tui::{SCAN_POLL, Scan, build_app};
use tf2_migrate_core::pipeline::{self, Settings};
use tf2_migrate_core::source::Encoding;

const SIZE: (u16, u16) = (120, 40);

const CHUNK: &str = "\
x = tf.placeholder(tf.float32, [None, 3])
y = tf.log(x)  # a comment
z = tf.to_float(y)

";

/// A writer that keeps what it is sent, shared so the count can be read back.
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A crossterm backend over a `Sink`, with a fixed size (no terminal to ask).
struct Term(CrosstermBackend<Sink>, (u16, u16));

impl std::io::Write for Term {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::Write::flush(&mut self.0)
    }
}

impl Backend for Term {
    type Error = std::io::Error;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(&mut self, content: I) -> std::io::Result<()> {
        self.0.draw(content)
    }
    fn hide_cursor(&mut self) -> std::io::Result<()> {
        self.0.hide_cursor()
    }
    fn show_cursor(&mut self) -> std::io::Result<()> {
        self.0.show_cursor()
    }
    fn get_cursor_position(&mut self) -> std::io::Result<Position> {
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> std::io::Result<()> {
        self.0.set_cursor_position(p)
    }
    fn clear(&mut self) -> std::io::Result<()> {
        self.0.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> std::io::Result<()> {
        self.0.clear_region(clear_type)
    }
    fn size(&self) -> std::io::Result<Size> {
        Ok(Size::new(self.1.0, self.1.1))
    }
    fn window_size(&mut self) -> std::io::Result<WindowSize> {
        Ok(WindowSize { columns_rows: Size::new(self.1.0, self.1.1), pixels: Size::new(0, 0) })
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Backend::flush(&mut self.0)
    }
}

fn terminal(sink: Sink) -> Term {
    Term(CrosstermBackend::new(sink), SIZE)
}

/// Bytes sent per next-hunk frame over `n` presses from the first hunk: (mean, max).
fn bytes_per_move(app: &mut App, size: (u16, u16), n: usize) -> Result<(usize, usize)> {
    let sink = Sink::default();
    let mut term = Term(CrosstermBackend::new(sink.clone()), size);
    let mut screen = Screen::new();
    app.resize(size);
    app.update(Action::First);
    screen.draw(&mut term, app)?;
    let (mut sum, mut max) = (0, 0);
    for _ in 0..n {
        sink.0.borrow_mut().clear();
        app.update(Action::NextHunk);
        screen.draw(&mut term, app)?;
        let bytes = sink.0.borrow().len();
        if std::env::var_os("TUI_BENCH_DEBUG").is_some() && bytes > 3000 {
            eprintln!("{bytes} B: {:?}", String::from_utf8_lossy(&sink.0.borrow()[..bytes.min(300)]));
        }
        sum += bytes;
        max = max.max(bytes);
    }
    Ok((sum / n, max))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Time to the first frame of a review over `dir` (walk, analysis behind the UI, UI built,
/// first frame drawn), then until every file is in, drawing every `SCAN_POLL` meanwhile.
fn first_frame(dir: &std::path::Path, what: &str, settings: &Settings) -> Result<String> {
    let start = Instant::now();
    let (candidates, errors) = pipeline::candidates(&[dir.to_path_buf()], settings);
    let walked = start.elapsed();
    let mut scan = Scan::start(candidates, errors, settings, None);
    let mut app = build_app(Vec::new(), settings.clone(), "dark", Depth::TrueColor, SIZE)?;
    scan.drain(&mut app);
    let mut term = terminal(Sink::default());
    let mut screen = Screen::new();
    screen.draw(&mut term, &app)?;
    let first = start.elapsed();
    let shown = app.file_count();
    let mut frames = 1;
    let mut first_file = (shown > 0).then_some(first);
    while !scan.finished() {
        std::thread::sleep(SCAN_POLL);
        if scan.drain(&mut app) {
            screen.draw(&mut term, &app)?;
            frames += 1;
            if first_file.is_none() && app.file_count() > 0 {
                first_file = Some(start.elapsed());
            }
        }
    }
    let all_in = start.elapsed();
    Ok(format!(
        "first frame, {what}: {:.1} ms ({:.1} ms walk; {shown} files in at that frame); first file on screen after {:.1} ms; all {} files in after {:.1} ms ({frames} frames drawn meanwhile)\n",
        ms(first),
        ms(walked),
        ms(first_file.unwrap_or_default()),
        app.file_count(),
        ms(all_in)
    ))
}

/// Run every benchmark and describe the results.
fn run() -> Result<String> {
    let mut out = String::new();
    let settings = Settings::default();

    // 1. First frame over a generated tree of 1,000 flagged files (scan included), and over
    // the tree in $TUI_BENCH_TREE if set (e.g. the synthetic monorepo of benches/bench.sh).
    let dir = tempfile::tempdir()?;
    for i in 0..1000 {
        let sub = dir.path().join(format!("pkg{}", i / 100));
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join(format!("m{i}.py")), format!("import tensorflow as tf\n\n{}", CHUNK.repeat(5)))?;
    }
    out.push_str(&first_frame(dir.path(), "1,000 flagged files streamed", &settings)?);
    if let Some(tree) = std::env::var_os("TUI_BENCH_TREE") {
        let tree = PathBuf::from(tree);
        out.push_str(&first_frame(&tree, &tree.display().to_string(), &settings)?);
    }

    // 2. Key press → frame on a 10,000-line file.
    let mut text = String::from("import tensorflow as tf\n\n");
    while text.lines().count() < 10_000 {
        text.push_str(CHUNK);
    }
    let lines = text.lines().count();
    let (plan, _) = pipeline::check_text(
        PathBuf::from("big.py"),
        PathBuf::from("."),
        text,
        Encoding::Utf8 { bom: false },
        &settings,
    );
    let hunks = plan.hunks.len();
    let start = Instant::now();
    let mut app = build_app(vec![plan], settings, "dark", Depth::TrueColor, SIZE)?;
    let sink = Sink::default();
    let mut term = terminal(sink.clone());
    let mut screen = Screen::new();
    screen.draw(&mut term, &app)?;
    let first = start.elapsed();
    let keys = 500;
    let mut worst = Duration::ZERO;
    let start = Instant::now();
    for _ in 0..keys {
        let t = Instant::now();
        app.update(Action::NextHunk);
        screen.draw(&mut term, &app)?;
        worst = worst.max(t.elapsed());
    }
    let mean = start.elapsed() / keys;
    writeln!(
        out,
        "10,000-line file ({lines} lines, {hunks} hunks): first frame {:.1} ms; key → frame mean {:.3} ms, worst {:.3} ms over {keys} next-hunk presses",
        ms(first),
        ms(mean),
        ms(worst)
    )?;

    bytes_report(&mut app, &mut out)?;
    Ok(out)
}

/// Bytes written per next-hunk frame at 120x40 on `app` (the dense file, from its start), then
/// with hunks far apart (every move a new page), then at 80x24. `TUI_BENCH_DEBUG=1` prints the
/// start of every frame over 3,000 bytes.
fn bytes_report(app: &mut App, out: &mut String) -> Result<()> {
    let n = 200;
    let (mean, max) = bytes_per_move(app, SIZE, n)?;
    writeln!(
        out,
        "bytes per next-hunk frame at 120x40: mean {mean} B, max {max} B over {n} frames (synchronized output included)"
    )?;
    let mut sparse = String::from("import tensorflow as tf\n\n");
    for i in 0..120 {
        sparse.push_str(CHUNK);
        for k in 0..40 {
            let _ = writeln!(sparse, "value_{i}_{k} = compute(value_{i}, {k}) + offset  # unchanged line");
        }
    }
    let (plan, _) = pipeline::check_text(
        PathBuf::from("sparse.py"),
        PathBuf::from("."),
        sparse,
        Encoding::Utf8 { bom: false },
        &Settings::default(),
    );
    // Over SSH without COLORTERM the theme has 256 colours (xterm-256color) or 16 (xterm).
    for (depth, what) in
        [(Depth::TrueColor, "truecolor"), (Depth::Ansi256, "256 colours"), (Depth::Ansi16, "16 colours")]
    {
        let mut far = build_app(vec![plan.clone()], Settings::default(), "dark", depth, SIZE)?;
        let (mean, max) = bytes_per_move(&mut far, SIZE, 100)?;
        writeln!(
            out,
            "  hunks 40 lines apart (each move a new page), {what}: mean {mean} B, max {max} B over 100 frames"
        )?;
    }
    let (mean, max) = bytes_per_move(app, (80, 24), n)?;
    writeln!(out, "  at 80x24 (dense file): mean {mean} B, max {max} B over {n} frames")?;
    Ok(())
}

fn main() -> Result<()> {
    print!("{}", run()?);
    Ok(())
}
