import { CulvertError } from '../errors';
import { checkConnectOptions, checkHotspotConfig, checkHotspotOptions, configToWgQuick, withPerAppRules } from '../validate';
import { KEY_B, KEY_PRIV } from './mockNative';

const base = {
  interface: { privateKey: KEY_PRIV, addresses: ['10.0.0.2/32', 'fd00::2/128'], dns: ['198.51.100.53'], mtu: 1280, listenPort: 51820 },
  peers: [{ publicKey: KEY_B, presharedKey: KEY_PRIV, allowedIps: ['0.0.0.0/0', '::/0'], endpoint: '[fd00::1]:51820', persistentKeepalive: 25 }],
};

function errorOf(fn: () => unknown): CulvertError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CulvertError) return e;
    throw e;
  }
  throw new Error('expected a CulvertError');
}

describe('configToWgQuick', () => {
  test('writes every field in wg-quick syntax', () => {
    expect(configToWgQuick(base)).toBe(
      [
        '[Interface]',
        `PrivateKey = ${KEY_PRIV}`,
        'Address = 10.0.0.2/32, fd00::2/128',
        'DNS = 198.51.100.53',
        'MTU = 1280',
        'ListenPort = 51820',
        '',
        '[Peer]',
        `PublicKey = ${KEY_B}`,
        `PresharedKey = ${KEY_PRIV}`,
        'AllowedIPs = 0.0.0.0/0, ::/0',
        'Endpoint = [fd00::1]:51820',
        'PersistentKeepalive = 25',
        '',
      ].join('\n'),
    );
  });

  test('a bad private key is named but never echoed', () => {
    const secret = KEY_PRIV.slice(0, 40) + 'zzz=';
    const err = errorOf(() => configToWgQuick({ ...base, interface: { ...base.interface, privateKey: secret } }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('config.interface.privateKey');
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain(secret.slice(0, 10));
  });

  test('a key with non-zero padding bits is refused (it would not decode to 32 bytes cleanly)', () => {
    const bad = KEY_B.slice(0, 42) + 'B=';
    expect(() => configToWgQuick({ ...base, peers: [{ ...base.peers[0], publicKey: bad }] })).toThrow(/publicKey/);
  });

  test.each([
    ['no peers', { ...base, peers: [] }, /at least one peer/],
    ['no addresses', { ...base, interface: { ...base.interface, addresses: [] } }, /addresses/],
    ['mtu too small', { ...base, interface: { ...base.interface, mtu: 100 } }, /mtu/],
    ['port out of range', { ...base, interface: { ...base.interface, listenPort: 70000 } }, /listenPort/],
    ['endpoint without port', { ...base, peers: [{ ...base.peers[0], endpoint: 'vpn.example.org' }] }, /endpoint/],
    ['newline injection in DNS', { ...base, interface: { ...base.interface, dns: ['1.1.1.1\nPostUp = rm -rf /'] } }, /line break/],
    ['allowed IP that is not one', { ...base, peers: [{ ...base.peers[0], allowedIps: ['everything'] }] }, /allowedIps/],
    ['not an object', 'x', /wg-quick text or an object/],
  ])('refuses %s', (_name, input, message) => {
    expect(() => configToWgQuick(input)).toThrow(message);
  });
});

describe('option checks', () => {
  test('connect options pass through when valid', () => {
    const o = { tunnelName: 'Office', onDemand: false, includeAllNetworks: true, disallowedApplications: ['com.android.chrome'] };
    expect(checkConnectOptions(o)).toEqual(o);
    expect(checkConnectOptions(undefined)).toEqual({});
  });

  test.each([
    [{ tunnelName: '' }, /tunnelName/],
    [{ tunnelName: 'x'.repeat(65) }, /longer than 64/],
    [{ onDemand: 'yes' }, /onDemand must be a boolean/],
    [{ allowedApplications: 'com.a.b' }, /array of package names/],
    [{ allowedApplications: ['not a package'] }, /not an Android package name/],
    [[], /must be an object/],
  ])('refuses connect options %p', (o, message) => {
    expect(() => checkConnectOptions(o)).toThrow(message);
  });

  test('hotspot options bound the timeout', () => {
    expect(checkHotspotOptions({ joinOnce: true, timeoutMs: 5000 })).toEqual({ joinOnce: true, timeoutMs: 5000 });
    expect(() => checkHotspotOptions({ timeoutMs: 10 })).toThrow(/between 1000 and 120000/);
    expect(() => checkHotspotOptions({ timeoutMs: 1.5e9 })).toThrow(/between 1000 and 120000/);
  });
});

describe('hotspot config checks', () => {
  const wpa = { ssid: 'Cafe', security: 'wpaPersonal' as const, password: 'longenough', hidden: false, eap: null, passpoint: null };

  test('accepts a WPA network and a 64-hex-digit PSK', () => {
    expect(checkHotspotConfig(wpa)).toBe(wpa);
    expect(() => checkHotspotConfig({ ...wpa, password: 'a'.repeat(64) })).not.toThrow();
  });

  test.each([
    [{ ...wpa, password: 'short' }, /8 to 63/],
    [{ ...wpa, password: 'x'.repeat(64) }, /8 to 63/],
    [{ ...wpa, password: null }, /needs a password/],
    [{ ...wpa, ssid: '' }, /needs an ssid/],
    [{ ...wpa, ssid: 'é'.repeat(17) }, /longer than 32 bytes/],
    [{ ...wpa, security: 'wpaEnterprise' }, /needs eap settings/],
  ])('refuses %p', (c, message) => {
    const err = errorOf(() => checkHotspotConfig(c));
    expect(err.message).toMatch(message);
    if (typeof c.password === 'string') expect(err.message).not.toContain(c.password);
  });

  test('a Passpoint-only profile needs no SSID', () => {
    expect(() =>
      checkHotspotConfig({ ssid: null, security: 'wpaEnterprise', password: null, hidden: false, eap: { method: 'ttls' }, passpoint: { domain: 'example.org' } }),
    ).not.toThrow();
  });
});

describe('per-app rules (Android)', () => {
  const conf = '[Interface]\nPrivateKey = x\nExcludedApplications = com.old.app\n\n[Peer]\nPublicKey = y\n';

  test('allowed apps become IncludedApplications and replace earlier rules', () => {
    expect(withPerAppRules(conf, ['com.a.b', 'com.c.d'])).toBe(
      '[Interface]\nIncludedApplications = com.a.b, com.c.d\nPrivateKey = x\n\n[Peer]\nPublicKey = y\n',
    );
  });

  test('disallowed apps become ExcludedApplications', () => {
    expect(withPerAppRules('[interface]\r\nPrivateKey = x\r\n', [], ['com.e.f'])).toBe(
      '[interface]\nExcludedApplications = com.e.f\nPrivateKey = x\n',
    );
  });

  test('no lists, or no [Interface], leaves the text alone', () => {
    expect(withPerAppRules(conf)).toBe(conf);
    expect(withPerAppRules('[Peer]\nPublicKey = y\n', ['com.a.b'])).toBe('[Peer]\nPublicKey = y\n');
  });

  test('a rule-like line in [Peer] is not touched', () => {
    const t = '[Interface]\nPrivateKey = x\n[Peer]\nIncludedApplications = weird\n';
    expect(withPerAppRules(t, ['com.a.b'])).toBe('[Interface]\nIncludedApplications = com.a.b\nPrivateKey = x\n[Peer]\nIncludedApplications = weird\n');
  });
});
