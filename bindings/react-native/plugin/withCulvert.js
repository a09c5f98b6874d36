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
 * - the Packet Tunnel extension target (`packetTunnel`, default on), made by
 *   composing with @bacons/apple-targets (its `network-packet-tunnel` target
 *   type): sources in `<project>/targets/<name>/` (PacketTunnelProvider.swift
 *   from Culvert's template in plugin/template/, written only when missing, so
 *   it is yours to edit and survives `prebuild --clean`), bundle id
 *   `providerBundleIdentifier`, entitlements (packet-tunnel-provider, the app
 *   group, the keychain group), embedded in the app, and a Podfile target that
 *   links the `Culvert` pod (`culvertPod`: the requirement after the pod name).
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
const fs = require('fs');
const path = require('path');
const {
  AndroidConfig,
  WarningAggregator,
  createRunOncePlugin,
  withAndroidManifest,
  withEntitlementsPlist,
  withInfoPlist,
  withPodfile,
} = require('@expo/config-plugins');

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
 * @property {boolean} [packetTunnel] Create the Packet Tunnel extension target (default true; needs
 *   `@bacons/apple-targets` installed in the app).
 * @property {string} [packetTunnelName] Name of the extension target and of its folder under
 *   `targets/` (default `CulvertTunnel`).
 * @property {string} [culvertPod] Podfile requirement of the `Culvert` pod for the extension, after
 *   `pod 'Culvert', ` (default the package version, e.g. `'0.1.0'`; a local checkout:
 *   `:path => '../../..'`).
 */

/**
 * Checks and fills in the options.
 * @param {unknown} raw
 * @returns {Required<Pick<CulvertPluginOptions, 'hotspot' | 'locationUsageDescription' | 'packetTunnelName' | 'culvertPod'>> & CulvertPluginOptions}
 */
