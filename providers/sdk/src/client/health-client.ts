// A client for the standard grpc.health.v1 service, loaded from grpc-health-check's own proto.
import {
  loadPackageDefinition,
  type ChannelCredentials,
  type Client,
  type Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type RawHealthClient = Client & {
  check(
    request: { service: string },
    metadata: Metadata,
    options: { deadline: Date },
    callback: (err: ServiceError | null, response?: { status: string }) => void,
  ): void;
};

type HealthConstructor = new (
  address: string,
  creds: ChannelCredentials,
  options: Record<string, string>,
) => RawHealthClient;

let healthConstructor: HealthConstructor | undefined;

function loadHealthConstructor(): HealthConstructor {
  if (!healthConstructor) {
    const definition = loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: HealthConstructor } } };
    };
    healthConstructor = definition.grpc.health.v1.Health;
  }
  return healthConstructor;
}

export interface HealthClient {
  /** The serving status ("SERVING", "NOT_SERVING", ...) of `service`. */
  check(service: string, metadata: Metadata, deadline: Date): Promise<string>;
  close(): void;
}

export function createHealthClient(
  address: string,
  creds: ChannelCredentials,
  options: Record<string, string> = {},
): HealthClient {
  const Health = loadHealthConstructor();
  const raw = new Health(address, creds, options);
  return {
    check: (service, metadata, deadline) =>
      new Promise((resolve, reject) =>
        raw.check({ service }, metadata, { deadline }, (err, res) =>
          err ? reject(err) : resolve(res!.status),
        ),
      ),
    close: () => raw.close(),
  };
}
