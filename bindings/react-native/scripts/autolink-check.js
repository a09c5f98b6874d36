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
process.exitCode = failed ? 1 : 0;
