#!/usr/bin/env node
/**
 * Adds the Packet Tunnel extension target `CulvertTunnel` to the CLI-generated
 * Xcode project of this example (once; a no-op when it is there), with the
 * `xcode` package React Native and Expo tooling use: an app extension with
 * ios/CulvertTunnel/{PacketTunnelProvider.swift, Info.plist,
 * CulvertTunnel.entitlements}, embedded in the app (PlugIns copy phase, target
 * dependency), and both targets' entitlements files and bundle ids. The Podfile
 * links the Culvert pod into it. Run from examples/react-native with
 * `node scripts/add-tunnel-target.js` (needs `xcode`, e.g. from ../expo's
 * node_modules: NODE_PATH=../expo/node_modules).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const xcode = require('xcode');

const APP = 'CulvertExample';
const EXT = 'CulvertTunnel';
const APP_ID = 'io.culvert.example';
const EXT_ID = `${APP_ID}.network-extension`;
const file = path.join(__dirname, '..', 'ios', `${APP}.xcodeproj`, 'project.pbxproj');
const proj = xcode.project(file).parseSync();

const unquote = (v) => (typeof v === 'string' ? v.replace(/^"(.*)"$/, '$1') : v);
if (proj.pbxTargetByName(EXT) || Object.values(proj.pbxNativeTargetSection()).some((t) => t && unquote(t.name) === EXT)) {
  console.log(`${EXT} is already in ${path.relative(process.cwd(), file)}`);
  process.exit(0);
}
const appTarget = proj.getFirstTarget();
if (unquote(appTarget.firstTarget.name) !== APP) throw new Error(`first target is ${appTarget.firstTarget.name}, want ${APP}`);

const ext = proj.addTarget(EXT, 'app_extension', EXT, EXT_ID);
const group = proj.addPbxGroup(['PacketTunnelProvider.swift', 'Info.plist', `${EXT}.entitlements`], EXT, EXT);
proj.addToPbxGroup(group.uuid, proj.getFirstProject().firstProject.mainGroup);
proj.addBuildPhase(['PacketTunnelProvider.swift'], 'PBXSourcesBuildPhase', 'Sources', ext.uuid);
proj.addBuildPhase([], 'PBXFrameworksBuildPhase', 'Frameworks', ext.uuid);
proj.addBuildPhase([], 'PBXResourcesBuildPhase', 'Resources', ext.uuid);
// The template has no dependency sections yet; addTargetDependency fills existing ones.
for (const isa of ['PBXTargetDependency', 'PBXContainerItemProxy']) proj.hash.project.objects[isa] ??= {};
proj.addTargetDependency(appTarget.uuid, [ext.uuid]);

const configs = proj.pbxXCBuildConfigurationSection();
const listOf = (t) => proj.pbxXCConfigurationList()[t.buildConfigurationList].buildConfigurations.map((c) => configs[c.value]);
for (const c of listOf(ext.pbxNativeTarget)) {
  Object.assign(c.buildSettings, {
    INFOPLIST_FILE: `${EXT}/Info.plist`,
    CODE_SIGN_ENTITLEMENTS: `${EXT}/${EXT}.entitlements`,
    PRODUCT_BUNDLE_IDENTIFIER: `"${EXT_ID}"`,
    IPHONEOS_DEPLOYMENT_TARGET: '15.1',
    SWIFT_VERSION: '5.0',
    TARGETED_DEVICE_FAMILY: '1',
    APPLICATION_EXTENSION_API_ONLY: 'YES',
    CLANG_ENABLE_MODULES: 'YES',
  });
}
for (const c of listOf(appTarget.firstTarget)) {
  c.buildSettings.CODE_SIGN_ENTITLEMENTS = `${APP}/${APP}.entitlements`;
  c.buildSettings.PRODUCT_BUNDLE_IDENTIFIER = APP_ID;
}
// Tidy what the library leaves: `undefined` attributes, and build files made
// for the group's plist/entitlements that no build phase uses.
const objects = proj.hash.project.objects;
for (const [k, ref] of Object.entries(objects.PBXFileReference)) {
  if (k.endsWith('_comment')) continue;
  for (const [attr, v] of Object.entries(ref)) if (v === undefined || v === 'undefined') delete ref[attr];
}
const used = new Set();
for (const isa of ['PBXSourcesBuildPhase', 'PBXResourcesBuildPhase', 'PBXFrameworksBuildPhase', 'PBXCopyFilesBuildPhase']) {
  for (const [k, phase] of Object.entries(objects[isa] || {})) if (!k.endsWith('_comment')) phase.files.forEach((f) => used.add(f.value));
}
for (const k of Object.keys(objects.PBXBuildFile)) {
  const id = k.replace(/_comment$/, '');
  if (!used.has(id)) delete objects.PBXBuildFile[k];
}
fs.writeFileSync(file, proj.writeSync());
console.log(`added ${EXT} (${EXT_ID}) to ${path.relative(process.cwd(), file)}`);
