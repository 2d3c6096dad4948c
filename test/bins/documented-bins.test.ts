// The commands the READMEs tell a user to run with `npx`, run exactly so from the repository root:
// each must resolve to its workspace's bin (on a fresh clone too, where dist/ is built after
// `npm install` linked the bins) and answer --help with its usage.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = path.join(__dirname, '..', '..');

function readmes(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist', '.git', '.tools'].includes(entry.name) ? [] : readmes(full);
    return entry.name === 'README.md' ? [full] : [];
  });
}

/** Every `npx <command>` in a README whose command is a bin of one of our workspaces. */
function documentedBins(): string[] {
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const workspaceBins = new Set(
    (workspaces as string[])
      .flatMap((pattern) =>
        pattern.endsWith('/*')
          ? fs
              .readdirSync(path.join(REPO_ROOT, pattern.slice(0, -2)))
              .map((name) => path.join(pattern.slice(0, -2), name))
          : [pattern],
      )
      .map((dir) => path.join(REPO_ROOT, dir, 'package.json'))
      .filter((file) => fs.existsSync(file))
      .flatMap((file) => Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).bin ?? {})),
  );
  const mentioned = readmes(REPO_ROOT).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/\bnpx ([a-z][\w-]*)/g)].map(([, name]) => name),
  );
  return [...new Set(mentioned.filter((name) => workspaceBins.has(name)))].sort();
}

const bins = documentedBins();

it('finds the commands the READMEs document', () => {
  expect(bins).toEqual(
    expect.arrayContaining(['provider-mock', 'virtrigaud-devcluster', 'virtrigaud-manager']),
  );
});

it.each(bins)(
  'npx %s --help prints its usage',
  async (bin) => {
    // --no: never fetch a package of that name from the registry; the workspace bin must be linked.
    const { stdout } = await promisify(execFile)('npx', ['--no', '--', bin, '--help'], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    expect(stdout).toMatch(new RegExp(`^usage: ${bin}\\b`, 'i'));
  },
  70_000,
);
