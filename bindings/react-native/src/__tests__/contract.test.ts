/**
 * The contract between the native bridges and this TS layer.
 *
 * 1. Static: every error code, hotspot reason, state and reason string the
 *    Kotlin and Swift sources send is one the TS layer knows (no typo ever
 *    reaches an app as `UNKNOWN`).
 * 2. Runtime (when `CULVERT_RN_PAYLOADS` names the JSON that
 *    scripts/contract/PayloadContract.kt printed on the JVM — `make test-rn`
 *    does this): the Android bridge's real payloads read back correctly.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CULVERT_ERROR_CODES, HOTSPOT_ERROR_CODES, HotspotError } from '../errors';
import { mapCurrentSsid, mapHandshakeEvent, mapHotspotConnectResult, mapNativeError, mapReason, mapState, mapStats, mapStatus } from '../mapping';

const root = path.resolve(__dirname, '..', '..');

function sources(dir: string, ext: RegExp): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (ext.test(name)) out.push({ file: path.relative(root, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(path.join(root, dir));
  return out;
}

/** The text from `start` to the next `static func` (a function's body, roughly). */
function block(text: string, start: string): string {
  const i = text.indexOf(start);
  if (i < 0) return '';
  const j = text.indexOf('static func', i + start.length);
  return text.slice(i, j < 0 ? undefined : j);
}

const kotlin = sources('android/src', /\.kt$/);
const swift = sources('ios', /\.swift$/);

function matches(files: Array<{ file: string; text: string }>, re: RegExp): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const { file, text } of files) for (const m of text.matchAll(re)) found.push([file, m[1] ?? '']);
  return found;
}

