#!/usr/bin/env node
/**
 * Asserts what `expo prebuild` produced with react-native-culvert's config
 * plugin in an Expo app (examples/expo): app entitlements and Info.plist keys,
 * the Podfile, the Packet Tunnel extension target in the .pbxproj (product
 * type, embedding, entitlements shared with the app, sources), Expo's
 * autolinking of the module on both platforms, the Android manifest entries and
 * the library's Gradle dependency on culvert-android. Parses with the app's own
 * `xcode`, `@expo/plist` and `@expo/config-plugins`.
 * Usage: expo-check.js <app dir>. Prints `ok <name>` / `not ok <name>: <why>`.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const app = path.resolve(process.argv[2] || '.');
const need = (m) => require(require.resolve(m, { paths: [app] }));
const xcode = need('xcode');
const plist = need('@expo/plist').default || need('@expo/plist');
const appJson = JSON.parse(fs.readFileSync(path.join(app, 'app.json'), 'utf8')).expo;
const culvertOptions = (appJson.plugins.find((p) => Array.isArray(p) && p[0] === 'react-native-culvert') || [])[1] || {};
const bundleId = appJson.ios.bundleIdentifier;
const tunnelName = culvertOptions.packetTunnelName || 'CulvertTunnel';
const tunnelBundleId = `${bundleId}.network-extension`;
const appGroup = culvertOptions.appGroup;
const keychainGroup = `$(AppIdentifierPrefix)${culvertOptions.keychainAccessGroup}`;
const NE = 'com.apple.developer.networking.networkextension';

let failed = 0;
function check(name, fn) {
  try {
    const detail = fn();
    console.log(`ok ${name}${detail ? ` (${detail})` : ''}`);
  } catch (e) {
    failed += 1;
    console.log(`not ok ${name}: ${e && e.message ? e.message : String(e)}`);
  }
}
function expect(cond, why) {
  if (!cond) throw new Error(why);
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const readPlist = (p) => plist.parse(fs.readFileSync(p, 'utf8'));
const unquote = (v) => (typeof v === 'string' ? v.replace(/^"(.*)"$/, '$1') : v);

const ios = path.join(app, 'ios');
const xcodeproj = fs.existsSync(ios) ? fs.readdirSync(ios).find((f) => f.endsWith('.xcodeproj')) : undefined;
const appName = xcodeproj ? xcodeproj.replace(/\.xcodeproj$/, '') : '';
let appEnt = {};
check('ios: app entitlements (Packet Tunnel, hotspot, Wi-Fi info, app group, keychain group)', () => {
  appEnt = readPlist(path.join(ios, appName, `${appName}.entitlements`));
  expect(same(appEnt[NE], ['packet-tunnel-provider']), `${NE} is ${JSON.stringify(appEnt[NE])}`);
  expect(appEnt['com.apple.developer.networking.HotspotConfiguration'] === true, 'no HotspotConfiguration');
  expect(appEnt['com.apple.developer.networking.wifi-info'] === true, 'no wifi-info');
  expect(same(appEnt['com.apple.security.application-groups'], [appGroup]), `app groups ${JSON.stringify(appEnt['com.apple.security.application-groups'])}`);
  expect(same(appEnt['keychain-access-groups'], [keychainGroup]), `keychain groups ${JSON.stringify(appEnt['keychain-access-groups'])}`);
});
check('ios: Info.plist tells the module the provider, app group and keychain group', () => {
  const info = readPlist(path.join(ios, appName, 'Info.plist'));
  expect(info.CulvertProviderBundleIdentifier === tunnelBundleId, `CulvertProviderBundleIdentifier ${info.CulvertProviderBundleIdentifier}`);
  expect(info.CulvertAppGroup === appGroup, `CulvertAppGroup ${info.CulvertAppGroup}`);
  expect(info.CulvertKeychainAccessGroup === keychainGroup, `CulvertKeychainAccessGroup ${info.CulvertKeychainAccessGroup}`);
  expect(typeof info.NSLocationWhenInUseUsageDescription === 'string', 'no NSLocationWhenInUseUsageDescription');
});

// Expo's own autolinking, the command the generated Podfile and settings.gradle run.
function autolinking(platform) {
  const r = spawnSync(
    process.execPath,
    [
      '--no-warnings',
      '--eval',
      "require(require.resolve('expo-modules-autolinking', { paths: [require.resolve('expo/package.json')] }))(process.argv.slice(1))",
      'react-native-config',
      '--json',
      '--platform',
      platform,
    ],
    { cwd: app, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`expo-modules-autolinking exit ${r.status}: ${r.stderr}`);
  const dep = JSON.parse(r.stdout).dependencies['react-native-culvert'];
  if (!dep) throw new Error('react-native-culvert is not autolinked');
  return dep;
}
let pkgRoot = '';
check('ios: Expo autolinking links react-native-culvert.podspec, which pulls the Culvert pod', () => {
  const dep = autolinking('ios');
  pkgRoot = dep.root;
  const podspec = dep.platforms.ios && dep.platforms.ios.podspecPath;
  expect(podspec === path.join(dep.root, 'react-native-culvert.podspec') && fs.existsSync(podspec), `podspecPath ${podspec}`);
  expect(/s\.dependency\s+"Culvert"/.test(fs.readFileSync(podspec, 'utf8')), 'the podspec has no dependency on the Culvert pod');
  const podfile = fs.readFileSync(path.join(ios, 'Podfile'), 'utf8');
  expect(/use_native_modules!/.test(podfile), 'the Podfile does not run use_native_modules!');
});
check(`ios: Podfile target ${tunnelName} links the Culvert pod (once)`, () => {
  const podfile = fs.readFileSync(path.join(ios, 'Podfile'), 'utf8');
  const blocks = podfile.match(new RegExp(`target '${tunnelName}' do\\n\\s*pod 'Culvert',[^\\n]*\\nend`, 'g')) || [];
  expect(blocks.length === 1, `${blocks.length} ${tunnelName} targets linking Culvert`);
  return blocks[0].split('\n')[1].trim();
});

let project = null;
check('ios: .pbxproj parses', () => {
  project = xcode.project(path.join(ios, xcodeproj, 'project.pbxproj')).parseSync();
});
const objects = project ? project.hash.project.objects : {};
const section = (isa) => Object.entries(objects[isa] || {}).filter(([k]) => !k.endsWith('_comment'));
const targets = section('PBXNativeTarget');
const tunnel = targets.filter(([, t]) => unquote(t.name) === tunnelName);
const appTarget = targets.find(([, t]) => unquote(t.name) === appName);
function buildSettings(target) {
  const list = objects.XCConfigurationList[target.buildConfigurationList];
  return list.buildConfigurations.map((c) => objects.XCBuildConfiguration[c.value].buildSettings);
}
check(`ios: one ${tunnelName} target, an app extension with the Packet Tunnel bundle id`, () => {
  expect(tunnel.length === 1, `${tunnel.length} targets named ${tunnelName}`);
  const t = tunnel[0][1];
  expect(unquote(t.productType) === 'com.apple.product-type.app-extension', `productType ${t.productType}`);
  for (const s of buildSettings(t)) {
    expect(unquote(s.PRODUCT_BUNDLE_IDENTIFIER) === tunnelBundleId, `PRODUCT_BUNDLE_IDENTIFIER ${s.PRODUCT_BUNDLE_IDENTIFIER}`);
  }
});
check(`ios: ${tunnelName}.appex is embedded in the app (PlugIns copy phase + target dependency)`, () => {
  expect(appTarget && tunnel.length === 1, 'no app or tunnel target');
  const [tunnelId, t] = tunnel[0];
  const phases = appTarget[1].buildPhases.map((p) => objects.PBXCopyFilesBuildPhase && objects.PBXCopyFilesBuildPhase[p.value]).filter(Boolean);
  const embed = phases.find((p) => String(p.dstSubfolderSpec) === '13' &&
    p.files.some((f) => objects.PBXBuildFile[f.value].fileRef === t.productReference));
  expect(embed, 'no copy phase into PlugIns (dstSubfolderSpec 13) with the .appex');
  const deps = appTarget[1].dependencies.map((d) => objects.PBXTargetDependency[d.value]);
  expect(deps.some((d) => d.target === tunnelId), 'the app target does not depend on the extension target');
});
let tunnelEnt = {};
check(`ios: ${tunnelName} entitlements share the app group and keychain group with the app`, () => {
  expect(tunnel.length === 1, 'no tunnel target');
  const files = new Set(buildSettings(tunnel[0][1]).map((s) => unquote(s.CODE_SIGN_ENTITLEMENTS)));
  expect(files.size === 1 && !files.has(undefined), `CODE_SIGN_ENTITLEMENTS ${[...files]}`);
  tunnelEnt = readPlist(path.join(ios, [...files][0]));
  expect(same(tunnelEnt[NE], ['packet-tunnel-provider']), `${NE} is ${JSON.stringify(tunnelEnt[NE])}`);
  expect(same(tunnelEnt['com.apple.security.application-groups'], appEnt['com.apple.security.application-groups']), 'app groups differ from the app');
  expect(same(tunnelEnt['keychain-access-groups'], appEnt['keychain-access-groups']), 'keychain groups differ from the app');
});
check(`ios: ${tunnelName} Info.plist and PacketTunnelProvider.swift (Culvert's template)`, () => {
  expect(tunnel.length === 1, 'no tunnel target');
  const infos = new Set(buildSettings(tunnel[0][1]).map((s) => unquote(s.INFOPLIST_FILE)));
  expect(infos.size === 1, `INFOPLIST_FILE ${[...infos]}`);
  const info = readPlist(path.join(ios, [...infos][0]));
  expect(info.NSExtension && info.NSExtension.NSExtensionPointIdentifier === 'com.apple.networkextension.packet-tunnel', 'not a packet-tunnel extension point');
  expect(info.NSExtension.NSExtensionPrincipalClass === '$(PRODUCT_MODULE_NAME).PacketTunnelProvider', `principal class ${info.NSExtension.NSExtensionPrincipalClass}`);
  // The target's sources: a folder synchronised with targets/<name> (Xcode 16), or file references.
  const t = tunnel[0][1];
  // A group's folder: its path joined onto its parents' (the project's main group is ios/).
  const parentOf = (id) => section('PBXGroup').find(([, g]) => (g.children || []).some((c) => c.value === id));
  const folder = (id, g) => {
    const parent = parentOf(id);
    const own = g.path ? unquote(g.path) : '';
    return parent ? path.join(folder(parent[0], parent[1]), own) : path.resolve(ios, own);
  };
  const dirs = (t.fileSystemSynchronizedGroups || []).map((g) => folder(g.value, objects.PBXFileSystemSynchronizedRootGroup[g.value]));
  const swift = dirs.map((d) => path.join(d, 'PacketTunnelProvider.swift')).find(fs.existsSync);
  expect(swift, `no PacketTunnelProvider.swift in the target's folders ${dirs.join(', ')}`);
  const template = fs.readFileSync(path.join(__dirname, '..', 'plugin', 'template', 'PacketTunnelProvider.swift'), 'utf8');
  expect(/class PacketTunnelProvider: NEPacketTunnelProvider/.test(fs.readFileSync(swift, 'utf8')), 'not a NEPacketTunnelProvider');
  return fs.readFileSync(swift, 'utf8').startsWith(template.split('\n')[0]) ? 'from the template' : 'edited by the app';
});

// Android
const android = path.join(app, 'android');
let manifest = null;
check('android: app manifest has the VPN service (BIND_VPN_SERVICE, VpnService intent, systemExempted) once', () => {
  const text = fs.readFileSync(path.join(android, 'app/src/main/AndroidManifest.xml'), 'utf8');
  manifest = text;
  const services = text.match(/<service[\s\S]*?<\/service>/g) || [];
  const ours = services.filter((s) => s.includes('io.culvert.reactnative.CulvertReactVpnService'));
  expect(ours.length === 1, `${ours.length} CulvertReactVpnService entries`);
  for (const want of ['android:permission="android.permission.BIND_VPN_SERVICE"', 'android:exported="false"',
    'android:foregroundServiceType="systemExempted"', '<action android:name="android.net.VpnService"/>']) {
    expect(ours[0].includes(want), `missing ${want}`);
  }
});
check('android: app manifest permissions', () => {
  for (const p of ['FOREGROUND_SERVICE', 'FOREGROUND_SERVICE_SYSTEM_EXEMPTED', 'ACCESS_FINE_LOCATION', 'ACCESS_WIFI_STATE', 'CHANGE_WIFI_STATE']) {
    expect(manifest && manifest.includes(`android:name="android.permission.${p}"`), `missing ${p}`);
  }
});
check('android: Expo autolinking links the module (sourceDir, package class)', () => {
  const dep = autolinking('android');
  const a = dep.platforms.android;
  expect(a && a.sourceDir === path.join(dep.root, 'android'), `sourceDir ${a && a.sourceDir}`);
  expect(a.packageImportPath === 'import io.culvert.reactnative.CulvertPackage;', `packageImportPath ${a.packageImportPath}`);
});
check('android: the library manifests and the app manifest merge without a second service entry', () => {
  // AGP's manifest merger cannot run here: check its inputs. The service lives in the app manifest only;
  // the libraries add permissions (INTERNET, network state) and no <service> that would conflict.
  const libs = [path.join(pkgRoot, 'android/src/main/AndroidManifest.xml')];
  for (const lib of libs) {
    const text = fs.readFileSync(lib, 'utf8');
    expect(!/<service[\s>]/.test(text.replace(/<!--[\s\S]*?-->/g, '')), `${path.basename(path.dirname(path.dirname(path.dirname(lib))))} declares a <service>`);
    expect(text.includes('android.permission.INTERNET'), `${lib} lacks INTERNET`);
  }
  const kt = path.join(pkgRoot, 'android/src/main/java/io/culvert/reactnative/CulvertReactVpnService.kt');
  expect(fs.existsSync(kt) && /class CulvertReactVpnService\b/.test(fs.readFileSync(kt, 'utf8')), 'no CulvertReactVpnService class in the library');
});
check('android: the module\'s Gradle build depends on culvert-android from its repositories', () => {
  const gradle = fs.readFileSync(path.join(pkgRoot, 'android/build.gradle'), 'utf8');
  expect(/implementation\s+"io\.culvert:culvert-android:/.test(gradle), 'no io.culvert:culvert-android dependency');
  const repos = gradle.slice(gradle.search(/^repositories\s*\{/m));
  expect(/mavenCentral\(\)/.test(repos), 'mavenCentral() missing from the module repositories');
  const settings = fs.readFileSync(path.join(android, 'settings.gradle'), 'utf8');
  expect(/autolinkLibrariesFromCommand|useExpoModules|expo-autolinking/.test(settings), 'settings.gradle does not autolink');
});
process.exitCode = failed ? 1 : 0;
