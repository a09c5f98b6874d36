//! Bridges boringtun's `tracing` output into the `log` crate at Culvert's levels.
//!
//! boringtun logs routine protocol events (a handshake retry, an expired session)
//! at WARN and ERROR. Culvert logs state changes itself, so boringtun's records
//! are lowered: ERROR → INFO, WARN and INFO → DEBUG, DEBUG → DEBUG, TRACE → TRACE.
//! Installed once, as the global `tracing` dispatcher, unless the app installed
//! its own first. boringtun logs indices, never keys.
//!
//! Every callsite's interest is "sometimes": `tracing` then asks
//! [`Subscriber::enabled`] at each event instead of caching the answer it got
//! the first time a callsite ran, so raising the `log` level after start (e.g.
//! `set_log_level(Debug)`) shows boringtun's lines too. The check is one
//! comparison with `log`'s max level.

use std::fmt::Write as _;
use std::sync::Once;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

struct Bridge;

fn map_level(level: &Level) -> log::Level {
    match *level {
        Level::ERROR => log::Level::Info,
        Level::WARN | Level::INFO | Level::DEBUG => log::Level::Debug,
        Level::TRACE => log::Level::Trace,
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, "{}={value}", field.name());
        }
    }
}

impl Subscriber for Bridge {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> Interest {
        // Never cache "never": the log level can change at run time.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        log::log_enabled!(target: "boringtun", map_level(metadata.level()))
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let level = map_level(metadata.level());
        if !log::log_enabled!(target: "boringtun", level) {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        log::log!(target: "boringtun", level, "{}", message.0);
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// Installs the bridge (once per process; a no-op if a dispatcher is already set).
pub(crate) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if tracing::dispatcher::set_global_default(tracing::Dispatch::new(Bridge)).is_err() {
            log::debug!("a tracing subscriber is already installed; boringtun logs go there");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routine_boringtun_warnings_are_lowered() {
        assert_eq!(map_level(&Level::WARN), log::Level::Debug);
        assert_eq!(map_level(&Level::ERROR), log::Level::Info);
        assert_eq!(map_level(&Level::TRACE), log::Level::Trace);
    }
}
