/**
 * `react-native-culvert`: WireGuard tunnels and Wi-Fi hotspot onboarding for
 * React Native apps, on the Culvert core (iOS `NETunnelProviderManager` + a
 * Packet Tunnel extension, Android `VpnService`).
 *
 * ```ts
 * import * as Culvert from 'react-native-culvert';
 *
 * const parsed = await Culvert.parseConfig(text);
 * if (!parsed.ok) showError(`line ${parsed.error.line}: ${parsed.error.message}`);
 * await Culvert.prepare();               // consent / install the VPN configuration
 * const sub = Culvert.addListener('stateChanged', (e) => setState(e.state));
 * await Culvert.connect(text, { tunnelName: 'Office' });
 * const stats = await Culvert.getStats();
 * await Culvert.disconnect();
 * sub.remove();
 * ```
 *
 * Every promise rejects with a {@link CulvertError}; switch on `error.code`.
 *
 * @packageDocumentation
 */
import { CulvertError } from './errors';
import {
  callNative,
  mapHandshakeEvent,
  mapNativeError,
  mapParseConfigResult,
  mapPrepareResult,
  mapQrResult,
  mapReason,
  mapState,
  mapStats,
  mapStatus,
} from './mapping';
import { NATIVE_EVENTS, nativeEmitter, nativeModule } from './native';
import { TunnelStateMachine, type TunnelSnapshot } from './state';
import type {
  ConnectOptions,
  CulvertEventMap,
  ParseConfigResult,
  PrepareOptions,
  PrepareResult,
  QrResult,
  Subscription,
  TunnelConfigInput,
  TunnelStats,
  TunnelStatus,
} from './types';
import { Platform } from 'react-native';
import { checkConfigText, checkConnectOptions, checkPrepareOptions, configToWgQuick, withPerAppRules } from './validate';
import * as hotspot from './hotspot';

export * from './types';
export {
  ConfigError,
  CulvertError,
  HotspotError,
  CULVERT_ERROR_CODES,
  HOTSPOT_ERROR_CODES,
  type CulvertErrorCode,
  type HotspotErrorCode,
} from './errors';
export { TunnelStateMachine, reduce as reduceTunnelState, type TunnelSnapshot, type TunnelAction } from './state';
export { configToWgQuick, withPerAppRules } from './validate';
export { hotspot };

/** Clock used for request timestamps; replaceable in tests. */
let now: () => number = () => Date.now();

let machine = new TunnelStateMachine(0);

/**
 * Parses wg-quick text with the Culvert core. Resolves a result instead of
 * rejecting for bad text, so a form can show the error next to the line:
 * `{ ok: true, config, warnings }` or `{ ok: false, error: { kind, section, key, line, message } }`.
 * The summary contains public keys only.
 *
 * @throws {@link CulvertError} `INVALID_ARGUMENT` when `text` is not a non-empty string.
 */
export async function parseConfig(text: string): Promise<ParseConfigResult> {
  const checked = checkConfigText(text);
  const raw = await callNative(() => nativeModule().parseConfig(checked));
  return mapParseConfigResult(raw);
}

/**
 * Parses the text of a scanned QR code: a wg-quick config (as the official
 * WireGuard apps export), a `WIFI:` code or a Wi-Fi Easy Connect `DPP:` URI.
 * To connect a WireGuard QR code, pass the same text to {@link connect}.
 *
 * @throws {@link ConfigError} for a WireGuard config that does not parse,
 *   {@link HotspotError} `invalidConfig` for anything else unreadable.
 */
export async function parseQr(text: string): Promise<QrResult> {
  const checked = checkConfigText(text, 'QR text');
  const raw = await callNative(() => nativeModule().parseQr(checked));
  return mapQrResult(raw);
}

/**
 * Gets the permission to run a VPN. Android: shows the system consent dialog
 * (`VpnService.prepare`) when needed. iOS: loads or installs the app's
 * `NETunnelProviderManager`, which shows the "Add VPN Configurations" prompt
 * the first time. Call it from a user action, before {@link connect}.
 *
 * @throws {@link CulvertError} `VPN_PERMISSION_DENIED` when the user declines.
 */
