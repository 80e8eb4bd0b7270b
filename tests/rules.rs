//! Fixture-driven rule tests: every `tests/fixtures/rules/*.py` is migrated with every fix
//! (review-level included); the snapshot shows the findings and the migrated text. Every output
//! must re-parse, parse with `CPython` (when python3 exists) and propose nothing when migrated again.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tf2_migrate_core::fix::Safety;
use tf2_migrate_core::pipeline::{self, Policy, Settings};
use tf2_migrate_core::report;
use tf2_migrate_core::rules::Strategy;
use tf2_migrate_core::source::{self, Encoding};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    files
}

/// Options from a `# tf2-migrate-test: --strategy compat` first line.
fn settings_for(text: &str) -> Settings {
    let mut settings = Settings::default();
    if let Some(args) = text.lines().next().and_then(|l| l.strip_prefix("# tf2-migrate-test:")) {
        let words: Vec<&str> = args.split_whitespace().collect();
        for pair in words.windows(2) {
            match pair {
                ["--strategy", "compat"] => settings.rules.strategy = Strategy::Compat,
                ["--strategy", "native"] => settings.rules.strategy = Strategy::Native,
                ["--target-tf", v] => settings.rules.target = v.parse().unwrap(),
                _ => {}
            }
        }
    }
    settings
}

const ALL_FIXES: Policy = Policy { min_safety: Safety::Review };

fn migrate(name: &str, text: &str, settings: &Settings) -> (String, String) {
    let (mut plan, _) =
        pipeline::check_text(name.into(), ".".into(), text.to_owned(), Encoding::Utf8 { bom: false }, settings);
    let mut findings = String::new();
    let mut sorted: Vec<_> = plan.findings.iter().collect();
    sorted.sort_by_key(|f| (f.range.start, f.rule.id()));
    for f in sorted {
        let l = report::locate(&plan, f);
        let _ = writeln!(findings, "{}:{} {} [{}] {}", l.line, l.column, l.safety, f.rule, f.message);
    }
    let out = pipeline::migrate(&mut plan, ALL_FIXES, settings)
        .expect("migration is verified")
        .unwrap_or_else(|| text.to_owned());
    (findings, out)
}

/// Which of `texts` `CPython`'s `ast.parse` accepts; `None` without python3.
pub fn cpython_parses(texts: &[String]) -> Option<Vec<bool>> {
    let script = "import ast,json,sys\nout=[]\nfor t in json.load(sys.stdin):\n    try:\n        ast.parse(t); out.append(True)\n    except SyntaxError:\n        out.append(False)\nprint(json.dumps(out))";
    let mut child =
        Command::new("python3").args(["-c", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().ok()?;
    child.stdin.take()?.write_all(serde_json::to_string(texts).ok()?.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    serde_json::from_slice(&out.stdout).ok()
}

#[test]
fn fixtures_migrate_as_snapshotted() {
    let mut originals = Vec::new();
    let mut outputs = Vec::new();
    for path in fixtures() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let settings = settings_for(&text);
        let (findings, out) = migrate(&name, &text, &settings);
        insta::assert_snapshot!(name.clone(), format!("{findings}\n----- migrated -----\n{out}"));

        let clean_before = !source::has_syntax_error(&source::parse(&text));
        if clean_before {
            assert!(!source::has_syntax_error(&source::parse(&out)), "{name}: output does not parse");
        }
        let (mut again, _) = pipeline::check_text(
            name.clone().into(),
            ".".into(),
            out.clone(),
            Encoding::Utf8 { bom: false },
            &settings,
        );
        let second = pipeline::migrate(&mut again, ALL_FIXES, &settings).unwrap();
        assert_eq!(second, None, "{name}: a second pass still rewrites (not idempotent)");
        originals.push(text);
        outputs.push(out);
    }
    if let (Some(before), Some(after)) = (cpython_parses(&originals), cpython_parses(&outputs)) {
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            assert!(!b || *a, "{}: CPython parsed the input but not the output", fixtures()[i].display());
        }
    } else {
        eprintln!("note: python3 not found; CPython parse check skipped");
    }
}

#[test]
fn python2_and_broken_regions_are_left_alone() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/python2.py")).unwrap();
    let (_, out) = migrate("python2", &text, &Settings::default());
    assert_eq!(out, text);
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/syntax_error.py"))
            .unwrap();
    let (_, out) = migrate("syntax_error", &text, &Settings::default());
    assert!(out.contains("def broken(:\n    return tf.log(y)"), "the broken statement is untouched:\n{out}");
    assert!(out.contains("a = tf.math.log(x)") && out.contains("b = tf.math.log(z)"), "the rest is migrated:\n{out}");
}
