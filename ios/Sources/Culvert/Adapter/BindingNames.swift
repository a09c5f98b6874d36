// The spellings every Culvert platform uses for the generated enums, so that
// `"\(kind)"` in Swift prints what Kotlin, JavaScript, the CLI and the docs print
// (`INVALID_KEY`, not `invalidKey`). Pure: tested on Linux.

extension ConfigErrorKind: CustomStringConvertible {
    /// The kind as every platform spells it (`INVALID_KEY`, ...).
    public var name: String {
        switch self {
        case .syntaxError: return "SYNTAX_ERROR"
        case .unknownSection: return "UNKNOWN_SECTION"
        case .unknownAttribute: return "UNKNOWN_ATTRIBUTE"
        case .missingSection: return "MISSING_SECTION"
        case .missingAttribute: return "MISSING_ATTRIBUTE"
        case .invalidKey: return "INVALID_KEY"
        case .invalidNumber: return "INVALID_NUMBER"
        case .invalidValue: return "INVALID_VALUE"
        case .duplicatePeer: return "DUPLICATE_PEER"
        case .duplicateAttribute: return "DUPLICATE_ATTRIBUTE"
        }
    }

    /// Same as `name`.
    public var description: String { name }
}

extension ConfigSection: CustomStringConvertible {
    /// `Interface` or `Peer`, as in the file.
    public var description: String {
        switch self {
        case .interface: return "Interface"
        case .peer: return "Peer"
        }
    }
}

extension HotspotErrorKind: CustomStringConvertible {
    /// The kind as every platform spells it (`MISSING_FIELD`, ...).
    public var name: String {
        switch self {
        case .unrecognizedFormat: return "UNRECOGNIZED_FORMAT"
        case .malformed: return "MALFORMED"
        case .missingField: return "MISSING_FIELD"
        case .invalidField: return "INVALID_FIELD"
        case .unsupported: return "UNSUPPORTED"
        }
    }

    /// Same as `name`.
    public var description: String { name }
}

extension TunnelState: CustomStringConvertible {
    /// Lower-case name (`connecting`, `connected`, ...), as in app-message replies.
    public var name: String {
        switch self {
        case .connecting: return "connecting"
        case .connected: return "connected"
        case .reasserting: return "reasserting"
        case .sleeping: return "sleeping"
        case .stopped: return "stopped"
        }
    }

    /// Same as `name`.
    public var description: String { name }
}
