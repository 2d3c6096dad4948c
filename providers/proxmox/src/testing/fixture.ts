// A ready-to-use simulated Proxmox cluster for tests and benchmarks: two nodes, the storages
// `local-lvm` (VM disks) and `local` (an Ubuntu cloud image to import and an installer ISO), an
// Ubuntu cloud-init template (VMID 9000), a privileged API token, a read-only token and a
// password user, all behind HTTPS with a fresh self-signed certificate.
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { BackendConfig, CallContext, ProviderOptions } from '@virtrigaud/provider-sdk';
import { selfSignedCertificate, type TestCertificate } from '../simulator/certificate';
import { ProxmoxSimulator, type SimulatorOptions } from '../simulator/server';

export const TEMPLATE_VMID = 9000;
export const TEMPLATE_NAME = 'ubuntu-2404-cloud';
export const TOKEN_ID = 'virtrigaud@pve!provider';
export const READONLY_TOKEN_ID = 'auditor@pve!readonly';
export const USERNAME = 'virtrigaud@pve';
export const CLOUD_IMAGE = 'local:import/noble-server-cloudimg-amd64.qcow2';
export const CLOUD_IMAGE_GIB = 3.5;
export const INSTALLER_ISO = 'local:iso/ubuntu-24.04.3-live-server-amd64.iso';

export interface SimulatedCluster {
  sim: ProxmoxSimulator;
  certificate: TestCertificate;
  tokenSecret: string;
  readonlyTokenSecret: string;
  password: string;
  /** A BackendConfig for the simulator: token auth, CA verification; override what a test needs. */
  backendConfig(overrides?: Partial<BackendConfig> & { options?: ProviderOptions }): BackendConfig;
  stop(): Promise<void>;
}

const silent = pino({ level: 'silent' });

export async function startSimulatedCluster(
  options: Partial<SimulatorOptions> = {},
): Promise<SimulatedCluster> {
  const certificate = selfSignedCertificate();
  const tokenSecret = `secret-${randomBytes(12).toString('hex')}`;
  const readonlyTokenSecret = `ro-${randomBytes(12).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const sim = await ProxmoxSimulator.start({
    tls: { cert: certificate.cert, key: certificate.key },
    nodes: ['pve1', 'pve2'],
    storages: ['local-lvm', 'local'],
    files: { [CLOUD_IMAGE]: CLOUD_IMAGE_GIB, [INSTALLER_ISO]: 3 },
    tokens: [
      { id: TOKEN_ID, secret: tokenSecret },
      { id: READONLY_TOKEN_ID, secret: readonlyTokenSecret, privileged: false },
    ],
    users: [{ username: USERNAME, password }],
    vms: [
      {
        vmid: TEMPLATE_VMID,
        node: 'pve1',
        template: true,
        config: {
          name: TEMPLATE_NAME,
          cores: '1',
          memory: '1024',
          ostype: 'l26',
          agent: '1',
          scsihw: 'virtio-scsi-single',
          scsi0: `local-lvm:base-${TEMPLATE_VMID}-disk-0,size=4G`,
          ide2: `local-lvm:vm-${TEMPLATE_VMID}-cloudinit,media=cdrom`,
          net0: 'virtio=BC:24:11:00:23:28,bridge=vmbr0',
          boot: 'order=scsi0',
          description: 'Ubuntu 24.04 cloud image',
        },
      },
    ],
    ...options,
  });
  return {
    sim,
    certificate,
    tokenSecret,
    readonlyTokenSecret,
    password,
    backendConfig: (overrides = {}) => ({
      providerType: 'proxmox',
      endpoint: sim.url,
      namespace: 'tests',
      name: 'pve',
      credentials: { token_id: TOKEN_ID, token_secret: tokenSecret, 'ca.crt': certificate.cert },
      log: silent,
      ...overrides,
      options: {
        endpointTLS: { caSecretKey: 'ca.crt' },
        defaults: { node: 'pve1', storage: 'local-lvm' },
        ...overrides.options,
      },
    }),
    stop: () => sim.stop(),
  };
}

export function callContext(timeoutMs = 30_000, log: Logger = silent): CallContext {
  return {
    correlationId: 'test',
    signal: AbortSignal.timeout(timeoutMs),
    log: log.child({ correlationId: 'test' }),
  };
}
