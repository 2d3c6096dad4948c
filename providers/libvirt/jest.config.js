// The shared Node project plus a real libvirtd (installed and started by scripts/ensure-libvirt.sh)
// for the package's suites.
const base = require('../../jest.node-project')(__dirname);

module.exports = {
  ...base,
  globalSetup: '<rootDir>/jest/libvirt-setup.js',
  globalTeardown: '<rootDir>/jest/libvirt-teardown.js',
};
