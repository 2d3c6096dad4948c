// The simulator at the HTTP level, with a plain HTTPS client: Proxmox's envelopes and status
// codes, token/ticket/CSRF checks, UPIDs, and 501 for what it does not model.
import https from 'node:https';
import { eventually } from '@virtrigaud/testing';
import {
  CLOUD_IMAGE,
  CLOUD_IMAGE_GIB,
  INSTALLER_ISO,
  startSimulatedCluster,
  TOKEN_ID,
  USERNAME,
  type SimulatedCluster,
} from '../testing/fixture';

let cluster: SimulatedCluster;

beforeAll(async () => {
  cluster = await startSimulatedCluster();
});

afterAll(() => cluster.stop());

interface Answer {
  status: number;
  reason: string;
  body: Record<string, unknown>;
}

function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; form?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${cluster.sim.url}/api2/json${path}`,
      {
        method,
        ca: cluster.certificate.cert,
        headers: {
          ...(options.form !== undefined
            ? { 'Content-Type': 'application/x-www-form-urlencoded' }
            : {}),
          ...options.headers,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            reason: response.statusMessage!,
            body: JSON.parse(text),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.form);
  });
}

async function untilTaskDone(upid: string): Promise<void> {
  const task = await eventually(`task ${upid} stopped`, async () => {
    const status = await call('GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, {
      headers: token(),
    });
    const data = status.body.data as { status: string; exitstatus?: string };
    return data.status === 'stopped' && data;
  });
  expect(task.exitstatus).toBe('OK');
}

const token = () => ({ Authorization: `PVEAPIToken=${TOKEN_ID}=${cluster.tokenSecret}` });

describe('Proxmox simulator over HTTPS', () => {
  it('wraps answers in {"data": ...}', async () => {
    const answer = await call('GET', '/cluster/resources?type=vm', { headers: token() });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ vmid: 9000, template: 1 })]),
    );
  });

  it('answers 401 without credentials or with a wrong token', async () => {
    expect((await call('GET', '/version')).status).toBe(401);
    const wrong = await call('GET', '/version', {
      headers: { Authorization: `PVEAPIToken=${TOKEN_ID}=nope` },
    });
    expect(wrong).toMatchObject({ status: 401, body: { data: null } });
  });

  it('answers 400 with per-parameter errors in Proxmox shape', async () => {
    const answer = await call('POST', '/nodes/pve1/qemu/9000/clone', {
      headers: token(),
      form: 'newid=abc&bogus=1',
    });
    expect(answer.status).toBe(400);
    expect(answer.reason).toBe('Parameter verification failed.');
    expect(answer.body).toEqual({
      data: null,
      message: 'Parameter verification failed.\n',
      errors: {
        newid: "type check ('integer') failed - got 'abc'",
        bogus:
          'property is not defined in schema and the schema does not allow additional properties',
      },
    });
  });

  it('requires the CSRF token for writes with a ticket, not for reads', async () => {
    const login = await call('POST', '/access/ticket', {
      form: new URLSearchParams({ username: USERNAME, password: cluster.password }).toString(),
    });
    const { ticket, CSRFPreventionToken } = login.body.data as Record<string, string>;
    const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` };
    expect((await call('GET', '/version', { headers: cookie })).status).toBe(200);
    const withoutCsrf = await call('POST', '/nodes/pve1/qemu/9000/status/start', {
      headers: cookie,
      form: '',
    });
    expect(withoutCsrf).toMatchObject({
      status: 401,
      reason: 'Permission denied - invalid csrf token',
    });
    const withCsrf = await call('POST', '/nodes/pve1/qemu/9000/status/start', {
      headers: { ...cookie, CSRFPreventionToken },
      form: '',
    });
    // Authenticated: now Proxmox's own rule applies (templates cannot start).
    expect(withCsrf).toMatchObject({
      status: 500,
      reason: "you can't start a vm if it's a template",
    });
  });

  it('answers async calls with a UPID that task status resolves', async () => {
    const clone = await call('POST', '/nodes/pve1/qemu/9000/clone', {
      headers: token(),
      form: 'newid=555&name=upid-check',
    });
    const upid = clone.body.data as string;
    expect(upid).toMatch(
      /^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:virtrigaud@pve!provider:$/,
    );
    const status = await call('GET', `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, {
      headers: token(),
    });
    expect(status.body.data).toMatchObject({
      upid,
      node: 'pve1',
      type: 'qmclone',
      status: expect.stringMatching(/running|stopped/),
    });
  });

  it('creates a VM with POST /nodes/{node}/qemu and updates config asynchronously with POST /config', async () => {
    const form = new URLSearchParams({
      vmid: '4242',
      name: 'created-from-scratch',
      cores: '2',
      memory: '1024',
      scsi0: 'local-lvm:8',
      net0: 'virtio,bridge=vmbr0',
    });
    const create = await call('POST', '/nodes/pve1/qemu', {
      headers: token(),
      form: form.toString(),
    });
    expect(create.body.data).toMatch(/^UPID:pve1:.*:qmcreate:4242:/);
    expect(cluster.sim.cluster.vms.get(4242)?.config).toEqual({ lock: 'create' });
    await untilTaskDone(create.body.data as string);
    expect(cluster.sim.cluster.vms.get(4242)?.config).toMatchObject({
      name: 'created-from-scratch',
      scsi0: 'local-lvm:vm-4242-disk-0,size=8G',
      net0: expect.stringMatching(/^virtio=[0-9A-F:]{17},bridge=vmbr0$/),
    });
    const update = await call('POST', '/nodes/pve1/qemu/4242/config', {
      headers: token(),
      form: 'cores=4&delete=net0',
    });
    await untilTaskDone(update.body.data as string);
    const config = await call('GET', '/nodes/pve1/qemu/4242/config', { headers: token() });
    expect(config.body.data).toMatchObject({ cores: 4, memory: '1024' });
    expect(config.body.data).not.toHaveProperty('net0');
    const again = await call('POST', '/nodes/pve1/qemu', { headers: token(), form: 'vmid=4242' });
    expect(again).toMatchObject({
      status: 500,
      reason: "unable to create VM 4242 - VM 4242 already exists on node 'pve1'",
    });
  });

  it('imports a disk image into a new volume of its size (import-from) and mounts an ISO', async () => {
    const form = new URLSearchParams({
      vmid: '4343',
      scsi0: `local-lvm:0,import-from=${CLOUD_IMAGE},discard=on`,
      ide2: `${INSTALLER_ISO},media=cdrom`,
    });
    const create = await call('POST', '/nodes/pve1/qemu', { headers: token(), form: `${form}` });
    await untilTaskDone(create.body.data as string);
    expect(cluster.sim.cluster.vms.get(4343)?.config).toEqual({
      scsi0: `local-lvm:vm-4343-disk-0,size=${CLOUD_IMAGE_GIB}G,discard=on`,
      ide2: `${INSTALLER_ISO},media=cdrom`,
    });
  });

  it('refuses drives as qemu-server does before it starts a worker: 400 naming each drive', async () => {
    const form = new URLSearchParams({
      vmid: '4344',
      scsi0: `local-lvm:8,import-from=${CLOUD_IMAGE}`,
      scsi1: `local-lvm:0,import-from=${INSTALLER_ISO}`,
      ide2: INSTALLER_ISO,
    });
    const answer = await call('POST', '/nodes/pve1/qemu', { headers: token(), form: `${form}` });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        errors: {
          scsi0: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>",
          scsi1: `${INSTALLER_ISO} has wrong type 'iso' - needs to be 'images' or 'import'`,
          ide2: "explicit 'media=cdrom' is required for iso images",
        },
      },
    });
    // An option the drive schema lacks is refused by the schema itself, before those checks.
    const unknown = await call('POST', '/nodes/pve1/qemu', {
      headers: token(),
      form: `vmid=4344&scsi0=${encodeURIComponent(`local-lvm:0,import-from=${CLOUD_IMAGE},speed=9`)}`,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual({
      scsi0: "invalid format - unknown property 'speed'",
    });
    expect(cluster.sim.cluster.vms.has(4344)).toBe(false);
  });

  it('answers 501 for methods Proxmox lacks and for endpoints the simulator does not model', async () => {
    const unknown = await call('GET', '/nodes/pve1/qemu/100/nonsense', { headers: token() });
    expect(unknown).toMatchObject({
      status: 501,
      reason: "Method 'GET /nodes/pve1/qemu/100/nonsense' not implemented",
    });
    const notModeled = await call('GET', '/nodes/pve1/qemu/100/rrddata?timeframe=hour', {
      headers: token(),
    });
    expect(notModeled.status).toBe(501);
    expect(notModeled.reason).toMatch(/in the Proxmox API but not modeled by the simulator/);
  });

  it('records every request with its template and parameter names, never values', async () => {
    const last = cluster.sim.requests.at(-1)!;
    expect(last).toMatchObject({
      method: 'GET',
      template: '/nodes/{node}/qemu/{vmid}/rrddata',
      parameterNames: ['timeframe'],
      status: 501,
    });
    expect(JSON.stringify(cluster.sim.requests)).not.toContain(cluster.password);
  });
});
