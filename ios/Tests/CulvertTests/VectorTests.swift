import Foundation
import XCTest
@testable import Culvert

/// Configs and hotspot inputs from ../shared/vectors parse in Swift (through the
/// FFI) with the same results as the Rust core gives (`culvert` CLI answers
/// recorded by scripts/test-swift.sh in $CULVERT_ORACLE).
final class VectorTests: XCTestCase {
    struct Oracle: Decodable {
        struct ConfigCase: Decodable { let name: String; let text: String; let rust: JSON; let android: JSON? }
        struct HotspotCase: Decodable { let name: String; let input: String; let mime: String?; let rust: JSON }
        let configs: [ConfigCase]
        let hotspots: [HotspotCase]
    }

    /// Minimal JSON value.
    enum JSON: Decodable, Equatable {
        case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([JSON].self) { self = .array(a) }
            else { self = .object(try c.decode([String: JSON].self)) }
        }
        subscript(_ key: String) -> JSON { if case let .object(o) = self { return o[key] ?? .null }; return .null }
        subscript(_ index: Int) -> JSON { if case let .array(a) = self, index < a.count { return a[index] }; return .null }
        var string: String? { if case let .string(s) = self { return s }; return nil }
        var int: Int? { if case let .number(n) = self { return Int(n) }; return nil }
        var bool: Bool? { if case let .bool(b) = self { return b }; return nil }
        var array: [JSON] { if case let .array(a) = self { return a }; return [] }
    }

    private func oracle() throws -> Oracle {
        // The Rust answers are recorded by scripts/test-swift.sh; a plain
        // `swift test` (e.g. on a Mac) skips these comparisons.
        guard let path = ProcessInfo.processInfo.environment["CULVERT_ORACLE"] else {
            throw XCTSkip("CULVERT_ORACLE not set: run scripts/test-swift.sh for the Rust comparison")
        }
        return try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func sectionName(_ section: ConfigSection?) -> String? {
        section.map { "\($0)" }
    }

    func testConfigsParseAsInRust() throws {
        let cases = try oracle().configs
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for item in cases {
            let rust = item.rust
            do {
                let config = try TunnelConfig.parse(text: item.text)
                XCTAssertEqual(rust["ok"].bool, true, "\(item.name): Swift accepted what Rust rejected")
                XCTAssertEqual(config.interfaceInfo().publicKey, rust["config"]["interface"]["public_key"].string, item.name)
                XCTAssertEqual(config.interfaceInfo().addresses, rust["config"]["interface"]["addresses"].array.compactMap(\.string), item.name)
                XCTAssertEqual(config.peers().map(\.publicKey), rust["config"]["peers"].array.compactMap { $0["public_key"].string }, item.name)
                XCTAssertEqual(config.peers().map(\.endpoint), rust["config"]["peers"].array.map { $0["endpoint"].string }, item.name)
                if let android = item.android { XCTAssertEqual(android["ok"].bool, true, item.name) }
                // Round trip: what Swift writes back parses to the same keys.
                let again = try TunnelConfig.parse(text: config.toWgQuick())
                XCTAssertEqual(again.interfaceInfo(), config.interfaceInfo(), item.name)
            } catch let ConfigError.Invalid(kind, section, key, line, detail) {
                XCTAssertEqual(rust["ok"].bool, false, "\(item.name): Swift rejected what Rust accepted: \(detail)")
                XCTAssertEqual("\(kind)", rust["error"]["kind"].string, item.name)
                XCTAssertEqual(sectionName(section), rust["error"]["section"].string, item.name)
                XCTAssertEqual(key, rust["error"]["key"].string, item.name)
                XCTAssertEqual(line.map(Int.init), rust["error"]["line"].int, item.name)
                XCTAssertEqual(detail, rust["error"]["message"].string, item.name)
                if let android = item.android {
                    XCTAssertEqual(kind.name, android["reason"].string, "\(item.name) vs wireguard-android")
                    XCTAssertEqual(key, android["location"].string, "\(item.name) vs wireguard-android")
                    XCTAssertEqual(sectionName(section), android["section"].string, "\(item.name) vs wireguard-android")
                }
            }
        }
    }

    private func securityName(_ security: WifiSecurity) -> String {
        switch security {
        case .open: return "open"
        case .owe: return "owe"
        case .wep: return "wep"
        case .wpa: return "wpa"
        case .sae: return "sae"
        case .wpaSae: return "wpa_sae"
        case .eap: return "eap"
        }
    }

    func testHotspotsParseAsInRust() throws {
        let cases = try oracle().hotspots
        XCTAssertGreaterThan(cases.count, 50)
        var accepted = 0, rejected = 0, validated = 0
        for item in cases {
            let input = try XCTUnwrap(Data(base64Encoded: item.input))
            let rust = item.rust
            do {
                let parsed = try parseHotspot(input: input, mime: item.mime)
                accepted += 1
                XCTAssertEqual(rust["ok"].bool, true, "\(item.name): Swift accepted what Rust rejected")
                let networks = rust["networks"].array
                XCTAssertEqual(parsed.networks.count, networks.count, item.name)
                for (swift, rustNetwork) in zip(parsed.networks, networks) {
                    XCTAssertEqual(swift.ssid, rustNetwork["ssid"].string, item.name)
                    XCTAssertEqual(securityName(swift.security), rustNetwork["security"].string, item.name)
                    XCTAssertEqual(swift.password?.reveal(), rustNetwork["password"].string, item.name)
                    XCTAssertEqual(swift.hidden, rustNetwork["hidden"].bool ?? false, item.name)
                    // The request for NEHotspotConfiguration is built from every parsed
                    // network; a personal network the parser found nothing to warn
                    // about passes the NEHotspotConfiguration rules.
                    let request = HotspotRequest(swift)
                    if rust["warnings"].array.isEmpty, [.open, .wpa, .sae, .wpaSae].contains(swift.security), swift.ssid != nil {
                        XCTAssertNoThrow(try request.validate(), "\(item.name): \(request)")
                        validated += 1
                    }
                }
                XCTAssertEqual(parsed.warnings.map(\.code), rust["warnings"].array.compactMap { $0["code"].string }, item.name)
            } catch let HotspotError.Invalid(kind, detail) {
                rejected += 1
                XCTAssertEqual(rust["ok"].bool, false, "\(item.name): Swift rejected what Rust accepted: \(detail)")
                XCTAssertEqual("\(kind)", rust["error"]["kind"].string, item.name)
            }
        }
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertGreaterThan(rejected, 0)
        XCTAssertGreaterThan(validated, 10)
    }

    func testHotspotRequestFromAParsedNetwork() throws {
        let parsed = try parseHotspot(input: Data("WIFI:S:Cafe;T:WPA;P:correct horse;H:true;;".utf8), mime: nil)
        let request = HotspotRequest(try XCTUnwrap(parsed.networks.first))
        XCTAssertEqual(request.ssid, "Cafe")
        XCTAssertTrue(request.hidden)
        XCTAssertEqual(request.security, .wpaPersonal(passphrase: "correct horse"))
        XCTAssertNoThrow(try request.validate())
        XCTAssertFalse("\(request)".contains("correct horse"))

        let short = HotspotRequest(try XCTUnwrap(try parseHotspot(input: Data("WIFI:S:Cafe;T:WPA;P:short;;".utf8), mime: nil).networks.first))
        XCTAssertThrowsError(try short.validate()) { XCTAssertTrue($0 is HotspotValidationError) }
    }
}
