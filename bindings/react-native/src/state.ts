/**
 * The tunnel state a UI sees, as a small pure state machine.
 *
 * Native state events are the truth, but they arrive late and sometimes out of
 * order: on iOS the `NEVPNStatusDidChange` notification of a previous stop can
 * land after the app already asked to connect again, and on both platforms
 * nothing is reported between the tap on "Connect" and the OS accepting the
 * request. The machine therefore
 *
 * - moves to `connecting` as soon as the app asks (optimistic), and to
 *   `disconnecting` as soon as it asks to stop;
 * - ignores a native event older than the last request the app made (stale);
 * - ignores a native event that repeats the current state (no re-render);
 * - returns to `disconnected` with the failure's reason when a request fails;
 * - keeps the reason only while `disconnected`.
 *
 * It takes time as an argument (`at`), so tests drive it without clocks.
 */
import type { CulvertErrorCode } from './errors';
import type { DisconnectReason, StateChangedEvent, TunnelState } from './types';

/** A snapshot of the machine. */
export interface TunnelSnapshot {
  state: TunnelState;
  reason: DisconnectReason | null;
  nativeReason: string | null;
  message: string | null;
  /** When `state` was entered (ms since epoch). */
  since: number;
  /** Whether `state` is a local guess not yet confirmed by the native side. */
  pending: boolean;
}

/** Inputs of the machine. */
export type TunnelAction =
  | { type: 'connectRequested'; at: number }
  | { type: 'disconnectRequested'; at: number }
  | { type: 'requestFailed'; at: number; code: CulvertErrorCode; message: string }
  | {
      type: 'native';
      at: number;
      state: TunnelState;
      reason: DisconnectReason | null;
      nativeReason: string | null;
      message: string | null;
    };

/** The state before anything is known. */
export function initialSnapshot(at = 0): TunnelSnapshot {
  return { state: 'disconnected', reason: null, nativeReason: null, message: null, since: at, pending: false };
}

function failureReason(code: CulvertErrorCode): DisconnectReason {
  switch (code) {
    case 'CONFIG_INVALID':
    case 'INVALID_ARGUMENT':
      return 'configurationInvalid';
    case 'VPN_PERMISSION_DENIED':
    case 'VPN_NOT_PREPARED':
      return 'permissionRevoked';
    case 'PROVIDER_ERROR':
    case 'TIMEOUT':
      return 'providerFailed';
    default:
      return 'unknown';
  }
}

/**
 * One step of the machine: returns the next snapshot, or the same object when
 * the action changes nothing (so callers can skip notifying listeners).
 * `lastRequestAt` is the time of the last app request; native events older
 * than it are stale.
 */
export function reduce(s: TunnelSnapshot, a: TunnelAction, lastRequestAt: number): TunnelSnapshot {
  switch (a.type) {
    case 'connectRequested':
      if (s.state === 'connected' || s.state === 'connecting' || s.state === 'reasserting') return s;
      return { state: 'connecting', reason: null, nativeReason: null, message: null, since: a.at, pending: true };
    case 'disconnectRequested':
      if (s.state === 'disconnected' || s.state === 'disconnecting') return s;
      return { state: 'disconnecting', reason: null, nativeReason: null, message: null, since: a.at, pending: true };
    case 'requestFailed':
      return {
        state: 'disconnected',
        reason: failureReason(a.code),
        nativeReason: a.code,
        message: a.message,
        since: a.at,
        pending: false,
      };
    case 'native': {
      if (a.at < lastRequestAt) return s; // a report from before the app's last request
      const reason = a.state === 'disconnected' ? (a.reason ?? (s.pending ? null : s.reason)) : null;
      if (
        a.state === s.state &&
        !s.pending &&
        reason === s.reason &&
        (a.state !== 'disconnected' || a.nativeReason === s.nativeReason)
      ) {
        return s;
      }
      if (a.state === s.state && s.pending && a.state !== 'disconnected') {
        // The native side confirmed the local guess; keep `since` from the request.
        return { ...s, pending: false };
      }
      return {
        state: a.state,
        reason,
        nativeReason: a.state === 'disconnected' ? a.nativeReason : null,
        message: a.state === 'disconnected' ? a.message : null,
        since: a.at,
        pending: false,
      };
    }
  }
}

/** Listener of {@link TunnelStateMachine}. */
export type SnapshotListener = (event: StateChangedEvent, snapshot: TunnelSnapshot) => void;

/**
 * Holds the current {@link TunnelSnapshot} and tells listeners about each
 * change, as a {@link StateChangedEvent}.
 */
export class TunnelStateMachine {
  private snapshot: TunnelSnapshot;
  private lastRequestAt = Number.NEGATIVE_INFINITY;
  private readonly listeners = new Set<SnapshotListener>();

  constructor(at = 0) {
    this.snapshot = initialSnapshot(at);
  }

  /** The current snapshot. */
  get current(): TunnelSnapshot {
    return this.snapshot;
  }

  /** Applies an action; notifies listeners when the snapshot changed. Returns the new snapshot. */
  dispatch(action: TunnelAction): TunnelSnapshot {
    if (action.type !== 'native') this.lastRequestAt = Math.max(this.lastRequestAt, action.at);
    const prev = this.snapshot;
    const next = reduce(prev, action, action.type === 'native' ? this.lastRequestAt : Number.NEGATIVE_INFINITY);
    if (next === prev) return prev;
    this.snapshot = next;
    if (next.state !== prev.state || next.reason !== prev.reason || next.nativeReason !== prev.nativeReason) {
      const event: StateChangedEvent = {
        state: next.state,
        previous: prev.state,
        reason: next.reason,
        nativeReason: next.nativeReason,
        message: next.message,
        at: new Date(next.since),
      };
      for (const l of [...this.listeners]) l(event, next);
    }
    return next;
  }

  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
