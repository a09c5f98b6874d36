// Stores the wg-quick text in the Keychain and hands the system a persistent
// reference (`NETunnelProviderProtocol.passwordReference`), so the config never
// sits in `providerConfiguration` (readable in the VPN preferences).
// The extension reads it back with `TunnelKeychain.load(reference:)` — the same
// code is in examples/react-native/ios/CulvertTunnel/PacketTunnelProvider.swift.

import Foundation
import Security

enum TunnelKeychain {
    struct Failure: Error, CustomStringConvertible {
        let status: OSStatus
        var description: String { "Keychain status \(status)" }
    }

    /// Replaces the stored config for `account` and returns its persistent reference.
    static func store(_ config: String, account: String) throws -> Data {
        let base: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: "io.culvert.tunnel",
            kSecAttrAccount as String: account,
        ]
        SecItemDelete(base as CFDictionary)
        var add = base
        add[kSecValueData as String] = Data(config.utf8)
        add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        add[kSecReturnPersistentRef as String] = true
        var ref: CFTypeRef?
        let status = SecItemAdd(add as CFDictionary, &ref)
        guard status == errSecSuccess, let data = ref as? Data else { throw Failure(status: status) }
        return data
    }

    /// The config behind a persistent reference, or nil.
    static func load(reference: Data) -> String? {
        let query: [String: Any] = [
            kSecValuePersistentRef as String: reference,
            kSecReturnData as String: true,
        ]
        var out: CFTypeRef?
        guard SecItemCopyMatching(query as CFDictionary, &out) == errSecSuccess, let data = out as? Data else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
