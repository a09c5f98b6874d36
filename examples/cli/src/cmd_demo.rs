//! `culvert demo`.

use clap::Args;

/// Arguments of `culvert demo`.
#[derive(Args)]
pub struct DemoArgs {}

/// Runs `culvert demo`; returns the exit code.
pub fn run(_args: DemoArgs) -> u8 {
    eprintln!("culvert demo: not built yet");
    2
}
