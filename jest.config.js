// One jest run for the whole monorepo: every workspace is a jest "project", so `npm test` runs all
// suites while each package can still be tested alone with `npx jest --selectProjects <name>`.
// A workspace may bring its own jest.config.js (the Backstage frontend needs jsdom); the others
// share the Node setup below. TypeScript is compiled by SWC (fast, no type checking: `tsc -b` in
// scripts/test.sh is the type check).
const fs = require('node:fs');
const path = require('node:path');
const { workspaces } = require('./package.json');

const nodeProject = (dir) => ({
  displayName: path.relative(__dirname, dir),
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
});

function workspaceDirs() {
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(__dirname, pattern)];
    const parent = path.join(__dirname, pattern.slice(0, -2));
    if (!fs.existsSync(parent)) return [];
    return fs.readdirSync(parent).map((name) => path.join(parent, name));
  });
}

const projects = workspaceDirs()
  .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
  .map((dir) => {
    const own = path.join(dir, 'jest.config.js');
    return fs.existsSync(own) ? own : nodeProject(dir);
  });

module.exports = { projects, nodeProject };
