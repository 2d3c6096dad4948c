// Bad input is INVALID_ARGUMENT naming the field, and has no side effect on the hypervisor.
import { VM_LIMITS } from '@virtrigaud/api';
import { PowerOp } from '@virtrigaud/proto';
import type { TypedProviderClient } from '@virtrigaud/provider-sdk';
import { codeName, grpcError, type Harness } from '../harness';

/** Larger than any provider accepts as cloud-init user-data. */
const OVERSIZED_USER_DATA = Buffer.alloc(VM_LIMITS.maxCloudInitBytes + 1, 'a');

interface BadCreate {
  what: string;
  field: string;
  /** Changes to valid Create fields; `name` receives the run's fresh VM name. */
  change: (name: string) => Record<string, unknown>;
}

const BAD_CREATES: BadCreate[] = [
  { what: 'an empty name', field: 'name', change: () => ({ name: '' }) },
  {
    what: 'a name with shell metacharacters',
    field: 'name',
    change: (name) => ({ name: `${name};rm -rf /$(id)` }),
  },
  {
    what: 'a name with XML metacharacters',
    field: 'name',
    change: (name) => ({ name: `${name}<a x="1">&amp;</a>` }),
  },
  { what: 'no owner', field: 'owner', change: () => ({ owner: undefined }) },
  { what: 'malformed class JSON', field: 'class_json', change: () => ({ classJson: '{"cpu":' }) },
  {
    what: 'a class with zero CPUs',
    field: 'class_json.cpu',
    change: () => ({ classJson: JSON.stringify({ cpu: 0, memory: '1Gi' }) }),
  },
  { what: 'an empty image', field: 'image_json', change: () => ({ imageJson: '' }) },
  {
    what: 'networks that are not an array',
    field: 'networks_json',
    change: () => ({ networksJson: '{"name":"eth0"}' }),
  },
  {
    what: 'a disk without size',
    field: 'disks_json[0].sizeGiB',
    change: () => ({ disksJson: JSON.stringify([{ name: 'data' }]) }),
  },
  {
    what: 'malformed placement JSON',
    field: 'placement_json',
    change: () => ({ placementJson: '[' }),
  },
  {
    what: 'oversized user data',
    field: 'user_data',
    change: () => ({ userData: OVERSIZED_USER_DATA }),
  },
];

type Feature = 'snapshots' | 'clone';

interface BadCall {
  what: string;
  field: string;
  call: (c: TypedProviderClient) => Promise<unknown>;
  /** The optional operation the call belongs to. */
  feature?: Feature;
}

const BAD_CALLS: BadCall[] = [
  { what: 'Delete with an empty id', field: 'id', call: (c) => c.delete({ id: '' }) },
  { what: 'Describe with an empty id', field: 'id', call: (c) => c.describe({ id: '' }) },
  {
    what: 'Power with an empty id',
    field: 'id',
    call: (c) => c.power({ id: '', op: PowerOp.POWER_OP_ON }),
  },
  {
    what: 'Power with no op',
    field: 'op',
    call: (c) => c.power({ id: 'vm-1', op: PowerOp.POWER_OP_UNSPECIFIED }),
  },
  {
    what: 'Power with an unknown op',
    field: 'op',
    call: (c) => c.power({ id: 'vm-1', op: 42 as PowerOp }),
  },
  {
    what: 'Reconfigure with malformed desired JSON',
    field: 'desired_json',
    call: (c) => c.reconfigure({ id: 'vm-1', desiredJson: '{' }),
  },
  {
    what: 'TaskStatus without a task',
    field: 'task',
    call: (c) => c.taskStatus({ task: undefined }),
  },
  {
    what: 'SnapshotCreate with an empty vm id',
    field: 'vm_id',
    call: (c) => c.snapshotCreate({ vmId: '' }),
    feature: 'snapshots',
  },
  {
    what: 'Clone with an empty source',
    field: 'source_vm_id',
    call: (c) => c.clone({ sourceVmId: '', targetName: 'x' }),
    feature: 'clone',
  },
];

export function invalidInputChecks(h: Harness): void {
  describe('invalid input', () => {
    it.each(BAD_CREATES)('Create with $what is INVALID_ARGUMENT naming $field', async (bad) => {
      const name = h.vmName(`bad-${BAD_CREATES.indexOf(bad)}`);
      const before = await h.runVMs();
      const request = { ...h.createFields(name, h.owner(name)), ...bad.change(name) };
      const err = await grpcError(h.client.create(request));
      expect(codeName(err)).toBe('INVALID_ARGUMENT');
      expect(err.details).toContain(bad.field);
      expect(await h.runVMs()).toEqual(before);
    });

    // An operation the provider does not offer is UNIMPLEMENTED whatever its input.
    const offered = async (feature?: Feature) => {
      if (feature === 'clone') return h.options.supportsClone !== false;
      if (feature === 'snapshots') return (await h.client.getCapabilities()).supportsSnapshots;
      return true;
    };

    it.each(BAD_CALLS)(
      '$what is INVALID_ARGUMENT naming $field',
      async ({ field, call, feature }) => {
        const err = await grpcError(call(h.client));
        if (!(await offered(feature))) {
          expect(codeName(err)).toBe('UNIMPLEMENTED');
          return;
        }
        expect(codeName(err)).toBe('INVALID_ARGUMENT');
        expect(err.details).toContain(field);
      },
    );
  });
}
