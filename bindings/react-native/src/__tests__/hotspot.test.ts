import { makeFakeNative, nativeError, registry, type FakeNative } from './mockNative';

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

const cafe = { ssid: 'Cafe', security: 'wpaPersonal' as const, password: 'longenough', hidden: false, eap: null, passpoint: null };

describe('hotspot', () => {
  test('parse maps the native hotspot', async () => {
    fake.hotspotParse.mockResolvedValue({ ok: true, hotspot: { ssid: 'Cafe', security: 'WPA', password: 'longenough', hidden: true } });
    await expect(Culvert.hotspot.parse('WIFI:T:WPA;S:Cafe;P:longenough;H:true;;')).resolves.toEqual({ ...cafe, hidden: true });
  });

  test('parse of garbage is HotspotError invalidConfig with the native message', async () => {
    fake.hotspotParse.mockResolvedValue({ ok: false, error: { kind: 'SYNTAX', message: 'WIFI: code without S: field' } });
    const e = await Culvert.hotspot.parse('WIFI:;;').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Culvert.HotspotError);
    expect(e).toMatchObject({ reason: 'invalidConfig', code: 'CONFIG_INVALID', message: 'WIFI: code without S: field' });
  });

  test('connect with text sends the text, not a parsed password', async () => {
    fake.hotspotConnect.mockResolvedValue({ alreadyConnected: false, method: 'suggestion' });
    const r = await Culvert.hotspot.connect('WIFI:T:WPA;S:Cafe;P:longenough;;', { timeoutMs: 20000 });
    expect(r).toEqual({ alreadyConnected: false, method: 'suggestion' });
    expect(fake.hotspotConnect).toHaveBeenCalledWith({ text: 'WIFI:T:WPA;S:Cafe;P:longenough;;', options: { timeoutMs: 20000 } });
  });

  test('connect with a config sends the checked config', async () => {
    fake.hotspotConnect.mockResolvedValue({ alreadyConnected: true, method: 'hotspotConfiguration' });
    await expect(Culvert.hotspot.connect(cafe, { joinOnce: true })).resolves.toEqual({ alreadyConnected: true, method: 'hotspotConfiguration' });
    expect(fake.hotspotConnect).toHaveBeenCalledWith({ config: cafe, options: { joinOnce: true } });
  });

  test('an invalid config never reaches native', async () => {
    await expect(Culvert.hotspot.connect({ ...cafe, password: 'short' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fake.hotspotConnect).not.toHaveBeenCalled();
  });

  test.each([
    ['HOTSPOT_userDenied', 'userDenied'],
    ['HOTSPOT_invalidPassphrase', 'invalidPassphrase'],
    ['HOTSPOT_entitlementMissing', 'entitlementMissing'],
    ['HOTSPOT_didNotFindNetwork', 'didNotFindNetwork'],
    ['HOTSPOT_tooManySuggestions', 'tooManySuggestions'],
    ['UNSUPPORTED', 'unavailableForOSVersion'],
    ['E_SOMETHING', 'unableToConnect'],
  ])('native %s rejects as HotspotError %s', async (code, reason) => {
    fake.hotspotConnect.mockRejectedValue(nativeError(code, 'failed'));
    const e = await Culvert.hotspot.connect(cafe).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Culvert.HotspotError);
    expect(e).toMatchObject({ reason, message: 'failed' });
  });

  test('currentSsid names the missing permission', async () => {
    fake.hotspotCurrentSsid.mockResolvedValue({ ssid: null, reason: 'entitlementMissing', message: 'Add com.apple.developer.networking.wifi-info' });
    await expect(Culvert.hotspot.currentSsid()).resolves.toEqual({
      ssid: null,
      reason: 'entitlementMissing',
      message: 'Add com.apple.developer.networking.wifi-info',
    });
    fake.hotspotCurrentSsid.mockResolvedValue({ ssid: 'Home', bssid: null });
    await expect(Culvert.hotspot.currentSsid()).resolves.toEqual({ ssid: 'Home', bssid: null });
  });
});