export async function prepare(options?: PrepareOptions): Promise<PrepareResult> {
  const checked = checkPrepareOptions(options);
  const raw = await callNative(() => nativeModule().prepare({ ...checked }));
  return mapPrepareResult(raw);
}

/**
 * Starts the tunnel. `config` is wg-quick text or a {@link TunnelConfigInput}.
 * Resolves once the OS accepted the start request; follow `stateChanged`
 * events (or {@link getStatus}) for `connecting` → `connected`.
 *
 * @throws {@link ConfigError} for a config the core rejects,
 *   {@link CulvertError} `VPN_NOT_PREPARED`, `VPN_PERMISSION_DENIED`,
 *   `PROVIDER_ERROR`, `BUSY` or `INVALID_ARGUMENT`.
 */
export async function connect(config: string | TunnelConfigInput, options?: ConnectOptions): Promise<void> {
  let text = typeof config === 'string' ? checkConfigText(config) : configToWgQuick(config);
  const checked = checkConnectOptions(options);
  if (Platform.OS === 'android') {
    // VpnService per-app rules travel inside the config (always-on VPN restarts from it).
    text = withPerAppRules(text, checked.allowedApplications, checked.disallowedApplications);
  }
  machine.dispatch({ type: 'connectRequested', at: now() });
  try {
    await nativeModule().connect(text, { ...checked });
  } catch (e) {
    const err = mapNativeError(e);
    machine.dispatch({ type: 'requestFailed', at: now(), code: err.code, message: err.message });
    throw err;
  }
}

/** Stops the tunnel. Resolves once the OS accepted the stop request; a no-op when already down. */
export async function disconnect(): Promise<void> {
  machine.dispatch({ type: 'disconnectRequested', at: now() });
  try {
    await nativeModule().disconnect();
  } catch (e) {
    const err = mapNativeError(e);
    machine.dispatch({ type: 'requestFailed', at: now(), code: err.code, message: err.message });
    throw err;
  }
}

/** The tunnel's current status, straight from the OS. */
export async function getStatus(): Promise<TunnelStatus> {
  const raw = await callNative(() => nativeModule().getStatus());
  const status = mapStatus(raw);
  machine.dispatch({
    type: 'native',
    at: status.since?.getTime() ?? now(),
    state: status.state,
    reason: status.reason,
    nativeReason: status.nativeReason,
    message: status.message,
  });
  return status;
}

/**
 * Per-peer statistics: bytes and packets each way, last handshake, handshake
 * RTT, loss. On iOS the app asks the extension (`sendProviderMessage`), which
 * answers from memory without blocking. When the tunnel is down, `peers` is empty.
 *
 * @throws {@link CulvertError} `TIMEOUT` when the extension does not answer.
 */
export async function getStats(): Promise<TunnelStats> {
  const raw = await callNative(() => nativeModule().getStats());
  return mapStats(raw);
}

/**
 * Polls {@link getStats} every `intervalMs` (at least 250 ms) and calls
 * `onStats`; never runs two requests at once. Returns a function that stops it.
 */
