/**
 * Public types of `react-native-culvert`.
 *
 * Nothing in these types carries a private or preshared key: parsed configs
 * come back as a {@link ConfigSummary} (public keys, addresses, endpoints) and
 * the config text itself stays with the app and the native side.
 */

// ---------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------

/**
 * Why a wg-quick config was rejected — the same kinds, with the same names, as
 * the Rust core (`culvert_core::config::ErrorKind::as_str()`), the Kotlin
 * package and the Swift package.
 */
export type ConfigErrorKind =
  | 'SYNTAX_ERROR'
  | 'UNKNOWN_SECTION'
  | 'UNKNOWN_ATTRIBUTE'
  | 'MISSING_SECTION'
  | 'MISSING_ATTRIBUTE'
  | 'INVALID_KEY'
  | 'INVALID_NUMBER'
  | 'INVALID_VALUE'
  | 'DUPLICATE_PEER'
  | 'DUPLICATE_ATTRIBUTE';

/** The section of a wg-quick file an error points at. */
export type ConfigSection = 'Interface' | 'Peer';

/** A config error, located as precisely as the parser could. Never contains a key. */
export interface ConfigErrorInfo {
  /** What is wrong. */
  kind: ConfigErrorKind;
  /** `[Interface]` or `[Peer]`, when the error is inside one. */
  section: ConfigSection | null;
  /** The attribute (`PrivateKey`, `AllowedIPs`, ...), when the error is about one. */
  key: string | null;
  /** 1-based line number, when the error is on one line. */
  line: number | null;
  /** Human-readable explanation, suitable to show to a user. */
  message: string;
}

/** A non-fatal remark about a config, e.g. a host-only key (`PostUp`) that mobile ignores. */
export interface ConfigWarning {
  /** Stable machine-readable code, e.g. `HOST_ONLY_KEY`. */
  code: string;
  /** Human-readable explanation. */
  message: string;
}

/** The `[Interface]` part of a parsed config, without the private key. */
export interface InterfaceSummary {
  /** Public key derived from the private key (base64). */
  publicKey: string;
  /** Addresses in CIDR form, e.g. `10.0.0.2/32`. */
  addresses: string[];
  /** DNS servers (IP addresses). */
  dns: string[];
  /** DNS search domains. */
  dnsSearchDomains: string[];
  /** MTU, when set. */
  mtu: number | null;
  /** UDP listen port, when set. */
  listenPort: number | null;
}

/** One `[Peer]` of a parsed config, without the preshared key. */
export interface PeerSummary {
  /** The peer's public key (base64). */
  publicKey: string;
  /** `host:port` as written in the config, when set. */
  endpoint: string | null;
  /** AllowedIPs in CIDR form. */
  allowedIps: string[];
  /** PersistentKeepalive in seconds, when set. */
  persistentKeepalive: number | null;
  /** Whether the peer has a PresharedKey (the key itself is never returned). */
  hasPresharedKey: boolean;
}

/** A parsed wg-quick config, with every secret left out. */
export interface ConfigSummary {
  interface: InterfaceSummary;
  peers: PeerSummary[];
}

/** Result of {@link parseConfig}: either the parsed summary or a located error. */
export type ParseConfigResult =
  | { ok: true; config: ConfigSummary; warnings: ConfigWarning[] }
  | { ok: false; error: ConfigErrorInfo };

/**
 * A tunnel config given as data instead of wg-quick text; {@link connect}
 * writes it out as wg-quick text and the native parser checks it like any
 * other config.
 */
export interface TunnelConfigInput {
  interface: {
    /** Base64 private key (32 bytes). Kept out of every error message. */
    privateKey: string;
    /** Addresses in CIDR form. At least one. */
    addresses: string[];
    dns?: string[];
    mtu?: number;
    listenPort?: number;
  };
  peers: Array<{
    publicKey: string;
    /** Base64 preshared key. Kept out of every error message. */
    presharedKey?: string;
    /** `host:port`, `[v6]:port`. */
    endpoint?: string;
    allowedIps: string[];
    persistentKeepalive?: number;
  }>;
}

// ---------------------------------------------------------------------------
// Tunnel lifecycle
// ---------------------------------------------------------------------------

/**
 * The tunnel state a UI shows. Mirrors `NEVPNStatus` on iOS and the Culvert
 * service state on Android.
 */
export type TunnelState = 'disconnected' | 'connecting' | 'connected' | 'reasserting' | 'disconnecting';

