//! Culvert's logs to the app: a foreign [`LogSink`] and a runtime [`LogLevel`].
//!
//! Without a sink, logs go to the platform's default (logcat through
//! `android_logger` on Android, the unified log through `oslog` on Apple
//! platforms, nowhere elsewhere). Culvert never logs a key or password; per-packet
//! lines are TRACE, state changes INFO.

use crate::guard::CallbackError;
use log::{LevelFilter, Log, Metadata, Record};
use std::cell::Cell;
use std::sync::{Arc, Once, RwLock};

/// How much Culvert logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Nothing.
    Off,
    /// Failures that stop something from working.
    Error,
    /// Problems Culvert works around (handshake retries, failed callbacks).
    Warn,
    /// State changes (tunnel up, handshake done, network changed). The default.
    Info,
    /// Decisions and addresses, for debugging a setup.
    Debug,
    /// Per-packet detail. Expensive.
    Trace,
}

impl From<LogLevel> for LevelFilter {
    fn from(level: LogLevel) -> Self {
        match level {
            LogLevel::Off => LevelFilter::Off,
            LogLevel::Error => LevelFilter::Error,
            LogLevel::Warn => LevelFilter::Warn,
            LogLevel::Info => LevelFilter::Info,
            LogLevel::Debug => LevelFilter::Debug,
            LogLevel::Trace => LevelFilter::Trace,
        }
    }
}

impl From<log::Level> for LogLevel {
    fn from(level: log::Level) -> Self {
        match level {
            log::Level::Error => LogLevel::Error,
            log::Level::Warn => LogLevel::Warn,
            log::Level::Info => LogLevel::Info,
            log::Level::Debug => LogLevel::Debug,
            log::Level::Trace => LogLevel::Trace,
        }
    }
}

/// One log line.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogRecord {
    /// Its level.
    pub level: LogLevel,
    /// The Rust module that logged it (`culvert_core::runtime`, ...).
    pub target: String,
    /// The text (never contains a key or password).
    pub text: String,
}

/// Receives Culvert's log lines; implement it in Kotlin or Swift.
///
/// Called from Culvert's own threads, possibly concurrently: keep it short and
/// thread-safe (hand the line to the platform logger or a queue). A log call made
/// from inside `log` (re-entrant) is dropped rather than recursing.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// Handles one line.
    fn log(&self, record: LogRecord) -> Result<(), CallbackError>;
}

static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
static INSTALL: Once = Once::new();
static DISPATCH: Dispatch = Dispatch;

thread_local! {
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// The process-wide `log` logger: the foreign sink if set, else the platform default.
struct Dispatch;

impl Log for Dispatch {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) || IN_SINK.with(Cell::get) {
            return;
        }
        let sink = SINK.read().ok().and_then(|s| s.clone());
        match sink {
            Some(sink) => {
                IN_SINK.with(|f| f.set(true));
                let line = LogRecord {
                    level: record.level().into(),
                    target: record.target().to_string(),
                    text: record.args().to_string(),
                };
                // A failing sink cannot log its own failure (that would recurse).
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink.log(line)));
                IN_SINK.with(|f| f.set(false));
            }
            None => platform::log(record),
        }
    }

    fn flush(&self) {}
}

/// Installs Culvert's logger once (no-op if another `log` logger already owns the process).
pub(crate) fn ensure_installed() {
    INSTALL.call_once(|| {
        if log::set_logger(&DISPATCH).is_ok() {
            log::set_max_level(LevelFilter::Info);
        }
    });
}

/// Sends Culvert's logs to `sink` (replacing any earlier sink); `None` returns
/// them to the platform default (logcat / unified log).
#[uniffi::export]
pub fn set_log_sink(sink: Option<Arc<dyn LogSink>>) {
    ensure_installed();
    if let Ok(mut slot) = SINK.write() {
        *slot = sink;
    }
}

/// Sets how much Culvert logs, at any time (default `Info`).
#[uniffi::export]
pub fn set_log_level(level: LogLevel) {
    ensure_installed();
    log::set_max_level(level.into());
}

/// Logs one line through Culvert's logger (for tests and for apps that want
/// their own lines interleaved with Culvert's).
#[uniffi::export]
pub fn log_message(level: LogLevel, text: String) {
    ensure_installed();
    let level = match level {
        LogLevel::Off => return,
        LogLevel::Error => log::Level::Error,
        LogLevel::Warn => log::Level::Warn,
        LogLevel::Info => log::Level::Info,
        LogLevel::Debug => log::Level::Debug,
        LogLevel::Trace => log::Level::Trace,
    };
    log::log!(target: "culvert::app", level, "{text}");
}

#[cfg(target_os = "android")]
mod platform {
    use std::sync::OnceLock;

    static LOGGER: OnceLock<android_logger::AndroidLogger> = OnceLock::new();

    pub(super) fn log(record: &log::Record) {
        let logger = LOGGER.get_or_init(|| {
            android_logger::AndroidLogger::new(
                android_logger::Config::default()
                    .with_tag("Culvert")
                    .with_max_level(log::LevelFilter::Trace),
            )
        });
        log::Log::log(logger, record);
    }
}

#[cfg(target_vendor = "apple")]
mod platform {
    use std::sync::OnceLock;

    static LOGGER: OnceLock<oslog::OsLogger> = OnceLock::new();

    pub(super) fn log(record: &log::Record) {
        // Not `level_filter`: that would reset the process-wide level.
        let logger = LOGGER.get_or_init(|| oslog::OsLogger::new("io.culvert"));
        log::Log::log(logger, record);
    }
}

#[cfg(not(any(target_os = "android", target_vendor = "apple")))]
mod platform {
    /// No platform logger on this target: set a sink to see Culvert's logs.
    pub(super) fn log(_record: &log::Record) {}
}
