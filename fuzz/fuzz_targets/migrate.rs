//! Fuzz the whole pipeline on one text: parse → propose → apply everything (review-level and
//! every alternative) → verify. Panics fail; so does a rewrite tree-sitter cannot parse when the
//! input parsed, and a second pass that still changes the text (idempotence).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tf2_migrate_core::fix::Safety;
use tf2_migrate_core::pipeline::{self, Policy, Settings};
use tf2_migrate_core::plan::Decision;
use tf2_migrate_core::rules::{Options, Strategy};
use tf2_migrate_core::source::{self, Encoding};

const EVERYTHING: Policy = Policy {
    min_safety: Safety::Review,
};

fn settings(strategy: Strategy) -> Settings {
    Settings {
        rules: Options {
            strategy,
            ..Options::default()
        },
        ..Settings::default()
    }
}

fn plan(text: &str, settings: &Settings) -> tf2_migrate_core::plan::FilePlan {
    pipeline::check_text(
        "f.py".into(),
        ".".into(),
        text.to_owned(),
        Encoding::Utf8 { bom: false },
        settings,
    )
    .0
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let strategy = [Strategy::Upgrade, Strategy::Native, Strategy::Compat][usize::from(selector % 3)];
    let settings = settings(strategy);

    // Every alternative, everything accepted (the review UI path).
    let mut alt = plan(text, &settings);
    for i in 0..alt.findings.len() {
        alt.choices[i] = usize::from(selector / 3) % alt.findings[i].fixes.len().max(1);
    }
    alt.decide_where(Decision::Accepted, |_, _| true);
    let _ = alt.apply_accepted();
    for h in 0..alt.hunks.len() {
        let _ = alt.hunk_texts(h);
    }

    // `apply --unsafe`.
    let mut p = plan(text, &settings);
    if pipeline::not_rewritable(&p).is_some() {
        return;
    }
    if let Ok(Some(out)) = pipeline::migrate(&mut p, EVERYTHING, &settings) {
        if p.parsed_cleanly {
            assert!(
                !source::has_syntax_error(&source::parse(&out)),
                "a rewrite broke the syntax"
            );
        }
        let mut again = plan(&out, &settings);
        if let Ok(Some(third)) = pipeline::migrate(&mut again, EVERYTHING, &settings) {
            panic!("not idempotent:\n{out}\n---\n{third}");
        }
    }
});
