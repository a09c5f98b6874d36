#!/usr/bin/env node
/**
 * Asserts what React Native's autolinking resolves for react-native-culvert in
 * an app: runs the app's own CLI (`react-native config`, the command the
 * Gradle plugin and `use_native_modules!` run during a build) and checks the
 * Android source folder, package import and class, the codegen library name,
 * and the iOS podspec. Usage: autolink-check.js <app dir>. Prints `ok <name>`
 * or `not ok <name>: <why>` per check.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const app = path.resolve(process.argv[2] || '.');
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
function expectEqual(what, got, want) {
  if (got !== want) throw new Error(`${what} is ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

const run = spawnSync('npx', ['--no-install', 'react-native', 'config'], { cwd: app, encoding: 'utf8' });
let config = null;
check('react-native config runs', () => {
  if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
  config = JSON.parse(run.stdout);
  return `react-native ${require(require.resolve('react-native/package.json', { paths: [app] })).version}`;
});
check('react-native config prints no warning about react-native-culvert', () => {
  const lines = (run.stderr || '').split('\n').filter((l) => /culvert/i.test(l));
  if (lines.length) throw new Error(lines.join(' | '));
});

const dep = config && config.dependencies && config.dependencies['react-native-culvert'];
check('react-native-culvert is autolinked', () => {
  if (!dep) throw new Error('not in `react-native config` dependencies');
});
const root = dep ? dep.root : '';
const android = dep && dep.platforms && dep.platforms.android;
const ios = dep && dep.platforms && dep.platforms.ios;

check('android: sourceDir is the package\'s android/ folder', () => {
  if (!android) throw new Error('no Android platform config (the module would never be linked: NATIVE_MODULE_MISSING)');
  expectEqual('sourceDir', android.sourceDir, path.join(root, 'android'));
  if (!fs.existsSync(path.join(android.sourceDir, 'build.gradle'))) throw new Error(`${android.sourceDir}/build.gradle does not exist`);
  return path.relative(app, android.sourceDir);
});
check('android: packageImportPath and packageInstance', () => {
  if (!android) throw new Error('no Android platform config');
  expectEqual('packageImportPath', android.packageImportPath, 'import io.culvert.reactnative.CulvertPackage;');
  expectEqual('packageInstance', android.packageInstance, 'new CulvertPackage()');
});
check('android: the imported package class exists and is a ReactPackage', () => {
  if (!android) throw new Error('no Android platform config');
  const fqcn = android.packageImportPath.replace(/^import\s+/, '').replace(/;$/, '');
  const rel = fqcn.replace(/\./g, '/');
  const file = ['kt', 'java'].map((ext) => path.join(android.sourceDir, 'src/main/java', `${rel}.${ext}`)).find(fs.existsSync);
  if (!file) throw new Error(`no source file for ${fqcn} under ${android.sourceDir}/src/main/java`);
  const text = fs.readFileSync(file, 'utf8');
  const simple = fqcn.split('.').pop();
  if (!new RegExp(`class\\s+${simple}\\b[^{]*\\b(BaseReactPackage|TurboReactPackage|ReactPackage)\\b`).test(text)) {
    throw new Error(`${path.basename(file)} does not declare class ${simple} as a React package`);
  }
  return path.relative(root, file);
});
check('android: codegen library name (new architecture)', () => {
  if (!android) throw new Error('no Android platform config');
  expectEqual('libraryName', android.libraryName, 'RNCulvertSpec');
});
check('ios: podspecPath is the package\'s podspec', () => {
  if (!ios) throw new Error('no iOS platform config');
  expectEqual('podspecPath', ios.podspecPath, path.join(root, 'react-native-culvert.podspec'));
  if (!fs.existsSync(ios.podspecPath)) throw new Error(`${ios.podspecPath} does not exist`);
});

// The app's Packet Tunnel extension target (examples/react-native/scripts/add-tunnel-target.js).
const iosDir = path.join(app, 'ios');
const xcodeproj = fs.readdirSync(iosDir).find((f) => f.endsWith('.xcodeproj'));
const appName = xcodeproj.replace(/\.xcodeproj$/, '');
check('ios app: CulvertTunnel is an app extension embedded in the app, building PacketTunnelProvider.swift', () => {
  const xcode = require('xcode');
  const proj = xcode.project(path.join(iosDir, xcodeproj, 'project.pbxproj')).parseSync();
  const o = proj.hash.project.objects;
  const unq = (v) => (typeof v === 'string' ? v.replace(/^"(.*)"$/, '$1') : v);
  const targets = Object.entries(o.PBXNativeTarget).filter(([k]) => !k.endsWith('_comment'));
  const ext = targets.filter(([, t]) => unq(t.name) === 'CulvertTunnel');
  const host = targets.find(([, t]) => unq(t.name) === appName);
  if (ext.length !== 1 || !host) throw new Error(`${ext.length} CulvertTunnel targets, host ${Boolean(host)}`);
  const [extId, t] = ext[0];
  if (unq(t.productType) !== 'com.apple.product-type.app-extension') throw new Error(`productType ${t.productType}`);
  const embed = host[1].buildPhases.map((p) => (o.PBXCopyFilesBuildPhase || {})[p.value]).filter(Boolean)
    .find((p) => String(p.dstSubfolderSpec) === '13' && p.files.some((f) => o.PBXBuildFile[f.value].fileRef === t.productReference));
  if (!embed) throw new Error('the .appex is not copied into PlugIns');
  if (!host[1].dependencies.some((d) => o.PBXTargetDependency[d.value].target === extId)) throw new Error('no target dependency');
  const sources = t.buildPhases.map((p) => (o.PBXSourcesBuildPhase || {})[p.value]).filter(Boolean)
    .flatMap((p) => p.files.map((f) => unq(o.PBXFileReference[o.PBXBuildFile[f.value].fileRef].path)));
  if (!sources.includes('PacketTunnelProvider.swift')) throw new Error(`sources ${sources}`);
  const settings = (tt) => o.XCConfigurationList[tt.buildConfigurationList].buildConfigurations.map((c) => o.XCBuildConfiguration[c.value].buildSettings);
  const ent = (tt) => [...new Set(settings(tt).map((b) => unq(b.CODE_SIGN_ENTITLEMENTS)))];
  const [extEnt, appEnt] = [ent(t), ent(host[1])];
  if (extEnt.length !== 1 || appEnt.length !== 1 || extEnt.includes(undefined) || appEnt.includes(undefined)) throw new Error('CODE_SIGN_ENTITLEMENTS not set');
  const group = (f) => (fs.readFileSync(path.join(iosDir, f), 'utf8').match(/<key>keychain-access-groups<\/key>\s*<array>\s*<string>([^<]+)</) || [])[1];
  if (!group(extEnt[0]) || group(extEnt[0]) !== group(appEnt[0])) throw new Error(`keychain groups ${group(extEnt[0])} / ${group(appEnt[0])}`);
  const ids = settings(t).map((b) => unq(b.PRODUCT_BUNDLE_IDENTIFIER));
  const appIds = settings(host[1]).map((b) => unq(b.PRODUCT_BUNDLE_IDENTIFIER));
  if (!ids.every((id, i) => id === `${appIds[i]}.network-extension`)) throw new Error(`bundle ids ${ids} for app ${appIds}`);
  return `${ids[0]}, keychain group ${group(appEnt[0])}`;
});
check('ios app: the Podfile links the Culvert pod into CulvertTunnel; its provider is the plugin template', () => {
  const podfile = fs.readFileSync(path.join(iosDir, 'Podfile'), 'utf8');
  if (!/target 'CulvertTunnel' do\s*\n\s*pod 'Culvert'/.test(podfile)) throw new Error('no CulvertTunnel target with the Culvert pod');
  const body = (f) => fs.readFileSync(f, 'utf8').replace(/^(\/\/.*\n)+\n?/, '');
  const mine = body(path.join(iosDir, 'CulvertTunnel', 'PacketTunnelProvider.swift'));
  if (mine !== body(path.join(__dirname, '..', 'plugin', 'template', 'PacketTunnelProvider.swift'))) {
    throw new Error('examples PacketTunnelProvider.swift differs from plugin/template (keep them the same code)');
  }
});
process.exitCode = failed ? 1 : 0;
