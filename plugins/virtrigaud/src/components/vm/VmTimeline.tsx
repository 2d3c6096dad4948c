// The VM's phase and power state over time as two bands, each segment as wide as the state
// lasted (from the changes the portal has seen, oldest first). Plain flex boxes: categorical
// bands are simpler to draw by hand than to bend a chart library's numeric axes into.
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { VmTimelineEntry } from '@virtrigaud/plugin-virtrigaud-common';
import { formatRelative } from '../common/time';

const COLORS: Record<string, string> = {
  Running: '#2e7d32',
  On: '#2e7d32',
  Stopped: '#757575',
  Off: '#757575',
  OffGraceful: '#757575',
  Provisioning: '#1976d2',
  Pending: '#90caf9',
  Reconfiguring: '#7b1fa2',
  Deleting: '#ef6c00',
  Suspended: '#f9a825',
  Failed: '#d32f2f',
};

interface Segment {
  value: string;
  from: number;
  to: number;
}

/** Consecutive entries with the same value of `pick` merged into one segment each. */
function segments(entries: VmTimelineEntry[], pick: (e: VmTimelineEntry) => string, now: number) {
  const out: Segment[] = [];
  entries.forEach((entry, i) => {
    const from = Date.parse(entry.at);
    const to = i + 1 < entries.length ? Date.parse(entries[i + 1].at) : now;
    const value = pick(entry);
    const last = out[out.length - 1];
    if (last?.value === value) last.to = to;
    else out.push({ value, from, to });
  });
  return out;
}

function Band(props: { label: string; segments: Segment[]; span: number }) {
  return (
    <Box display="flex" alignItems="center" mb={0.5}>
      <Typography variant="caption" style={{ width: 56 }}>
        {props.label}
      </Typography>
      <Box
        display="flex"
        flex={1}
        height={20}
        data-testid={`vm-timeline-${props.label.toLowerCase()}`}
      >
        {props.segments.map((s) => (
          <Tooltip
            key={`${s.from}-${s.value}`}
            title={`${s.value} since ${formatRelative(new Date(s.from).toISOString())}`}
          >
            <Box
              data-value={s.value}
              style={{
                width: `${Math.max(((s.to - s.from) / props.span) * 100, 1)}%`,
                background: COLORS[s.value] ?? '#9e9e9e',
                color: '#fff',
                fontSize: 11,
                overflow: 'hidden',
                whiteSpace: 'nowrap',
                paddingLeft: 4,
                borderRight: '1px solid #fff',
              }}
            >
              {s.value}
            </Box>
          </Tooltip>
        ))}
      </Box>
    </Box>
  );
}

export function VmTimeline(props: { timeline: VmTimelineEntry[] | undefined; now?: number }) {
  const entries = props.timeline ?? [];
  if (!entries.length)
    return (
      <Typography variant="body2" color="textSecondary">
        No changes seen yet.
      </Typography>
    );
  const now = props.now ?? Date.now();
  const span = Math.max(now - Date.parse(entries[0].at), 1);
  return (
    <Box role="figure" aria-label="Phase and power timeline" data-entries={entries.length}>
      <Band
        label="Phase"
        segments={segments(entries, (e) => e.phase ?? 'Pending', now)}
        span={span}
      />
      <Band label="Power" segments={segments(entries, (e) => e.powerState, now)} span={span} />
      <Typography variant="caption" color="textSecondary">
        {`Since ${formatRelative(entries[0].at)}`}
      </Typography>
    </Box>
  );
}