/** Why the tunnel is (or went) down. */
export type DisconnectReason =
  /** The app or the user asked for it. */
  | 'userRequested'
  /** Android `onRevoke` / iOS consent removed: the user revoked VPN permission. */
  | 'permissionRevoked'
  /** Another VPN app took over (Android revoke by another VPN, iOS `superceded`). */
  | 'superseded'
  /** The config was rejected when the tunnel started. */
  | 'configurationInvalid'
  /** The VPN configuration was removed or disabled in system settings. */
  | 'configurationRemoved'
  /** No network the tunnel could use. */
  | 'networkUnavailable'
  /** The tunnel provider/service failed or was killed. */
  | 'providerFailed'
  /** The device slept and the OS stopped the tunnel. */
  | 'sleep'
  /** Anything else; see `nativeReason`. */
  | 'unknown';

/** What {@link getStatus} returns. */
export interface TunnelStatus {
  state: TunnelState;
  /** Set when `state` is `disconnected` and the cause is known. */
  reason: DisconnectReason | null;
  /** The platform's own reason string, for logs and bug reports. */
  nativeReason: string | null;
  /** Human-readable detail of the last failure, if any. */
  message: string | null;
  /** When the tunnel entered `state`, if the platform knows. */
  since: Date | null;
  /** Whether {@link prepare} has succeeded (consent given / manager installed). */
  prepared: boolean;
  /** The tunnel name shown by the system, if one is configured. */
  tunnelName: string | null;
  /**
   * Android: whether the user made this app the always-on VPN (Settings → VPN);
   * `null` where the platform does not say (iOS, older native modules).
   */
  alwaysOn: boolean | null;
  /** Android: whether "Block connections without VPN" (lockdown) is on; `null` where unknown. */
  lockdown: boolean | null;
}

/** Options of {@link prepare}. */
export interface PrepareOptions {
  /** Name shown in iOS Settings → VPN and the Android notification. Default: the app name. */
  tunnelName?: string;
  /**
   * iOS: bundle identifier of the Packet Tunnel extension.
   * Default: `<app bundle id>.network-extension`.
   */
  providerBundleIdentifier?: string;
}

/** Result of {@link prepare}. */
export interface PrepareResult {
  /** `true` when consent/installation already existed and no system prompt was shown. */
  alreadyPrepared: boolean;
}

/** Options of {@link connect}. Platform-specific ones are ignored on the other platform. */
export interface ConnectOptions {
  /** Name shown by the system for this tunnel (max 64 characters). */
  tunnelName?: string;
  /** iOS: connect on demand (an `NEOnDemandRuleConnect`); Android ignores it (always-on is a user setting). */
  onDemand?: boolean;
  /** iOS 14+: `includeAllNetworks` (route everything, kill switch). */
  includeAllNetworks?: boolean;
  /** iOS 14.2+: `excludeLocalNetworks` (LAN stays reachable). */
  excludeLocalNetworks?: boolean;
  /** iOS 14.2+: `enforceRoutes`. */
  enforceRoutes?: boolean;
  /** Android: only these packages use the tunnel. Exclusive with `disallowedApplications`. */
  allowedApplications?: string[];
  /** Android: these packages bypass the tunnel. Exclusive with `allowedApplications`. */
  disallowedApplications?: string[];
  /** Android: keep private/LAN ranges outside the tunnel (the WireGuard app's "Exclude private IPs"). */
  excludePrivate?: boolean;
  /** Android: more ranges to keep outside the tunnel, as CIDR text (`192.0.2.0/24`). */
  excludedRoutes?: string[];
  /** Android: the MTU when the config has none (576–65535; default 1280). */
  defaultMtu?: number;
  /** Android: let apps bind sockets to other networks and so leave the tunnel (`allowBypass`). */
  allowBypass?: boolean;
  /** Android 10+: always report the VPN as metered (default: as metered as the underlying network). */
  metered?: boolean;
}

// ---------------------------------------------------------------------------
// Stats
// ---------------------------------------------------------------------------

/** Counters of one peer. Byte counts are exact up to 2^53 (9 PB). */
export interface PeerStats {
  publicKey: string;
  /** The endpoint currently in use (`ip:port`), if any. */
  endpoint: string | null;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  /** Time of the last completed handshake, `null` before the first. */
  lastHandshake: Date | null;
  /** Completed handshakes since the tunnel started. */
  handshakes: number;
  /** Smoothed round-trip time of handshakes in milliseconds, when measured. */
  rttMs: number | null;
  /** Fraction (0–1) of handshake attempts that got no answer recently. */
  loss: number;
}

/** Failed writes (UDP sends or TUN writes), by reason. */
export interface IoFailures {
  /** The socket or device buffer was full. */
  bufferFull: number;
  /** The destination or network was unreachable. */
  unreachable: number;
  /** A firewall or policy refused it. */
  permission: number;
  /** Too large for the path or device. */
  tooLarge: number;
  /** No socket of that address family, or the device is gone. */
  noSocket: number;
  /** Anything else. */
  other: number;
}

