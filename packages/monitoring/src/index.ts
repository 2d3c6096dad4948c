export * from './targets';
export * from './alert-rules';
export * from './provider-queries';
export { scrapeConfigs } from './scrape-configs';
export { DASHBOARDS } from './dashboards';
export { concreteQuery, grafanaJson, panels } from './dashboards/grafana';
export type { Dashboard, Panel, PanelQuery } from './dashboards/grafana';
export { ensurePrometheus, promtool, PROMETHEUS, PROMTOOL } from './testing/prometheus-binaries';
export { PrometheusServer } from './testing/prometheus-server';
export type { PromAlert, PromSample, ScrapeJob } from './testing/prometheus-server';
export {
  METRIC_CONNECTION,
  METRIC_GRPC_DURATION,
  METRIC_GRPC_REQUESTS,
  METRIC_HEALTH,
  METRIC_VMS,
  STATUS_SUCCESS,
} from '@virtrigaud/provider-sdk';
