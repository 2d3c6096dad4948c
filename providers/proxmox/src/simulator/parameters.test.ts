// The simulator's parameter verification against the official schema: it must refuse what
// Proxmox refuses, with Proxmox's error shape, and accept what the provider legitimately sends.
import { ApiSchema, type Endpoint } from './api-schema';
import { verifyParameters } from './parameters';

const schema = ApiSchema.load();

function endpoint(method: string, path: string): Endpoint {
  const match = schema.match(method, path);
  if (match.kind !== 'endpoint') throw new Error(`${method} ${path} not in schema`);
  return match.endpoint;
}

function verify(method: string, path: string, params: Record<string, string>) {
  const { endpoint: e, pathParams } = schema.match(method, path) as Extract<
    ReturnType<ApiSchema['match']>,
    { kind: 'endpoint' }
  >;
  return verifyParameters(e.info.parameters ?? {}, { ...params, ...pathParams });
}

describe('the Proxmox API schema', () => {
  it('holds all 649 path+method entries of Proxmox VE 9.1.3', () => {
    expect(schema.endpointCount).toBe(649);
  });

  it('matches concrete paths to the most specific template', () => {
    expect(endpoint('POST', '/nodes/pve1/qemu/100/status/start').template).toBe(
      '/nodes/{node}/qemu/{vmid}/status/start',
    );
    expect(endpoint('GET', '/cluster/nextid').template).toBe('/cluster/nextid');
    const upid = encodeURIComponent('UPID:pve1:00001000:00007000:65000000:qmstart:100:root@pam:');
    const match = schema.match('GET', `/nodes/pve1/tasks/${upid}/status`);
    expect(match).toMatchObject({
      kind: 'endpoint',
      pathParams: { node: 'pve1', upid: decodeURIComponent(upid) },
    });
  });

  it('knows paths without the method, and unknown paths', () => {
    expect(schema.match('PATCH', '/nodes/pve1/qemu/100/config')).toEqual({
      kind: 'method-not-allowed',
      template: '/nodes/{node}/qemu/{vmid}/config',
    });
    expect(schema.match('GET', '/nodes/pve1/qemu/100/not-an-endpoint')).toEqual({
      kind: 'unknown-path',
    });
  });
});

describe('parameter verification', () => {
  it('accepts a clone request as the provider sends it', () => {
    expect(
      verify('POST', '/nodes/pve1/qemu/9000/clone', {
        newid: '101',
        name: 'tests.vm-1',
        full: '1',
        description: 'x\ny',
      }),
    ).toEqual({});
  });

  it('rejects unknown parameters like Proxmox', () => {
    expect(verify('POST', '/nodes/pve1/qemu/100/status/start', { force: '1' })).toEqual({
      force:
        'property is not defined in schema and the schema does not allow additional properties',
    });
  });

  it('rejects missing required parameters', () => {
    expect(verify('POST', '/nodes/pve1/qemu/9000/clone', {})).toEqual({
      newid: 'property is missing and it is not optional',
    });
  });

  it('checks types, ranges, enums and lengths', () => {
    const errors = verify('POST', '/nodes/pve1/qemu/9000/clone', {
      newid: 'abc',
      format: 'vdi',
      name: 'a'.repeat(10),
    });
    expect(errors.newid).toBe("type check ('integer') failed - got 'abc'");
    expect(errors.format).toMatch(/does not have a value in the enumeration 'raw, qcow2, vmdk'/);
    expect(verify('POST', '/nodes/pve1/qemu/9000/clone', { newid: '99' }).newid).toBe(
      'value must have a minimum value of 100',
    );
    expect(verify('POST', '/nodes/pve1/qemu/100/status/start', {}).vmid).toBeUndefined();
    expect(verify('POST', '/nodes/pve1/qemu/99/status/start', {}).vmid).toBe(
      'value must have a minimum value of 100',
    );
    expect(
      verify('POST', '/nodes/pve1/qemu/100/status/stop', { skiplock: 'maybe' }).skiplock,
    ).toMatch(/boolean/);
  });

  it('checks named formats (node names, DNS names, URL-encoded SSH keys, tags)', () => {
    expect(verify('POST', '/nodes/pve_1/qemu/100/status/start', {}).node).toBe(
      'value does not look like a valid node name',
    );
    expect(
      verify('POST', '/nodes/pve1/qemu/9000/clone', { newid: '101', name: 'bad name!' }).name,
    ).toMatch(/DNS name/);
    const config = '/nodes/pve1/qemu/100/config';
    expect(verify('PUT', config, { sshkeys: 'ssh-ed25519 AAAA user@host' }).sshkeys).toMatch(
      /invalid urlencoded/,
    );
    expect(
      verify('PUT', config, { sshkeys: encodeURIComponent('ssh-ed25519 AAAA user@host') }),
    ).toEqual({});
    expect(verify('PUT', config, { tags: 'virtrigaud;team/a' }).tags).toMatch(/invalid tag/);
  });

  it('parses property strings: NIC models, MAC aliases, VLAN ranges, unknown keys', () => {
    const config = '/nodes/pve1/qemu/100/config';
    expect(verify('PUT', config, { net0: 'virtio,bridge=vmbr0,tag=42,firewall=1' })).toEqual({});
    expect(verify('PUT', config, { net1: 'e1000=BC:24:11:00:00:01,bridge=vmbr1' })).toEqual({});
    expect(verify('PUT', config, { net0: 'virtio,bridge=vmbr0,tag=5000' }).net0).toMatch(
      /tag: value must have a maximum value of 4094/,
    );
    expect(verify('PUT', config, { net0: 'virtio,colour=blue' }).net0).toMatch(
      /unknown property 'colour'/,
    );
    expect(verify('PUT', config, { net0: 'bridge=vmbr0' }).net0).toMatch(
      /model: property is missing/,
    );
    expect(verify('PUT', config, { net0: 'virtio=01:00:00:00:00:01' }).net0).toMatch(/unicast MAC/);
    expect(verify('PUT', config, { memory: '8' }).memory).toMatch(
      /current: value must have a minimum value of 16/,
    );
    expect(verify('PUT', config, { ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1' })).toEqual({});
    expect(verify('PUT', config, { ipconfig0: 'ip=10.0.0.5' }).ipconfig0).toMatch(/invalid format/);
    expect(verify('PUT', config, { scsi1: 'local-lvm:32', ide2: 'local-lvm:cloudinit' })).toEqual(
      {},
    );
  });

  it('resolves indexed parameter families (net0, scsi12) but not unknown families', () => {
    expect(
      verify('PUT', '/nodes/pve1/qemu/100/config', { scsi12: 'local-lvm:1', netx: 'virtio' }),
    ).toEqual({
      netx: 'property is not defined in schema and the schema does not allow additional properties',
    });
  });
});
