// One jest run for the whole monorepo: every workspace is a jest "project", so `npm test` runs all
// suites while each package can still be tested alone with `npx jest --selectProjects <name>`.
// A workspace may bring its own jest.config.js (the Backstage frontend needs jsdom); the others
// share the Node project of jest.node-project.js.
const fs = require('node:fs');
const path = require('node:path');
const { workspaces } = require('./package.json');
const nodeProject = require('./jest.node-project');

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

module.exports = { projects };
