// The QEMU endpoints the simulator models: create, clone, config, power, resize, snapshots, guest
// agent and destroy. Each handler gets parameters that already passed schema verification and
// answers what Proxmox answers (data, a task UPID, or a PveError with Proxmox's message).
import { driveSizeGiB, withDriveSize, type Snapshot, type Vm } from './cluster';
import { DISK_KEY, checkDriveParams } from './drives';
import { PveError } from './pve-error';
import type { Route, RouteContext } from './routes';

const NOT_CONFIG = new Set([
  'node',
  'vmid',
  'digest',
  'delete',
  'revert',
  'skiplock',
  'force',
  'background_delay',
]);
const CREATE_ONLY = new Set([
  'start',
  'storage',
  'pool',
  'unique',
  'archive',
  'live-restore',
  'bwlimit',
  'ha-managed',
  'import-working-storage',
]);

function configChanges(params: Record<string, string>, skip = NOT_CONFIG): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).filter(([key]) => !skip.has(key) && !CREATE_ONLY.has(key)),
  );
}

function deletedKeys(params: Record<string, string>): string[] {
  return params.delete ? params.delete.split(/[,;\s]+/).filter(Boolean) : [];
}

function requireRunning(vm: Vm): void {
  if (vm.status !== 'running') throw new PveError(500, `VM ${vm.vmid} not running`);
}

function requireNotTemplate(vm: Vm, action: string): void {
  if (vm.config.template === '1') throw new PveError(500, `you can't ${action} if it's a template`);
}

/** Starts a task that holds the VM's config lock until it ends, as Proxmox workers do. */
function lockedTask(
  c: RouteContext,
  vm: Vm,
  lock: string,
  type: string,
  effect: () => void,
): string {
  c.cluster.requireUnlocked(vm);
  vm.config.lock = lock;
  return c.tasks.start(vm.node, type, String(vm.vmid), c.user, () => {
    delete vm.config.lock;
    effect();
  });
}

function powerTask(c: RouteContext, vm: Vm, type: string, effect: () => void): string {
  c.cluster.requireUnlocked(vm);
  return c.tasks.start(vm.node, type, String(vm.vmid), c.user, effect);
}

function setRunning(vm: Vm, running: boolean): void {
  vm.status = running ? 'running' : 'stopped';
  vm.startedAt = running ? Date.now() : undefined;
}

