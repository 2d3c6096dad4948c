import { histogramQuantile, sampleBetween, snapshotFromText } from './provider-metrics';

const scrape = (describeCount: number, slowCount: number, running: number) => `
# TYPE provider_grpc_requests_total counter
provider_grpc_requests_total{method="Describe",status="success"} ${describeCount}
provider_grpc_requests_total{method="Create",status="UNAVAILABLE"} ${slowCount}
provider_grpc_request_duration_seconds_bucket{le="0.01",method="Describe"} ${describeCount}
provider_grpc_request_duration_seconds_bucket{le="1",method="Describe"} ${describeCount}
provider_grpc_request_duration_seconds_bucket{le="+Inf",method="Describe"} ${describeCount}
provider_grpc_request_duration_seconds_bucket{le="0.01",method="Create"} 0
provider_grpc_request_duration_seconds_bucket{le="1",method="Create"} ${slowCount}
provider_grpc_request_duration_seconds_bucket{le="+Inf",method="Create"} ${slowCount}
provider_grpc_request_duration_seconds_sum{method="Describe"} ${describeCount * 0.005}
provider_grpc_request_duration_seconds_count{method="Describe"} ${describeCount}
provider_vms_total{state="running"} ${running}
provider_vms_total{state="stopped"} 1
`;

it('turns two scrapes into rates, error ratio, p95 latency and VMs by state', () => {
  const before = snapshotFromText(scrape(100, 0, 2), 0);
  const after = snapshotFromText(scrape(190, 10, 3), 10_000);
  const sample = sampleBetween(before, after);
  expect(sample.requestRate).toBeCloseTo(10);
  expect(sample.errorRate).toBeCloseTo(0.1);
  // 90 fast calls (<= 10 ms) and 10 calls between 10 ms and 1 s: p95 lies in the slow bucket.
  expect(sample.p95LatencySeconds).toBeCloseTo(0.01 + 0.99 * 0.5);
  expect(sample.vmsByState).toEqual({ running: 3, stopped: 1 });
  expect(sample.windowSeconds).toBe(10);
});

it('starts the window at zero after a pod restart reset the counters', () => {
  const before = snapshotFromText(scrape(500, 0, 1), 0);
  const after = snapshotFromText(scrape(20, 0, 1), 10_000);
  expect(sampleBetween(before, after).requestRate).toBeCloseTo(2);
});

it('has no quantile without observations', () => {
  expect(histogramQuantile(0.95, new Map([[Infinity, 0]]))).toBeUndefined();
});
