// The VMs on the provider's hypervisor by power state over time, stacked (provider_vms_total).
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ProviderMetricsSample } from '@virtrigaud/plugin-virtrigaud-common';
import { useMeasure } from 'react-use';
import { Area, AreaChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { CHART_HEIGHT, TIME_AXIS, timeOfDay } from './MetricChart';

const STATE_COLORS: Record<string, string> = {
  running: '#2e7d32',
  stopped: '#757575',
  suspended: '#f9a825',
  unknown: '#d32f2f',
};

export function VmStateChart(props: { history: ProviderMetricsSample[] }) {
  const [ref, { width }] = useMeasure<HTMLDivElement>();
  const samples = props.history.filter((s) => s.vmsByState);
  const states = [...new Set(samples.flatMap((s) => Object.keys(s.vmsByState!)))].sort();
  const points = samples.map((s) => ({ time: Date.parse(s.at), ...s.vmsByState }));
  return (
    <Box aria-label="VMs by state" role="figure" data-points={points.length}>
      <Typography variant="caption" color="textSecondary" component="div">
        VMs by state
      </Typography>
      <div ref={ref}>
        {points.length > 1 ? (
          <AreaChart width={width || 640} height={CHART_HEIGHT + 30} data={points}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...TIME_AXIS} />
            <YAxis width={32} allowDecimals={false} fontSize={11} />
            <Tooltip labelFormatter={(v) => timeOfDay(Number(v))} />
            <Legend />
            {states.map((state) => (
              <Area
                key={state}
                dataKey={state}
                stackId="vms"
                stroke={STATE_COLORS[state] ?? '#1976d2'}
                fill={STATE_COLORS[state] ?? '#1976d2'}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        ) : (
          <Typography variant="caption" color="textSecondary">
            Collecting samples…
          </Typography>
        )}
      </div>
    </Box>
  );
}
