// A gRPC target that makes any grpc-js client (the conformance suite's, here) spread its calls
// round robin over fixed replica addresses: `replicas:///127.0.0.1:1,127.0.0.1:2,...`. grpc-js
// picks the first address only unless the resolver hands it a round_robin service config, which
// a custom resolver scheme does without touching the client's code.
import { experimental } from '@grpc/grpc-js';

const SCHEME = 'replicas';

class FixedReplicasResolver implements experimental.Resolver {
  private readonly endpoints: experimental.Endpoint[];

  constructor(
    target: experimental.GrpcUri,
    private readonly listener: experimental.ResolverListener,
  ) {
    this.endpoints = target.path.split(',').map((hostPort) => {
      const { host, port } = experimental.splitHostPort(hostPort)!;
      return { addresses: [{ host, port: port! }] };
    });
  }

  updateResolution(): void {
    // Never synchronously with the constructor or this call (the Resolver contract).
    process.nextTick(() =>
      this.listener(
        { ok: true, value: this.endpoints },
        {},
        { ok: true, value: { loadBalancingConfig: [{ round_robin: {} }], methodConfig: [] } },
        '',
      ),
    );
  }

  destroy(): void {}

  static getDefaultAuthority(target: experimental.GrpcUri): string {
    return target.path.split(',')[0];
  }
}

let registered = false;

export function roundRobinTarget(addresses: readonly string[]): string {
  if (!registered) experimental.registerResolver(SCHEME, FixedReplicasResolver);
  registered = true;
  return `${SCHEME}:///${addresses.join(',')}`;
}