describe('native sources use only codes the TS layer knows', () => {
  test('Kotlin hotspot reasons', () => {
    const used = matches(kotlin, /BridgeError\.hotspot\(\s*"([A-Za-z]+)"/g);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(([, r]) => !HOTSPOT_ERROR_CODES.includes(r as never))).toEqual([]);
  });

  test('Swift rejection codes and hotspot reasons', () => {
    const codes = matches(swift, /reject\(\s*"([A-Z_]+)"/g);
    expect(codes.length).toBeGreaterThan(5);
    expect(codes.filter(([, c]) => !CULVERT_ERROR_CODES.includes(c as never))).toEqual([]);
    const reasons = [
      ...matches(swift, /Failure\(reason:\s*"([A-Za-z]+)"/g),
      ...matches(swift, /return "([A-Za-z]+)"\s*(?:\/\/.*)?$/gm).filter(([f]) => f.endsWith('HotspotMapping.swift')),
      ...matches(swift, /"reason":\s*"([A-Za-z]+)"/g).filter(([f]) => f.endsWith('HotspotMapping.swift')),
    ];
    const ssidReasons = ['locationPermissionMissing', 'locationServicesOff', 'entitlementMissing', 'notConnected', 'unknown'];
    expect(reasons.filter(([, r]) => !HOTSPOT_ERROR_CODES.includes(r as never) && !ssidReasons.includes(r))).toEqual([]);
  });

  test('Kotlin and Swift state names and disconnect reasons map to known values', () => {
    const states = [
      ...matches(kotlin, /report\(\s*"([a-z]+)"/g),
      ...matches(swift.map(({ file, text }) => ({ file, text: block(text, 'static func stateName') })), /case \.\w+: return "([a-z]+)"/g),
    ];
    expect(states.length).toBeGreaterThan(8);
    expect(states.filter(([, s]) => mapState(s) === null)).toEqual([]);
    const reasons = [
      ...matches(kotlin, /report\(\s*"disconnected",\s*"([A-Za-z]+)"/g),
      ...matches(kotlin, /stopped\(\s*"([A-Za-z]+)"/g),
      ...matches(swift.map(({ file, text }) => ({ file, text: block(text, 'static func disconnectReason') })), /return "([A-Za-z]+)"/g),
    ];
    expect(reasons.length).toBeGreaterThan(5);
    expect(reasons.filter(([, r]) => mapReason(r) === 'unknown' && r !== 'unknown')).toEqual([]);
  });
});

const payloadFile = process.env.CULVERT_RN_PAYLOADS;
const withPayloads = payloadFile ? describe : describe.skip;

withPayloads('Android bridge payloads (printed by compiled Kotlin on the JVM)', () => {
  const p = (payloadFile ? JSON.parse(fs.readFileSync(payloadFile, 'utf8')) : {}) as Record<string, unknown>;

  test('status', () => {
    expect(mapStatus(p.status_connected)).toMatchObject({
      state: 'connected', reason: null, nativeReason: null, message: null,
      since: new Date(1_700_000_000_000), prepared: true, tunnelName: 'Office',
    });
    expect(mapStatus(p.status_down)).toMatchObject({ state: 'disconnected', reason: 'permissionRevoked', nativeReason: 'revoked', prepared: false });
  });

  test('stats: counters, large byte counts, missing handshake and RTT', () => {
    const s = mapStats(p.stats);
    expect(s.listenPort).toBe(51820);
    expect(s.collectedAt).toEqual(new Date(1_700_000_001_000));
    expect(s.peers[0]).toEqual({
      publicKey: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=', endpoint: '198.51.100.1:51820',
      rxBytes: 9_007_199_254_740_000, txBytes: 5678, rxPackets: 10, txPackets: 12,
      lastHandshake: new Date(1_700_000_000_000), handshakes: 3, rttMs: 42, loss: 0.25,
    });
    expect(s.peers[1]).toMatchObject({ endpoint: null, lastHandshake: null, rttMs: null, loss: 0 });
    const zero = { bufferFull: 0, unreachable: 0, permission: 0, tooLarge: 0, noSocket: 0, other: 0 };
    expect(s.sendFailures).toEqual({ ...zero, unreachable: 3, permission: 1 });
    expect(s.tunWriteFailures).toEqual({ ...zero, bufferFull: 7 });
    expect(s.oversizedDropped).toBe(2);
    expect(mapStats(p.stats_empty)).toEqual({
      listenPort: null, peers: [], collectedAt: new Date(1_700_000_002_000),
      sendFailures: zero, tunWriteFailures: zero, oversizedDropped: 0,
    });
  });

  test('the status store event stream', () => {
    const events = p.events as Array<Record<string, unknown>>;
    const seen = events.map((e) => ('peer' in e ? mapHandshakeEvent(e)?.type : `${String(mapState(e.state))}:${String(mapReason(e.reason))}`));
    expect(seen).toEqual([
      'connecting:null', 'connected:null', 'completed', 'failing', 'reasserting:null', 'connected:null',
      'disconnecting:null', 'disconnected:permissionRevoked',
    ]);
    expect(mapHandshakeEvent(events[3])).toMatchObject({ type: 'failing', attempts: 4, at: new Date(1300) });
  });

  test('SSID, hotspot result and error codes', () => {
    expect(mapCurrentSsid(p.ssid_ok)).toEqual({ ssid: 'Café', bssid: '02:00:00:00:00:01' });
    expect(mapCurrentSsid(p.ssid_missing)).toEqual({ ssid: null, reason: 'locationPermissionMissing', message: 'grant ACCESS_FINE_LOCATION' });
    expect(mapHotspotConnectResult(p.joined)).toEqual({ alreadyConnected: false, method: 'suggestion' });
    for (const code of p.codes as string[]) {
      const e = mapNativeError({ code, message: 'm' });
      if (code.startsWith('HOTSPOT_')) {
        if (!(e instanceof HotspotError)) throw new Error(`${code} did not map to a HotspotError`);
        expect(e.reason).toBe(code.slice('HOTSPOT_'.length));
      } else {
        expect(e.code).toBe(code); // the same code, not UNKNOWN-with-nativeCode
        expect(e.nativeCode).toBeNull();
      }
    }
  });
});
