// jest globalTeardown: stops the simulator started by vcsim-setup.js.
module.exports = async function teardown() {
  await globalThis.__VIRTRIGAUD_VCSIM__?.stop();
};
