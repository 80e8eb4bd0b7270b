//! The full-screen review UI (ratatui + crossterm). Placeholder until the UI lands.

use anyhow::{Result, bail};

use crate::cli::{ExitStatus, ReviewArgs};

pub fn run_review(_args: &ReviewArgs) -> Result<ExitStatus> {
    bail!("the review UI is not built yet; use `check`, `diff` or `apply`")
}
