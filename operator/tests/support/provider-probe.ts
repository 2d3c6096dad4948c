// What the provider process the dev kubelet runs really holds — ListVMs over gRPC at the address
// the devcluster publishes for the generated Service — and which local process serves it, so a
// test can SIGKILL it. The tests judge the manager by this, not by the manager's own status.
import {
  DevclusterAnnotationResolver,
  type KubeClient,
  type KubeObject,
  KubeResources,
  type ResourceType,
  type ServiceLike,
} from '@virtrigaud/kube';
import fs from 'node:fs';
import path from 'node:path';
import { credentials } from '@grpc/grpc-js';
import {
  DescribeRequest,
  ProviderClient,
  type DescribeResponse,
  type VMInfo,
} from '@virtrigaud/proto';
import { eventually } from '@virtrigaud/testing';
import { type TestCluster } from './cluster';
import { NAMESPACE } from './seed-example';

const PODS: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
};

type Pod = KubeObject & {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
};

/** host:port of the provider's gRPC port, once the devcluster has published it. */
export function providerAddress(client: KubeClient, providerName: string): Promise<string> {
  return eventually(`the address of Service virtrigaud-provider-${providerName}`, async () => {
    const service = await client.get<ServiceLike>(
      KubeResources.Service,
      NAMESPACE,
      `virtrigaud-provider-${providerName}`,
    );
    return service && new DevclusterAnnotationResolver().resolve(service, 'grpc');
  });
}

export class ProviderProbe {
  private readonly client: ProviderClient;

  constructor(address: string) {
    this.client = new ProviderClient(address, credentials.createInsecure());
  }

  listVMs(): Promise<VMInfo[]> {
    return new Promise((resolve, reject) =>
      this.client.listVMs({}, (err, response) => (err ? reject(err) : resolve(response.vms))),
    );
  }

  describe(id: string): Promise<DescribeResponse> {
    return new Promise((resolve, reject) =>
      this.client.describe(DescribeRequest.fromPartial({ id }), (err, response) =>
        err ? reject(err) : resolve(response),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}

/** VM names that occur more than once at the provider. */
export function duplicates(vms: VMInfo[]): string[] {
  const seen = new Set<string>();
  return vms.map((vm) => vm.name).filter((name) => seen.has(name) || !seen.add(name));
}

/**
 * The pid of the ready provider process of `providerName`: the dev kubelet runs each container
 * with the pod's directory (`<podsDir>/<namespace>/<pod>`) as its working directory.
 */
export function providerPid(
  cluster: TestCluster,
  podsDir: string,
  providerName: string,
): Promise<number> {
  return eventually(`a ready provider process for ${providerName}`, async () => {
    const pods = await cluster.client.list<Pod>(PODS, NAMESPACE, {
      labelSelector: `app.kubernetes.io/instance=${providerName}`,
    });
    const ready = pods.items.find((p) =>
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (!ready) return undefined;
    const podDir = path.join(fs.realpathSync(podsDir), NAMESPACE, ready.metadata.name!);
    return fs
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .find((pid) => workingDirectory(pid) === podDir);
  });
}

function workingDirectory(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined; // gone meanwhile, or not ours
  }
}
