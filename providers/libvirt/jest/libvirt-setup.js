// jest globalSetup: make sure libvirtd runs (installing it on a clean machine), registered under
// this jest process so the teardown of a parallel run does not stop it under us.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function setup() {
  execFileSync(
    'bash',
    [path.join(__dirname, '../scripts/ensure-libvirt.sh'), '--holder', String(process.pid)],
    {
      stdio: 'inherit',
      timeout: 15 * 60_000,
    },
  );
};