export function watchStats(
  intervalMs: number,
  onStats: (stats: TunnelStats) => void,
  onError?: (error: CulvertError) => void,
): () => void {
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 250) {
    throw new CulvertError('INVALID_ARGUMENT', 'intervalMs must be a number of at least 250');
  }
  let inFlight = false;
  let stopped = false;
  const tick = (): void => {
    if (inFlight || stopped) return;
    inFlight = true;
    getStats()
      .then((s) => {
        if (!stopped) onStats(s);
      })
      .catch((e: unknown) => {
        if (!stopped) onError?.(mapNativeError(e));
      })
      .finally(() => {
        inFlight = false;
      });
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

type Listener<K extends keyof CulvertEventMap> = (event: CulvertEventMap[K]) => void;

const handshakeListeners = new Set<Listener<'handshake'>>();

const statsListeners = new Set<Listener<'stats'>>();
let nativeSubs: Array<{ remove(): void }> = [];
let machineUnsub: (() => void) | null = null;
const stateListeners = new Set<Listener<'stateChanged'>>();

function ensureNativeSubscriptions(): void {
  if (nativeSubs.length > 0) return;
  const em = nativeEmitter();
  nativeSubs = [
    em.addListener(NATIVE_EVENTS.state, (raw: unknown) => {
      const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const state = mapState(o.state);
      if (!state) return; // a state this version does not know: ignore rather than guess
      const at = typeof o.at === 'number' && o.at > 0 ? o.at : now();
      const nativeReason = typeof o.reason === 'string' ? o.reason : null;
      machine.dispatch({
        type: 'native',
        at,
        state,
        reason: state === 'disconnected' ? mapReason(nativeReason) : null,
        nativeReason,
        message: typeof o.message === 'string' ? o.message : null,
      });
    }),
    em.addListener(NATIVE_EVENTS.handshake, (raw: unknown) => {
      const ev = mapHandshakeEvent(raw, now);
      if (!ev) return;
      for (const l of [...handshakeListeners]) l(ev);
    }),
    em.addListener(NATIVE_EVENTS.stats, (raw: unknown) => {
      let ev: TunnelStats;
      try {
        ev = mapStats(raw, now);
      } catch {
        return; // a malformed push is dropped; getStats() reports protocol errors
      }
      for (const l of [...statsListeners]) l(ev);
    }),
  ];
  machineUnsub = machine.subscribe((ev) => {
    for (const l of [...stateListeners]) l(ev);
  });
}

function releaseNativeSubscriptionsIfUnused(): void {
  if (stateListeners.size > 0 || handshakeListeners.size > 0 || statsListeners.size > 0) return;
  for (const s of nativeSubs) s.remove();
  nativeSubs = [];
  machineUnsub?.();
  machineUnsub = null;
}

/**
 * Listens to tunnel events:
 * - `stateChanged` — `{ state, previous, reason, nativeReason, message, at }`
 *   (`connecting`, `connected`, `reasserting`, `disconnecting`, `disconnected`
 *   with a reason such as `userRequested` or `permissionRevoked`);
 * - `handshake` — `{ type: 'completed', peer, at }` or `{ type: 'failing', peer, attempts, at }`;
 * - `stats` — a {@link TunnelStats} snapshot pushed by the native side (Android:
 *   after each handshake event); poll {@link getStats} or {@link watchStats} elsewhere.
 *
 * The state events come from a state machine that also reflects the app's own
 * `connect`/`disconnect` calls at once and drops stale native reports.
 */
export function addListener<K extends keyof CulvertEventMap>(event: K, listener: Listener<K>): Subscription {
  if (typeof listener !== 'function') throw new CulvertError('INVALID_ARGUMENT', 'listener must be a function');
  let set: Set<Listener<K>>;
  if (event === 'stateChanged') set = stateListeners as unknown as Set<Listener<K>>;
  else if (event === 'handshake') set = handshakeListeners as unknown as Set<Listener<K>>;
  else if (event === 'stats') set = statsListeners as unknown as Set<Listener<K>>;
  else throw new CulvertError('INVALID_ARGUMENT', `unknown event "${String(event)}"`);
  ensureNativeSubscriptions();
  set.add(listener);
  let removed = false;
  return {
    remove: () => {
      if (removed) return;
      removed = true;
      set.delete(listener);
      releaseNativeSubscriptionsIfUnused();
    },
  };
}

/** The state as the UI should show it right now (see `TunnelStateMachine`). */
export function currentState(): TunnelSnapshot {
  return machine.current;
}

/** Test hooks: replace the clock, reset module-level state. @internal */
export const __testing = {
  setClock(clock: () => number): void {
    now = clock;
  },
  reset(): void {
    for (const s of nativeSubs) s.remove();
    nativeSubs = [];
    machineUnsub?.();
    machineUnsub = null;
    stateListeners.clear();
    handshakeListeners.clear();
    now = () => Date.now();
    machine = new TunnelStateMachine(0);
  },
};

/** The whole API as one object, for `import Culvert from 'react-native-culvert'`. */
const Culvert = {
  parseConfig,
  parseQr,
  prepare,
  connect,
  disconnect,
  getStatus,
  getStats,
  watchStats,
  addListener,
  currentState,
  configToWgQuick,
  hotspot,
};
export default Culvert;
