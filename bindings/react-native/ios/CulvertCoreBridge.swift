// The only file of the iOS bridge that calls the Culvert Swift package: config,
// QR and hotspot parsing into the plain dictionaries JS reads, the app-message
// codec for statistics, and hotspot text → NEHotspotConfiguration.

import Foundation
import NetworkExtension
import Culvert

enum CulvertCoreBridge {
    struct Invalid {
        let message: String
        let userInfo: [String: Any]
    }

    /// `parseConfig` answer: `{ ok, config, warnings }` or `{ ok: false, error }`.
    static func parseConfig(_ text: String) -> [String: Any] {
        do {
            let config = try TunnelConfig.parse(text: text)
            return ["ok": true, "config": summary(config), "warnings": config.warnings().map { ["code": $0.code, "message": $0.detail] }]
        } catch let error as ConfigError {
            return ["ok": false, "error": errorInfo(error)]
        } catch {
            return ["ok": false, "error": ["kind": "INVALID_VALUE", "message": "The configuration could not be read."]]
        }
    }

    /// nil when `text` parses, else the error for a `CONFIG_INVALID` rejection.
    static func validate(_ text: String) -> Invalid? {
        do {
            _ = try TunnelConfig.parse(text: text)
            return nil
        } catch let error as ConfigError {
            var info = errorInfo(error)
            let message = info.removeValue(forKey: "message") as? String ?? "The configuration is invalid."
            return Invalid(message: message, userInfo: info)
        } catch {
            return Invalid(message: "The configuration could not be read.", userInfo: [:])
        }
    }

    /// `parseQr` answer.
    static func parseQr(_ text: String) -> [String: Any] {
        do {
            switch try Culvert.parseQr(text: text) {
            case .wireGuard(let config):
                return ["ok": true, "type": "wireguard", "config": summary(config),
                        "warnings": config.warnings().map { ["code": $0.code, "message": $0.detail] }]
            case .wifi(let hotspot):
                return ["ok": true, "type": "wifi", "hotspot": try firstNetwork(hotspot)]
            case .dpp(let hotspot):
                return ["ok": true, "type": "dpp", "hotspot": try firstNetwork(hotspot)]
            }
        } catch let QrError.Config(kind, section, key, line, detail) {
            return ["ok": false, "type": "wireguard", "error": [
                "kind": "\(kind)", "section": section.map { "\($0)" } ?? NSNull(), "key": key ?? NSNull(),
                "line": line.map { Double($0) } ?? NSNull(), "message": detail,
            ] as [String: Any]]
        } catch let QrError.Hotspot(kind, detail) {
            return ["ok": false, "error": ["kind": "\(kind)", "message": detail]]
        } catch let error as HotspotMapping.Failure {
            return ["ok": false, "error": ["kind": error.reason, "message": error.message]]
        } catch {
            return ["ok": false, "error": ["message": "The QR code could not be read."]]
        }
    }

    /// `hotspotParse` answer.
    static func parseHotspot(_ text: String) -> [String: Any] {
        do {
            return ["ok": true, "hotspot": try firstNetwork(try Culvert.parseHotspot(input: Data(text.utf8), mime: nil))]
        } catch let HotspotError.Invalid(kind, detail) {
            return ["ok": false, "error": ["kind": "\(kind)", "message": detail]]
        } catch let error as HotspotMapping.Failure {
            return ["ok": false, "error": ["kind": error.reason, "message": error.message]]
        } catch {
            return ["ok": false, "error": ["message": "The hotspot configuration could not be read."]]
        }
    }

    /// Hotspot text → configuration, parsed natively so the password stays here.
    static func hotspotConfiguration(text: String, joinOnce: Bool) throws -> NEHotspotConfiguration {
        let parsed = parseHotspot(text)
        guard parsed["ok"] as? Bool == true, let hotspot = parsed["hotspot"] as? [String: Any] else {
            let message = (parsed["error"] as? [String: Any])?["message"] as? String ?? "Not a hotspot configuration."
            throw HotspotMapping.Failure(reason: "invalidConfig", message: message)
        }
        return try HotspotMapping.configuration(from: hotspot, joinOnce: joinOnce)
    }

