//! A minimal stderr logger for `culvert up` and `culvert demo`.
//!
//! The level comes from `CULVERT_LOG` or `RUST_LOG` (`error`, `warn`, `info`,
//! `debug`, `trace`, `off`; only the plain level is understood), default `info`
//! for `up` and `warn` for `demo`. Lines carry seconds since start, the level
//! and the module.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

struct StderrLogger {
    start: Instant,
}

static LOGGER: OnceLock<StderrLogger> = OnceLock::new();

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let t = self.start.elapsed();
        let _ = writeln!(
            std::io::stderr().lock(),
            "{:>4}.{:03} {:<5} {}: {}",
            t.as_secs(),
            t.subsec_millis(),
            record.level(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {}
}

/// Installs the logger (once; later calls only change nothing).
pub fn init(default: log::LevelFilter) {
    let level = std::env::var("CULVERT_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|v| v.trim().parse::<log::LevelFilter>().ok())
        .unwrap_or(default);
    let logger = LOGGER.get_or_init(|| StderrLogger {
        start: Instant::now(),
    });
    if log::set_logger(logger).is_ok() {
        log::set_max_level(level);
    }
}
