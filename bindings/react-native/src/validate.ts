/**
 * Argument checks done in JS before anything reaches the native side, and the
 * writer that turns a {@link TunnelConfigInput} into wg-quick text.
 *
 * These checks catch programming mistakes early with a clear message; the
 * native parser stays the authority on what a valid config is. No message
 * here ever contains a key or a password.
 */
import { invalidArgument } from './errors';
import type { ConnectOptions, HotspotConfig, HotspotConnectOptions, PrepareOptions, TunnelConfigInput } from './types';

/** Longest config text accepted (wg-quick files are a few KB; this bounds memory). */
export const MAX_CONFIG_LENGTH = 64 * 1024;
/** Longest tunnel name accepted (iOS shows it in Settings, Android in the notification). */
export const MAX_TUNNEL_NAME_LENGTH = 64;

const BASE64_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Checks config text: a non-empty string of bounded size. */
export function checkConfigText(text: unknown, what = 'config'): string {
  if (typeof text !== 'string') throw invalidArgument(`${what} must be a string, got ${typeName(text)}`);
  if (text.trim() === '') throw invalidArgument(`${what} is empty`);
  if (text.length > MAX_CONFIG_LENGTH) {
    throw invalidArgument(`${what} is ${text.length} characters long; the limit is ${MAX_CONFIG_LENGTH}`);
  }
  return text;
}

function checkOptionalBool(o: Record<string, unknown>, key: string, what: string): void {
  if (o[key] !== undefined && typeof o[key] !== 'boolean') {
    throw invalidArgument(`${what}.${key} must be a boolean, got ${typeName(o[key])}`);
  }
}

function checkOptionalName(o: Record<string, unknown>, key: string, what: string): void {
  const v = o[key];
  if (v === undefined) return;
  if (typeof v !== 'string' || v.trim() === '') throw invalidArgument(`${what}.${key} must be a non-empty string`);
  if (v.length > MAX_TUNNEL_NAME_LENGTH) {
    throw invalidArgument(`${what}.${key} is longer than ${MAX_TUNNEL_NAME_LENGTH} characters`);
  }
}

const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

function checkPackageList(o: Record<string, unknown>, key: string, what: string): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw invalidArgument(`${what}.${key} must be an array of package names`);
  for (const p of v) {
    if (typeof p !== 'string' || !PACKAGE_NAME.test(p)) {
      throw invalidArgument(`${what}.${key} contains "${String(p)}", which is not an Android package name`);
    }
  }
  return v as string[];
}

function checkKnownKeys(o: Record<string, unknown>, known: readonly string[], what: string): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw invalidArgument(`${what} has an unknown option "${k}"`);
  }
}

/** Checks {@link ConnectOptions}; returns a plain copy for the native side. */
export function checkConnectOptions(options: unknown): ConnectOptions {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw invalidArgument(`options must be an object, got ${typeName(options)}`);
  const what = 'options';
  checkKnownKeys(
    options,
    [
      'tunnelName',
      'onDemand',
      'includeAllNetworks',
      'excludeLocalNetworks',
      'enforceRoutes',
      'allowedApplications',
      'disallowedApplications',
      'excludePrivate',
      'excludedRoutes',
      'defaultMtu',
      'allowBypass',
      'metered',
    ],
    what,
  );
  checkOptionalName(options, 'tunnelName', what);
  for (const k of ['onDemand', 'includeAllNetworks', 'excludeLocalNetworks', 'enforceRoutes', 'excludePrivate', 'allowBypass', 'metered']) {
    checkOptionalBool(options, k, what);
  }
  const routes = (options).excludedRoutes;
  if (routes !== undefined && (!Array.isArray(routes) || routes.some((r) => typeof r !== 'string'))) {
    throw invalidArgument('options.excludedRoutes must be an array of CIDR strings such as 192.0.2.0/24');
  }
  const mtu = (options).defaultMtu;
  if (mtu !== undefined && (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 576 || mtu > 65535)) {
    throw invalidArgument('options.defaultMtu must be an integer from 576 to 65535');
  }
  const allowed = checkPackageList(options, 'allowedApplications', what);
  const disallowed = checkPackageList(options, 'disallowedApplications', what);
  if (allowed && allowed.length > 0 && disallowed && disallowed.length > 0) {
    // VpnService.Builder throws UnsupportedOperationException for this combination.
    throw invalidArgument('options.allowedApplications and options.disallowedApplications cannot both be set');
  }
  return { ...(options as ConnectOptions) };
}

