// Starts vcsim (test-fixtures/vcsim/main.go, built by scripts/ensure-vcsim.sh) on 127.0.0.1:0 with
// fresh random credentials and waits for the line announcing its URL. Used by the jest global
// setup and by the benchmark.
const { execFileSync, spawn } = require('node:child_process');
const { setTimeout, clearTimeout } = require('node:timers');
const { URL } = require('node:url');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const readline = require('node:readline');

const packageDir = path.join(__dirname, '..');
const START_TIMEOUT_MS = 30_000;

function ensureVcsimBinary() {
  return execFileSync('bash', [path.join(packageDir, 'scripts/ensure-vcsim.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/**
 * Resolves to { endpoint, username, password, certificatePem, certificateDer, stop() }.
 * `delayMs` slows every vim25 method down, `methodDelayMs` ({ Method: ms }) single methods
 * (a vCenter under load).
 */
async function startVcsim({ delayMs = 0, methodDelayMs = {} } = {}) {
  const username = 'virtrigaud';
  const password = randomBytes(12).toString('base64url');
  const child = spawn(ensureVcsimBinary(), [], {
    env: {
      ...process.env,
      VCSIM_USERNAME: username,
      VCSIM_PASSWORD: password,
      VCSIM_DELAY_MS: String(delayMs),
      VCSIM_METHOD_DELAY_MS: Object.entries(methodDelayMs)
        .map(([method, ms]) => `${method}=${ms}`)
        .join(','),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const announced = {};
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('vcsim did not start in time')),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code) => reject(new Error(`vcsim exited early (code ${code})`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const [key, ...rest] = line.split('=');
      announced[key] = rest.join('=');
      if (announced.VCSIM_URL && announced.VCSIM_CERT) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const url = new URL(announced.VCSIM_URL);
  const der = announced.VCSIM_CERT;
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return {
    endpoint: `https://${url.host}`,
    username,
    password,
    certificatePem,
    certificateDer: der,
    stop,
  };
}

module.exports = { startVcsim };
