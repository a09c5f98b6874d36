// Stand-in for the CoreLocation API Culvert uses (CurrentWiFi's diagnosis).
// Transcribed from developer.apple.com/documentation/corelocation. Compile check only.
import Foundation

/// `CLAuthorizationStatus` (Int32 raw values as in CLLocationManager.h).
public enum CLAuthorizationStatus: Int32, Sendable {
    case notDetermined = 0
    case restricted = 1
    case denied = 2
    case authorizedAlways = 3
    case authorizedWhenInUse = 4
}

/// `CLAccuracyAuthorization` (iOS 14+, macOS 11+).
public enum CLAccuracyAuthorization: Int, Sendable {
    case fullAccuracy = 0
    case reducedAccuracy = 1
}

/// `CLLocationManager` (not Sendable; used where it is created).
open class CLLocationManager: NSObject {
    public override init() {}
    /// `authorizationStatus` (instance property, iOS 14+, macOS 11+).
    @available(iOS 14.0, macOS 11.0, *)
    open var authorizationStatus: CLAuthorizationStatus { .notDetermined }
    /// `accuracyAuthorization` (iOS 14+, macOS 11+).
    @available(iOS 14.0, macOS 11.0, *)
    open var accuracyAuthorization: CLAccuracyAuthorization { .reducedAccuracy }
}
