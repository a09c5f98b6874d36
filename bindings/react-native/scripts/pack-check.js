#!/usr/bin/env node
/**
 * What `npm pack` puts in the published package: compiled JS and type
 * declarations in lib/ (main/types), the TypeScript source (react-native/source
 * and codegen's jsSrcsDir), the native sources, the Expo plugin and its template,
 * app.plugin.js, the podspec and the autolinking config — and no tests, caches or
 * build output. Usage: pack-check.js (in the package folder, after `npm run prepare`).
 */
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
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

// --ignore-scripts: lib/ was built by the caller; packing must not rebuild it.
const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
let files = [];
check('npm pack --dry-run', () => {
  if (r.status !== 0) throw new Error(r.stderr);
  files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  return `${files.length} files`;
});
const has = (f) => files.includes(f);

check('main and types point at compiled lib/ files in the package', () => {
  for (const field of ['main', 'types']) {
    if (!String(pkg[field]).startsWith('lib/') || !has(pkg[field])) throw new Error(`${field} = ${pkg[field]} is not a packed lib/ file`);
  }
  const js = files.filter((f) => /^lib\/.*\.js$/.test(f)).map((f) => f.replace(/\.js$/, ''));
  const dts = new Set(files.filter((f) => f.endsWith('.d.ts')).map((f) => f.replace(/\.d\.ts$/, '')));
  const missing = js.filter((f) => !dts.has(f));
  if (missing.length) throw new Error(`no .d.ts for ${missing.join(', ')}`);
  return `${js.length} modules`;
});
check('react-native and source point at the TypeScript source; codegen finds the spec', () => {
  for (const field of ['react-native', 'source']) {
    if (pkg[field] !== 'src/index.ts' || !has(pkg[field])) throw new Error(`${field} = ${pkg[field]}`);
  }
  if (!has(`${pkg.codegenConfig.jsSrcsDir}/NativeCulvert.ts`)) throw new Error('the codegen spec is not packed');
});
check('native sources, plugin, app.plugin.js, podspec and autolinking config are packed', () => {
  const want = [
    'app.plugin.js',
    'plugin/withCulvert.js',
    'plugin/template/PacketTunnelProvider.swift',
    'react-native-culvert.podspec',
    'react-native.config.js',
    'android/build.gradle',
    'android/src/main/AndroidManifest.xml',
    'android/src/main/java/io/culvert/reactnative/CulvertPackage.kt',
    'android/src/newarch/java/io/culvert/reactnative/CulvertModule.kt',
    'android/src/oldarch/java/io/culvert/reactnative/CulvertModule.kt',
    'ios/RNCulvert.h',
    'ios/RNCulvert.mm',
    'ios/CulvertModuleImpl.swift',
    'README.md',
    'package.json',
  ];
  const missing = want.filter((f) => !has(f));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}`);
});
check('no tests, caches, build output, lock files or dev configs', () => {
  const bad = files.filter((f) =>
    /(^|\/)__tests__\//.test(f) ||
    /\.test\.[jt]sx?$/.test(f) ||
    /(^|\/)(node_modules|build|\.gradle|\.kotlin|\.cxx|coverage)\//.test(f) ||
    /^scripts\//.test(f) ||
    /\.tsbuildinfo$/.test(f) ||
    /^(package-lock\.json|tsconfig.*\.json|jest\.config\.js|eslint\.config\.mjs|\.gitignore)$/.test(f),
  );
  if (bad.length) throw new Error(bad.join(', '));
});
process.exitCode = failed ? 1 : 0;
