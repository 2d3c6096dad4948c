// The shared Node project plus a real libvirtd for the replicated libvirt conformance test: the
// libvirt package's own jest hooks, so both projects register the daemons under the same jest
// process and they are stopped only after every test of the run.
const path = require('node:path');
const base = require('../jest.node-project')(__dirname);

const libvirtJest = path.join(
  path.dirname(require.resolve('@virtrigaud/provider-libvirt/package.json')),
  'jest',
);

module.exports = {
  ...base,
  globalSetup: path.join(libvirtJest, 'libvirt-setup.js'),
  globalTeardown: path.join(libvirtJest, 'libvirt-teardown.js'),
};