    /// The `sendProviderMessage` payload asking the extension for statistics.
    static func statsRequest() -> Data {
        AppMessageRequest.stats.encoded()
    }

    /// The extension's reply → the `getStats` dictionary.
    static func decodeStats(_ data: Data) -> [String: Any]? {
        guard let reply = try? AppMessageReply.decode(data) else { return nil }
        let now = Date().timeIntervalSince1970 * 1000
        guard let stats = reply.stats else { return ["peers": [], "collectedAt": now] }
        let age = Double(reply.statsAgeMs ?? 0)
        return [
            "listenPort": Double(stats.listenPort),
            "collectedAt": now - age,
            "peers": stats.peers.map { p -> [String: Any] in
                [
                    "publicKey": p.publicKey,
                    "endpoint": p.endpoint ?? NSNull(),
                    "rxBytes": Double(p.rxBytes),
                    "txBytes": Double(p.txBytes),
                    "lastHandshake": p.lastHandshake.map { $0 * 1000 } ?? NSNull(),
                    "handshakes": Double(p.handshakes),
                    "rttMs": p.rttMs.map { Double($0) } ?? NSNull(),
                ]
            },
        ]
    }

    private static func errorInfo(_ error: ConfigError) -> [String: Any] {
        switch error {
        case let .Invalid(kind, section, key, line, detail):
            return [
                "kind": "\(kind)",
                "section": section.map { "\($0)" } ?? NSNull(),
                "key": key ?? NSNull(),
                "line": line.map { Double($0) } ?? NSNull(),
                "message": detail,
            ]
        case let .Internal(detail):
            return ["kind": "INVALID_VALUE", "message": detail]
        }
    }

    private static func summary(_ config: TunnelConfig) -> [String: Any] {
        let i = config.interfaceInfo()
        return [
            "interface": [
                "publicKey": i.publicKey,
                "addresses": i.addresses,
                "dns": i.dnsServers,
                "dnsSearchDomains": i.dnsSearchDomains,
                "mtu": i.mtu.map { Double($0) } ?? NSNull(),
                "listenPort": i.listenPort.map { Double($0) } ?? NSNull(),
            ] as [String: Any],
            "peers": config.peers().map { p -> [String: Any] in
                [
                    "publicKey": p.publicKey,
                    "endpoint": p.endpoint ?? NSNull(),
                    "allowedIps": p.allowedIps,
                    "persistentKeepalive": p.persistentKeepalive.map { Double($0) } ?? NSNull(),
                    "hasPresharedKey": p.hasPresharedKey,
                ]
            },
        ]
    }

    private static func firstNetwork(_ h: HotspotConfig) throws -> [String: Any] {
        guard let n = h.networks.first else {
            throw HotspotMapping.Failure(reason: "invalidConfig", message: "The description contains no Wi-Fi network.")
        }
        return network(n)
    }

    private static func network(_ n: WifiNetwork) -> [String: Any] {
        let security: String
        switch n.security {
        case .open: security = "open"
        case .owe: security = "owe"
        case .wep: security = "wep"
        case .wpa, .wpaSae: security = "wpaPersonal"
        case .sae: security = "wpa3Personal"
        case .eap: security = "wpaEnterprise"
        }
        return [
            "ssid": n.ssid ?? NSNull(),
            "security": security,
            "password": n.password?.reveal() ?? NSNull(),
            "hidden": n.hidden,
            "eap": n.eap.map { e -> [String: Any] in
                [
                    "method": e.method.map { "\($0)" } ?? "peap",
                    "identity": e.identity ?? NSNull(),
                    "anonymousIdentity": e.anonymousIdentity ?? NSNull(),
                    // A parsed profile's EAP password travels in WifiNetwork.password.
                    "password": n.password?.reveal() ?? NSNull(),
                    "phase2": e.phase2.map { "\($0)".uppercased() } ?? NSNull(),
                    "serverDomain": e.trustedServerNames.first ?? NSNull(),
                ]
            } ?? NSNull(),
            "passpoint": n.passpoint.map { p -> [String: Any] in
                ["domain": p.fqdn, "friendlyName": p.friendlyName ?? NSNull(),
                 "roamingConsortiumOis": p.roamingConsortiumOis, "naiRealms": p.naiRealms]
            } ?? NSNull(),
        ]
    }
}
