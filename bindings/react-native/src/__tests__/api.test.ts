/**
 * The public API against a mocked native module: argument validation before
 * the native call, result and error mapping after it, and the state events a
 * UI receives.
 */
import { emit, KEY_B, KEY_PRIV, listenerCount, makeFakeNative, nativeError, registry, SAMPLE_CONFIG, type FakeNative } from './mockNative';

jest.mock('react-native', () => jest.requireActual<typeof import('./mockNative')>('./mockNative').reactNativeMock());

type Api = typeof import('../index');

let fake: FakeNative;
let Culvert: Api;

function load(kind: 'turbo' | 'legacy' | 'none' = 'turbo'): Api {
  jest.resetModules();
  fake = makeFakeNative();
  registry.turbo = kind === 'turbo' ? fake : null;
  registry.legacy = kind === 'legacy' ? fake : null;
  return jest.requireActual<Api>('../index');
}

const summary = {
  interface: { publicKey: KEY_B, addresses: ['10.0.0.2/32'], dns: ['198.51.100.53'], dnsSearchDomains: [], mtu: 1280, listenPort: null },
  peers: [{ publicKey: KEY_B, endpoint: '198.51.100.1:51820', allowedIps: ['0.0.0.0/0'], persistentKeepalive: 25, hasPresharedKey: true }],
};

