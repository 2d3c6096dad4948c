// The generated dashboards: every panel query parses (promtool checks them as recording rules),
// panel ids are unique, and every panel uses the dashboard's Prometheus datasource variable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ensurePrometheus, promtool } from '../testing/prometheus-binaries';
import { concreteQuery, grafanaJson, panels } from './grafana';
import { DASHBOARDS } from './index';

jest.setTimeout(600_000);

const queries = DASHBOARDS.flatMap((d) =>
  panels(d).flatMap((p) => p.queries.map((q) => ({ where: `${d.uid} / ${p.title}`, ...q }))),
);

it('every panel query is valid PromQL once the dashboard variables are filled in', async () => {
  if (!(await ensurePrometheus('dashboards.test.ts'))) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-'));
  try {
    const rules = queries.map((q, i) => ({
      record: `virtrigaud:panel_${i}`,
      expr: concreteQuery(q.expr),
    }));
    fs.writeFileSync(
      path.join(dir, 'panels.yaml'),
      YAML.stringify({ groups: [{ name: 'panels', rules }] }),
    );
    const result = await promtool(['check', 'rules', 'panels.yaml'], dir);
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it('a broken query is reported (the check can fail)', async () => {
  if (!(await ensurePrometheus('dashboards.test.ts'))) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-'));
  try {
    const rules = [
      {
        record: 'virtrigaud:broken',
        expr: concreteQuery('sum by (le (rate(x[$__rate_interval]))'),
      },
    ];
    fs.writeFileSync(
      path.join(dir, 'panels.yaml'),
      YAML.stringify({ groups: [{ name: 'p', rules }] }),
    );
    expect((await promtool(['check', 'rules', 'panels.yaml'], dir)).code).not.toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it.each(DASHBOARDS.map((d) => [d.uid, d] as const))(
  '%s has unique panel ids, a datasource variable on every panel and last hour by default',
  (_uid, dashboard) => {
    const json = grafanaJson(dashboard) as {
      panels: { id: number; type: string; datasource?: { uid: string } }[];
      time: { from: string };
      templating: { list: { name: string }[] };
    };
    const ids = json.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of json.panels.filter((p) => p.type !== 'row'))
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    expect(json.time.from).toBe('now-1h');
    expect(json.templating.list.map((v) => v.name)).toEqual([
      'datasource',
      ...dashboard.variables.map((v) => v.name),
    ]);
  },
);
