import { mapReason } from '../mapping';
import { initialSnapshot, reduce, TunnelStateMachine, type TunnelAction } from '../state';
import type { StateChangedEvent, TunnelState } from '../types';

const native = (at: number, state: TunnelState, nativeReason: string | null = null): TunnelAction => ({
  type: 'native',
  at,
  state,
  reason: state === 'disconnected' ? mapReason(nativeReason) : null,
  nativeReason,
  message: null,
});

describe('tunnel state machine', () => {
  test('starts disconnected with no reason', () => {
    const m = new TunnelStateMachine(5);
    expect(m.current).toEqual({ state: 'disconnected', reason: null, nativeReason: null, message: null, since: 5, pending: false });
  });

  test('connect request is shown at once as pending connecting, then confirmed by native events', () => {
    const m = new TunnelStateMachine();
    const events: StateChangedEvent[] = [];
    m.subscribe((e) => events.push(e));
    m.dispatch({ type: 'connectRequested', at: 100 });
    expect(m.current).toMatchObject({ state: 'connecting', pending: true, since: 100 });
    m.dispatch(native(150, 'connecting'));
    expect(m.current).toMatchObject({ state: 'connecting', pending: false, since: 100 });
    m.dispatch(native(300, 'connected'));
    expect(m.current).toMatchObject({ state: 'connected', pending: false, since: 300 });
    expect(events.map((e) => [e.previous, e.state])).toEqual([
      ['disconnected', 'connecting'],
      ['connecting', 'connected'],
    ]);
  });

  test('a stale disconnected report from before the connect request is ignored', () => {
    const m = new TunnelStateMachine();
    m.dispatch({ type: 'connectRequested', at: 1000 });
    m.dispatch(native(900, 'disconnected', 'userInitiated'));
    expect(m.current.state).toBe('connecting');
    // ...but a fresh one after the request is the truth.
    m.dispatch(native(1100, 'disconnected', 'configurationFailed'));
    expect(m.current.state).toBe('disconnected');
  });

  test('repeated native states notify once', () => {
    const m = new TunnelStateMachine();
    const seen: string[] = [];
    m.subscribe((e) => seen.push(e.state));
    m.dispatch(native(1, 'connecting'));
    m.dispatch(native(2, 'connected'));
    m.dispatch(native(3, 'connected'));
    m.dispatch(native(4, 'connected'));
    expect(seen).toEqual(['connecting', 'connected']);
  });

  test('reasserting and back to connected are both reported', () => {
    const m = new TunnelStateMachine();
    const seen: string[] = [];
    m.subscribe((e) => seen.push(e.state));
    m.dispatch(native(1, 'connected'));
    m.dispatch(native(2, 'reasserting'));
    m.dispatch(native(3, 'connected'));
    expect(seen).toEqual(['connected', 'reasserting', 'connected']);
  });

  test('disconnect request shows disconnecting, native disconnected carries the reason', () => {
    const m = new TunnelStateMachine();
    m.dispatch(native(1, 'connected'));
    m.dispatch({ type: 'disconnectRequested', at: 10 });
    expect(m.current).toMatchObject({ state: 'disconnecting', pending: true });
    const s = reduce(m.current, { type: 'native', at: 20, state: 'disconnected', reason: 'userRequested', nativeReason: 'userInitiated', message: null }, 10);
    expect(s).toMatchObject({ state: 'disconnected', reason: 'userRequested', nativeReason: 'userInitiated' });
  });

  test('disconnect while already disconnected changes nothing', () => {
    const m = new TunnelStateMachine();
    const before = m.current;
    const listener = jest.fn();
    m.subscribe(listener);
    expect(m.dispatch({ type: 'disconnectRequested', at: 10 })).toBe(before);
    expect(listener).not.toHaveBeenCalled();
  });

  test('connect while connected changes nothing', () => {
    const m = new TunnelStateMachine();
    m.dispatch(native(1, 'connected'));
    const before = m.current;
    expect(m.dispatch({ type: 'connectRequested', at: 5 })).toBe(before);
  });

  test('a failed request returns to disconnected with a reason derived from the error code', () => {
    const cases: Array<[string, string]> = [
      ['CONFIG_INVALID', 'configurationInvalid'],
      ['VPN_PERMISSION_DENIED', 'permissionRevoked'],
      ['PROVIDER_ERROR', 'providerFailed'],
      ['UNKNOWN', 'unknown'],
    ];
    for (const [code, reason] of cases) {
      const m = new TunnelStateMachine();
      m.dispatch({ type: 'connectRequested', at: 1 });
      m.dispatch({ type: 'requestFailed', at: 2, code: code as never, message: 'nope' });
      expect(m.current).toMatchObject({ state: 'disconnected', reason, message: 'nope', pending: false });
    }
  });

  test('the reason is cleared when the tunnel comes back up', () => {
    const m = new TunnelStateMachine();
    m.dispatch(native(1, 'disconnected', 'revoked'));
    expect(m.current.nativeReason).toBe('revoked');
    m.dispatch(native(2, 'connecting'));
    expect(m.current).toMatchObject({ reason: null, nativeReason: null });
  });

  test('a listener removed during dispatch does not break others', () => {
    const m = new TunnelStateMachine();
    const b = jest.fn();
    const unsubA = m.subscribe(() => unsubA());
    m.subscribe(b);
    m.dispatch(native(1, 'connecting'));
    m.dispatch(native(2, 'connected'));
    expect(b).toHaveBeenCalledTimes(2);
  });

  test('reduce returns the same object when nothing changes', () => {
    const s = initialSnapshot(0);
    expect(reduce(s, native(1, 'disconnected'), -Infinity)).toBe(s);
  });
});