/** What {@link getStats} returns. */
export interface TunnelStats {
  /** Local UDP port, `null` when the tunnel is not running. */
  listenPort: number | null;
  peers: PeerStats[];
  /** UDP datagrams the network refused (not counted in `txPackets`). Zeros where the native side does not report them yet. */
  sendFailures: IoFailures;
  /** Decrypted packets the TUN device refused. */
  tunWriteFailures: IoFailures;
  /** Received datagrams larger than a receive slot that were lost anyway. */
  oversizedDropped: number;
  /** When the native side took the snapshot. */
  collectedAt: Date;
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/** Emitted on every state change of the tunnel. */
export interface StateChangedEvent {
  state: TunnelState;
  /** The state before this change, as this JS runtime last saw it. */
  previous: TunnelState | null;
  /** Set when `state` is `disconnected`. */
  reason: DisconnectReason | null;
  nativeReason: string | null;
  message: string | null;
  at: Date;
}

/** Emitted when a handshake with a peer completes or keeps failing. */
export type HandshakeEvent =
  | { type: 'completed'; peer: string; at: Date }
  | { type: 'failing'; peer: string; attempts: number; at: Date };

/** Event names and payloads of {@link addListener}. */
export interface CulvertEventMap {
  stateChanged: StateChangedEvent;
  handshake: HandshakeEvent;
  /** Per-peer statistics pushed by the native side (Android, after handshake events). */
  stats: TunnelStats;
}

/** Returned by `addListener`; call `remove()` to stop listening. */
export interface Subscription {
  remove(): void;
}

// ---------------------------------------------------------------------------
// Hotspot
// ---------------------------------------------------------------------------

/** Wi-Fi security of a hotspot. */
export type HotspotSecurity =
  | 'open'
  | 'owe'
  | 'wep'
  | 'wpaPersonal'
  | 'wpa3Personal'
  | 'wpaEnterprise'
  | 'wpa3Enterprise';

/** EAP method of an enterprise network. */
export type EapMethod = 'peap' | 'ttls' | 'tls' | 'fast' | 'pwd' | 'sim' | 'aka' | 'akaPrime';

/** EAP settings of an enterprise network. */
export interface EapSettings {
  method: EapMethod;
  identity: string | null;
  anonymousIdentity: string | null;
  /** Secret: never logged by this module. */
  password: string | null;
  /** Inner authentication for PEAP/TTLS, e.g. `MSCHAPV2`. */
  phase2: string | null;
  /** Server certificate domain / name the client must check. */
  serverDomain: string | null;
}

/** Hotspot 2.0 / Passpoint settings. */
export interface PasspointSettings {
  domain: string;
  friendlyName: string | null;
  roamingConsortiumOis: string[];
  naiRealms: string[];
}

/**
 * A Wi-Fi network to join, as parsed from a `WIFI:` QR code, a `DPP:` URI, an
 * Apple `.mobileconfig` or an Android Passpoint profile, or built by the app.
 */
export interface HotspotConfig {
  /** Network name; `null` only for Passpoint-only profiles. */
  ssid: string | null;
  security: HotspotSecurity;
  /** Secret: never logged by this module. */
  password: string | null;
  hidden: boolean;
  eap: EapSettings | null;
  passpoint: PasspointSettings | null;
}

/** Options of `hotspot.connect`. */
export interface HotspotConnectOptions {
  /** iOS `joinOnce`: forget the network when the app goes to the background. */
  joinOnce?: boolean;
  /** Android: how long to wait for the system to report the network (ms, 1000–120000). Default 30000. */
  timeoutMs?: number;
}

/** Result of `hotspot.connect`. */
export interface HotspotConnectResult {
  /** `true` when the device was already on this network (iOS `alreadyAssociated`). */
  alreadyConnected: boolean;
  /** How the network was added: iOS hotspot configuration, Android suggestion or specifier request. */
  method: 'hotspotConfiguration' | 'suggestion' | 'specifier';
}

/** Why the current SSID is unknown. */
export type SsidUnknownReason =
  /** Android: `ACCESS_FINE_LOCATION` not granted. iOS: location permission not granted. */
  | 'locationPermissionMissing'
  /** Android: location services are switched off. */
  | 'locationServicesOff'
  /** iOS: the app lacks the "Access Wi-Fi Information" entitlement. */
  | 'entitlementMissing'
  /** Not on Wi-Fi. */
  | 'notConnected'
  | 'unknown';

/** Result of `hotspot.currentSsid`. */
export type CurrentSsid =
  | { ssid: string; bssid: string | null }
  | { ssid: null; reason: SsidUnknownReason; message: string };

/** Result of {@link parseQr}. */
export type QrResult =
  | { type: 'wireguard'; config: ConfigSummary; warnings: ConfigWarning[] }
  | { type: 'wifi'; hotspot: HotspotConfig }
  | { type: 'dpp'; hotspot: HotspotConfig };
