//! The engine of tf2-migrate: move TensorFlow 1.x and standalone Keras code to TensorFlow 2 and
//! tf.keras, as byte-range edits on the original text.
//!
//! `scan` → `source` → `resolve` → `rules` → `plan` → `apply` → `write`, with `pipeline` wiring
//! them for every command, `report` printing text, and `session` keeping review decisions;
//! `notebook` reads Jupyter notebooks as programs and maps their edits back into the JSON. Nothing
//! here knows about terminals or command lines: the `tf2-migrate` crate adds those.

// The safe writer keeps Unix modes, owners and link counts; no Windows path exists yet.
#[cfg(not(unix))]
compile_error!("tf2-migrate supports Unix-like systems (Linux, macOS); on Windows, use it under WSL");

pub mod apply;
pub mod cache;
pub mod deps;
pub mod diff;
pub mod error;
pub mod fix;
pub mod notebook;
pub mod pipeline;
pub mod plan;
pub mod report;
pub(crate) mod resolve;
pub mod rules;
pub mod safety;
pub mod sarif;
pub mod scan;
pub mod session;
pub mod source;
pub mod text;
pub(crate) mod write;
