// @ts-check
/**
 * Expo config plugin of react-native-culvert (used as `"plugins": ["react-native-culvert"]`
 * in app.json, through app.plugin.js). On `expo prebuild` it adds:
 *
 * iOS
 * - the Network Extension entitlement (`packet-tunnel-provider`) to the app;
 * - with `hotspot` (default on): the Hotspot Configuration and Access Wi-Fi
 *   Information entitlements and a location usage description (iOS reveals
 *   the SSID only with location permission);
 * - an app group, when `appGroup` is given (for sharing logs with the extension);
 * - a keychain access group, when `keychainAccessGroup` is given: the app saves
 *   the config in the Keychain and the extension reads it, so both need the
 *   group (`CulvertKeychainAccessGroup` in Info.plist tells the module which);
 * - `CulvertProviderBundleIdentifier` in Info.plist, which `prepare()` uses;
 * - extension target hints: a prebuild warning with the steps to add the
 *   Packet Tunnel extension target (Expo cannot create a signed extension
 *   target for you), pointing at examples/react-native/ios/CulvertTunnel.
 *
 * Android
 * - the `CulvertReactVpnService` service entry (BIND_VPN_SERVICE, the
 *   `android.net.VpnService` intent filter for always-on VPN, foreground
 *   service type `systemExempted`);
 * - FOREGROUND_SERVICE(_SYSTEM_EXEMPTED) and, with `hotspot`,
 *   ACCESS_FINE_LOCATION / ACCESS_WIFI_STATE / CHANGE_WIFI_STATE.
 *
 * Every change is idempotent: running prebuild twice adds nothing twice.
 */
const { AndroidConfig, WarningAggregator, createRunOncePlugin, withAndroidManifest, withEntitlementsPlist, withInfoPlist } =
  require('@expo/config-plugins');

const pkg = require('../package.json');

const SERVICE_NAME = 'io.culvert.reactnative.CulvertReactVpnService';
const NE_KEY = 'com.apple.developer.networking.networkextension';
const HOTSPOT_KEY = 'com.apple.developer.networking.HotspotConfiguration';
const WIFI_INFO_KEY = 'com.apple.developer.networking.wifi-info';
const APP_GROUPS_KEY = 'com.apple.security.application-groups';
const KEYCHAIN_GROUPS_KEY = 'keychain-access-groups';
const DEFAULT_LOCATION_TEXT = 'Your location permission lets the app read the name of the Wi-Fi network you are on.';

/**
 * @typedef {object} CulvertPluginOptions
 * @property {boolean} [hotspot] Add what hotspot joining and SSID reading need (default true).
 * @property {string} [locationUsageDescription] NSLocationWhenInUseUsageDescription text (with `hotspot`).
 * @property {string} [providerBundleIdentifier] Bundle id of the Packet Tunnel extension
 *   (default `<ios.bundleIdentifier>.network-extension`).
 * @property {string} [appGroup] An app group shared with the extension, e.g. `group.com.example.app`.
 * @property {string} [keychainAccessGroup] Keychain group shared with the extension, without the
 *   team prefix, e.g. `com.example.app.shared`.
 */

/**
 * Checks and fills in the options.
 * @param {unknown} raw
 * @returns {Required<Pick<CulvertPluginOptions, 'hotspot' | 'locationUsageDescription'>> & CulvertPluginOptions}
 */
function resolveOptions(raw) {
  /** @type {Record<string, unknown>} */
  const o = raw && typeof raw === 'object' ? /** @type {Record<string, unknown>} */ (raw) : {};
  const known = ['hotspot', 'locationUsageDescription', 'providerBundleIdentifier', 'appGroup', 'keychainAccessGroup'];
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new Error(`react-native-culvert plugin: unknown option "${k}" (known: ${known.join(', ')})`);
  }
  if (o.hotspot !== undefined && typeof o.hotspot !== 'boolean') {
    throw new Error('react-native-culvert plugin: "hotspot" must be a boolean');
  }
  for (const k of ['locationUsageDescription', 'providerBundleIdentifier', 'appGroup', 'keychainAccessGroup']) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) {
      throw new Error(`react-native-culvert plugin: "${k}" must be a non-empty string`);
    }
  }
  if (typeof o.appGroup === 'string' && !o.appGroup.startsWith('group.')) {
    throw new Error('react-native-culvert plugin: "appGroup" must start with "group."');
  }
  return {
    hotspot: o.hotspot !== false,
    locationUsageDescription: typeof o.locationUsageDescription === 'string' ? o.locationUsageDescription : DEFAULT_LOCATION_TEXT,
    providerBundleIdentifier: typeof o.providerBundleIdentifier === 'string' ? o.providerBundleIdentifier : undefined,
    appGroup: typeof o.appGroup === 'string' ? o.appGroup : undefined,
    keychainAccessGroup: typeof o.keychainAccessGroup === 'string' ? o.keychainAccessGroup : undefined,
  };
}

