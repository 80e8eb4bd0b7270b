//! Errors of the core: each names the file and the reason.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("{path}: skipped: {reason}")]
    Skipped { path: PathBuf, reason: String },
    #[error("{path}: cannot decode: {reason}")]
    Undecodable { path: PathBuf, reason: String },
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("{path}: not written: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("{path}: changed on disk since it was read; not written (run again to see the new text)")]
    Conflict { path: PathBuf },
}

impl Error {
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Read { path, .. }
            | Self::Skipped { path, .. }
            | Self::Undecodable { path, .. }
            | Self::Write { path, .. }
            | Self::Refused { path, .. }
            | Self::Conflict { path } => path,
        }
    }
}
