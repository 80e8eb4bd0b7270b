//! `cargo bench --bench tui`: the review UI's first-frame, key → frame and bytes-per-frame figures.

fn main() -> anyhow::Result<()> {
    print!("{}", tf2_migrate::tui::bench::run()?);
    Ok(())
}
