// jest globalTeardown: stops the daemons ensure-libvirt.sh started, unless another run still uses them.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function teardown() {
  execFileSync(
    'bash',
    [path.join(__dirname, '../scripts/stop-libvirt.sh'), '--holder', String(process.pid)],
    {
      stdio: 'inherit',
      timeout: 60_000,
    },
  );
};
