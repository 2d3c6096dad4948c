// Fails when a workspace imports another workspace without a TypeScript project reference to it.
// Without the reference `tsc -b` may compile the importer first; on a fresh clone the import then
// fails ("Cannot find module") and, because tsc -b caches module resolution across projects, the
// failure spreads to every later project that imports the same package.
// Usage: node scripts/check-project-references.js <project dir>...
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const IMPORT = /(?:from |import\(|require\()'(@virtrigaud\/[a-z0-9-]+)/g;

function readJson(file) {
  return ts.parseConfigFileTextToJson(file, fs.readFileSync(file, 'utf8')).config;
}

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const workspaces = process.argv.slice(2).map((dir) => path.resolve(dir));
// A type-check-only project (e.g. operator/tests) has no package.json: it imports, nobody imports it.
const workspaceByPackage = new Map(
  workspaces
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
    .map((dir) => [readJson(path.join(dir, 'package.json')).name, dir]),
);

const problems = new Map(); // one line per missing reference, naming the first importing file
for (const dir of workspaces) {
  const config = readJson(path.join(dir, 'tsconfig.json'));
  const referenced = new Set((config.references ?? []).map((ref) => path.resolve(dir, ref.path)));
  const roots = (config.include ?? ['src']).map((pattern) => path.join(dir, pattern.split('/')[0]));
  for (const file of roots.flatMap(sourceFiles)) {
    for (const [, name] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = workspaceByPackage.get(name);
      if (target && target !== dir && !referenced.has(target)) {
        const fix = `add { "path": "${path.relative(dir, target)}" } to ${path.relative('.', dir)}/tsconfig.json`;
        if (!problems.has(fix))
          problems.set(fix, `${path.relative('.', file)} imports ${name}: ${fix}`);
      }
    }
  }
}
for (const problem of problems.values()) console.error(`[setup] ${problem}`);
process.exit(problems.size ? 1 : 0);
