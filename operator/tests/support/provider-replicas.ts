// A mock Provider with several replicas run by the dev kubelet, sharing one mock hypervisor
// (MOCK_STATE_DIR), and what the scale-out tests need to see of it: the replicas' addresses from
// the Service's EndpointSlices, their processes (to SIGKILL one), and the hypervisor's VMs.
import {
  type EndpointSliceLike,
  type KubeClient,
  type KubeObject,
  KubeResources,
  SERVICE_NAME_LABEL,
} from '@virtrigaud/kube';
import { Resources } from '@virtrigaud/api';
import fs from 'node:fs';
import path from 'node:path';
import { DirStore, type MockVM } from '@virtrigaud/provider-mock';
import { eventually } from '@virtrigaud/testing';
import { ubuntuImage, vmClass } from './seed-example';

export const NAMESPACE = 'default';

export interface ReplicatedMock {
  name: string;
  replicas: number;
  /** The directory the replicas share as their mock hypervisor. */
  stateDir: string;
  taskLatency?: string;
  rateLimit?: { qps: number; burst: number };
}

/** The Provider, plus a VMClass `small` and VMImage `ubuntu` for its VMs. */
export async function applyReplicatedMock(client: KubeClient, mock: ReplicatedMock) {
  await client.create(Resources.Provider, {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'Provider',
    metadata: { name: mock.name, namespace: NAMESPACE },
    spec: {
      type: 'mock',
      endpoint: 'mock://scale-out',
      // Unthrottled unless the test is about the rate limit (the default 10 qps would dominate).
      rateLimit: mock.rateLimit ?? { qps: 10_000, burst: 10_000 },
      runtime: {
        image: 'ghcr.io/projectbeskar/virtrigaud/provider-mock:v0.2.0',
        replicas: mock.replicas,
        env: [
          { name: 'MOCK_STATE_DIR', value: mock.stateDir },
          { name: 'MOCK_TASK_LATENCY', value: mock.taskLatency ?? '50ms' },
        ],
      },
    },
  } as KubeObject);
  await client.create(Resources.VMClass, vmClass('small', 1, '512Mi'));
  await client.create(Resources.VMImage, ubuntuImage());
}

export interface ReplicatedProvider {
  name: string;
  type: 'proxmox' | 'vsphere' | 'libvirt';
  endpoint: string;
  replicas: number;
  /** Keys of the credential Secret (each a file in /etc/virtrigaud/credentials/), if any. */
  credentials?: Record<string, string>;
  defaults: Record<string, string>;
  endpointTLS?: Record<string, string>;
  env?: { name: string; value: string }[];
}

/** A hypervisor Provider (and its credential Secret), unthrottled, run by the dev kubelet. */
export async function applyReplicatedProvider(client: KubeClient, provider: ReplicatedProvider) {
  const secret = `${provider.name}-credentials`;
  if (provider.credentials) {
    await client.create(KubeResources.Secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secret, namespace: NAMESPACE },
      stringData: provider.credentials,
    } as KubeObject);
  }
  await client.create(Resources.Provider, {
    apiVersion: 'infra.virtrigaud.io/v1beta1',
    kind: 'Provider',
    metadata: { name: provider.name, namespace: NAMESPACE },
    spec: {
      type: provider.type,
      endpoint: provider.endpoint,
      ...(provider.credentials ? { credentialSecretRef: { name: secret } } : {}),
      defaults: provider.defaults,
      ...(provider.endpointTLS ? { endpointTLS: provider.endpointTLS } : {}),
      rateLimit: { qps: 10_000, burst: 10_000 },
      runtime: {
        image: `ghcr.io/projectbeskar/virtrigaud/provider-${provider.type}:v0.2.0`,
        replicas: provider.replicas,
        env: provider.env ?? [],
      },
    },
  } as KubeObject);
}

/** host:port of every ready replica for the named Service port, once there are `count`. */
export function readyReplicas(
  client: KubeClient,
  provider: string,
  count: number,
  portName = 'grpc',
): Promise<string[]> {
  return eventually(
    `${count} ready replicas of Provider ${provider}`,
    async () => {
      const slices = await client.list<EndpointSliceLike>(KubeResources.EndpointSlice, NAMESPACE, {
        labelSelector: `${SERVICE_NAME_LABEL}=virtrigaud-provider-${provider}`,
      });
      const addresses = slices.items.flatMap((slice) => {
        const port = slice.ports?.find((p) => p.name === portName)?.port;
        return (slice.endpoints ?? [])
          .filter((e) => e.conditions?.ready)
          .flatMap((e) => e.addresses.map((ip) => `${ip}:${port}`));
      });
      return addresses.length === count ? addresses.sort() : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

/**
 * The pids of the provider processes of `provider`: the dev kubelet runs each container with its
 * pod's directory (`<podsDir>/<namespace>/<pod>`) as working directory.
 */
export function replicaPids(podsDir: string, provider: string): number[] {
  const podPrefix = path.join(podsDir, NAMESPACE, `virtrigaud-provider-${provider}-`);
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => workingDirectory(pid)?.startsWith(podPrefix));
}

function workingDirectory(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined; // gone meanwhile, or not ours
  }
}

/** The VMs of the shared mock hypervisor, read from its state directory (the source of truth). */
export function hypervisorVMs(stateDir: string): Promise<MockVM[]> {
  return new DirStore(stateDir, {}).vms();
}
