//! Hostile but legal Python (tests/fixtures/hostile, one file per shape): `tools/hostile_check.py`
//! runs the real binary over every fixture with `apply` and `apply --unsafe` under each strategy
//! and checks that the output compiles under `CPython`, keeps shebang and coding lines, every
//! comment, the statement structure and every argument's binding, that inserted lines come after
//! what they use, that `diff` output applies with `patch`, and that a second `apply` changes
//! nothing. Needs `python3` (standard library only); skipped with a note without it.

mod common;

#[test]
fn every_hostile_fixture_migrates_correctly() {
    common::python_check("hostile_check.py", &["tests/fixtures/hostile"]);
}
