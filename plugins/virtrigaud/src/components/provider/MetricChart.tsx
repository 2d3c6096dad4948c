// One provider metric over time: its latest value and a line chart of the samples (the last
// hour, from Prometheus or the backend's own scrapes). Recharts draws the SVG; the width follows
// the card.
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ProviderMetricsSample } from '@virtrigaud/plugin-virtrigaud-common';
import { useMeasure } from 'react-use';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis, type XAxisProps } from 'recharts';

export interface MetricSeries {
  name: string;
  value: (sample: ProviderMetricsSample) => number | undefined;
  color: string;
}

export interface MetricDefinition {
  title: string;
  /** The first series is the headline value. */
  series: MetricSeries[];
  format: (value: number) => string;
  /** Short axis labels. */
  axis: (value: number) => string;
  /** Fixed y range; the data's range otherwise. */
  domain?: [number, number];
}

export const PROVIDER_METRICS: MetricDefinition[] = [
  {
    title: 'Request rate',
    series: [{ name: 'req/s', value: (s) => s.requestRate, color: '#1976d2' }],
    format: (value) => `${value.toFixed(value < 10 ? 2 : 0)} req/s`,
    axis: (value) => `${value.toPrecision(2)}/s`,
  },
  {
    title: 'Error rate',
    series: [{ name: 'errors', value: (s) => s.errorRate, color: '#d32f2f' }],
    format: (value) => `${(value * 100).toFixed(1)} %`,
    axis: (value) => `${Math.round(value * 100)}%`,
    domain: [0, 1],
  },
  {
    title: 'Mean latency',
    series: [
      { name: 'mean', value: (s) => s.meanLatencySeconds, color: '#7b1fa2' },
      { name: 'p95', value: (s) => s.p95LatencySeconds, color: '#ef6c00' },
    ],
    format: (value) => `${(value * 1000).toFixed(value < 0.1 ? 1 : 0)} ms`,
    axis: (value) => `${(value * 1000).toPrecision(2)}ms`,
  },
];

/** Width used before the card has been measured (and where nothing can be measured). */
const FALLBACK_WIDTH = 320;
export const CHART_HEIGHT = 140;

export const timeOfDay = (ms: number) =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The x axis of every chart: sample times, first to last, as hours and minutes. */
export const TIME_AXIS = {
  dataKey: 'time',
  type: 'number',
  scale: 'time',
  domain: ['dataMin', 'dataMax'],
  tickFormatter: timeOfDay,
  fontSize: 11,
} satisfies XAxisProps;

export function MetricChart(props: { metric: MetricDefinition; history: ProviderMetricsSample[] }) {
  const { metric, history } = props;
  const [ref, { width }] = useMeasure<HTMLDivElement>();
  const [headline] = metric.series;
  const points = history.map((sample) => ({
    time: Date.parse(sample.at),
    ...Object.fromEntries(metric.series.map((series) => [series.name, series.value(sample)])),
  }));
  const latest = history.length ? headline.value(history[history.length - 1]) : undefined;
  return (
    <Box aria-label={metric.title} role="figure" data-points={points.length}>
      <Typography variant="caption" color="textSecondary" component="div">
        {metric.title}
      </Typography>
      <Typography variant="h6" component="div">
        {latest === undefined ? '–' : metric.format(latest)}
      </Typography>
      <div ref={ref}>
        {points.length > 1 ? (
          <LineChart
            width={width || FALLBACK_WIDTH}
            height={CHART_HEIGHT}
            data={points}
            margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...TIME_AXIS} />
            <YAxis
              width={40}
              fontSize={11}
              tickFormatter={metric.axis}
              domain={metric.domain ?? [0, 'auto']}
            />
            <Tooltip
              labelFormatter={(v) => timeOfDay(Number(v))}
              formatter={(v) => metric.format(Number(v))}
            />
            {metric.series.map((series) => (
              <Line
                key={series.name}
                dataKey={series.name}
                name={series.name}
                stroke={series.color}
                dot={false}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        ) : (
          <Typography variant="caption" color="textSecondary">
            Collecting samples…
          </Typography>
        )}
      </div>
    </Box>
  );
}
