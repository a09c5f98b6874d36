/**
 * The Expo config plugin against Expo's own config-plugins library: the
 * entitlements, Info.plist keys and Android manifest entries it adds, option
 * checking, idempotency, and that the mods are registered on the config.
 */
import { AndroidConfig } from '@expo/config-plugins';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require('../withCulvert') as typeof import('../withCulvert');

type Manifest = AndroidConfig.Manifest.AndroidManifest;

function emptyManifest(): Manifest {
  return {
    manifest: {
      $: { 'xmlns:android': 'http://schemas.android.com/apk/res/android' },
      application: [{ $: { 'android:name': '.MainApplication' }, activity: [] }],
    },
  } as unknown as Manifest;
}

describe('Expo config plugin', () => {
  test('iOS entitlements: packet tunnel always, hotspot + wifi-info by default', () => {
    const ent = plugin.setEntitlements({}, plugin.resolveOptions(undefined));
    expect(ent).toEqual({
      'com.apple.developer.networking.networkextension': ['packet-tunnel-provider'],
      'com.apple.developer.networking.HotspotConfiguration': true,
      'com.apple.developer.networking.wifi-info': true,
    });
  });

  test('hotspot: false leaves the Wi-Fi entitlements out; an app group is added', () => {
    const ent = plugin.setEntitlements({}, plugin.resolveOptions({ hotspot: false, appGroup: 'group.com.example.app' }));
    expect(ent).toEqual({
      'com.apple.developer.networking.networkextension': ['packet-tunnel-provider'],
      'com.apple.security.application-groups': ['group.com.example.app'],
    });
  });

  test('a keychain access group goes to the entitlements and Info.plist with the team prefix', () => {
    const opts = plugin.resolveOptions({ keychainAccessGroup: 'com.example.shared' });
    expect(plugin.setEntitlements({}, opts)['keychain-access-groups']).toEqual(['$(AppIdentifierPrefix)com.example.shared']);
    expect(plugin.setInfoPlist({}, opts, 'com.example.app').CulvertKeychainAccessGroup).toBe('$(AppIdentifierPrefix)com.example.shared');
  });

  test('existing entitlements are kept and nothing is added twice', () => {
    const start = { 'com.apple.developer.networking.networkextension': ['app-proxy-provider'] };
    const opts = plugin.resolveOptions({});
    const once = plugin.setEntitlements(start, opts);
    const twice = plugin.setEntitlements(once, opts);
    expect(twice['com.apple.developer.networking.networkextension']).toEqual(['app-proxy-provider', 'packet-tunnel-provider']);
  });

  test('Info.plist gets the provider bundle id and a location text, keeping an existing one', () => {
    const opts = plugin.resolveOptions({});
    expect(plugin.setInfoPlist({}, opts, 'com.example.app')).toEqual({
      CulvertProviderBundleIdentifier: 'com.example.app.network-extension',
      NSLocationWhenInUseUsageDescription: expect.stringContaining('Wi-Fi') as unknown,
    });
    const kept = plugin.setInfoPlist({ NSLocationWhenInUseUsageDescription: 'mine' }, plugin.resolveOptions({ providerBundleIdentifier: 'com.x.tunnel' }), 'com.example.app');
    expect(kept).toMatchObject({ NSLocationWhenInUseUsageDescription: 'mine', CulvertProviderBundleIdentifier: 'com.x.tunnel' });
  });

  test('Android manifest: the VPN service with BIND_VPN_SERVICE and the always-on intent filter, once', () => {
    const opts = plugin.resolveOptions({});
    const m = plugin.setAndroidManifest(plugin.setAndroidManifest(emptyManifest(), opts), opts);
    const app = AndroidConfig.Manifest.getMainApplicationOrThrow(m);
    const services = (app.service ?? []).filter((s) => s.$['android:name'] === plugin.SERVICE_NAME);
    expect(services).toHaveLength(1);
    const attrs = services[0]?.$ as Record<string, string>;
    expect(attrs['android:permission']).toBe('android.permission.BIND_VPN_SERVICE');
    expect(attrs['android:foregroundServiceType']).toBe('systemExempted');
    expect(attrs['android:exported']).toBe('false');
    expect(JSON.stringify(services[0]?.['intent-filter'])).toContain('android.net.VpnService');
    const perms = (m.manifest['uses-permission'] ?? []).map((p) => p.$['android:name']);
    expect(perms).toEqual(
      expect.arrayContaining([
        'android.permission.FOREGROUND_SERVICE',
        'android.permission.FOREGROUND_SERVICE_SYSTEM_EXEMPTED',
        'android.permission.ACCESS_FINE_LOCATION',
      ]),
    );
    expect(new Set(perms).size).toBe(perms.length);
  });

  test('hotspot: false adds no location permission on Android', () => {
    const m = plugin.setAndroidManifest(emptyManifest(), plugin.resolveOptions({ hotspot: false }));
    const perms = (m.manifest['uses-permission'] ?? []).map((p) => p.$['android:name']);
    expect(perms).not.toContain('android.permission.ACCESS_FINE_LOCATION');
  });

  test.each([
    [{ hotspott: true }, /unknown option "hotspott"/],
    [{ hotspot: 'yes' }, /must be a boolean/],
    [{ appGroup: 'com.example' }, /must start with "group."/],
    [{ providerBundleIdentifier: '' }, /non-empty string/],
    [{ packetTunnel: 'yes' }, /"packetTunnel" must be a boolean/],
    [{ packetTunnelName: 'My Tunnel' }, /target name/],
    [{ culvertPod: "'1.0'\nsystem('x')" }, /one line/],
  ])('refuses options %p', (opts, message) => {
    expect(() => plugin.resolveOptions(opts)).toThrow(message);
  });

  test('the plugin registers iOS entitlements/Info.plist and Android manifest mods', () => {
    const config = plugin({ name: 'demo', slug: 'demo', ios: { bundleIdentifier: 'com.example.demo' } }, {});
    const mods = (config as unknown as { mods: Record<string, Record<string, unknown>> }).mods;
    expect(typeof mods.ios?.entitlements).toBe('function');
    expect(typeof mods.ios?.infoPlist).toBe('function');
    expect(typeof mods.android?.manifest).toBe('function');
  });

  test('the registered Android mod edits the manifest it is given', async () => {
    const config = plugin({ name: 'demo', slug: 'demo' }, { hotspot: false });
    const mods = (config as unknown as { mods: { android: { manifest: (c: unknown) => Promise<{ modResults: Manifest }> } } }).mods;
    const out = await mods.android.manifest({ ...config, modResults: emptyManifest(), modRequest: { platform: 'android', modName: 'manifest', introspect: true } });
    const app = AndroidConfig.Manifest.getMainApplicationOrThrow(out.modResults);
    expect(app.service?.map((s) => s.$['android:name'])).toContain(plugin.SERVICE_NAME);
  });

  test('the extension shares the app group and keychain group and is a packet tunnel provider', () => {
    const options = plugin.resolveOptions({ appGroup: 'group.com.example', keychainAccessGroup: 'com.example.shared' });
    const app = plugin.setEntitlements({}, options);
    const ext = plugin.tunnelEntitlements(options);
    expect(ext['com.apple.developer.networking.networkextension']).toEqual(['packet-tunnel-provider']);
    expect(ext['com.apple.security.application-groups']).toEqual(app['com.apple.security.application-groups']);
    expect(ext['keychain-access-groups']).toEqual(app['keychain-access-groups']);
    expect(ext).not.toHaveProperty('com.apple.developer.networking.HotspotConfiguration');
  });

  test('the Podfile gets the extension target linking the Culvert pod, once', () => {
    const options = plugin.resolveOptions({ culvertPod: ":path => '../..'" });
    const once = plugin.addTunnelPodfileTarget("target 'App' do\nend\n", options);
    expect(once).toContain("target 'CulvertTunnel' do\n  pod 'Culvert', :path => '../..'\nend");
    expect(plugin.addTunnelPodfileTarget(once, options)).toBe(once);
    expect(plugin.addTunnelPodfileTarget('', plugin.resolveOptions({}))).toMatch(/pod 'Culvert', '\d+\.\d+\.\d+'/);
  });

  test('packetTunnel: true without @bacons/apple-targets in the app is an error, not a silent skip', () => {
    const config = { name: 'demo', slug: 'demo', ios: { bundleIdentifier: 'com.example.demo' }, _internal: { projectRoot: '/nonexistent' } };
    expect(() => plugin(config, { packetTunnel: true })).toThrow(/@bacons\/apple-targets/);
  });
});
