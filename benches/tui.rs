//! `cargo bench --bench tui`: benchmarks of the review UI. First frame over 1,000
//! flagged files (analysed in the background) and the time until all are in, key press → frame
//! on a 10,000-line file, bytes sent per next-hunk frame.
//! Frames go to a `CrosstermBackend` over a `Vec<u8>`, wrapped in synchronized output.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::Result;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use tf2_migrate::tui::action::Action;
use tf2_migrate::tui::theme::Depth;
use tf2_migrate::tui::{SCAN_POLL, Scan, build_app, draw};
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

fn terminal(sink: Sink) -> Result<Terminal<CrosstermBackend<Sink>>> {
    Ok(Terminal::with_options(
        CrosstermBackend::new(sink),
        TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, SIZE.0, SIZE.1)) },
    )?)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Run every benchmark and describe the results.
fn run() -> Result<String> {
    let mut out = String::new();
    let settings = Settings::default();

    // 1. First frame over a generated tree of 1,000 flagged files (scan included).
    let dir = tempfile::tempdir()?;
    for i in 0..1000 {
        let sub = dir.path().join(format!("pkg{}", i / 100));
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join(format!("m{i}.py")), format!("import tensorflow as tf\n\n{}", CHUNK.repeat(5)))?;
    }
    // The real path: the walk, the analysis started behind the UI, the UI built, whatever has
    // arrived drained, the first frame drawn; then frames every SCAN_POLL until all is in.
    let start = Instant::now();
    let (candidates, errors) = pipeline::candidates(&[dir.path().to_path_buf()], &settings);
    let walked = start.elapsed();
    let mut scan = Scan::start(candidates, errors, &settings, None);
    let mut app = build_app(Vec::new(), settings.clone(), "dark", Depth::TrueColor, SIZE)?;
    scan.drain(&mut app);
    let mut term = terminal(Sink::default())?;
    draw(&mut term, &app)?;
    let first = start.elapsed();
    let shown = app.plans.len();
    let mut frames = 1;
    let mut first_file = (shown > 0).then_some(first);
    while !scan.finished() {
        std::thread::sleep(SCAN_POLL);
        if scan.drain(&mut app) {
            draw(&mut term, &app)?;
            frames += 1;
            if first_file.is_none() && !app.plans.is_empty() {
                first_file = Some(start.elapsed());
            }
        }
    }
    let all_in = start.elapsed();
    writeln!(
        out,
        "first frame, 1,000 flagged files streamed: {:.1} ms ({:.1} ms walk; {shown} files in at that frame); first file on screen after {:.1} ms; all {} files in after {:.1} ms ({frames} frames drawn meanwhile)",
        ms(first),
        ms(walked),
        ms(first_file.unwrap_or_default()),
        app.plans.len(),
        ms(all_in)
    )?;

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
    let mut term = terminal(sink.clone())?;
    draw(&mut term, &app)?;
    let first = start.elapsed();
    let keys = 500;
    let mut worst = Duration::ZERO;
    let start = Instant::now();
    for _ in 0..keys {
        let t = Instant::now();
        app.update(Action::NextHunk);
        draw(&mut term, &app)?;
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

    // 3. Bytes written per next-hunk frame at 120x40 (same file, from its start).
    app.update(Action::First);
    draw(&mut term, &app)?;
    let (mut sum, mut max, n) = (0, 0, 200);
    for _ in 0..n {
        sink.0.borrow_mut().clear();
        app.update(Action::NextHunk);
        draw(&mut term, &app)?;
        let bytes = sink.0.borrow().len();
        sum += bytes;
        max = max.max(bytes);
    }
    writeln!(
        out,
        "bytes per next-hunk frame at 120x40: mean {} B, max {max} B over {n} frames (synchronized output included)",
        sum / n
    )?;
    Ok(out)
}

fn main() -> Result<()> {
    print!("{}", run()?);
    Ok(())
}
