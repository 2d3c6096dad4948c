// Bad input is INVALID_ARGUMENT naming the field, and has no side effect on the hypervisor.
import { PowerOp } from '@virtrigaud/proto';
import type { TypedProviderClient } from '@virtrigaud/provider-sdk';
import { codeName, grpcError, type Harness } from '../harness';

/** Larger than any provider accepts as cloud-init user-data. */
const OVERSIZED_USER_DATA = Buffer.alloc(1024 * 1024 + 1, 'a');

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

type BadCall = [what: string, field: string, call: (c: TypedProviderClient) => Promise<unknown>];

const BAD_CALLS: BadCall[] = [
  ['Delete with an empty id', 'id', (c) => c.delete({ id: '' })],
  ['Describe with an empty id', 'id', (c) => c.describe({ id: '' })],
  ['Power with an empty id', 'id', (c) => c.power({ id: '', op: PowerOp.POWER_OP_ON })],
  ['Power with no op', 'op', (c) => c.power({ id: 'vm-1', op: PowerOp.POWER_OP_UNSPECIFIED })],
  ['Power with an unknown op', 'op', (c) => c.power({ id: 'vm-1', op: 42 as PowerOp })],
  [
    'Reconfigure with malformed desired JSON',
    'desired_json',
    (c) => c.reconfigure({ id: 'vm-1', desiredJson: '{' }),
  ],
  ['TaskStatus without a task', 'task', (c) => c.taskStatus({ task: undefined })],
  ['SnapshotCreate with an empty vm id', 'vm_id', (c) => c.snapshotCreate({ vmId: '' })],
  [
    'Clone with an empty source',
    'source_vm_id',
    (c) => c.clone({ sourceVmId: '', targetName: 'x' }),
  ],
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

    it.each(BAD_CALLS)('%s is INVALID_ARGUMENT naming %s', async (_what, field, call) => {
      const err = await grpcError(call(h.client));
      expect(codeName(err)).toBe('INVALID_ARGUMENT');
      expect(err.details).toContain(field);
    });
  });
}