/** A new locally administered unicast MAC, as Proxmox generates for NICs without one. */
function newMac(vmid: number, index: number): string {
  const bytes = [0xbc, 0x24, 0x11, (vmid >> 8) & 0xff, vmid & 0xff, index & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Gives every NIC without a MAC one (`virtio,bridge=x` → `virtio=MAC,bridge=x`). */
function assignMacs(vm: Vm): void {
  for (const [key, value] of Object.entries(vm.config)) {
    const nic = /^net(\d+)$/.exec(key);
    if (!nic) continue;
    const [model, ...rest] = value.split(',');
    if (!model.includes('=')) {
      vm.config[key] = [`${model}=${newMac(vm.vmid, Number(nic[1]))}`, ...rest].join(',');
    }
  }
}

function create(c: RouteContext): string {
  const { cluster, params } = c;
  cluster.requireNode(params.node);
  checkDriveParams(params);
  const vmid = Number(params.vmid);
  cluster.requireFree(vmid);
  // Like qemu-server: a config holding only the lock reserves the VMID; the worker writes the
  // real config once the disks exist (imports copied), and removes the config if it fails.
  const vm = cluster.create(vmid, params.node, { lock: 'create' });
  const build = () => {
    try {
      cluster.applyConfig(vm, configChanges(params), []);
    } catch (err) {
      throw new Error(`unable to create VM ${vmid} - ${(err as Error).message}`);
    }
    assignMacs(vm);
    delete vm.config.lock;
    if (params.start === '1') setRunning(vm, true);
  };
  return c.tasks.start(params.node, 'qmcreate', String(vmid), c.user, build, () =>
    cluster.vms.delete(vmid),
  );
}

function clone(c: RouteContext): string {
  const { cluster, params } = c;
  const source = cluster.vm(params.node, params.vmid);
  const newid = Number(params.newid);
  const isTemplate = source.config.template === '1';
  const full = params.full === undefined ? !isTemplate : params.full === '1';
  if (!full && !isTemplate)
    throw new PveError(500, 'Linked clone feature is only available for templates');
  if (!full && params.storage)
    throw new PveError(400, 'Parameter verification failed.', {
      storage: 'option is only allowed for full clones',
    });
  const target = params.target ?? params.node;
  cluster.requireNode(target);
  if (params.storage) cluster.requireStorage(params.storage);
  cluster.requireFree(newid);
  cluster.requireUnlocked(source);
  // Like qemu-server: a temporary config holding only the lock reserves the VMID; the real
  // config (name, description, copied disks) exists only once the worker has copied the disks.
  const vm = cluster.create(newid, target, { lock: 'clone' });
  const copied = Object.fromEntries(
    Object.entries(source.config).filter(([key]) => !DISK_KEY.test(key) && key !== 'template'),
  );
  return c.tasks.start(params.node, 'qmclone', String(source.vmid), c.user, () => {
    vm.config = {
      ...copied,
      name: params.name ?? `Copy-of-VM-${source.config.name ?? source.vmid}`,
      ...(params.description !== undefined ? { description: params.description } : {}),
    };
    for (const [key, value] of Object.entries(source.config)) {
      // Clones get new MAC addresses.
      if (/^net\d+$/.test(key)) vm.config[key] = value.replace(/^(\w+)=[^,]*/, '$1');
      if (!DISK_KEY.test(key)) continue;
      if (value.includes('media=cdrom')) {
        vm.config[key] = value.includes('cloudinit')
          ? value.replace(`-${source.vmid}-`, `-${newid}-`)
          : value;
      } else {
        const storage = full ? (params.storage ?? value.split(':')[0]) : value.split(':')[0];
        vm.config[key] = cluster.allocateVolume(newid, storage, String(driveSizeGiB(value)));
      }
    }
    assignMacs(vm);
  });
}

function readConfig(c: RouteContext): Record<string, unknown> {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  return { ...c.typedConfig(vm.config), digest: configDigest(vm) };
}

function configDigest(vm: Vm): string {
  return Buffer.from(JSON.stringify(vm.config)).toString('hex').slice(0, 40);
}

function updateConfig(c: RouteContext): null {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  checkDriveParams(c.params);
  c.cluster.requireUnlocked(vm);
  c.cluster.applyConfig(vm, configChanges(c.params), deletedKeys(c.params));
  assignMacs(vm);
  return null;
}

function updateConfigAsync(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  checkDriveParams(c.params);
  c.cluster.requireUnlocked(vm);
  return c.tasks.start(vm.node, 'qmconfig', String(vm.vmid), c.user, () => {
    c.cluster.applyConfig(vm, configChanges(c.params), deletedKeys(c.params));
    assignMacs(vm);
  });
}

function currentStatus(c: RouteContext): Record<string, unknown> {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  const running = vm.status === 'running';
  const memoryMiB = Number(/^(?:current=)?(\d+)/.exec(vm.config.memory ?? '512')?.[1] ?? 512);
  return {
    vmid: vm.vmid,
    name: vm.config.name,
    status: vm.status,
    qmpstatus: vm.status,
    agent: /^(enabled=)?1/.test(vm.config.agent ?? '') ? 1 : 0,
    cpus: Number(vm.config.cores ?? 1) * Number(vm.config.sockets ?? 1),
    maxmem: memoryMiB * 1024 * 1024,
    mem: running ? memoryMiB * 1024 * 512 : 0,
    uptime: running ? Math.floor((Date.now() - (vm.startedAt ?? Date.now())) / 1000) : 0,
    ...(vm.config.lock ? { lock: vm.config.lock } : {}),
    ...(vm.config.tags ? { tags: vm.config.tags } : {}),
    ...(vm.config.template === '1' ? { template: 1 } : {}),
    ha: { managed: 0 },
  };
}

function start(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  requireNotTemplate(vm, 'start a vm');
  if (vm.status === 'running') throw new PveError(500, `VM ${vm.vmid} already running`);
  return powerTask(c, vm, 'qmstart', () => setRunning(vm, true));
}

function stop(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  return powerTask(c, vm, 'qmstop', () => setRunning(vm, false));
}

function shutdown(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  requireRunning(vm);
  // The simulated guest honours ACPI power-down, so the timeout and forceStop never matter.
  return powerTask(c, vm, 'qmshutdown', () => setRunning(vm, false));
}

function reboot(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  requireRunning(vm);
  return powerTask(c, vm, 'qmreboot', () => setRunning(vm, true));
}

function resize(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  const drive = vm.config[c.params.disk];
  if (!drive) throw new PveError(500, `disk '${c.params.disk}' does not exist`);
  const current = driveSizeGiB(drive);
  const [, grow, amount, unit = ''] = /^(\+?)(\d+(?:\.\d+)?)([KMGT]?)$/.exec(c.params.size)!;
  const factor = { K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024, '': 1 / 1024 ** 3 }[unit]!;
  const wanted = (grow ? current : 0) + Number(amount) * factor;
  if (wanted < current) throw new PveError(500, 'shrinking disks is not supported');
  return lockedTask(c, vm, 'resize', 'resize', () => {
    vm.config[c.params.disk] = withDriveSize(drive, wanted);
  });
}

function listSnapshots(c: RouteContext): unknown[] {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  const snapshots = [...vm.snapshots.values()].map((s) => ({
    name: s.name,
    snaptime: s.snaptime,
    description: s.description,
    ...(s.vmstate ? { vmstate: 1 } : {}),
    ...(s.parent ? { parent: s.parent } : {}),
  }));
  return [
    ...snapshots,
    {
      name: 'current',
      description: 'You are here!',
      running: vm.status === 'running' ? 1 : 0,
      ...(vm.parent ? { parent: vm.parent } : {}),
    },
  ];
}

function snapshot(vm: Vm, name: string): Snapshot {
  const found = vm.snapshots.get(name);
  if (!found) throw new PveError(500, `snapshot '${name}' does not exist`);
  return found;
}

function createSnapshot(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  const name = c.params.snapname;
  if (name === 'current') throw new PveError(500, "invalid snapshot name 'current'");
  if (vm.snapshots.has(name)) throw new PveError(500, `snapshot name '${name}' already used`);
  return lockedTask(c, vm, 'snapshot', 'qmsnapshot', () => {
    vm.snapshots.set(name, {
      name,
      snaptime: Math.floor(Date.now() / 1000),
      vmstate: c.params.vmstate === '1' && vm.status === 'running',
      description: c.params.description ?? '',
      parent: vm.parent,
      config: { ...vm.config },
      running: vm.status === 'running',
    });
    vm.parent = name;
  });
}

function deleteSnapshot(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  const target = snapshot(vm, c.params.snapname);
  return lockedTask(c, vm, 'snapshot-delete', 'qmdelsnapshot', () => {
    vm.snapshots.delete(target.name);
    for (const other of vm.snapshots.values()) {
      if (other.parent === target.name) other.parent = target.parent;
    }
    if (vm.parent === target.name) vm.parent = target.parent;
  });
}

function rollback(c: RouteContext): string {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  const target = snapshot(vm, c.params.snapname);
  return lockedTask(c, vm, 'rollback', 'qmrollback', () => {
    vm.config = { ...target.config };
    vm.parent = target.name;
    setRunning(vm, target.vmstate || c.params.start === '1');
  });
}

function networkInterfaces(c: RouteContext): unknown {
  const vm = c.cluster.vm(c.params.node, c.params.vmid);
  if (!/^(enabled=)?1/.test(vm.config.agent ?? ''))
    throw new PveError(500, 'No QEMU guest agent configured');
  requireRunning(vm);
  const nics = Object.keys(vm.config)
    .filter((key) => /^net\d+$/.test(key))
    .sort();
  return {
    result: [
      {
        name: 'lo',
        'hardware-address': '00:00:00:00:00:00',
        'ip-addresses': [
          { 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 },
          { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 },
        ],
      },
      ...nics.map((key, i) => ({
        name: `eth${i}`,
        'hardware-address': (/=([0-9A-F:]{17})/i.exec(vm.config[key])?.[1] ?? '').toLowerCase(),
        'ip-addresses': [
          {
            'ip-address': `10.${i}.${(vm.vmid >> 8) & 0xff}.${vm.vmid & 0xff}`,
            'ip-address-type': 'ipv4',
            prefix: 24,
          },
          { 'ip-address': `fe80::${vm.vmid.toString(16)}`, 'ip-address-type': 'ipv6', prefix: 64 },
        ],
      })),
    ],
  };
}

function destroy(c: RouteContext): string {
  const { cluster } = c;
  const vm = cluster.vm(c.params.node, c.params.vmid);
  if (vm.status === 'running') throw new PveError(500, `VM ${vm.vmid} is running - destroy failed`);
  return lockedTask(c, vm, 'destroyed', 'qmdestroy', () => {
    cluster.vms.delete(vm.vmid);
  });
}

export const QEMU_ROUTES: Record<string, Route> = {
  'POST /nodes/{node}/qemu': create,
  'DELETE /nodes/{node}/qemu/{vmid}': destroy,
  'POST /nodes/{node}/qemu/{vmid}/clone': clone,
  'GET /nodes/{node}/qemu/{vmid}/config': readConfig,
  'PUT /nodes/{node}/qemu/{vmid}/config': updateConfig,
  'POST /nodes/{node}/qemu/{vmid}/config': updateConfigAsync,
  'GET /nodes/{node}/qemu/{vmid}/status/current': currentStatus,
  'POST /nodes/{node}/qemu/{vmid}/status/start': start,
  'POST /nodes/{node}/qemu/{vmid}/status/stop': stop,
  'POST /nodes/{node}/qemu/{vmid}/status/shutdown': shutdown,
  'POST /nodes/{node}/qemu/{vmid}/status/reboot': reboot,
  'PUT /nodes/{node}/qemu/{vmid}/resize': resize,
  'GET /nodes/{node}/qemu/{vmid}/snapshot': listSnapshots,
  'POST /nodes/{node}/qemu/{vmid}/snapshot': createSnapshot,
  'DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}': deleteSnapshot,
  'POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback': rollback,
  'GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces': networkInterfaces,
};
