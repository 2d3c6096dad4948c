export * from './targets';
export * from './alert-rules';
export * from './provider-queries';
export { scrapeConfigs } from './scrape-configs';
export { DASHBOARDS } from './dashboards';
export { concreteQuery, grafanaJson, panels } from './dashboards/grafana';
export type { Dashboard, Panel, PanelQuery } from './dashboards/grafana';
export { ensurePrometheus, promtool, PROMETHEUS, PROMTOOL } from './testing/prometheus-binaries';
