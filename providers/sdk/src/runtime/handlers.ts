// provider.v1.Provider → HypervisorBackend: every request is validated and decoded here (so a
// backend only sees well-formed input), capabilities are enforced, and each hypervisor call waits
// for a rate-limit token first.
import { VM_LIMITS } from '@virtrigaud/api';
import type { ProviderServer } from '@virtrigaud/proto';
import type {
  CallContext,
  Capabilities,
  HypervisorBackend,
  Operation,
  VMSummary,
} from '../backend';
import { ProviderError, unimplemented } from '../errors';
import { checkValue, parseJsonField } from '../validation/json-fields';
import {
  boundedText,
  gracefulTimeout,
  limitBytes,
  optionalId,
  optionalOwner,
  requireId,
  requireOwner,
  requirePowerOp,
  requireVmName,
} from '../validation/request-fields';
import {
  ClassSchema,
  CustomizeSchema,
  DesiredSchema,
  DisksSchema,
  ImageSchema,
  NetworksSchema,
  PlacementSchema,
  TagsSchema,
} from '../validation/schemas';
import type { CallRunner } from './call-runner';
import type { TokenBucket } from '@virtrigaud/kube/token-bucket';
import type { Scrub } from '../observability/secret-scrubber';

export interface HandlerDeps {
  backend: HypervisorBackend;
  runner: CallRunner;
  scrub: Scrub;
  /** The rate limit toward the hypervisor (none: unlimited). */
  rateLimit?: TokenBucket;
  /** Health bookkeeping for an explicit Validate call. */
  onValidated(ok: boolean): void;
}

const MAX_SNAPSHOT_NAME = 128;
const MAX_DESCRIPTION = 4096;
const MAX_STORAGE_HINT = 256;

const taskRef = (op: Operation) => ({ task: op.task ? { id: op.task } : undefined });

function capabilitiesMessage(c: Capabilities) {
  return {
    supportsReconfigureOnline: c.reconfigureOnline,
    supportsDiskExpansionOnline: c.diskExpansionOnline,
    supportsSnapshots: c.snapshots,
    supportsMemorySnapshots: c.memorySnapshots,
    supportsLinkedClones: c.linkedClones,
    supportsImageImport: c.imageImport,
    supportedDiskTypes: [...c.diskTypes],
    supportedNetworkTypes: [...c.networkTypes],
  };
}

function vmInfo(vm: VMSummary, scrub: Scrub) {
  return {
    id: vm.id,
    name: vm.name,
    powerState: vm.powerState,
    ips: vm.ips,
    cpu: vm.cpu,
    memoryMib: vm.memoryMiB,
    disks: vm.disks.map((d) => ({ id: d.id, path: d.path, sizeGib: d.sizeGiB, format: d.format })),
    networks: vm.networks,
    providerRaw: Object.fromEntries(Object.entries(vm.raw).map(([k, v]) => [k, scrub(v)])),
  };
}

/** The backend's optional method, or UNIMPLEMENTED when it lacks it or its capabilities deny it. */
function optional<K extends keyof HypervisorBackend>(
  backend: HypervisorBackend,
  method: K,
  offered: boolean,
  what: string,
): NonNullable<HypervisorBackend[K]> {
  const fn = backend[method];
  if (!fn || !offered) throw unimplemented(`${what} is not supported by this provider`);
  return (fn as (...args: unknown[]) => unknown).bind(backend) as NonNullable<HypervisorBackend[K]>;
}

