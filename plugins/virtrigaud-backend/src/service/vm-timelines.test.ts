import { VmTimelines } from './vm-timelines';

it('records a VM only when its phase or power state changes', () => {
  const timelines = new VmTimelines();
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  timelines.record('vm', 'Provisioning', 'Off', t(0));
  timelines.record('vm', 'Provisioning', 'Off', t(1));
  timelines.record('vm', 'Running', 'On', t(2));
  timelines.record('vm', 'Running', 'On', t(3));
  timelines.record('vm', 'Stopped', 'Off', t(4));
  expect(timelines.of('vm')).toEqual([
    { at: '2026-01-01T00:00:00.000Z', phase: 'Provisioning', powerState: 'Off' },
    { at: '2026-01-01T00:00:02.000Z', phase: 'Running', powerState: 'On' },
    { at: '2026-01-01T00:00:04.000Z', phase: 'Stopped', powerState: 'Off' },
  ]);
});

it('keeps the last 50 changes of a VM and forgets a deleted one', () => {
  const timelines = new VmTimelines();
  for (let i = 0; i < 60; i++) timelines.record('vm', 'Running', i % 2 ? 'On' : 'Off');
  expect(timelines.of('vm')).toHaveLength(50);
  timelines.forget('vm');
  expect(timelines.of('vm')).toEqual([]);
});