/** Checks {@link PrepareOptions}. */
export function checkPrepareOptions(options: unknown): PrepareOptions {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw invalidArgument(`options must be an object, got ${typeName(options)}`);
  checkKnownKeys(options, ['tunnelName', 'providerBundleIdentifier'], 'options');
  checkOptionalName(options, 'tunnelName', 'options');
  const id = options.providerBundleIdentifier;
  if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(id))) {
    throw invalidArgument('options.providerBundleIdentifier must be a bundle identifier such as com.example.app.tunnel');
  }
  return { ...(options as PrepareOptions) };
}

/** Checks {@link HotspotConnectOptions}. */
export function checkHotspotOptions(options: unknown): HotspotConnectOptions {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw invalidArgument(`options must be an object, got ${typeName(options)}`);
  checkKnownKeys(options, ['joinOnce', 'timeoutMs'], 'options');
  checkOptionalBool(options, 'joinOnce', 'options');
  const t = options.timeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 1000 || t > 120000)) {
    throw invalidArgument('options.timeoutMs must be an integer between 1000 and 120000');
  }
  return { ...(options as HotspotConnectOptions) };
}

/** Checks a {@link HotspotConfig} built or edited by the app, before it reaches the OS. */
export function checkHotspotConfig(config: unknown): HotspotConfig {
  if (!isPlainObject(config)) throw invalidArgument(`hotspot config must be an object, got ${typeName(config)}`);
  const c = config as unknown as HotspotConfig;
  if (c.passpoint == null) {
    if (typeof c.ssid !== 'string' || c.ssid === '') throw invalidArgument('hotspot config needs an ssid');
    // 802.11: an SSID is at most 32 octets.
    if (utf8Length(c.ssid) > 32) throw invalidArgument('hotspot ssid is longer than 32 bytes');
  }
  const personal = c.security === 'wpaPersonal' || c.security === 'wpa3Personal';
  if (personal) {
    if (typeof c.password !== 'string') throw invalidArgument(`a ${c.security} network needs a password`);
    const n = c.password.length;
    const hex = /^[0-9A-Fa-f]{64}$/.test(c.password);
    if (c.security === 'wpaPersonal' && !hex && (n < 8 || n > 63)) {
      throw invalidArgument('a WPA passphrase must be 8 to 63 characters (or 64 hex digits)');
    }
    if (c.security === 'wpa3Personal' && n < 1) throw invalidArgument('a WPA3 password must not be empty');
  }
  if (c.security === 'wep' && typeof c.password !== 'string') throw invalidArgument('a WEP network needs a key');
  if ((c.security === 'wpaEnterprise' || c.security === 'wpa3Enterprise') && !isPlainObject(c.eap)) {
    throw invalidArgument(`a ${c.security} network needs eap settings`);
  }
  return c;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

function checkKey(v: unknown, what: string): string {
  // The message names the field, never the value: it may be a private key.
  if (typeof v !== 'string' || !BASE64_KEY.test(v)) throw invalidArgument(`${what} is not a base64 WireGuard key`);
  return v;
}

function checkCidrList(v: unknown, what: string, min: number): string[] {
  if (!Array.isArray(v) || v.length < min) {
    throw invalidArgument(`${what} must be an array with at least ${min} CIDR entr${min === 1 ? 'y' : 'ies'}`);
  }
  for (const a of v) {
    if (typeof a !== 'string' || !/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(a)) {
      throw invalidArgument(`${what} contains "${String(a)}", which is not an IP address or CIDR`);
    }
  }
  return v as string[];
}

function checkInt(v: unknown, what: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidArgument(`${what} must be an integer between ${min} and ${max}`);
  }
  return v;
}

