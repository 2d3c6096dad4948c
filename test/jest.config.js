// Suites that cross packages. Each starts what it needs (the whole portal for e2e-portal) and stops
// it afterwards, so they take longer than unit tests (each suite sets its own timeouts).
const nodeProject = require('../jest.node-project');

module.exports = {
  ...nodeProject(__dirname),
  displayName: 'test',
  testMatch: ['<rootDir>/*/**/*.test.ts'],
};
