// Fault: the network between the manager and a healthy provider is cut for a while (a TcpProxy in
// front of the provider's Service address). The Provider turns Ready=False, the VMs keep their
// last status, the manager makes a bounded number of calls (no hot loop), and everything recovers
// when the network returns — including a spec change made during the outage.
// The outage lasts FAULT_OUTAGE_MS (default 5 s to keep CI fast; the 30 s is
// FAULT_OUTAGE_MS=30000).
import { eventually } from '@virtrigaud/testing';
import {
  DevclusterAnnotationResolver,
  type KubeObject,
  type ServiceAddressResolver,
  type ServiceLike,
} from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import type { Condition, VirtualMachineStatus } from '@virtrigaud/api';
import type { Manager } from '../src/manager';
import { startTestCluster, type TestCluster } from './support/cluster';
import { startManager } from './support/manager';
import { ProviderProbe, providerAddress } from './support/provider-probe';
import {
  NAMESPACE,
  applyCompleteExample,
  providerReady,
  virtualMachine,
  type ProviderObject,
} from './support/seed-example';
import { TcpProxy } from './support/tcp-proxy';

const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 5_000);
const HEALTH_INTERVAL_MS = 500;
const PROVIDER = 'vsphere-datacenter';
const VM_COUNT = 5;

jest.setTimeout(60_000 + OUTAGE_MS);

/** Dials the provider's gRPC port through the test's proxy (once it exists). */
class ThroughProxy implements ServiceAddressResolver {
  address: string | undefined;
  private readonly devcluster = new DevclusterAnnotationResolver();

  resolve(service: ServiceLike, portName: string): string | undefined {
    return portName === 'grpc' ? this.address : this.devcluster.resolve(service, portName);
  }
}

let cluster: TestCluster;
let manager: Manager;
let proxy: TcpProxy;
let probe: ProviderProbe;

beforeAll(async () => {
  cluster = await startTestCluster({ kubelet: { maxProbePeriodMs: 200 } });
  const resolver = new ThroughProxy();
  manager = await startManager(cluster, { providerHealthIntervalMs: HEALTH_INTERVAL_MS }, resolver);
  await applyCompleteExample(cluster.client, { rateLimit: { qps: 1000, burst: 1000 } });
  const direct = await providerAddress(cluster.client, PROVIDER);
  const [host, port] = direct.split(':');
  proxy = new TcpProxy({ host, port: Number(port) });
  resolver.address = `127.0.0.1:${await proxy.start()}`;
  probe = new ProviderProbe(direct);
  await providerReady(cluster.client, PROVIDER);
});

afterAll(async () => {
  probe?.close();
  await manager?.stop();
  await proxy?.stop();
  await cluster?.stop();
});

type VMObject = KubeObject & { status?: VirtualMachineStatus };

async function vms(): Promise<VMObject[]> {
  return (await cluster.client.list<VMObject>(Resources.VirtualMachine, NAMESPACE)).items;
}

async function providerCalls(): Promise<number> {
  const { values } = await manager.metrics.providerCalls.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

function condition(provider: ProviderObject | undefined, type: string): Condition | undefined {
  return provider?.status?.conditions?.find((c) => c.type === type);
}

/** The part of a VM's status an outage must not change. */
const lastStatus = (vm: VMObject) =>
  JSON.stringify({
    phase: vm.status?.phase,
    id: vm.status?.id,
    powerState: vm.status?.powerState,
    ips: vm.status?.ips,
  });

it(`survives a ${OUTAGE_MS} ms partition from the provider without a hot loop`, async () => {
  const names = Array.from({ length: VM_COUNT }, (_, i) => `vm-${i}`);
  await Promise.all(
    names.map((name) => cluster.client.create(Resources.VirtualMachine, virtualMachine(name))),
  );
  const before = await eventually('every VM Running', async () => {
    const current = await vms();
    return current.every((vm) => vm.status?.phase === 'Running' && vm.status.ips?.length) &&
      current.length === VM_COUNT
      ? new Map(current.map((vm) => [vm.metadata.name, lastStatus(vm)]))
      : undefined;
  });

  const callsBefore = await providerCalls();
  const attemptsBefore = proxy.connectionAttempts;
  proxy.cut();
  const outageEnds = Date.now() + OUTAGE_MS;

  const down = await eventually('Provider Ready=False', async () => {
    const p = await cluster.client.get<ProviderObject>(Resources.Provider, NAMESPACE, PROVIDER);
    return condition(p, 'Ready')?.status === 'False' ? p : undefined;
  });
  expect(condition(down, 'Ready')).toMatchObject({ reason: 'ProviderUnreachable' });
  expect(condition(down, 'Ready')?.message).toMatch(/is unreachable: UNAVAILABLE/);
  expect(condition(down, 'HypervisorConnected')?.status).toBe('Unknown');
  expect(condition(down, 'Available')?.status).toBe('True'); // the pods themselves are fine

  // A change made during the outage waits for the provider instead of failing.
  await cluster.client.patch(Resources.VirtualMachine, NAMESPACE, 'vm-0', {
    spec: { powerState: 'Off' },
  });
  // Until the network returns, every VM keeps exactly its last observed status.
  while (Date.now() < outageEnds) {
    for (const vm of await vms()) expect(lastStatus(vm)).toBe(before.get(vm.metadata.name));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const calls = (await providerCalls()) - callsBefore;
  const attempts = proxy.connectionAttempts - attemptsBefore;
  // Only the Provider's health check (one Validate per interval) may reach out while it is down;
  // a hot loop would make thousands of calls. Twice that, plus slack for calls in flight at the cut.
  const bound = 2 * Math.ceil(OUTAGE_MS / HEALTH_INTERVAL_MS) + 10;
  console.log(
    `${OUTAGE_MS} ms outage: ${calls} provider calls, ${attempts} connection attempts (bound ${bound})`,
  );
  expect(calls).toBeLessThanOrEqual(bound);
  expect(attempts).toBeLessThanOrEqual(bound);

  proxy.restore();
  await providerReady(cluster.client, PROVIDER);
  await eventually('vm-0 Stopped and the others still Running', async () => {
    const current = await vms();
    return current.every((vm) =>
      vm.metadata.name === 'vm-0'
        ? vm.status?.phase === 'Stopped'
        : lastStatus(vm) === before.get(vm.metadata.name),
    );
  });
  const atProvider = await probe.listVMs();
  expect(atProvider.find((vm) => vm.name === `${NAMESPACE}.vm-0`)?.powerState).toBe('Off');
  expect(atProvider.filter((vm) => vm.powerState === 'On')).toHaveLength(VM_COUNT - 1);
});
