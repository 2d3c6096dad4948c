// The shared Node project plus VMware's vCenter simulator, built and started once per run.
const base = require('../../jest.node-project')(__dirname);

module.exports = {
  ...base,
  globalSetup: '<rootDir>/jest/vcsim-setup.js',
  globalTeardown: '<rootDir>/jest/vcsim-teardown.js',
};
