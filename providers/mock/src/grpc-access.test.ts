// Who may call a provider: the real provider-mock binary, started as the operator starts it, against
// clients without credentials, with the wrong ones and with the manager's. Without TLS nothing
// authenticates a caller (the generated NetworkPolicy is the guard there), so the process itself
// must still refuse a Delete that does not name the VM's owner and must not describe its own API.
// Under mutual TLS only client certificates whose SAN is on the allow-list get through: not the
// provider's own certificate, not another workload's from the same CA, not a foreign CA's.
import fs from 'node:fs';
import path from 'node:path';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { createProviderClient, testing, type ClientTlsOptions } from '@virtrigaud/provider-sdk';
import { MOCK_FIXTURES } from './testing/fixtures';
import { MANAGER_IDENTITY, makePki, type Pki } from './testing/tls-fixtures';

const MOCK_BIN = testing.providerCommand(path.join(__dirname, '..'), 'provider-mock');
/** Starting processes and making certificates is slow on a loaded machine. */
const SLOW_MS = 60_000;
const OWNER = { uid: 'uid-grpc-access', namespace: 'default', name: 'grpc-access' };

function launch(files: testing.ProviderFiles, extra: { args?: string[]; env?: object } = {}) {
  return testing.seedLaunch({
    type: 'mock',
    endpoint: 'https://mock-hypervisor.example:443',
    name: 'grpc-access',
    files,
    args: extra.args,
    env: { MOCK_TASK_LATENCY: '0ms', ...(extra.env as Record<string, string>) },
  });
}

/** The first ServerReflectionInfo answer, or the error that refused the stream. */
function reflect(address: string): Promise<'answered' | ServiceError> {
  const client = new Client(address, credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeBidiStreamRequest(
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
      (b: Buffer) => b,
      (b: Buffer) => b,
      new Metadata(),
      { deadline: Date.now() + 5_000 },
    );
    call.on('data', () => {
      call.cancel();
      resolve('answered');
    });
    call.on('error', (err: ServiceError) => {
      if (err.code !== status.CANCELLED) resolve(err);
    });
    call.on('close', () => client.close());
    // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
    call.write(Buffer.from([0x3a, 0x00]));
    call.end();
  });
}

describe('provider-mock binary without TLS', () => {
  const files = testing.writeProviderFiles('provider-mock-access-', {}, {});
  let mock: testing.RunningProviderProcess;
  beforeAll(async () => {
    mock = await testing.startProviderProcess(MOCK_BIN, launch(files));
  }, SLOW_MS);
  afterAll(async () => {
    await mock?.stop('SIGTERM');
    fs.rmSync(files.root, { recursive: true, force: true });
  });

  it('refuses a Delete without the owner uid, naming the field, and the VM stays', async () => {
    const client = createProviderClient(mock.address);
    try {
      const created = await client.create({
        name: 'grpc-access',
        owner: OWNER,
        classJson: JSON.stringify(MOCK_FIXTURES.class),
        imageJson: JSON.stringify(MOCK_FIXTURES.image),
      });
      const err = await client.delete({ id: created.id }).catch((e: ServiceError) => e);
      expect(err).toMatchObject({ code: status.INVALID_ARGUMENT });
      expect((err as ServiceError).details).toContain('owner.uid');
      expect((await client.describe({ id: created.id })).exists).toBe(true);
      await client.delete({ id: created.id, owner: OWNER });
    } finally {
      client.close();
    }
  });

  it('does not serve gRPC reflection unless asked to', async () => {
    expect(await reflect(mock.address)).toMatchObject({ code: status.UNIMPLEMENTED });
  });

  it(
    'serves gRPC reflection with --grpc-reflection=true',
    async () => {
      const reflecting = await testing.startProviderProcess(
        MOCK_BIN,
        launch(files, { args: ['--grpc-reflection=true'] }),
      );
      try {
        expect(await reflect(reflecting.address)).toBe('answered');
      } finally {
        await reflecting.stop('SIGTERM');
      }
    },
    SLOW_MS,
  );
});

describe('provider-mock binary under mutual TLS', () => {
  let pki: Pki;
  let files: testing.ProviderFiles;
  let mock: testing.RunningProviderProcess;
  beforeAll(async () => {
    pki = makePki();
    files = testing.writeProviderFiles(
      'provider-mock-mtls-',
      {},
      { tls: { allowedClients: [MANAGER_IDENTITY] } },
    );
    mock = await testing.startProviderProcess(
      MOCK_BIN,
      launch(files, { args: ['--tls-enabled=true'], env: { VIRTRIGAUD_TLS_DIR: pki.mutualDir } }),
    );
  }, SLOW_MS);
  afterAll(async () => {
    await mock?.stop('SIGTERM');
    fs.rmSync(files.root, { recursive: true, force: true });
    fs.rmSync(pki.dir, { recursive: true, force: true });
  });

  async function describeWith(tls: ClientTlsOptions): Promise<number> {
    const client = createProviderClient(mock.address, {
      tls: { ca: pki.ca, serverName: 'localhost', ...tls },
      deadlineMs: 5_000,
    });
    try {
      await client.describe({ id: 'vm-none' });
      return status.OK;
    } catch (err) {
      return (err as ServiceError).code;
    } finally {
      client.close();
    }
  }

  it('lets the manager in with its own certificate', async () => {
    expect(await describeWith({ cert: pki.client.cert, key: pki.client.key })).toBe(status.OK);
  });

  it('refuses a client without a certificate during the handshake', async () => {
    expect(await describeWith({})).toBe(status.UNAVAILABLE);
  });

  it("refuses the provider's own certificate: it is not on the allow-list", async () => {
    expect(await describeWith({ cert: pki.server.cert, key: pki.server.key })).toBe(
      status.PERMISSION_DENIED,
    );
  });

  it('refuses another workload certificate from the same CA', async () => {
    expect(await describeWith({ cert: pki.other.cert, key: pki.other.key })).toBe(
      status.PERMISSION_DENIED,
    );
  });

  it("refuses a certificate with the manager's SAN from a CA the provider does not trust", async () => {
    expect(await describeWith({ cert: pki.foreign.cert, key: pki.foreign.key })).toBe(
      status.UNAVAILABLE,
    );
  });

  it(
    'refuses to start mutual TLS without an allow-list, naming the setting',
    async () => {
      const bare = testing.writeProviderFiles('provider-mock-mtls-bare-', {}, {});
      try {
        const run = await testing.runToExit(
          MOCK_BIN,
          launch(bare, {
            args: ['--tls-enabled=true'],
            env: { VIRTRIGAUD_TLS_DIR: pki.mutualDir },
          }),
        );
        expect(run.code).toBe(1);
        expect(run.output).toContain('tls.allowedClients');
      } finally {
        fs.rmSync(bare.root, { recursive: true, force: true });
      }
    },
    SLOW_MS,
  );
});
