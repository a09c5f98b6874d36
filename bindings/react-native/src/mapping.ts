/**
 * Turns what the native bridges send (plain objects, error objects with a
 * `code`) into the typed values of `types.ts` and the errors of `errors.ts`.
 *
 * The native side is trusted to be well-meaning, not to be the same version as
 * this file: unknown states and reasons map to safe values, missing counters to
 * zero, and a shape that cannot be read at all to a `NATIVE_PROTOCOL` error.
 */
import {
  ConfigError,
  CULVERT_ERROR_CODES,
  CulvertError,
  HOTSPOT_ERROR_CODES,
  HotspotError,
  type CulvertErrorCode,
  type HotspotErrorCode,
} from './errors';
import type {
  ConfigErrorInfo,
  ConfigErrorKind,
  ConfigSection,
  ConfigSummary,
  ConfigWarning,
  CurrentSsid,
  DisconnectReason,
  EapMethod,
  EapSettings,
  HandshakeEvent,
  HotspotConfig,
  HotspotConnectResult,
  HotspotSecurity,
  ParseConfigResult,
  PasspointSettings,
  IoFailures,
  PeerStats,
  PrepareResult,
  QrResult,
  SsidUnknownReason,
  TunnelState,
  TunnelStats,
  TunnelStatus,
} from './types';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function protocolError(what: string): CulvertError {
  return new CulvertError('NATIVE_PROTOCOL', `Unexpected answer from the native module: ${what}`);
}