/** Lets pending promise callbacks run (a fixed number of microtask turns). */
async function flushPromises(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

beforeEach(() => {
  Culvert = load('turbo');
});

afterEach(() => {
  Culvert.__testing.reset();
});

describe('module resolution', () => {
  test('uses the TurboModule when the new architecture provides it', async () => {
    fake.getStatus.mockResolvedValue({ state: 'connected', prepared: true });
    await expect(Culvert.getStatus()).resolves.toMatchObject({ state: 'connected' });
    expect(fake.getStatus).toHaveBeenCalledTimes(1);
  });

  test('falls back to NativeModules.Culvert on the old bridge', async () => {
    Culvert = load('legacy');
    fake.getStatus.mockResolvedValue({ state: 'disconnected', prepared: false });
    await expect(Culvert.getStatus()).resolves.toMatchObject({ state: 'disconnected', prepared: false });
  });

  test('a missing native module is a NATIVE_MODULE_MISSING error that says how to fix it', async () => {
    Culvert = load('none');
    await expect(Culvert.getStatus()).rejects.toMatchObject({ code: 'NATIVE_MODULE_MISSING' });
    await expect(Culvert.getStatus()).rejects.toThrow(/pod install/);
  });
});

describe('parseConfig', () => {
  test('returns the typed summary and warnings', async () => {
    fake.parseConfig.mockResolvedValue({ ok: true, config: summary, warnings: [{ code: 'HOST_ONLY_KEY', message: 'PostUp is ignored' }] });
    const r = await Culvert.parseConfig(SAMPLE_CONFIG);
    expect(fake.parseConfig).toHaveBeenCalledWith(SAMPLE_CONFIG);
    expect(r).toEqual({ ok: true, config: summary, warnings: [{ code: 'HOST_ONLY_KEY', message: 'PostUp is ignored' }] });
  });

  test('returns a located error for bad text instead of rejecting', async () => {
    fake.parseConfig.mockResolvedValue({
      ok: false,
      error: { kind: 'INVALID_KEY', section: 'Peer', key: 'PublicKey', line: 7, message: 'PublicKey is not a valid key' },
    });
    const r = await Culvert.parseConfig('[Peer]\nPublicKey = nope\n');
    expect(r).toEqual({
      ok: false,
      error: { kind: 'INVALID_KEY', section: 'Peer', key: 'PublicKey', line: 7, message: 'PublicKey is not a valid key' },
    });
  });

  test.each([[undefined], [null], [42], [''], ['   \n']])('rejects %p before calling native', async (bad) => {
    await expect(Culvert.parseConfig(bad as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fake.parseConfig).not.toHaveBeenCalled();
  });

  test('rejects text over 64 KiB', async () => {
    await expect(Culvert.parseConfig('#'.repeat(64 * 1024 + 1))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('an unreadable native answer is a NATIVE_PROTOCOL error', async () => {
    fake.parseConfig.mockResolvedValue('yes');
    await expect(Culvert.parseConfig(SAMPLE_CONFIG)).rejects.toMatchObject({ code: 'NATIVE_PROTOCOL' });
  });
});

describe('parseQr', () => {
  test('a WireGuard QR code yields the config summary', async () => {
    fake.parseQr.mockResolvedValue({ ok: true, type: 'wireguard', config: summary, warnings: [] });
    await expect(Culvert.parseQr(SAMPLE_CONFIG)).resolves.toEqual({ type: 'wireguard', config: summary, warnings: [] });
  });

  test('a WIFI: code yields a hotspot', async () => {
    fake.parseQr.mockResolvedValue({ ok: true, type: 'wifi', hotspot: { ssid: 'Cafe', security: 'WPA', password: 'secretpass', hidden: false } });
    const r = await Culvert.parseQr('WIFI:T:WPA;S:Cafe;P:secretpass;;');
    expect(r).toEqual({
      type: 'wifi',
      hotspot: { ssid: 'Cafe', security: 'wpaPersonal', password: 'secretpass', hidden: false, eap: null, passpoint: null },
    });
  });

  test('a broken WireGuard QR code rejects with a ConfigError', async () => {
    fake.parseQr.mockResolvedValue({ ok: false, type: 'wireguard', error: { kind: 'MISSING_ATTRIBUTE', section: 'Interface', key: 'PrivateKey', line: 1, message: 'missing PrivateKey' } });
    const err = await Culvert.parseQr('[Interface]\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Culvert.ConfigError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', kind: 'MISSING_ATTRIBUTE', section: 'Interface', key: 'PrivateKey', line: 1 });
  });

  test('an unknown QR code rejects with HotspotError invalidConfig', async () => {
    fake.parseQr.mockResolvedValue({ ok: false, error: { message: 'not a known QR format' } });
    await expect(Culvert.parseQr('https://example.org')).rejects.toMatchObject({ name: 'HotspotError', reason: 'invalidConfig' });
  });
});

describe('prepare', () => {
  test('passes checked options and maps the result', async () => {
    fake.prepare.mockResolvedValue({ alreadyPrepared: true });
    await expect(Culvert.prepare({ tunnelName: 'Office', providerBundleIdentifier: 'com.example.app.tunnel' })).resolves.toEqual({ alreadyPrepared: true });
    expect(fake.prepare).toHaveBeenCalledWith({ tunnelName: 'Office', providerBundleIdentifier: 'com.example.app.tunnel' });
  });

  test('without options sends an empty object (codegen wants an object)', async () => {
    fake.prepare.mockResolvedValue({});
    await expect(Culvert.prepare()).resolves.toEqual({ alreadyPrepared: false });
    expect(fake.prepare).toHaveBeenCalledWith({});
  });

  test('consent refused maps to VPN_PERMISSION_DENIED', async () => {
    fake.prepare.mockRejectedValue(nativeError('VPN_PERMISSION_DENIED', 'The user did not allow the VPN'));
    const err = await Culvert.prepare().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Culvert.CulvertError);
    expect(err).toMatchObject({ code: 'VPN_PERMISSION_DENIED', message: 'The user did not allow the VPN' });
  });

  test('rejects a malformed bundle identifier', async () => {
    await expect(Culvert.prepare({ providerBundleIdentifier: 'no spaces allowed' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fake.prepare).not.toHaveBeenCalled();
  });
});

describe('connect / disconnect', () => {
  test('connect with text passes it and the options through', async () => {
    fake.connect.mockResolvedValue(undefined);
    await Culvert.connect(SAMPLE_CONFIG, { tunnelName: 'Office', onDemand: true });
    expect(fake.connect).toHaveBeenCalledWith(SAMPLE_CONFIG, { tunnelName: 'Office', onDemand: true });
  });

  test('connect with a structured config sends wg-quick text', async () => {
    fake.connect.mockResolvedValue(undefined);
    await Culvert.connect({
      interface: { privateKey: KEY_PRIV, addresses: ['10.0.0.2/32'] },
      peers: [{ publicKey: KEY_B, allowedIps: ['0.0.0.0/0'], endpoint: '198.51.100.1:51820' }],
    });
    const [text, opts] = fake.connect.mock.calls[0] as [string, unknown];
    expect(text).toBe(SAMPLE_CONFIG);
    expect(opts).toEqual({});
  });

  test('on Android, per-app options are written into the config; on iOS the text is untouched', async () => {
    fake.connect.mockResolvedValue(undefined);
    registry.os = 'android';
    try {
      await Culvert.connect(SAMPLE_CONFIG, { disallowedApplications: ['com.android.chrome'] });
    } finally {
      registry.os = 'ios';
    }
    const [androidText] = fake.connect.mock.calls[0] as [string];
    expect(androidText).toContain('[Interface]\nExcludedApplications = com.android.chrome\n');
    await Culvert.connect(SAMPLE_CONFIG, { disallowedApplications: ['com.android.chrome'] });
    const [iosText] = fake.connect.mock.calls[1] as [string];
    expect(iosText).toBe(SAMPLE_CONFIG);
  });

  test('both allowed and disallowed applications is refused before native', async () => {
    await expect(
      Culvert.connect(SAMPLE_CONFIG, { allowedApplications: ['com.a.b'], disallowedApplications: ['com.c.d'] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fake.connect).not.toHaveBeenCalled();
    expect(Culvert.currentState().state).toBe('disconnected');
  });

  test('an unknown option is refused (catches typos such as onDemmand)', async () => {
    await expect(Culvert.connect(SAMPLE_CONFIG, { onDemmand: true } as never)).rejects.toThrow(/unknown option "onDemmand"/);
  });

  test('a config the core rejects becomes a ConfigError and the state returns to disconnected', async () => {
    fake.connect.mockRejectedValue(
      nativeError('CONFIG_INVALID', 'AllowedIPs has an invalid value', { kind: 'InvalidValue', section: 'peer', key: 'AllowedIPs', line: 9 }),
    );
    const states: string[] = [];
    Culvert.addListener('stateChanged', (e) => states.push(`${e.state}:${e.reason ?? ''}`));
    const err = await Culvert.connect(SAMPLE_CONFIG).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Culvert.ConfigError);
    expect(err).toMatchObject({ kind: 'INVALID_VALUE', section: 'Peer', key: 'AllowedIPs', line: 9 });
    expect(states).toEqual(['connecting:', 'disconnected:configurationInvalid']);
  });

  test('unknown native error codes become UNKNOWN and keep the native code', async () => {
    fake.connect.mockRejectedValue(nativeError('E_WEIRD', 'something odd'));
    await expect(Culvert.connect(SAMPLE_CONFIG)).rejects.toMatchObject({ code: 'UNKNOWN', nativeCode: 'E_WEIRD', message: 'something odd' });
  });

  test('a rejection that is not an Error still maps', async () => {
    fake.disconnect.mockRejectedValue('plain string');
    await expect(Culvert.disconnect()).rejects.toMatchObject({ code: 'UNKNOWN', message: 'plain string' });
  });

  test('the UI sees connecting at once, then native progress, then the disconnect reason', async () => {
    let t = 1000;
    Culvert.__testing.setClock(() => t);
    const seen: Array<[string, string | null, string | null]> = [];
    Culvert.addListener('stateChanged', (e) => seen.push([e.state, e.previous, e.reason]));
    fake.connect.mockResolvedValue(undefined);
    fake.disconnect.mockResolvedValue(undefined);

    await Culvert.connect(SAMPLE_CONFIG);
    // A late report of the previous session's stop must not flip the UI back.
    emit('CulvertStateChanged', { state: 'disconnected', reason: 'userInitiated', at: 900 });
    emit('CulvertStateChanged', { state: 'connecting', at: 1001 });
    emit('CulvertStateChanged', { state: 'connected', at: 1200 });
    emit('CulvertStateChanged', { state: 'reasserting', at: 1300 });
    emit('CulvertStateChanged', { state: 'connected', at: 1400 });
    t = 2000;
    await Culvert.disconnect();
    emit('CulvertStateChanged', { state: 'disconnected', reason: 'userInitiated', at: 2100 });

    expect(seen).toEqual([
      ['connecting', 'disconnected', null],
      ['connected', 'connecting', null],
      ['reasserting', 'connected', null],
      ['connected', 'reasserting', null],
      ['disconnecting', 'connected', null],
      ['disconnected', 'disconnecting', 'userRequested'],
    ]);
    expect(Culvert.currentState()).toMatchObject({ state: 'disconnected', reason: 'userRequested', nativeReason: 'userInitiated' });
  });

  test('a revoke while connected is reported as permissionRevoked', () => {
    const seen: Array<string | null> = [];
    Culvert.addListener('stateChanged', (e) => seen.push(e.reason));
    emit('CulvertStateChanged', { state: 'connected', at: 1 });
    emit('CulvertStateChanged', { state: 'disconnected', reason: 'revoked', at: 2 });
    expect(seen).toEqual([null, 'permissionRevoked']);
  });

  test('native events with unknown states or garbage are ignored', () => {
    const listener = jest.fn();
    Culvert.addListener('stateChanged', listener);
    emit('CulvertStateChanged', { state: 'teleporting' });
    emit('CulvertStateChanged', null);
    emit('CulvertStateChanged', 'connected');
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('stats events', () => {
  test('a native CulvertStats push reaches stats listeners as TunnelStats; a malformed one is dropped', () => {
    const seen: unknown[] = [];
    const sub = Culvert.addListener('stats', (s) => seen.push(s));
    emit('CulvertStats', { listenPort: 51820, collectedAt: 1700000000000, peers: [{ publicKey: KEY_B, rxBytes: 10, txBytes: 20, lastHandshake: 1700000000000 }] });
    emit('CulvertStats', { peers: [{ rxBytes: 1 }] }); // no publicKey: dropped, not thrown
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ listenPort: 51820, peers: [{ publicKey: KEY_B, rxBytes: 10, txBytes: 20 }] });
    sub.remove();
    expect(listenerCount('CulvertStats')).toBe(0);
  });
});

describe('status and stats', () => {
  test('getStatus maps state, reason and dates', async () => {
    fake.getStatus.mockResolvedValue({ state: 'invalid', reason: 'configurationRemoved', since: 1700000000000, prepared: false, tunnelName: null });
    await expect(Culvert.getStatus()).resolves.toEqual({
      state: 'disconnected',
      reason: 'configurationRemoved',
      nativeReason: 'configurationRemoved',
      message: null,
      since: new Date(1700000000000),
      prepared: false,
      tunnelName: null,
      alwaysOn: null,
      lockdown: null,
    });
  });

  test('getStatus carries the Android always-on and lockdown state; anything but a boolean is unknown', async () => {
    fake.getStatus.mockResolvedValue({ state: 'connected', prepared: true, alwaysOn: true, lockdown: false });
    await expect(Culvert.getStatus()).resolves.toMatchObject({ alwaysOn: true, lockdown: false });
    fake.getStatus.mockResolvedValue({ state: 'connected', prepared: true, alwaysOn: 'yes', lockdown: 1 });
    await expect(Culvert.getStatus()).resolves.toMatchObject({ alwaysOn: null, lockdown: null });
  });

  test('getStatus feeds the state machine', async () => {
    fake.getStatus.mockResolvedValue({ state: 'connected', prepared: true });
    await Culvert.getStatus();
    expect(Culvert.currentState().state).toBe('connected');
  });

  test('getStats maps per-peer counters, handshake time and RTT', async () => {
    fake.getStats.mockResolvedValue({
      listenPort: 51820,
      collectedAt: 1700000001000,
      peers: [
        { publicKey: KEY_B, endpoint: '198.51.100.1:51820', rxBytes: 1234, txBytes: 5678, rxPackets: 10, txPackets: 12, lastHandshake: 1700000000000, handshakes: 3, rttMs: 42, loss: 0.25 },
        { publicKey: KEY_PRIV, rxBytes: -5, txBytes: 'x', lastHandshake: 0, rttMs: null },
      ],
    });
    const s = await Culvert.getStats();
    expect(s.listenPort).toBe(51820);
    expect(s.collectedAt).toEqual(new Date(1700000001000));
    expect(s.peers[0]).toEqual({
      publicKey: KEY_B,
      endpoint: '198.51.100.1:51820',
      rxBytes: 1234,
      txBytes: 5678,
      rxPackets: 10,
      txPackets: 12,
      lastHandshake: new Date(1700000000000),
      handshakes: 3,
      rttMs: 42,
      loss: 0.25,
    });
    expect(s.peers[1]).toMatchObject({ rxBytes: 0, txBytes: 0, lastHandshake: null, rttMs: null, loss: 0, endpoint: null });
  });

  test('stats timeout from the extension maps to TIMEOUT', async () => {
    fake.getStats.mockRejectedValue(nativeError('TIMEOUT', 'The tunnel extension did not answer within 2 s'));
    await expect(Culvert.getStats()).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  test('watchStats polls without overlapping requests and stops cleanly', async () => {
    jest.useFakeTimers();
    try {
      const resolvers: Array<(v: unknown) => void> = [];
      fake.getStats.mockImplementation(() => new Promise((r) => resolvers.push(r)));
      const got: number[] = [];
      const stop = Culvert.watchStats(1000, (s) => got.push(s.peers.length));
      expect(fake.getStats).toHaveBeenCalledTimes(1); // immediate first tick
      jest.advanceTimersByTime(3000); // first request still in flight: no new ones
      expect(fake.getStats).toHaveBeenCalledTimes(1);
      resolvers[0]?.({ peers: [] });
      await flushPromises();
      jest.advanceTimersByTime(1000);
      expect(fake.getStats).toHaveBeenCalledTimes(2);
      expect(got).toEqual([0]);
      stop();
      resolvers[1]?.({ peers: [] });
      jest.advanceTimersByTime(5000);
      await flushPromises();
      expect(fake.getStats).toHaveBeenCalledTimes(2);
      expect(got).toEqual([0]); // nothing delivered after stop
    } finally {
      jest.useRealTimers();
    }
  });

  test('watchStats refuses a too-short interval', () => {
    expect(() => Culvert.watchStats(10, () => undefined)).toThrow(/at least 250/);
  });
});

describe('events', () => {
  test('handshake events are mapped and delivered; malformed ones dropped', () => {
    const got: unknown[] = [];
    Culvert.addListener('handshake', (e) => got.push(e));
    emit('CulvertHandshake', { type: 'completed', peer: KEY_B, at: 5000 });
    emit('CulvertHandshake', { type: 'failing', peer: KEY_B, attempts: 4, at: 6000 });
    emit('CulvertHandshake', { type: 'completed' });
    emit('CulvertHandshake', { type: 'exploded', peer: KEY_B });
    expect(got).toEqual([
      { type: 'completed', peer: KEY_B, at: new Date(5000) },
      { type: 'failing', peer: KEY_B, attempts: 4, at: new Date(6000) },
    ]);
  });

  test('native subscriptions exist only while someone listens', () => {
    expect(listenerCount('CulvertStateChanged')).toBe(0);
    const a = Culvert.addListener('stateChanged', () => undefined);
    const b = Culvert.addListener('handshake', () => undefined);
    expect(listenerCount('CulvertStateChanged')).toBe(1);
    expect(listenerCount('CulvertHandshake')).toBe(1);
    a.remove();
    expect(listenerCount('CulvertStateChanged')).toBe(1);
    b.remove();
    b.remove(); // idempotent
    expect(listenerCount('CulvertStateChanged')).toBe(0);
    expect(listenerCount('CulvertHandshake')).toBe(0);
  });

  test('unknown event names and non-function listeners are refused', () => {
    expect(() => Culvert.addListener('nope' as never, () => undefined)).toThrow(/unknown event/);
    expect(() => Culvert.addListener('stateChanged', 5 as never)).toThrow(/must be a function/);
  });
});
