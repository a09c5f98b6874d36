#!/usr/bin/env node
/**
 * Runs React Native's own codegen (the `@react-native/codegen` package, the
 * same code `react-native` runs during an app build) on `src/NativeCulvert.ts`:
 * the spec must parse and validate, and the Android Java spec and the iOS
 * ObjC++ spec must generate. Each check prints `ok <name>` or `not ok <name>`.
 * With an output directory argument, the generated files are written there
 * (scripts/test-rn.sh compiles the Kotlin bridge against nothing else from it,
 * but checks that every spec method is implemented on both platforms).
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = process.argv[2] || fs.mkdtempSync(path.join(os.tmpdir(), 'culvert-codegen-'));
// Optional: the folder holding a given `@react-native/codegen` (its
// node_modules parent), to run another React Native version's codegen.
const codegenFrom = process.argv[3] ? path.resolve(process.argv[3]) : root;
const codegen = (sub) => require(require.resolve(`@react-native/codegen/lib/${sub}`, { paths: [codegenFrom] }));
const codegenVersion = require(require.resolve('@react-native/codegen/package.json', { paths: [codegenFrom] })).version;
console.log(`# @react-native/codegen ${codegenVersion}`);
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

const { TypeScriptParser } = codegen('parsers/typescript/parser');
const RNCodegen = codegen('generators/RNCodegen');
const SchemaValidator = codegen('SchemaValidator');
const pkg = require(path.join(root, 'package.json'));

let schema = null;
check('codegen parses src/NativeCulvert.ts', () => {
  schema = new TypeScriptParser().parseFile(path.join(root, 'src', 'NativeCulvert.ts'));
  const mod = schema.modules.NativeCulvert;
  if (!mod || mod.type !== 'NativeModule') throw new Error('no NativeModule named NativeCulvert in the schema');
  if (!mod.moduleName || mod.moduleName !== 'Culvert') throw new Error(`module name is ${mod.moduleName}, want Culvert`);
  return `${mod.spec.methods.length} methods`;
});

check('codegen schema validates', () => {
  if (!schema) throw new Error('no schema');
  SchemaValidator.validate(schema);
});

for (const gen of ['modulesAndroid', 'modulesIOS', 'modulesCxx']) {
  check(`codegen generates ${gen}`, () => {
    if (!schema) throw new Error('no schema');
    const dir = path.join(outDir, gen);
    fs.mkdirSync(dir, { recursive: true });
    const ok = RNCodegen.generate(
      {
        libraryName: pkg.codegenConfig.name,
        schema,
        outputDirectory: dir,
        packageName: pkg.codegenConfig.android.javaPackageName,
        assumeNonnull: false,
      },
      { generators: [gen], test: false },
    );
    if (ok === false) throw new Error('generator reported failure');
    const files = [];
    const walk = (d) => {
      for (const f of fs.readdirSync(d)) {
        const p = path.join(d, f);
        if (fs.statSync(p).isDirectory()) walk(p);
        else files.push(path.relative(dir, p));
      }
    };
    walk(dir);
    if (files.length === 0) throw new Error('no files generated');
    return files.join(', ');
  });
}

// Every method in the spec must be implemented by both native bridges.
if (schema) {
  const methods = schema.modules.NativeCulvert.spec.methods.map((m) => m.name);
  const sources = {
    'android bridge': ['android/src/main/java/io/culvert/reactnative'],
    'ios bridge': ['ios'],
  };
  for (const [label, dirs] of Object.entries(sources)) {
    if (!dirs.every((d) => fs.existsSync(path.join(root, d)))) {
      console.log(`skip ${label}: not written yet`);
      continue;
    }
    check(`${label} implements every spec method`, () => {
      let text = '';
      for (const d of dirs) {
        const walk = (p) => {
          if (!fs.existsSync(p)) return;
          if (fs.statSync(p).isDirectory()) fs.readdirSync(p).forEach((f) => walk(path.join(p, f)));
          else if (/\.(kt|swift|mm)$/.test(p)) text += fs.readFileSync(p, 'utf8');
        };
        walk(path.join(root, d));
      }
      const missing = methods.filter((m) => !new RegExp(`\\b${m}\\b`).test(text));
      if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
      return `${methods.length} methods`;
    });
  }
}

console.log(`codegen output: ${outDir}`);
process.exitCode = failed ? 1 : 0;
