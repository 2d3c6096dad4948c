// The alert rules under `promtool test rules` (Debian's prometheus package): for every alert,
// series that must fire it and series that must not (src/__fixtures__/alert-rules.promtool.yaml).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ALERT_RULES, rulesFile, type RulesFileOptions } from './alert-rules';
import { ensurePrometheus, promtool } from './testing/prometheus-binaries';

jest.setTimeout(600_000); // the first run may install the package

const CASES = path.join(__dirname, '__fixtures__', 'alert-rules.promtool.yaml');
let available = false;
let dir: string;

beforeAll(async () => {
  available = await ensurePrometheus('alert-rules.test.ts');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-rules-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes the rules (with `options`) beside the test cases and runs promtool test rules. */
async function testRules(options: RulesFileOptions = {}) {
  fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify(rulesFile(options)));
  fs.copyFileSync(CASES, path.join(dir, 'cases.yaml'));
  return promtool(['test', 'rules', 'cases.yaml'], dir);
}

it('promtool accepts the rules file', async () => {
  if (!available) return;
  fs.writeFileSync(path.join(dir, 'check.yaml'), YAML.stringify(rulesFile()));
  const result = await promtool(['check', 'rules', 'check.yaml'], dir);
  expect(result.output).toContain(`SUCCESS: ${ALERT_RULES.length} rules found`);
  expect(result.code).toBe(0);
});

it('every alert fires on its failing series and stays silent on the healthy ones', async () => {
  if (!available) return;
  const result = await testRules();
  expect(result.output).toContain('SUCCESS');
  expect(result.code).toBe(0);
});

it('the cases notice a rule that fires too late', async () => {
  if (!available) return;
  const result = await testRules({ forOverride: '1h' });
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('VirtRigaudProviderDown');
});

it('every alert is tested and has a runbook section in docs/monitoring.md', () => {
  const cases = fs.readFileSync(CASES, 'utf8');
  const runbook = fs.readFileSync(path.join(__dirname, '../../../docs/monitoring.md'), 'utf8');
  const anchors = new Set(
    [...runbook.matchAll(/^### (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^a-z0-9-]/g, '')),
  );
  for (const rule of ALERT_RULES) {
    expect(cases).toContain(`alertname: ${rule.alert}`);
    expect(anchors).toContain(rule.runbook);
  }
});
