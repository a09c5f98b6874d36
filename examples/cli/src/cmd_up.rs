//! `culvert up`.

use clap::Args;

/// Arguments of `culvert up`.
#[derive(Args)]
pub struct UpArgs {}

/// Runs `culvert up`; returns the exit code.
pub fn run(_args: UpArgs) -> u8 {
    eprintln!("culvert up: not built yet");
    2
}
