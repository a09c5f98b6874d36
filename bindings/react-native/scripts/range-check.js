#!/usr/bin/env node
/**
 * The declared React Native range (`peerDependencies["react-native"]`) is
 * exactly what passes: React Native's own codegen of the lowest and the
 * highest checked version generates the TurboModule from src/NativeCulvert.ts,
 * and the checked version just below the range fails to. Each version's codegen
 * is installed from scripts/codegen/<version>/package-lock.json into
 * <cache>/<version> (by scripts/setup.d/50-rn.sh).
 * Usage: range-check.js <cache dir> <output dir>. Prints `ok` / `not ok` lines.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const semver = require('semver');

const root = path.resolve(__dirname, '..');
const [cache, outDir] = process.argv.slice(2);
const pkg = require(path.join(root, 'package.json'));
const range = pkg.peerDependencies && pkg.peerDependencies['react-native'];
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

const checked = fs.readdirSync(path.join(__dirname, 'codegen')).filter((v) => semver.valid(v)).sort(semver.compare);
const inRange = checked.filter((v) => range && semver.satisfies(v, range));
const below = checked.filter((v) => range && semver.ltr(v, range));
const lowest = inRange[0];
const highest = inRange[inRange.length - 1];

check(`react-native peer range "${range}" is closed at the newest checked version`, () => {
  if (!range || !semver.validRange(range)) throw new Error('no valid range');
  if (semver.satisfies('999.0.0', range)) throw new Error('no upper bound');
  if (!highest) throw new Error(`no checked version (${checked.join(', ')}) is in the range`);
  const next = semver.inc(highest, 'minor');
  if (semver.satisfies(next, range)) throw new Error(`${next} is in the range but only ${highest} was checked`);
  return `highest checked ${highest}`;
});
check(`react-native peer range starts at a checked version`, () => {
  const min = range && semver.validRange(range) ? semver.minVersion(range).version : null;
  if (!min || !checked.includes(min)) throw new Error(`lowest version of the range is ${min}; checked: ${checked.join(', ')}`);
  return `lowest ${min}`;
});

function codegen(version) {
  const dir = path.join(cache, version);
  if (!fs.existsSync(path.join(dir, 'node_modules', '@react-native', 'codegen'))) {
    return { ok: false, log: `@react-native/codegen ${version} not installed in ${dir}` };
  }
  const r = spawnSync(process.execPath, [path.join(__dirname, 'codegen-check.js'), path.join(outDir, version), dir], { encoding: 'utf8' });
  const log = `${r.stdout}${r.stderr}`;
  const generated = ['modulesAndroid', 'modulesIOS'].every((g) => new RegExp(`^ok codegen generates ${g}`, 'm').test(log));
  return { ok: r.status === 0 && generated, log };
}

for (const v of [lowest, highest].filter((v, i, a) => v && a.indexOf(v) === i)) {
  check(`codegen of React Native ${v} (${v === lowest ? 'lowest' : 'highest'} supported) generates the Java/C++ and ObjC++ specs`, () => {
    const r = codegen(v);
    if (!r.ok) throw new Error(r.log.trim().split('\n').filter((l) => l.startsWith('not ok') || !l.startsWith('ok')).join(' | '));
  });
}
for (const v of below) {
  check(`codegen of React Native ${v} (below the range) rejects the spec`, () => {
    const r = codegen(v);
    if (!fs.existsSync(path.join(cache, v, 'node_modules'))) throw new Error(r.log);
    if (r.ok) throw new Error(`it generated the specs: widen the range to ${v}`);
    return (r.log.split('\n').find((l) => l.startsWith('not ok')) || '').slice(0, 140);
  });
}
if (below.length === 0) check('a checked version below the range', () => { throw new Error('none'); });
process.exitCode = failed ? 1 : 0;
