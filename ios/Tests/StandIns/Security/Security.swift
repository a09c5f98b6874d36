// Stand-in for the Security framework API Culvert uses (SecItem calls on generic
// passwords, SecIdentity/SecCertificate as opaque values). Transcribed from
// developer.apple.com/documentation/security. Compile check only, with one
// test aid: every SecItem call records its query in `StandInKeychain`.
import Foundation

/// `OSStatus`.
public typealias OSStatus = Int32
/// `CFTypeRef` (Apple: `AnyObject`).
public typealias CFTypeRef = AnyObject

/// `CFString` (here a Swift class; on Apple platforms the toll-free bridged type).
public final class CFString: Hashable, @unchecked Sendable, CustomStringConvertible {
    /// The constant's name, as Apple spells it.
    public let description: String
    init(_ name: String) { description = name }
    public static func == (a: CFString, b: CFString) -> Bool { a.description == b.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
/// `CFDictionary` (here the Swift dictionary itself, so `as CFDictionary` is a coercion).
public typealias CFDictionary = [CFString: Any]
/// `CFArray`.
public typealias CFArray = [Any]

/// `SecIdentity`.
public final class SecIdentity: @unchecked Sendable {}
/// `SecCertificate`.
public final class SecCertificate: @unchecked Sendable {}
// `SecAccess`, `SecTrustedApplication` and `kSecAttrAccess` are deliberately
// absent: Apple declares them for macOS only, so Culvert may name them only
// under `#if os(macOS)`, which is never compiled here. Leaving them out makes
// any use outside that branch fail this build, as it fails the iOS build.

public let errSecSuccess: OSStatus = 0
public let errSecItemNotFound: OSStatus = -25300
public let errSecDuplicateItem: OSStatus = -25299
public let errSecMissingEntitlement: OSStatus = -34018

public let kSecClass = CFString("kSecClass")
public let kSecClassGenericPassword = CFString("kSecClassGenericPassword")
public let kSecAttrService = CFString("kSecAttrService")
public let kSecAttrAccount = CFString("kSecAttrAccount")
public let kSecAttrLabel = CFString("kSecAttrLabel")
public let kSecAttrAccessGroup = CFString("kSecAttrAccessGroup")
public let kSecAttrAccessible = CFString("kSecAttrAccessible")
public let kSecAttrAccessibleAfterFirstUnlock = CFString("kSecAttrAccessibleAfterFirstUnlock")
public let kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly = CFString("kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly")
public let kSecAttrSynchronizable = CFString("kSecAttrSynchronizable")
public let kSecValueData = CFString("kSecValueData")
public let kSecValuePersistentRef = CFString("kSecValuePersistentRef")
public let kSecReturnData = CFString("kSecReturnData")
public let kSecReturnPersistentRef = CFString("kSecReturnPersistentRef")
/// `kSecUseDataProtectionKeychain` (iOS 13+, macOS 10.15+).
@available(iOS 13.0, macOS 10.15, *)
public let kSecUseDataProtectionKeychain = CFString("kSecUseDataProtectionKeychain")

/// Test aid (not an Apple API): the queries the SecItem functions were called with.
public enum StandInKeychain {
    /// One recorded call.
    public struct Call: @unchecked Sendable {
        /// `SecItemAdd`, `SecItemUpdate`, `SecItemCopyMatching` or `SecItemDelete`.
        public let function: String
        /// The query's attribute names.
        public let attributes: Set<String>
    }
    nonisolated(unsafe) private static var recorded: [Call] = []
    private static let lock = NSLock()
    /// Takes the calls recorded so far.
    public static func takeCalls() -> [Call] {
        lock.lock(); defer { lock.unlock() }
        let calls = recorded
        recorded = []
        return calls
    }
    static func record(_ function: String, _ query: CFDictionary) {
        lock.lock(); defer { lock.unlock() }
        recorded.append(Call(function: function, attributes: Set(query.keys.map(\.description))))
    }
}

/// `SecItemAdd(_:_:)`.
public func SecItemAdd(_ attributes: CFDictionary, _ result: UnsafeMutablePointer<CFTypeRef?>?) -> OSStatus {
    StandInKeychain.record("SecItemAdd", attributes)
    result?.pointee = NSData()
    return errSecSuccess
}

/// `SecItemUpdate(_:_:)`.
public func SecItemUpdate(_ query: CFDictionary, _ attributesToUpdate: CFDictionary) -> OSStatus {
    StandInKeychain.record("SecItemUpdate", query)
    return errSecSuccess
}

/// `SecItemCopyMatching(_:_:)`.
public func SecItemCopyMatching(_ query: CFDictionary, _ result: UnsafeMutablePointer<CFTypeRef?>?) -> OSStatus {
    StandInKeychain.record("SecItemCopyMatching", query)
    return errSecItemNotFound
}

/// `SecItemDelete(_:)`.
public func SecItemDelete(_ query: CFDictionary) -> OSStatus {
    StandInKeychain.record("SecItemDelete", query)
    return errSecSuccess
}
