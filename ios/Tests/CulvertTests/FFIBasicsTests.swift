import Foundation
import XCTest
@testable import Culvert

/// The generated bindings against the real libculvert_ffi: keys, typed errors, logs.
final class FFIBasicsTests: XCTestCase {
    func testVersionAndKeys() throws {
        XCTAssertFalse(culvertVersion().isEmpty)
        // Known answer from `wg pubkey` (wireguard-tools) for the Android fixture's key.
        XCTAssertEqual(try publicKey(privateKey: "TFlmmEUC7V7VtiDYLKsbP5rySTKLIZq1yn8lMqK83wo="),
                       "NYZxBGjCBKo2aAVTyMOIH5NMN9nLdUHMPO9kJfLbyko=")
        let generated = generatePrivateKey()
        XCTAssertEqual(Data(base64Encoded: generated)?.count, 32)
        XCTAssertNotEqual(generated, generatePrivateKey())
        XCTAssertEqual(try publicKey(privateKey: generated), try publicKey(privateKey: generated))
        XCTAssertEqual(Data(base64Encoded: generatePresharedKey())?.count, 32)
    }

    func testBadKeyIsATypedErrorWithItsKind() {
        XCTAssertThrowsError(try publicKey(privateKey: "not a key")) { error in
            guard case let ConfigError.Invalid(kind, _, _, _, detail) = error else {
                return XCTFail("expected ConfigError.Invalid, got \(error)")
            }
            XCTAssertEqual(kind, .invalidKey)
            XCTAssertFalse(detail.isEmpty)
            XCTAssertFalse(detail.contains("not a key"), "the rejected secret is not echoed")
        }
    }

    func testLogsReachASwiftSinkAtTheChosenLevel() {
        let lines = Locked<[LogRecord]>([])
        CulvertLogging.configure(level: .info, sink: ClosureLogSink { record in
            lines.mutate { $0.append(record) }
        })
        defer { CulvertLogging.configure(level: .info, sink: nil) }
        logMessage(level: .info, text: "swift-sink-probe-1")
        logMessage(level: .debug, text: "swift-sink-probe-hidden")
        setLogLevel(level: .debug)
        logMessage(level: .debug, text: "swift-sink-probe-2")
        let seen = lines.value.filter { $0.text.hasPrefix("swift-sink-probe") }
        XCTAssertEqual(seen.map(\.text), ["swift-sink-probe-1", "swift-sink-probe-2"])
        XCTAssertEqual(seen.first?.level, .info)
        XCTAssertEqual(seen.first?.target, "culvert::app")

        CulvertLogging.configure(level: .info, sink: nil)
        logMessage(level: .info, text: "swift-sink-probe-after-removal")
        let after = lines.value.contains { $0.text == "swift-sink-probe-after-removal" }
        XCTAssertFalse(after, "a removed sink gets nothing")
    }
}
