//! How safe a rewrite is and how much a finding matters: the two levels every finding carries.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How safe a rewrite is. Ordered: `Manual < Review < Safe`, so a threshold is one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// No automatic rewrite: guidance only.
    Manual,
    /// A rewrite exists, but behaviour or semantics may change; the message says how.
    Review,
    /// Same behaviour: the rewrite only moves to a new name or spelling.
    Safe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::Review => "review",
            Self::Safe => "safe",
        }
    }
}

impl fmt::Display for Safety {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a finding matters if left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Works on TF2 as is; a cleaner spelling exists.
    Info,
    /// May work, but behaviour differs or is deprecated.
    Warning,
    /// Fails on TF2 (missing symbol, removed argument, unparseable file).
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
