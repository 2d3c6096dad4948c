// Turns a dashboard definition (rows of panels with PromQL queries) into Grafana dashboard JSON:
// panel ids, grid positions, the Prometheus datasource variable and the template variables.
export interface PanelQuery {
  expr: string;
  legend: string;
  /**
   * No series while everything works (error and retry counters start at their first failure):
   * the end-to-end check lets the query come back empty.
   */
  emptyWhileHealthy?: boolean;
}

export interface Panel {
  title: string;
  description: string;
  type: 'timeseries' | 'stat' | 'heatmap';
  unit: string;
  queries: PanelQuery[];
  /** Panel width in grid columns (24 per row); the row's panels share it evenly by default. */
  width?: number;
}

export interface TemplateVariable {
  name: string;
  label: string;
  /** label_values(...) query. */
  query: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: TemplateVariable[];
  rows: { title: string; panels: Panel[] }[];
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const GRID_COLUMNS = 24;

export function panels(dashboard: Dashboard): Panel[] {
  return dashboard.rows.flatMap((row) => row.panels);
}

export function grafanaJson(dashboard: Dashboard): Record<string, unknown> {
  let id = 0;
  let y = 0;
  const out: Record<string, unknown>[] = [];
  for (const row of dashboard.rows) {
    out.push({
      id: ++id,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: GRID_COLUMNS, x: 0, y: y++ },
      panels: [],
    });
    let x = 0;
    const height = row.panels.every((p) => p.type === 'stat') ? 4 : 8;
    const evenWidth = Math.floor(GRID_COLUMNS / row.panels.length);
    for (const panel of row.panels) {
      const w = panel.width ?? evenWidth;
      if (x + w > GRID_COLUMNS) {
        x = 0;
        y += height;
      }
      out.push(panelJson(panel, ++id, { h: height, w, x, y }));
      x += w;
    }
    y += height;
  }
  return {
    uid: dashboard.uid,
    title: dashboard.title,
    description: dashboard.description,
    tags: dashboard.tags,
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
        ...dashboard.variables.map((v) => ({
          name: v.name,
          label: v.label,
          type: 'query',
          datasource: DATASOURCE,
          query: { query: v.query, refId: `${v.name}-values` },
          definition: v.query,
          refresh: 2,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: { text: 'All', value: '$__all' },
          sort: 1,
          hide: 0,
        })),
      ],
    },
    annotations: { list: [] },
    panels: out,
  };
}

function panelJson(
  panel: Panel,
  id: number,
  gridPos: { h: number; w: number; x: number; y: number },
): Record<string, unknown> {
  const heatmap = panel.type === 'heatmap';
  return {
    id,
    type: panel.type,
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    options: heatmap
      ? { calculate: false, yAxis: { unit: panel.unit }, cellGap: 1 }
      : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
    targets: panel.queries.map((q, i) => ({
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend,
      refId: String.fromCharCode(65 + i),
      ...(heatmap ? { format: 'heatmap' } : {}),
    })),
  };
}

/**
 * A panel query with Grafana's variables replaced by plain PromQL (every value, a fixed rate
 * window), so that promtool or a real Prometheus can evaluate it.
 */
export function concreteQuery(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '1m')
    .replace(/\$\{?(\w+)\}?/g, '.*');
}
