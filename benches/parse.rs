//! `cargo bench --bench parse`: where a cold `check` of one file goes, on one thread: tree-sitter's
//! parse alone against the whole analysis (parse, the node list, the `CPython` checks, the rules and
//! the plan). The parse is the floor of this design; the rest is what the rules cost.
//!
//! The tree is `$PARSE_BENCH_TREE` (default: `examples/`); every `.py` file under it (outside
//! `site-packages` and `dist-packages` folders) is read once, then each measure is the best of
//! `$PARSE_BENCH_RUNS` (default 5) passes over all of them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tf2_migrate_core::pipeline::{self, Settings};
use tf2_migrate_core::source::{self, Encoding};

// The allocator of the binary, so that both measures allocate as `check` does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            // Installed packages under a Python's library folder (`tools/pgo-build.sh` trains
            // on the standard library, not on whatever is installed beside it).
            if p.file_name().is_some_and(|n| n == "site-packages" || n == "dist-packages") {
                continue;
            }
            python_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "py") {
            out.push(p);
        }
    }
}

/// The best time of `runs` passes of `pass`.
fn best(runs: usize, mut pass: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            pass();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let tree = std::env::var_os("PARSE_BENCH_TREE")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"), PathBuf::from);
    let runs = std::env::var("PARSE_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut paths = Vec::new();
    python_files(&tree, &mut paths);
    let files: Vec<(PathBuf, String)> =
        paths.into_iter().filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t))).collect();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let settings = Settings::default();

    let parse = best(runs, || {
        for (_, text) in &files {
            std::hint::black_box(source::parse(text));
        }
    });
    let check = best(runs, || {
        for (path, text) in &files {
            let plan = pipeline::check_text(
                path.clone(),
                tree.clone(),
                text.clone(),
                Encoding::Utf8 { bom: false },
                &settings,
            );
            std::hint::black_box(plan);
        }
    });
    let mb = bytes as f64 / 1e6;
    println!("tree: {} ({} files, {:.2} MB), best of {runs}, one thread", tree.display(), files.len(), mb);
    println!("  parse only:      {:>8.3} s  ({:.1} MB/s)", parse.as_secs_f64(), mb / parse.as_secs_f64());
    println!("  whole analysis:  {:>8.3} s  ({:.1} MB/s)", check.as_secs_f64(), mb / check.as_secs_f64());
    println!("  parse share:     {:>7.1} %", 100.0 * parse.as_secs_f64() / check.as_secs_f64());
}
