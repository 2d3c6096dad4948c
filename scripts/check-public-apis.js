#!/usr/bin/env node
// Fails (exit 1, one line per finding) when the project reaches into a runtime's or a library's
// internals again: Node's private symbols, module-loader hooks, @kubernetes/client-node's dist/
// modules, or V8 garbage-collector and heap flags. Such code breaks silently on the next Node or
// library release, and a GC flag tuned for one benchmark hides the cost it was meant to fix.
// Scans every source, script, Dockerfile, manifest and README (not node_modules or build output).
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.join(__dirname, '..');
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', '.tools']);
const SKIPPED_FILES = new Set([path.join('scripts', 'check-public-apis.js'), 'package-lock.json']);
const TEXT_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|sh|json|ya?ml|md)$|(^|\.)Dockerfile$/;

const FORBIDDEN = [
  { pattern: /Symbol\(\s*['"`]state['"`]\s*\)/, why: "Node's private Symbol('state')" },
  {
    pattern: /getOwnPropertySymbols\([^)]*\)\s*\.find/,
    why: "looking up another object's private symbol",
  },
  { pattern: /Module\._(load|resolveFilename|compile)\b/, why: 'patching the CommonJS loader' },
  { pattern: /\bregisterHooks\b|\bmodule\.register\(/, why: 'a module-loader hook' },
  { pattern: /@kubernetes\/client-node\/dist\//, why: "client-node's private dist/ modules" },
  {
    pattern:
      /--(no-)?(allocation-site-pretenuring|max-semi-space-size|min-semi-space-size|max-old-space-size|semi-space-growth-factor|single-threaded-gc|parallel-scavenge|parallel-compaction|parallel-marking|concurrent-marking|concurrent-sweeping|compact|expose-gc|gc-interval|optimize-for-size|scavenger-max-new-space-capacity-mb)\b/,
    why: 'a V8 garbage-collector or heap flag',
  },
];

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* files(full);
    } else if (entry.isFile() && TEXT_FILE.test(entry.name)) {
      yield full;
    }
  }
}

/** Every forbidden use under `root`, as `file:line: why`. */
function findings(root) {
  const found = [];
  for (const file of files(root)) {
    const relative = path.relative(root, file);
    if (SKIPPED_FILES.has(relative)) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      for (const { pattern, why } of FORBIDDEN) {
        if (pattern.test(line)) found.push(`${relative}:${index + 1}: ${why}`);
      }
    });
  }
  return found;
}

module.exports = { findings };

if (require.main === module) {
  const found = findings(process.argv[2] ?? repoRoot);
  if (found.length > 0) {
    console.error('[test] public APIs only (DEVELOPERS.md); remove these:');
    for (const line of found) console.error(`  ${line}`);
    process.exit(1);
  }
}