function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw protocolError(`${what} is not an object`);
  return v;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function reqStr(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw protocolError(`${what}.${key} is not a string`);
  return v;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A non-negative counter; anything else (missing, negative, NaN) reads as 0. */
function counter(v: unknown): number {
  const n = num(v);
  return n !== null && n >= 0 ? Math.floor(n) : 0;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Milliseconds since the epoch → Date; 0, negative or missing → null. */
function date(v: unknown): Date | null {
  const n = num(v);
  return n !== null && n > 0 ? new Date(n) : null;
}

// ---------------------------------------------------------------------------
// States and reasons
// ---------------------------------------------------------------------------

const STATES: Record<string, TunnelState> = {
  disconnected: 'disconnected',
  invalid: 'disconnected', // iOS NEVPNStatus.invalid: no configuration installed
  stopped: 'disconnected', // core TunnelState::Stopped
  connecting: 'connecting',
  connected: 'connected',
  reasserting: 'reasserting',
  sleeping: 'connected', // core TunnelState::Sleeping: the tunnel is up, the device sleeps
  disconnecting: 'disconnecting',
};

/** Maps a native state name (iOS `NEVPNStatus`, Android service, core) to a {@link TunnelState}. */
export function mapState(native: unknown): TunnelState | null {
  if (typeof native !== 'string') return null;
  return STATES[native.toLowerCase()] ?? null;
}

const REASONS: Record<string, DisconnectReason> = {
  // Shared
  userrequested: 'userRequested',
  userinitiated: 'userRequested', // NEProviderStopReason.userInitiated
  permissionrevoked: 'permissionRevoked',
  revoked: 'permissionRevoked', // Android VpnService.onRevoke
  superseded: 'superseded',
  superceded: 'superseded', // NEProviderStopReason.superceded (sic)
  configurationinvalid: 'configurationInvalid',
  configurationfailed: 'configurationInvalid', // NEProviderStopReason / NEVPNConnectionError
  configurationremoved: 'configurationRemoved',
  configurationdisabled: 'configurationRemoved',
  providerdisabled: 'configurationRemoved',
  nonetworkavailable: 'networkUnavailable',
  networkunavailable: 'networkUnavailable',
  unrecoverablenetworkchange: 'networkUnavailable',
  providerfailed: 'providerFailed',
  pluginfailed: 'providerFailed', // NEVPNConnectionError.pluginFailed
  plugindisabled: 'configurationRemoved',
  connectionfailed: 'providerFailed',
  servicekilled: 'providerFailed',
  sleep: 'sleep',
  overslept: 'sleep', // NEVPNConnectionError.overslept
};

/** Maps a native disconnect reason string to a {@link DisconnectReason}. */
export function mapReason(native: unknown): DisconnectReason | null {
  if (typeof native !== 'string' || native === '') return null;
  return REASONS[native.replace(/[^A-Za-z]/g, '').toLowerCase()] ?? 'unknown';
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const CONFIG_KINDS: readonly ConfigErrorKind[] = [
  'SYNTAX_ERROR',
  'UNKNOWN_SECTION',
  'UNKNOWN_ATTRIBUTE',
  'MISSING_SECTION',
  'MISSING_ATTRIBUTE',
  'INVALID_KEY',
  'INVALID_NUMBER',
  'INVALID_VALUE',
  'DUPLICATE_PEER',
  'DUPLICATE_ATTRIBUTE',
];

/** Reads a config error the native side produced (kind names as in the Rust core). */
export function mapConfigErrorInfo(raw: unknown): ConfigErrorInfo {
  const o = obj(raw, 'config error');
  const kindRaw = str(o.kind)?.toUpperCase().replace(/[^A-Z]+/g, '_') ?? '';
  // Accept both `SYNTAX_ERROR` and a Kotlin/Swift enum spelling such as `SyntaxError`.
  const camel = str(o.kind)?.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() ?? '';
  const kind =
    CONFIG_KINDS.find((k) => k === kindRaw) ?? CONFIG_KINDS.find((k) => k === camel) ?? 'INVALID_VALUE';
  const sectionRaw = str(o.section)?.toLowerCase();
  const section: ConfigSection | null =
    sectionRaw === 'interface' ? 'Interface' : sectionRaw === 'peer' ? 'Peer' : null;
  const line = num(o.line);
  return {
    kind,
    section,
    key: str(o.key),
    line: line !== null && line > 0 ? line : null,
    message: str(o.message) ?? str(o.detail) ?? 'The configuration is invalid.',
  };
}

/**
 * Converts whatever a native promise rejected with into a {@link CulvertError}.
 * Errors that already are `CulvertError`s pass through unchanged.
 */
export function mapNativeError(e: unknown): CulvertError {
  if (e instanceof CulvertError) return e;
  const o: Obj = isObj(e) || e instanceof Error ? (e as unknown as Obj) : {};
  const code = str(o.code) ?? '';
  const message = str(o.message) ?? (typeof e === 'string' ? e : 'Unknown native error');
  const userInfo = isObj(o.userInfo) ? o.userInfo : null;

  if (code === 'CONFIG_INVALID' && userInfo) {
    return new ConfigError(mapConfigErrorInfo({ message, ...userInfo }));
  }
  if (code.startsWith('HOTSPOT_')) {
    return new HotspotError(mapHotspotCode(code.slice('HOTSPOT_'.length)), message, code);
  }
  const known = CULVERT_ERROR_CODES.find((c) => c === code);
  if (known) return new CulvertError(known, message);
  return new CulvertError('UNKNOWN', message, code === '' ? null : code);
}

/** Maps a native hotspot error name to a {@link HotspotErrorCode}. Unknown names → `unableToConnect`. */
export function mapHotspotCode(native: string): HotspotErrorCode {
  const exact = HOTSPOT_ERROR_CODES.find((c) => c === native);
  if (exact) return exact;
  const lower = native.toLowerCase();
  return HOTSPOT_ERROR_CODES.find((c) => c.toLowerCase() === lower) ?? 'unableToConnect';
}

/** Runs a native call and maps its rejection through {@link mapNativeError}. */
export async function callNative<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapNativeError(e);
  }
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

function mapWarnings(v: unknown): ConfigWarning[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((w) => ({ code: str(w.code) ?? 'UNKNOWN', message: str(w.message) ?? '' }));
}

/** Reads a config summary (secrets are never part of it). */
export function mapConfigSummary(raw: unknown): ConfigSummary {
  const o = obj(raw, 'config');
  const i = obj(o.interface, 'config.interface');
  const peers = Array.isArray(o.peers) ? o.peers : [];
  return {
    interface: {
      publicKey: reqStr(i, 'publicKey', 'config.interface'),
      addresses: strList(i.addresses),
      dns: strList(i.dns),
      dnsSearchDomains: strList(i.dnsSearchDomains),
      mtu: num(i.mtu),
      listenPort: num(i.listenPort),
    },
    peers: peers.map((p, n) => {
      const po = obj(p, `config.peers[${n}]`);
      return {
        publicKey: reqStr(po, 'publicKey', `config.peers[${n}]`),
        endpoint: str(po.endpoint),
        allowedIps: strList(po.allowedIps),
        persistentKeepalive: num(po.persistentKeepalive),
        hasPresharedKey: po.hasPresharedKey === true,
      };
    }),
  };
}

/** Reads the native `parseConfig` answer. */
export function mapParseConfigResult(raw: unknown): ParseConfigResult {
  const o = obj(raw, 'parseConfig result');
  if (o.ok === true) {
    return { ok: true, config: mapConfigSummary(o.config), warnings: mapWarnings(o.warnings) };
  }
  return { ok: false, error: mapConfigErrorInfo(o.error) };
}

const SECURITIES: Record<string, HotspotSecurity> = {
  open: 'open',
  none: 'open',
  nopass: 'open',
  owe: 'owe',
  wep: 'wep',
  wpa: 'wpaPersonal',
  wpa2: 'wpaPersonal',
  wpapersonal: 'wpaPersonal',
  wpa2personal: 'wpaPersonal',
  wpasae: 'wpaPersonal', // WPA2/WPA3 transition: a WPA2 passphrase joins it everywhere
  sae: 'wpa3Personal',
  wpa3: 'wpa3Personal',
  wpa3personal: 'wpa3Personal',
  wpaenterprise: 'wpaEnterprise',
  wpa2enterprise: 'wpaEnterprise',
  wpa2eap: 'wpaEnterprise',
  eap: 'wpaEnterprise',
  wpa3enterprise: 'wpa3Enterprise',
};

const EAP_METHODS: readonly EapMethod[] = ['peap', 'ttls', 'tls', 'fast', 'pwd', 'sim', 'aka', 'akaPrime'];

/** Reads a hotspot configuration. */
export function mapHotspotConfig(raw: unknown): HotspotConfig {
  const o = obj(raw, 'hotspot');
  const secRaw = (str(o.security) ?? '').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  const security = SECURITIES[secRaw];
  if (!security) throw protocolError(`unknown hotspot security "${str(o.security) ?? ''}"`);
  let eap: EapSettings | null = null;
  if (isObj(o.eap)) {
    const m = (str(o.eap.method) ?? '').toLowerCase().replace(/[^a-z']/g, '');
    // Kotlin sends AKA_PRIME (→ akaprime), Swift akaPrime (→ akaprime).
    const method = EAP_METHODS.find((x) => x.toLowerCase() === m || (x === 'akaPrime' && m === "aka'"));
    if (!method) throw protocolError(`unknown EAP method "${str(o.eap.method) ?? ''}"`);
    eap = {
      method,
      identity: str(o.eap.identity),
      anonymousIdentity: str(o.eap.anonymousIdentity),
      password: str(o.eap.password),
      phase2: str(o.eap.phase2),
      serverDomain: str(o.eap.serverDomain),
    };
  }
  let passpoint: PasspointSettings | null = null;
  if (isObj(o.passpoint)) {
    passpoint = {
      domain: reqStr(o.passpoint, 'domain', 'hotspot.passpoint'),
      friendlyName: str(o.passpoint.friendlyName),
      roamingConsortiumOis: strList(o.passpoint.roamingConsortiumOis),
      naiRealms: strList(o.passpoint.naiRealms),
    };
  }
  const ssid = str(o.ssid);
  if (ssid === null && passpoint === null) throw protocolError('hotspot has neither an SSID nor Passpoint settings');
  return { ssid, security, password: str(o.password), hidden: o.hidden === true, eap, passpoint };
}

/** Reads the native `hotspotParse` answer; a parse failure becomes a {@link HotspotError} `invalidConfig`. */
export function mapHotspotParse(raw: unknown): HotspotConfig {
  const o = obj(raw, 'hotspotParse result');
  if (o.ok === true) return mapHotspotConfig(o.hotspot);
  const err = isObj(o.error) ? o.error : {};
  throw new HotspotError('invalidConfig', str(err.message) ?? 'Not a hotspot configuration.', str(err.kind));
}

/** Reads the native `parseQr` answer; throws {@link ConfigError} or {@link HotspotError} for unparsable text. */
export function mapQrResult(raw: unknown): QrResult {
  const o = obj(raw, 'parseQr result');
  if (o.ok !== true) {
    const err = isObj(o.error) ? o.error : {};
    if (o.type === 'wireguard') throw new ConfigError(mapConfigErrorInfo(err));
    throw new HotspotError('invalidConfig', str(err.message) ?? 'Not a Culvert QR code.', str(err.kind));
  }
  switch (o.type) {
    case 'wireguard':
      return { type: 'wireguard', config: mapConfigSummary(o.config), warnings: mapWarnings(o.warnings) };
    case 'wifi':
      return { type: 'wifi', hotspot: mapHotspotConfig(o.hotspot) };
    case 'dpp':
      return { type: 'dpp', hotspot: mapHotspotConfig(o.hotspot) };
    default:
      throw protocolError(`unknown QR type "${String(o.type)}"`);
  }
}

/** Reads the native `prepare` answer. */
export function mapPrepareResult(raw: unknown): PrepareResult {
  const o = isObj(raw) ? raw : {};
  return { alreadyPrepared: o.alreadyPrepared === true };
}

/** Reads the native `getStatus` answer. */
export function mapStatus(raw: unknown): TunnelStatus {
  const o = obj(raw, 'status');
  const state = mapState(o.state);
  if (!state) throw protocolError(`unknown tunnel state "${String(o.state)}"`);
  const nativeReason = str(o.reason);
  return {
    state,
    reason: state === 'disconnected' ? mapReason(nativeReason) : null,
    nativeReason,
    message: str(o.message),
    since: date(o.since),
    prepared: o.prepared === true,
    tunnelName: str(o.tunnelName),
    alwaysOn: typeof o.alwaysOn === 'boolean' ? o.alwaysOn : null,
    lockdown: typeof o.lockdown === 'boolean' ? o.lockdown : null,
  };
}

/** Reads an {@link IoFailures} object; missing counters are 0. */
function ioFailures(v: unknown): IoFailures {
  const o = v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  return {
    bufferFull: counter(o.bufferFull),
    unreachable: counter(o.unreachable),
    permission: counter(o.permission),
    tooLarge: counter(o.tooLarge),
    noSocket: counter(o.noSocket),
    other: counter(o.other),
  };
}

/** Reads the native `getStats` answer. */
export function mapStats(raw: unknown, now: () => number = Date.now): TunnelStats {
  const o = obj(raw, 'stats');
  const peers = Array.isArray(o.peers) ? o.peers : [];
  const listenPort = num(o.listenPort);
  return {
    listenPort: listenPort !== null && listenPort > 0 ? listenPort : null,
    peers: peers.map((p, n): PeerStats => {
      const po = obj(p, `stats.peers[${n}]`);
      const rtt = num(po.rttMs);
      const loss = num(po.loss);
      return {
        publicKey: reqStr(po, 'publicKey', `stats.peers[${n}]`),
        endpoint: str(po.endpoint),
        rxBytes: counter(po.rxBytes),
        txBytes: counter(po.txBytes),
        rxPackets: counter(po.rxPackets),
        txPackets: counter(po.txPackets),
        lastHandshake: date(po.lastHandshake),
        handshakes: counter(po.handshakes),
        rttMs: rtt !== null && rtt >= 0 ? rtt : null,
        loss: loss !== null ? Math.min(1, Math.max(0, loss)) : 0,
      };
    }),
    collectedAt: date(o.collectedAt) ?? new Date(now()),
    sendFailures: ioFailures(o.sendFailures),
    tunWriteFailures: ioFailures(o.tunWriteFailures),
    oversizedDropped: counter(o.oversizedDropped),
  };
}

/** Reads a native handshake event; `null` for a payload that is not one. */
export function mapHandshakeEvent(raw: unknown, now: () => number = Date.now): HandshakeEvent | null {
  if (!isObj(raw)) return null;
  const peer = str(raw.peer);
  if (!peer) return null;
  const at = date(raw.at) ?? new Date(now());
  switch (raw.type) {
    case 'completed':
      return { type: 'completed', peer, at };
    case 'failing':
      return { type: 'failing', peer, attempts: counter(raw.attempts), at };
    default:
      return null;
  }
}

/** Reads the native `hotspotConnect` answer. */
export function mapHotspotConnectResult(raw: unknown): HotspotConnectResult {
  const o = isObj(raw) ? raw : {};
  const method =
    o.method === 'suggestion' || o.method === 'specifier' || o.method === 'hotspotConfiguration'
      ? o.method
      : 'hotspotConfiguration';
  return { alreadyConnected: o.alreadyConnected === true, method };
}

const SSID_REASONS: readonly SsidUnknownReason[] = [
  'locationPermissionMissing',
  'locationServicesOff',
  'entitlementMissing',
  'notConnected',
  'unknown',
];

/** Reads the native `hotspotCurrentSsid` answer. */
export function mapCurrentSsid(raw: unknown): CurrentSsid {
  const o = obj(raw, 'currentSsid result');
  // Android reports `<unknown ssid>` and quotes SSIDs; both are handled natively,
  // but an older native build may still pass them through.
  let ssid = str(o.ssid);
  if (ssid !== null && ssid.length >= 2 && ssid.startsWith('"') && ssid.endsWith('"')) ssid = ssid.slice(1, -1);
  if (ssid !== null && ssid !== '' && ssid !== '<unknown ssid>') {
    return { ssid, bssid: str(o.bssid) };
  }
  const reason = SSID_REASONS.find((r) => r === o.reason) ?? 'unknown';
  return { ssid: null, reason, message: str(o.message) ?? 'The current Wi-Fi network is not known.' };
}

export type { CulvertErrorCode };