function resolveOptions(raw) {
  /** @type {Record<string, unknown>} */
  const o = raw && typeof raw === 'object' ? /** @type {Record<string, unknown>} */ (raw) : {};
  const known = [
    'hotspot',
    'locationUsageDescription',
    'providerBundleIdentifier',
    'appGroup',
    'keychainAccessGroup',
    'packetTunnel',
    'packetTunnelName',
    'culvertPod',
  ];
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new Error(`react-native-culvert plugin: unknown option "${k}" (known: ${known.join(', ')})`);
  }
  for (const k of ['hotspot', 'packetTunnel']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') {
      throw new Error(`react-native-culvert plugin: "${k}" must be a boolean`);
    }
  }
  for (const k of ['locationUsageDescription', 'providerBundleIdentifier', 'appGroup', 'keychainAccessGroup', 'packetTunnelName', 'culvertPod']) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) {
      throw new Error(`react-native-culvert plugin: "${k}" must be a non-empty string`);
    }
  }
  if (typeof o.appGroup === 'string' && !o.appGroup.startsWith('group.')) {
    throw new Error('react-native-culvert plugin: "appGroup" must start with "group."');
  }
  if (typeof o.packetTunnelName === 'string' && !/^[A-Za-z][A-Za-z0-9_]*$/.test(o.packetTunnelName)) {
    throw new Error('react-native-culvert plugin: "packetTunnelName" must be letters, digits and _ (a target name)');
  }
  if (typeof o.culvertPod === 'string' && /[\n\r]/.test(o.culvertPod)) {
    throw new Error('react-native-culvert plugin: "culvertPod" must be one line');
  }
  return {
    hotspot: o.hotspot !== false,
    locationUsageDescription: typeof o.locationUsageDescription === 'string' ? o.locationUsageDescription : DEFAULT_LOCATION_TEXT,
    providerBundleIdentifier: typeof o.providerBundleIdentifier === 'string' ? o.providerBundleIdentifier : undefined,
    appGroup: typeof o.appGroup === 'string' ? o.appGroup : undefined,
    keychainAccessGroup: typeof o.keychainAccessGroup === 'string' ? o.keychainAccessGroup : undefined,
    packetTunnel: typeof o.packetTunnel === 'boolean' ? o.packetTunnel : undefined,
    packetTunnelName: typeof o.packetTunnelName === 'string' ? o.packetTunnelName : 'CulvertTunnel',
    culvertPod: typeof o.culvertPod === 'string' ? o.culvertPod : `'${pkg.version}'`,
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

/**
 * The extension's entitlements: the Packet Tunnel provider, and the app group and keychain
 * group it shares with the app.
 * @param {ReturnType<typeof resolveOptions>} options
 * @returns {Record<string, any>}
 */
function tunnelEntitlements(options) {
  /** @type {Record<string, any>} */
  const ent = { [NE_KEY]: ['packet-tunnel-provider'] };
  if (options.appGroup) ent[APP_GROUPS_KEY] = [options.appGroup];
  if (options.keychainAccessGroup) ent[KEYCHAIN_GROUPS_KEY] = [`$(AppIdentifierPrefix)${options.keychainAccessGroup}`];
  return ent;
}

const PODFILE_MARK = '# react-native-culvert: Packet Tunnel extension';

/**
 * Adds (once) the Podfile target of the extension, linking only the Culvert engine.
 * @param {string} contents
 * @param {ReturnType<typeof resolveOptions>} options
 * @returns {string}
 */
function addTunnelPodfileTarget(contents, options) {
  if (contents.includes(PODFILE_MARK)) return contents;
  return `${contents.trimEnd()}

${PODFILE_MARK} (no React Native in it): the Culvert engine only.
target '${options.packetTunnelName}' do
  pod 'Culvert', ${options.culvertPod}
end
`;
}

/**
 * Loads @bacons/apple-targets from the app (it is the app's dependency, not ours).
 * @param {string} projectRoot
 * @returns {{ withWidget: Function, withXcodeProjectBetaBaseMod: Function } | null}
 */
function loadAppleTargets(projectRoot) {
  let base;
  try {
    base = path.dirname(require.resolve('@bacons/apple-targets/package.json', { paths: [projectRoot] }));
  } catch {
    return null;
  }
  return {
    withWidget: require(path.join(base, 'build', 'with-widget')).default,
    withXcodeProjectBetaBaseMod: require(path.join(base, 'build', 'with-bacons-xcode')).withXcodeProjectBetaBaseMod,
  };
}

/**
 * The Packet Tunnel extension target, by @bacons/apple-targets.
 * @param {any} config
 * @param {ReturnType<typeof resolveOptions>} options
 */
function withPacketTunnelTarget(config, options) {
  const projectRoot = (config._internal && config._internal.projectRoot) || process.cwd();
  const appleTargets = loadAppleTargets(projectRoot);
  if (!appleTargets) {
    if (options.packetTunnel === true) {
      throw new Error('react-native-culvert plugin: "packetTunnel" needs @bacons/apple-targets in the app (npm install @bacons/apple-targets)');
    }
    WarningAggregator.addWarningIOS(
      'react-native-culvert',
      'Install @bacons/apple-targets to have the Packet Tunnel extension target created on prebuild ' +
        '(or set "packetTunnel": false and add it yourself; see docs/react-native.md).',
    );
    return config;
  }
  const directory = path.join('targets', options.packetTunnelName);
  const provider = options.providerBundleIdentifier ?? '.network-extension';
  // Culvert's provider, written once: the folder is the app's source, outside ios/.
  const dir = path.join(projectRoot, directory);
  const dest = path.join(dir, 'PacketTunnelProvider.swift');
  if (!fs.existsSync(dest)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(__dirname, 'template', 'PacketTunnelProvider.swift'), dest);
  }
  config = appleTargets.withWidget(config, {
    type: 'network-packet-tunnel',
    name: options.packetTunnelName,
    directory,
    configPath: path.join(dir, 'expo-target.config.js'),
    bundleIdentifier: provider,
    deploymentTarget: '15.1',
    entitlements: tunnelEntitlements(options),
    appleTeamId: config.ios && config.ios.appleTeamId,
  });
  config = withPodfile(config, (c) => {
    c.modResults.contents = addTunnelPodfileTarget(c.modResults.contents, options);
    return c;
  });
  appleTargets.withXcodeProjectBetaBaseMod(config);
  return config;
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
    return c;
  });
  if (options.packetTunnel !== false) config = withPacketTunnelTarget(config, options);
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
module.exports.tunnelEntitlements = tunnelEntitlements;
module.exports.addTunnelPodfileTarget = addTunnelPodfileTarget;
module.exports.SERVICE_NAME = SERVICE_NAME;
