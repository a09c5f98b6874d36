// Culvert's logs in Swift: sinks for the Rust core's `LogSink` trait.
//
// By default (no sink set) the Rust core writes to the unified log itself
// (subsystem `io.culvert`), so `os_log` / Console.app show Culvert's lines with no
// setup. Set a sink to route them elsewhere (a file, the app's own logger, a test).
// Culvert never logs a key or password; per-packet lines are TRACE, state changes INFO.

import Foundation
#if canImport(os)
import os
#endif

/// A `LogSink` that hands each line to a closure. The closure runs on Culvert's
/// threads, possibly concurrently: keep it short and thread-safe.
public final class ClosureLogSink: LogSink, @unchecked Sendable {
    private let handler: @Sendable (LogRecord) -> Void

    /// Creates a sink calling `handler` for every line.
    public init(_ handler: @escaping @Sendable (LogRecord) -> Void) {
        self.handler = handler
    }

    /// Called by Culvert for one line.
    public func log(record: LogRecord) throws {
        handler(record)
    }
}

#if canImport(os)
/// A `LogSink` writing to the unified log (`os_log`), one category per Rust
/// module. Lines are marked public: Culvert never puts a secret in a log line,
/// and addresses appear only at DEBUG and below.
public final class OSLogSink: LogSink, @unchecked Sendable {
    private let subsystem: String
    private let lock = NSLock()
    private var loggers: [String: Logger] = [:]

    /// Creates a sink logging under `subsystem`.
    public init(subsystem: String = "io.culvert") {
        self.subsystem = subsystem
    }

    /// Called by Culvert for one line.
    public func log(record: LogRecord) throws {
        lock.lock()
        let logger = loggers[record.target] ?? Logger(subsystem: subsystem, category: record.target)
        loggers[record.target] = logger
        lock.unlock()
        switch record.level {
        case .error: logger.error("\(record.text, privacy: .public)")
        case .warn: logger.warning("\(record.text, privacy: .public)")
        case .info: logger.info("\(record.text, privacy: .public)")
        case .debug: logger.debug("\(record.text, privacy: .public)")
        case .trace: logger.trace("\(record.text, privacy: .public)")
        case .off: break
        }
    }
}
#endif

/// Process-wide logging setup.
public enum CulvertLogging {
    /// Routes Culvert's logs to `sink` (`nil`: back to the unified log) at `level`.
    public static func configure(level: LogLevel = .info, sink: LogSink? = nil) {
        setLogLevel(level: level)
        setLogSink(sink: sink)
    }
}
