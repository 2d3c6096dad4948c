// A provider answers grpc.health.v1 through the maintained grpc-health-check service: NOT_SERVING
// until it has reached its hypervisor, SERVING after.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { createHealthService, HEALTH_SERVICE_NAME } from './health';

type HealthClient = grpc.Client & {
  check(
    req: { service: string },
    cb: (err: grpc.ServiceError | null, res?: { status: string }) => void,
  ): void;
};

describe('health service', () => {
  const server = new grpc.Server();
  const health = createHealthService();
  let client: HealthClient;

  beforeAll(async () => {
    health.addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    const definition = grpc.loadPackageDefinition(
      protoLoader.loadSync(healthProtoPath, { enums: String }),
    ) as unknown as {
      grpc: {
        health: {
          v1: { Health: new (addr: string, creds: grpc.ChannelCredentials) => HealthClient };
        };
      };
    };
    client = new definition.grpc.health.v1.Health(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  const check = (service: string) =>
    new Promise<string>((resolve, reject) =>
      client.check({ service }, (err, res) => (err ? reject(err) : resolve(res!.status))),
    );

  it('starts NOT_SERVING and turns SERVING when the provider says so', async () => {
    expect(await check(HEALTH_SERVICE_NAME)).toBe('NOT_SERVING');
    health.setStatus(HEALTH_SERVICE_NAME, 'SERVING');
    health.setStatus('', 'SERVING');
    expect(await check(HEALTH_SERVICE_NAME)).toBe('SERVING');
    expect(await check('')).toBe('SERVING');
  });
});
