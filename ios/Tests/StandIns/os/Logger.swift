// Stand-in for Apple's `os` module: the `Logger` API Culvert uses (iOS 14+, macOS 11+).
// Transcribed from developer.apple.com/documentation/os/logger. Compile check only.

/// `OSLogPrivacy`: how an interpolated value is shown in the log.
public struct OSLogPrivacy: Sendable {
    /// `.public`.
    public static let `public` = OSLogPrivacy()
    /// `.private`.
    public static let `private` = OSLogPrivacy()
    /// `.auto`.
    public static let auto = OSLogPrivacy()
}

/// `OSLogMessage`: a string literal with privacy-annotated interpolations.
public struct OSLogMessage: ExpressibleByStringInterpolation, ExpressibleByStringLiteral {
    /// The interpolation type.
    public struct StringInterpolation: StringInterpolationProtocol {
        var text = ""
        /// Creates an interpolation.
        public init(literalCapacity: Int, interpolationCount: Int) {}
        /// Appends a literal segment.
        public mutating func appendLiteral(_ literal: String) { text += literal }
        /// `appendInterpolation(_:align:privacy:)` for strings (alignment omitted: Culvert does not use it).
        public mutating func appendInterpolation(_ argumentString: @autoclosure @escaping () -> String,
                                                 privacy: OSLogPrivacy = .auto) {
            text += argumentString()
        }
    }

    let text: String
    /// Creates a message from a literal.
    public init(stringLiteral value: String) { text = value }
    /// Creates a message from an interpolation.
    public init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }
}

/// `Logger` (a value type Apple declares Sendable).
@available(iOS 14.0, macOS 11.0, *)
public struct Logger: @unchecked Sendable {
    /// `init(subsystem:category:)`.
    public init(subsystem: String, category: String) {}
    /// `trace(_:)`.
    public func trace(_ message: OSLogMessage) {}
    /// `debug(_:)`.
    public func debug(_ message: OSLogMessage) {}
    /// `info(_:)`.
    public func info(_ message: OSLogMessage) {}
    /// `notice(_:)`.
    public func notice(_ message: OSLogMessage) {}
    /// `warning(_:)`.
    public func warning(_ message: OSLogMessage) {}
    /// `error(_:)`.
    public func error(_ message: OSLogMessage) {}
    /// `fault(_:)`.
    public func fault(_ message: OSLogMessage) {}
}