/**
 * Adds `value` to the array at `ent[key]` unless present.
 * @param {Record<string, any>} ent
 * @param {string} key
 * @param {string} value
 */
function addToArray(ent, key, value) {
  const list = Array.isArray(ent[key]) ? ent[key] : [];
  if (!list.includes(value)) list.push(value);
  ent[key] = list;
}

/**
 * The app's entitlements.
 * @param {Record<string, any>} entitlements
 * @param {ReturnType<typeof resolveOptions>} options
 * @returns {Record<string, any>}
 */
function setEntitlements(entitlements, options) {
  addToArray(entitlements, NE_KEY, 'packet-tunnel-provider');
  if (options.hotspot) {
    entitlements[HOTSPOT_KEY] = true;
    entitlements[WIFI_INFO_KEY] = true;
  }
  if (options.appGroup) addToArray(entitlements, APP_GROUPS_KEY, options.appGroup);
  if (options.keychainAccessGroup) {
    addToArray(entitlements, KEYCHAIN_GROUPS_KEY, `$(AppIdentifierPrefix)${options.keychainAccessGroup}`);
  }
  return entitlements;
}

/**
 * The app's Info.plist.
 * @param {Record<string, any>} plist
 * @param {ReturnType<typeof resolveOptions>} options
 * @param {string | undefined} bundleIdentifier
 * @returns {Record<string, any>}
 */
function setInfoPlist(plist, options, bundleIdentifier) {
  const provider = options.providerBundleIdentifier ?? (bundleIdentifier ? `${bundleIdentifier}.network-extension` : undefined);
  if (provider) plist.CulvertProviderBundleIdentifier = provider;
  if (options.appGroup) plist.CulvertAppGroup = options.appGroup;
  // Xcode expands $(AppIdentifierPrefix) in Info.plist at build time.
  if (options.keychainAccessGroup) plist.CulvertKeychainAccessGroup = `$(AppIdentifierPrefix)${options.keychainAccessGroup}`;
  if (options.hotspot && !plist.NSLocationWhenInUseUsageDescription) {
    plist.NSLocationWhenInUseUsageDescription = options.locationUsageDescription;
  }
  return plist;
}

/**
 * The Android manifest: permissions and the VPN service.
 * @param {import('@expo/config-plugins').AndroidConfig.Manifest.AndroidManifest} manifest
 * @param {ReturnType<typeof resolveOptions>} options
 */
function setAndroidManifest(manifest, options) {
  const permissions = ['android.permission.FOREGROUND_SERVICE', 'android.permission.FOREGROUND_SERVICE_SYSTEM_EXEMPTED'];
  if (options.hotspot) {
    permissions.push('android.permission.ACCESS_FINE_LOCATION', 'android.permission.ACCESS_WIFI_STATE', 'android.permission.CHANGE_WIFI_STATE');
  }
  AndroidConfig.Permissions.ensurePermissions(manifest, permissions);

  const app = AndroidConfig.Manifest.getMainApplicationOrThrow(manifest);
  const services = app.service ?? [];
  if (!services.some((s) => s.$['android:name'] === SERVICE_NAME)) {
    services.push({
      $: {
        'android:name': SERVICE_NAME,
        'android:permission': 'android.permission.BIND_VPN_SERVICE',
        'android:exported': 'false',
        'android:foregroundServiceType': 'systemExempted',
      },
      'intent-filter': [{ action: [{ $: { 'android:name': 'android.net.VpnService' } }] }],
    });
  }
  app.service = services;
  return manifest;
}

/** @type {import('@expo/config-plugins').ConfigPlugin<CulvertPluginOptions | void>} */
const withCulvert = (config, rawOptions) => {
  const options = resolveOptions(rawOptions);
  config = withEntitlementsPlist(config, (c) => {
    c.modResults = setEntitlements(c.modResults, options);
    return c;
  });
  config = withInfoPlist(config, (c) => {
    c.modResults = setInfoPlist(c.modResults, options, c.ios?.bundleIdentifier);
    const provider = c.modResults.CulvertProviderBundleIdentifier ?? '<bundle id>.network-extension';
    WarningAggregator.addWarningIOS(
      'react-native-culvert',
      `Add a Packet Tunnel extension target with bundle id ${provider} ` +
        `(entitlement ${NE_KEY} = [packet-tunnel-provider], dependency on the Culvert pod), ` +
        'using examples/react-native/ios/CulvertTunnel as its source; Expo does not create extension targets.',
    );
    return c;
  });
  config = withAndroidManifest(config, (c) => {
    c.modResults = setAndroidManifest(c.modResults, options);
    return c;
  });
  return config;
};

module.exports = createRunOncePlugin(withCulvert, pkg.name, pkg.version);
module.exports.withCulvert = withCulvert;
module.exports.setEntitlements = setEntitlements;
module.exports.setInfoPlist = setInfoPlist;
module.exports.setAndroidManifest = setAndroidManifest;
module.exports.resolveOptions = resolveOptions;
module.exports.SERVICE_NAME = SERVICE_NAME;
