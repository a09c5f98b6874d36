/**
 * No JS call can crash the app: whatever the native side does when it fails —
 * rejects with an Error carrying a code, with a Java/Kotlin `Error` such as
 * `NoClassDefFoundError` turned into a rejection, with a non-Error value, or
 * throws synchronously from the TurboModule call (JSI turns a native exception
 * thrown before the promise exists into a JS throw) — every public async
 * function rejects with a `CulvertError` whose `code` is one the app can switch on.
 */
import { makeFakeNative, nativeError, registry, SAMPLE_CONFIG, type FakeNative } from './mockNative';

jest.mock('react-native', () => jest.requireActual<typeof import('./mockNative')>('./mockNative').reactNativeMock());

type Api = typeof import('../index');

let fake: FakeNative;
let Culvert: Api;

beforeEach(() => {
  jest.resetModules();
  fake = makeFakeNative();
  registry.turbo = fake;
  registry.legacy = null;
  Culvert = jest.requireActual<Api>('../index');
});

afterEach(() => {
  Culvert.__testing.reset();
});

const WIFI = 'WIFI:S:Cafe;T:WPA;P:password123;;';

/** Each public async call, with the native method it reaches. */
const calls: Array<[string, keyof FakeNative, () => Promise<unknown>]> = [
  ['parseConfig', 'parseConfig', () => Culvert.parseConfig(SAMPLE_CONFIG)],
  ['parseQr', 'parseQr', () => Culvert.parseQr(SAMPLE_CONFIG)],
  ['prepare', 'prepare', () => Culvert.prepare()],
  ['connect', 'connect', () => Culvert.connect(SAMPLE_CONFIG)],
  ['disconnect', 'disconnect', () => Culvert.disconnect()],
  ['getStatus', 'getStatus', () => Culvert.getStatus()],
  ['getStats', 'getStats', () => Culvert.getStats()],
  ['hotspot.parse', 'hotspotParse', () => Culvert.hotspot.parse(WIFI)],
  ['hotspot.connect', 'hotspotConnect', () => Culvert.hotspot.connect(WIFI)],
  ['hotspot.currentSsid', 'hotspotCurrentSsid', () => Culvert.hotspot.currentSsid()],
];

/** Ways a native call fails. */
const failures: Array<[string, (m: jest.Mock) => void]> = [
  ['rejects with NoClassDefFoundError (a Kotlin Error, not an Exception)', (m) =>
    m.mockRejectedValue(nativeError('E_UNKNOWN', 'java.lang.NoClassDefFoundError: io/culvert/CulvertFfiKt'))],
  ['rejects with UnsatisfiedLinkError', (m) =>
    m.mockRejectedValue(nativeError('E_UNKNOWN', 'java.lang.UnsatisfiedLinkError: dlopen failed: libculvert_ffi.so'))],
  ['rejects with an unknown code', (m) => m.mockRejectedValue(nativeError('E_SOMETHING_NEW', 'new in a later native version'))],
  ['rejects with a plain string', (m) => m.mockRejectedValue('boom')],
  ['rejects with null', (m) => m.mockRejectedValue(null)],
  ['rejects with an object without message', (m) => m.mockRejectedValue({ weird: true })],
  ['throws synchronously (JSI)', (m) => m.mockImplementation(() => { throw new Error('Exception in HostFunction: java.lang.OutOfMemoryError'); })],
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: a thrown non-Error
  ['throws a non-Error synchronously', (m) => m.mockImplementation(() => { throw 42; })],
];

describe.each(calls)('%s', (_name, method, call) => {
  test.each(failures)('native %s → CulvertError with a known code', async (_how, arrange) => {
    arrange(fake[method]);
    const err = await call().then(
      () => { throw new Error('resolved'); },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Culvert.CulvertError);
    const e = err as InstanceType<Api['CulvertError']>;
    expect(Culvert.CULVERT_ERROR_CODES).toContain(e.code);
    expect(typeof e.message).toBe('string');
  });
});

test('the JVM error text survives in the message (for bug reports), the code stays switchable', async () => {
  fake.getStatus.mockRejectedValue(nativeError('E_UNKNOWN', 'java.lang.NoClassDefFoundError: io/culvert/CulvertFfiKt'));
  await expect(Culvert.getStatus()).rejects.toMatchObject({ message: expect.stringContaining('NoClassDefFoundError') as unknown });
});
