// One VM through its whole life: create (idempotent by owner uid, ALREADY_EXISTS for another
// owner), describe, list, reconfigure, power transitions, delete (idempotent, owner-checked).
import type { ObjectIdentity } from '@virtrigaud/proto';
import { PowerOp } from '@virtrigaud/proto';
import { codeName, grpcError, type Harness } from '../harness';
import { memoryMiB } from '../memory';

export function lifecycleChecks(h: Harness): void {
  describe('VM lifecycle', () => {
    const name = h.vmName('life');
    let owner: ObjectIdentity;
    let id = '';

    const powerAndWait = async (op: PowerOp) => {
      const res = await h.client.power({ id, op, gracefulTimeoutSeconds: 30, owner });
      await h.waitForTask(res.task);
      return (await h.client.describe({ id, owner })).powerState;
    };

    it(
      'Create returns an id and a task that completes; Describe then finds the VM',
      async () => {
        owner = h.owner(name);
        id = await h.createAndWait(name, owner);
        expect(id).not.toBe('');
        const described = await h.client.describe({ id, owner });
        expect(described.exists).toBe(true);
        expect(['On', 'Off']).toContain(described.powerState);
        expect(() => JSON.parse(described.providerRawJson || '{}')).not.toThrow();
      },
      h.timeout(),
    );

    it(
      'Create again with the same owner uid returns the same VM, never a second one',
      async () => {
        const again = await h.client.create(h.createFields(name, owner));
        await h.waitForTask(again.task);
        expect(again.id).toBe(id);
        expect(await h.vmsNamed(name)).toHaveLength(1);
      },
      h.timeout(),
    );

    it('Create of the same name for another owner uid is ALREADY_EXISTS', async () => {
      const err = await grpcError(h.client.create(h.createFields(name, h.owner(name))));
      expect(codeName(err)).toBe('ALREADY_EXISTS');
      expect(await h.vmsNamed(name)).toHaveLength(1);
    });

    it('ListVMs shows the VM with the class hardware', async () => {
      const [vm] = await h.vmsNamed(name);
      expect(vm.id).toBe(id);
      expect(vm.cpu).toBe(h.options.fixtures.class.cpu);
      expect(vm.memoryMib).toBe(memoryMiB(h.options.fixtures.class.memory));
    });

    it(
      'Reconfigure applies a new class',
      async () => {
        const current = h.options.fixtures.class;
        const desired = h.options.fixtures.reconfigureClass ?? {
          ...current,
          cpu: current.cpu + 1,
          memory: `${memoryMiB(current.memory) * 2}Mi`,
        };
        const res = await h.client.reconfigure({
          id,
          owner,
          desiredJson: JSON.stringify({ class: desired, disks: h.options.fixtures.disks ?? [] }),
        });
        await h.waitForTask(res.task);
        const [vm] = await h.vmsNamed(name);
        expect(vm.cpu).toBe(desired.cpu);
        expect(vm.memoryMib).toBe(memoryMiB(desired.memory));
      },
      h.timeout(),
    );

    it(
      'Power on, reboot, off, on and graceful shutdown reach the expected states',
      async () => {
        expect(await powerAndWait(PowerOp.POWER_OP_ON)).toBe('On');
        expect(await powerAndWait(PowerOp.POWER_OP_REBOOT)).toBe('On');
        expect(await powerAndWait(PowerOp.POWER_OP_OFF)).toBe('Off');
        expect(await powerAndWait(PowerOp.POWER_OP_ON)).toBe('On');
        expect(await powerAndWait(PowerOp.POWER_OP_SHUTDOWN_GRACEFUL)).toBe('Off');
      },
      h.timeout(5),
    );

    it('Delete with another owner uid is refused and leaves the VM', async () => {
      const err = await grpcError(h.client.delete({ id, owner: h.owner(name) }));
      expect(codeName(err)).toBe('FAILED_PRECONDITION');
      expect((await h.client.describe({ id, owner })).exists).toBe(true);
    });

    it(
      'Delete removes the VM; deleting it again succeeds',
      async () => {
        await h.deleteAndWait(id, owner);
        expect((await h.client.describe({ id, owner })).exists).toBe(false);
        expect(await h.vmsNamed(name)).toHaveLength(0);
        await h.deleteAndWait(id, owner);
      },
      h.timeout(2),
    );

    it('Operations on a VM that no longer exists are NOT_FOUND', async () => {
      const power = await grpcError(h.client.power({ id, op: PowerOp.POWER_OP_ON }));
      expect(codeName(power)).toBe('NOT_FOUND');
      const desiredJson = JSON.stringify({ class: h.options.fixtures.class, disks: [] });
      const reconfigure = await grpcError(h.client.reconfigure({ id, desiredJson }));
      expect(codeName(reconfigure)).toBe('NOT_FOUND');
    });
  });
}
