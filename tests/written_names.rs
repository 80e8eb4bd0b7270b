//! Every name the rewrite tables know (renames, contrib, private paths, Keras modules), used as an
//! attribute and through a from-import, migrated by the real binary under each strategy:
//! `tools/written_names_check.py` checks with `tools/api_check.py` that the output names nothing
//! the recorded TensorFlow 2.21 API lacks unless the input named it already (known failures:
//! `tests/written_names_known.txt`). Needs `python3` (standard library only); skipped with a note
//! without it.

mod common;

#[test]
fn every_name_written_exists_in_tensorflow_2_21() {
    common::python_check("written_names_check.py", &["--known", "tests/written_names_known.txt"]);
}