function noNewline(v: string, what: string): string {
  if (/[\r\n]/.test(v)) throw invalidArgument(`${what} must not contain a line break`);
  return v;
}

/**
 * Writes a {@link TunnelConfigInput} as wg-quick text, checking the shape on
 * the way. The native parser validates the result again.
 */
export function configToWgQuick(input: unknown): string {
  if (!isPlainObject(input)) throw invalidArgument(`config must be wg-quick text or an object, got ${typeName(input)}`);
  const cfg = input as unknown as TunnelConfigInput;
  if (!isPlainObject(cfg.interface)) throw invalidArgument('config.interface is missing');
  const i = cfg.interface;
  const lines = ['[Interface]', `PrivateKey = ${checkKey(i.privateKey, 'config.interface.privateKey')}`];
  lines.push(`Address = ${checkCidrList(i.addresses, 'config.interface.addresses', 1).join(', ')}`);
  if (i.dns !== undefined) {
    if (!Array.isArray(i.dns) || i.dns.some((d) => typeof d !== 'string' || d === '')) {
      throw invalidArgument('config.interface.dns must be an array of strings');
    }
    if (i.dns.length > 0) lines.push(`DNS = ${i.dns.map((d) => noNewline(d, 'config.interface.dns')).join(', ')}`);
  }
  const mtu = checkInt(i.mtu, 'config.interface.mtu', 576, 65535);
  if (mtu !== undefined) lines.push(`MTU = ${mtu}`);
  const port = checkInt(i.listenPort, 'config.interface.listenPort', 0, 65535);
  if (port !== undefined) lines.push(`ListenPort = ${port}`);

  if (!Array.isArray(cfg.peers) || cfg.peers.length === 0) {
    throw invalidArgument('config.peers must be an array with at least one peer');
  }
  cfg.peers.forEach((p, n) => {
    const what = `config.peers[${n}]`;
    if (!isPlainObject(p)) throw invalidArgument(`${what} must be an object`);
    lines.push('', '[Peer]', `PublicKey = ${checkKey(p.publicKey, `${what}.publicKey`)}`);
    if (p.presharedKey !== undefined) lines.push(`PresharedKey = ${checkKey(p.presharedKey, `${what}.presharedKey`)}`);
    lines.push(`AllowedIPs = ${checkCidrList(p.allowedIps, `${what}.allowedIps`, 1).join(', ')}`);
    if (p.endpoint !== undefined) {
      if (typeof p.endpoint !== 'string' || !/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/.test(p.endpoint)) {
        throw invalidArgument(`${what}.endpoint must be host:port or [ipv6]:port`);
      }
      lines.push(`Endpoint = ${p.endpoint}`);
    }
    const ka = checkInt(p.persistentKeepalive, `${what}.persistentKeepalive`, 0, 65535);
    if (ka !== undefined) lines.push(`PersistentKeepalive = ${ka}`);
  });
  return lines.join('\n') + '\n';
}

/**
 * Android: writes per-app rules into the `[Interface]` section as
 * `IncludedApplications` (only these apps use the tunnel) or
 * `ExcludedApplications` (these bypass it), replacing any the config had, so the
 * rules live with the config that the VPN service also starts for always-on VPN.
 * Returns `text` unchanged when both lists are empty or there is no `[Interface]`.
 */
export function withPerAppRules(text: string, allowed: readonly string[] = [], disallowed: readonly string[] = []): string {
  if (allowed.length === 0 && disallowed.length === 0) return text;
  const rule = allowed.length > 0 ? `IncludedApplications = ${allowed.join(', ')}` : `ExcludedApplications = ${disallowed.join(', ')}`;
  const out: string[] = [];
  let inInterface = false;
  let inserted = false;
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (/^\[[^\]]*\]$/.test(t)) {
      inInterface = /^\[\s*interface\s*\]$/i.test(t);
      out.push(line);
      if (inInterface && !inserted) {
        out.push(rule);
        inserted = true;
      }
      continue;
    }
    if (inInterface && /^(included|excluded)applications\s*=/i.test(t)) continue;
    out.push(line);
  }
  return inserted ? out.join('\n') : text;
}
