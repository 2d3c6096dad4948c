// Snapshots and clones: the full flow when the provider offers them, UNIMPLEMENTED when it does
// not (the capabilities it reports decide which).
import type { GetCapabilitiesResponse, ObjectIdentity } from '@virtrigaud/proto';
import { codeName, grpcError, type Harness } from '../harness';

export function snapshotAndCloneChecks(h: Harness): void {
  describe('snapshots and clones', () => {
    const name = h.vmName('snap');
    let owner: ObjectIdentity;
    let id = '';
    let capabilities: GetCapabilitiesResponse;

    beforeAll(async () => {
      capabilities = await h.client.getCapabilities();
      owner = h.owner(name);
      id = await h.createAndWait(name, owner);
    }, h.timeout());

    it(
      'SnapshotCreate, SnapshotRevert and SnapshotDelete (twice) work, or are UNIMPLEMENTED',
      async () => {
        const request = { vmId: id, nameHint: 'before-upgrade', description: 'conformance' };
        if (!capabilities.supportsSnapshots) {
          expect(codeName(await grpcError(h.client.snapshotCreate(request)))).toBe('UNIMPLEMENTED');
          return;
        }
        const snapshot = await h.client.snapshotCreate(request);
        expect(snapshot.snapshotId).not.toBe('');
        await h.waitForTask(snapshot.task);
        const ref = { vmId: id, snapshotId: snapshot.snapshotId };
        await h.waitForTask((await h.client.snapshotRevert(ref)).task);
        expect((await h.client.describe({ id, owner })).exists).toBe(true);
        await h.waitForTask((await h.client.snapshotDelete(ref)).task);
        await h.waitForTask((await h.client.snapshotDelete(ref)).task);
      },
      h.timeout(4),
    );

    it('SnapshotRevert to an unknown snapshot is NOT_FOUND (or UNIMPLEMENTED)', async () => {
      const err = await grpcError(
        h.client.snapshotRevert({ vmId: id, snapshotId: `missing-${h.runId}` }),
      );
      expect(codeName(err)).toBe(capabilities.supportsSnapshots ? 'NOT_FOUND' : 'UNIMPLEMENTED');
    });

    it(
      'Clone makes a new VM, idempotent by target owner uid, or is UNIMPLEMENTED',
      async () => {
        const targetName = h.vmName('clone');
        const targetVm = h.owner(targetName);
        const request = { sourceVmId: id, targetName, targetVm, linked: false };
        if (h.options.supportsClone === false) {
          expect(codeName(await grpcError(h.client.clone(request)))).toBe('UNIMPLEMENTED');
          return;
        }
        const clone = await h.client.clone(request);
        h.track(clone.targetVmId, targetVm);
        await h.waitForTask(clone.task);
        expect(clone.targetVmId).not.toBe(id);
        const again = await h.client.clone(request);
        await h.waitForTask(again.task);
        expect(again.targetVmId).toBe(clone.targetVmId);
        expect(await h.vmsNamed(targetName)).toHaveLength(1);
        expect((await h.client.describe({ id: clone.targetVmId, owner: targetVm })).exists).toBe(
          true,
        );
        await h.deleteAndWait(clone.targetVmId, targetVm);
      },
      h.timeout(3),
    );

    it('a linked clone is refused with UNIMPLEMENTED when linked clones are not offered', async () => {
      if (capabilities.supportsLinkedClones || h.options.supportsClone === false) return;
      const targetName = h.vmName('linked');
      const err = await grpcError(
        h.client.clone({ sourceVmId: id, targetName, targetVm: h.owner(targetName), linked: true }),
      );
      expect(codeName(err)).toBe('UNIMPLEMENTED');
      expect(await h.vmsNamed(targetName)).toHaveLength(0);
    });
  });
}