export function createHandlers(deps: HandlerDeps): ProviderServer {
  const { backend, runner, scrub } = deps;
  const caps = () => backend.capabilities();
  const { rateLimit } = deps;
  /** A hypervisor call, after a rate-limit token (waiting only when none is free). */
  const hv = <T>(ctx: CallContext, call: () => Promise<T>): Promise<T> =>
    !rateLimit || rateLimit.tryTake() ? call() : rateLimit.take(ctx.signal).then(call);

  return {
    validate: runner.unary('Validate', async (_req, ctx) => {
      try {
        await hv(ctx, () => backend.validate(ctx));
        deps.onValidated(true);
        return { ok: true, message: 'hypervisor reachable' };
      } catch (err) {
        if (!(err instanceof ProviderError) || ctx.signal.aborted) throw err;
        deps.onValidated(false);
        return { ok: false, message: scrub(`${err.code}: ${err.message}`) };
      }
    }),

    create: runner.unary('Create', async (req, ctx) => {
      const input = {
        name: requireVmName('name', req.name),
        owner: requireOwner('owner', req.owner),
        class: parseJsonField('class_json', req.classJson, ClassSchema),
        image: parseJsonField('image_json', req.imageJson, ImageSchema),
        networks: parseJsonField('networks_json', req.networksJson, NetworksSchema, {
          whenEmpty: [],
        }),
        disks: parseJsonField('disks_json', req.disksJson, DisksSchema, { whenEmpty: [] }),
        placement: parseJsonField('placement_json', req.placementJson, PlacementSchema, {
          whenEmpty: {},
        }),
        tags: checkValue('tags', TagsSchema, req.tags),
        userData: limitBytes('user_data', req.userData, VM_LIMITS.maxCloudInitBytes),
        metaData: limitBytes('meta_data', req.metaData, VM_LIMITS.maxCloudInitBytes),
        targetHostId: optionalId('target_host_id', req.targetHostId),
      };
      const result = await hv(ctx, () => backend.create(ctx, input));
      return { id: result.id, ...taskRef(result) };
    }),

    delete: runner.unary('Delete', async (req, ctx) => {
      const id = requireId('id', req.id);
      // Deleting needs the owner: the backend refuses a VM stamped with another owner, so a
      // caller that knows only an id (from Describe or a list) cannot delete somebody's VM.
      const owner = requireOwner('owner', req.owner);
      return taskRef(await hv(ctx, () => backend.delete(ctx, id, owner)));
    }),

    power: runner.unary('Power', async (req, ctx) => {
      const id = requireId('id', req.id);
      const op = requirePowerOp('op', req.op);
      const timeout = gracefulTimeout('graceful_timeout_seconds', req.gracefulTimeoutSeconds);
      return taskRef(await hv(ctx, () => backend.power(ctx, id, op, timeout)));
    }),

    reconfigure: runner.unary('Reconfigure', async (req, ctx) => {
      const id = requireId('id', req.id);
      const desired = parseJsonField('desired_json', req.desiredJson, DesiredSchema);
      const input = { class: desired.class, disks: desired.disks ?? [] };
      return taskRef(await hv(ctx, () => backend.reconfigure(ctx, id, input)));
    }),

    hardwareUpgrade: runner.unary('HardwareUpgrade', async (req, ctx) => {
      const upgrade = optional(backend, 'hardwareUpgrade', true, 'HardwareUpgrade');
      const id = requireId('id', req.id);
      if (req.targetVersion < 1)
        throw new ProviderError('INVALID_ARGUMENT', 'target_version: must be >= 1');
      return taskRef(await hv(ctx, () => upgrade(ctx, id, req.targetVersion)));
    }),

    describe: runner.unary('Describe', async (req, ctx) => {
      const id = requireId('id', req.id);
      const owner = optionalOwner('owner', req.owner);
      const found = await hv(ctx, () => backend.describe(ctx, id, owner));
      if (!found)
        return { exists: false, powerState: '', ips: [], consoleUrl: '', providerRawJson: '' };
      return {
        exists: true,
        powerState: found.powerState,
        ips: found.ips,
        consoleUrl: scrub(found.consoleUrl ?? ''),
        providerRawJson: scrub(JSON.stringify(found.raw ?? {})),
      };
    }),

    taskStatus: runner.unary('TaskStatus', async (req, ctx) => {
      if (!req.task) throw new ProviderError('INVALID_ARGUMENT', 'task.id: is required');
      const task = requireId('task.id', req.task.id);
      const state = await hv(ctx, () => backend.taskStatus(ctx, task));
      return { done: state.done, error: scrub(state.error ?? '') };
    }),

    snapshotCreate: runner.unary('SnapshotCreate', async (req, ctx) => {
      const snapshot = optional(backend, 'snapshotCreate', caps().snapshots, 'SnapshotCreate');
      const input = {
        vmId: requireId('vm_id', req.vmId),
        nameHint: boundedText('name_hint', req.nameHint, MAX_SNAPSHOT_NAME),
        includeMemory: req.includeMemory,
        description: boundedText('description', req.description, MAX_DESCRIPTION),
      };
      if (input.includeMemory && !caps().memorySnapshots) {
        throw unimplemented('include_memory: memory snapshots are not supported by this provider');
      }
      const result = await hv(ctx, () => snapshot(ctx, input));
      return { snapshotId: result.snapshotId, ...taskRef(result) };
    }),

    snapshotDelete: runner.unary('SnapshotDelete', async (req, ctx) => {
      const remove = optional(backend, 'snapshotDelete', caps().snapshots, 'SnapshotDelete');
      const vmId = requireId('vm_id', req.vmId);
      const snapshotId = requireId('snapshot_id', req.snapshotId);
      return taskRef(await hv(ctx, () => remove(ctx, vmId, snapshotId)));
    }),

    snapshotRevert: runner.unary('SnapshotRevert', async (req, ctx) => {
      const revert = optional(backend, 'snapshotRevert', caps().snapshots, 'SnapshotRevert');
      const vmId = requireId('vm_id', req.vmId);
      const snapshotId = requireId('snapshot_id', req.snapshotId);
      return taskRef(await hv(ctx, () => revert(ctx, vmId, snapshotId)));
    }),

    clone: runner.unary('Clone', async (req, ctx) => {
      const clone = optional(backend, 'clone', true, 'Clone');
      const input = {
        sourceVmId: requireId('source_vm_id', req.sourceVmId),
        targetName: requireVmName('target_name', req.targetName),
        linked: req.linked,
        class:
          req.classJson === ''
            ? undefined
            : parseJsonField('class_json', req.classJson, ClassSchema),
        placement: parseJsonField('placement_json', req.placementJson, PlacementSchema, {
          whenEmpty: {},
        }),
        customize: parseJsonField('customize_json', req.customizeJson, CustomizeSchema, {
          whenEmpty: {},
        }),
        target: optionalOwner('target_vm', req.targetVm),
      };
      if (input.linked && !caps().linkedClones) {
        throw unimplemented('linked: linked clones are not supported by this provider');
      }
      const result = await hv(ctx, () => clone(ctx, input));
      return { targetVmId: result.targetVmId, ...taskRef(result) };
    }),

    imagePrepare: runner.unary('ImagePrepare', async (req, ctx) => {
      const prepare = optional(backend, 'imagePrepare', caps().imageImport, 'ImagePrepare');
      const input = {
        image: parseJsonField('image_json', req.imageJson, ImageSchema),
        targetName: requireVmName('target_name', req.targetName),
        storageHint: boundedText('storage_hint', req.storageHint, MAX_STORAGE_HINT),
      };
      const result = await hv(ctx, () => prepare(ctx, input));
      return {
        preparedImageId: result.preparedImageId,
        preparedImagePath: result.preparedImagePath,
        ...taskRef(result),
      };
    }),

    getCapabilities: runner.unary('GetCapabilities', async () => capabilitiesMessage(caps())),
    listCapabilities: runner.unary('ListCapabilities', async () => capabilitiesMessage(caps())),

    listVMs: runner.unary('ListVMs', async (_req, ctx) => {
      const vms = await hv(ctx, () => backend.listVMs(ctx));
      return { vms: vms.map((vm) => vmInfo(vm, scrub)) };
    }),
  };
}
