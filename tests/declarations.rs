//! One declaration per rule: the safety every finding carries (and that of each alternative
//! fix) is one its rule's declaration in `core/src/rules/catalogue.rs` allows, so that
//! `tf2-migrate rules` tells the truth about `check`. Run over every rule fixture and the
//! example tree, under every strategy and both Keras worlds (2.15 and the newest release).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use tf2_migrate_core::fix::Safety;
use tf2_migrate_core::pipeline::{self, Settings};
use tf2_migrate_core::rules::{Rule, Strategy, TfVersion};
use tf2_migrate_core::source::Encoding;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            python_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "py") {
            out.push(p);
        }
    }
}

#[test]
fn every_finding_has_a_safety_its_rule_declares() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    python_files(&root.join("tests/fixtures/rules"), &mut files);
    python_files(&root.join("examples"), &mut files);
    files.sort();
    let mut seen: BTreeMap<Rule, BTreeSet<Safety>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for strategy in Strategy::ALL {
            for target in ["2.15".parse::<TfVersion>().unwrap(), TfVersion::NEWEST] {
                let mut settings = Settings::default();
                settings.rules.strategy = strategy;
                settings.rules.target = target;
                let (plan, _) = pipeline::check_text(
                    path.clone(),
                    ".".into(),
                    text.clone(),
                    Encoding::Utf8 { bom: false },
                    &settings,
                );
                for f in &plan.findings {
                    let info = f.rule.info();
                    let mut safeties: Vec<Safety> = f.fixes.iter().map(|x| x.safety).collect();
                    if safeties.is_empty() {
                        safeties.push(Safety::Manual);
                    }
                    for s in safeties {
                        seen.entry(f.rule).or_default().insert(s);
                        // Nothing is rewritten in a part of a file that does not parse.
                        let broken = s == Safety::Manual && !plan.parsed_cleanly;
                        if !info.allows(s) && !broken {
                            wrong.push(format!(
                                "{}: [{}] is {s} but declared {} ({strategy}, {target}): {}",
                                path.strip_prefix(root).unwrap().display(),
                                f.rule,
                                info.safety_label(),
                                f.message
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "findings whose safety their rule does not declare:\n{}", wrong.join("\n"));
    // The declarations are not wider than what the rules do: every declared safety of a rule the
    // fixtures exercise shows up. (Not `sometimes manual`: several rules' guidance-only cases,
    // such as `*args` hiding the argument order, have no fixture yet.)
    let mut unused = Vec::new();
    for (rule, safeties) in &seen {
        let info = rule.info();
        for s in info.safeties {
            if !safeties.contains(s) {
                unused.push(format!("{rule}: declared {s}, never seen"));
            }
        }
    }
    assert!(unused.is_empty(), "declared but not exercised by a fixture:\n{}", unused.join("\n"));
}
