// One provider metric as its latest value plus a small trend line of recent samples.
import { TrendLine } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ProviderMetricsSample } from '@virtrigaud/plugin-virtrigaud-common';

export interface MetricDefinition {
  title: string;
  value: (sample: ProviderMetricsSample) => number | undefined;
  format: (value: number) => string;
  color: string;
}

export const PROVIDER_METRICS: MetricDefinition[] = [
  {
    title: 'Request rate',
    value: (sample) => sample.requestRate,
    format: (value) => `${value.toFixed(value < 10 ? 2 : 0)} req/s`,
    color: '#1976d2',
  },
  {
    title: 'Error rate',
    value: (sample) => sample.errorRate,
    format: (value) => `${(value * 100).toFixed(1)} %`,
    color: '#d32f2f',
  },
  {
    title: 'Mean latency',
    value: (sample) => sample.meanLatencySeconds,
    format: (value) => `${(value * 1000).toFixed(value < 0.1 ? 1 : 0)} ms`,
    color: '#7b1fa2',
  },
];

export function MetricTrend(props: { metric: MetricDefinition; history: ProviderMetricsSample[] }) {
  const { metric, history } = props;
  const values = history.map(metric.value).filter((v): v is number => v !== undefined);
  const latest = history.length ? metric.value(history[history.length - 1]) : undefined;
  return (
    <Box aria-label={metric.title} role="figure">
      <Typography variant="caption" color="textSecondary" component="div">
        {metric.title}
      </Typography>
      <Typography variant="h6" component="div">
        {latest === undefined ? '–' : metric.format(latest)}
      </Typography>
      {values.length > 1 ? (
        <TrendLine data={values} title={`${metric.title} trend`} color={metric.color} />
      ) : (
        <Typography variant="caption" color="textSecondary">
          Collecting samples…
        </Typography>
      )}
    </Box>
  );
}
