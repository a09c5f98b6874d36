import { ConfigError, CulvertError, HotspotError } from '../errors';
import {
  mapConfigErrorInfo,
  mapCurrentSsid,
  mapHotspotCode,
  mapHotspotConfig,
  mapNativeError,
  mapReason,
  mapState,
} from '../mapping';
import { nativeError } from './mockNative';

describe('state and reason mapping', () => {
  test.each([
    ['connected', 'connected'],
    ['Connected', 'connected'],
    ['invalid', 'disconnected'],
    ['stopped', 'disconnected'],
    ['sleeping', 'connected'],
    ['reasserting', 'reasserting'],
    ['disconnecting', 'disconnecting'],
    ['warp', null],
    [3, null],
  ])('state %p → %p', (input, out) => {
    expect(mapState(input)).toBe(out);
  });

  test.each([
    ['userInitiated', 'userRequested'],
    ['USER_REQUESTED', 'userRequested'],
    ['revoked', 'permissionRevoked'],
    ['superceded', 'superseded'],
    ['configurationFailed', 'configurationInvalid'],
    ['providerDisabled', 'configurationRemoved'],
    ['noNetworkAvailable', 'networkUnavailable'],
    ['pluginFailed', 'providerFailed'],
    ['overslept', 'sleep'],
    ['cosmicRay', 'unknown'],
    ['', null],
    [null, null],
  ])('reason %p → %p', (input, out) => {
    expect(mapReason(input)).toBe(out);
  });
});

describe('error mapping', () => {
  test('known codes keep their code and message', () => {
    const e = mapNativeError(nativeError('BUSY', 'A connect is already running'));
    expect(e).toBeInstanceOf(CulvertError);
    expect(e).toMatchObject({ code: 'BUSY', message: 'A connect is already running', nativeCode: null });
  });

  test('CONFIG_INVALID with userInfo becomes a ConfigError with location', () => {
    const e = mapNativeError(nativeError('CONFIG_INVALID', 'bad', { kind: 'DUPLICATE_PEER', section: 'Peer', key: 'PublicKey', line: 12 }));
    if (!(e instanceof ConfigError)) throw new Error('expected a ConfigError');
    expect(e.toInfo()).toEqual({ kind: 'DUPLICATE_PEER', section: 'Peer', key: 'PublicKey', line: 12, message: 'bad' });
  });

  test('HOTSPOT_ codes become HotspotErrors with wifi-reborn reasons', () => {
    const e = mapNativeError(nativeError('HOTSPOT_userDenied', 'The user declined'));
    expect(e).toBeInstanceOf(HotspotError);
    expect(e).toMatchObject({ reason: 'userDenied', code: 'PROVIDER_ERROR', nativeCode: 'HOTSPOT_userDenied' });
  });

  test('CulvertErrors pass through unchanged', () => {
    const orig = new CulvertError('TIMEOUT', 't');
    expect(mapNativeError(orig)).toBe(orig);
  });

  test.each([
    ['userDenied', 'userDenied'],
    ['USERDENIED', 'userDenied'],
    ['invalidPassphrase', 'invalidPassphrase'],
    ['somethingNew', 'unableToConnect'],
  ])('hotspot code %p → %p', (input, out) => {
    expect(mapHotspotCode(input)).toBe(out);
  });

  test('config error kinds accept Kotlin/Swift enum spellings', () => {
    expect(mapConfigErrorInfo({ kind: 'MissingAttribute', message: 'm' }).kind).toBe('MISSING_ATTRIBUTE');
    expect(mapConfigErrorInfo({ kind: 'invalidKey', detail: 'd' })).toMatchObject({ kind: 'INVALID_KEY', message: 'd' });
    expect(mapConfigErrorInfo({ kind: 'SYNTAX_ERROR', line: 0 }).line).toBeNull();
    expect(mapConfigErrorInfo({ kind: '???' }).kind).toBe('INVALID_VALUE');
  });
});

describe('hotspot mapping', () => {
  test('enterprise networks keep their EAP settings', () => {
    const h = mapHotspotConfig({
      ssid: 'Corp',
      security: 'WPA2-EAP',
      eap: { method: 'PEAP', identity: 'alice', password: 'pw', phase2: 'MSCHAPV2', serverDomain: 'radius.example.org' },
    });
    expect(h).toEqual({
      ssid: 'Corp',
      security: 'wpaEnterprise',
      password: null,
      hidden: false,
      eap: { method: 'peap', identity: 'alice', anonymousIdentity: null, password: 'pw', phase2: 'MSCHAPV2', serverDomain: 'radius.example.org' },
      passpoint: null,
    });
  });

  test('SAE maps to WPA3 personal, WPA_SAE (transition) to WPA personal, nopass to open', () => {
    expect(mapHotspotConfig({ ssid: 'a', security: 'SAE' }).security).toBe('wpa3Personal');
    expect(mapHotspotConfig({ ssid: 'a', security: 'WPA_SAE' }).security).toBe('wpaPersonal');
    expect(mapHotspotConfig({ ssid: 'a', security: 'eap', eap: { method: 'AKA_PRIME' } }).eap?.method).toBe('akaPrime');
    expect(mapHotspotConfig({ ssid: 'a', security: 'nopass' }).security).toBe('open');
  });

  test('unknown security or no SSID without Passpoint is a protocol error', () => {
    expect(() => mapHotspotConfig({ ssid: 'a', security: 'quantum' })).toThrow(/unknown hotspot security/);
    expect(() => mapHotspotConfig({ security: 'open' })).toThrow(/neither an SSID/);
  });

  test('current SSID: quotes stripped, unknown SSID explained', () => {
    expect(mapCurrentSsid({ ssid: '"Home"', bssid: '02:00:00:00:00:01' })).toEqual({ ssid: 'Home', bssid: '02:00:00:00:00:01' });
    expect(mapCurrentSsid({ ssid: '<unknown ssid>', reason: 'locationPermissionMissing', message: 'grant ACCESS_FINE_LOCATION' })).toEqual({
      ssid: null,
      reason: 'locationPermissionMissing',
      message: 'grant ACCESS_FINE_LOCATION',
    });
    expect(mapCurrentSsid({ ssid: null, reason: 'gremlins' })).toMatchObject({ ssid: null, reason: 'unknown' });
  });
});
