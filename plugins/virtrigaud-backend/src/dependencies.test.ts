// The backend plugin runs inside a Backstage backend: it must not pull in the manager. It shares
// the Kubernetes machinery through @virtrigaud/kube and the names through @virtrigaud/api; this
// walks its runtime dependency tree (dependencies, not devDependencies) through every VirtRigaud
// package it reaches.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
}

function runtimeDependencyTree(packageDir: string): string[] {
  const seen = new Set<string>();
  const visit = (dir: string) => {
    const manifest = JSON.parse(
      readFileSync(path.join(dir, 'package.json'), 'utf8'),
    ) as PackageJson;
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (name.startsWith('@virtrigaud/')) {
        visit(path.dirname(require.resolve(`${name}/package.json`, { paths: [dir] })));
      }
    }
  };
  visit(packageDir);
  return [...seen].sort();
}

it('has no @virtrigaud/operator in its runtime dependency tree', () => {
  const tree = runtimeDependencyTree(path.join(__dirname, '..'));
  expect(tree).toEqual(expect.arrayContaining(['@virtrigaud/api', '@virtrigaud/kube']));
  expect(tree).not.toContain('@virtrigaud/operator');
});
