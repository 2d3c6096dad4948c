// jest globalSetup: one vcsim for the package's suites; tests read it from VSPHERE_TEST_* vars.
const { startVcsim } = require('./vcsim');

module.exports = async function setup() {
  const vcsim = await startVcsim();
  globalThis.__VIRTRIGAUD_VCSIM__ = vcsim;
  process.env.VSPHERE_TEST_ENDPOINT = vcsim.endpoint;
  process.env.VSPHERE_TEST_USERNAME = vcsim.username;
  process.env.VSPHERE_TEST_PASSWORD = vcsim.password;
  process.env.VSPHERE_TEST_CERT_PEM = vcsim.certificatePem;
  process.env.VSPHERE_TEST_CERT_DER = vcsim.certificateDer;
};
