// One pod on the dev kubelet: its root directory, address and ports, volumes, environment and
// container processes, the probe loops that decide readiness, and the PodStatus it reports.
import path from 'node:path';
import type { StoredObject } from '../api/types';
import { timestamp } from '../api/objects';
import { ContainerProcess, type ContainerState } from './container-process';
import type { ImageResolver } from './image-resolver';
import {
  containerArguments,
  containerEnvironment,
  MissingReference,
  type Lookup,
} from './pod-environment';
import type { PodAddress, PodNetwork } from './pod-network';
import { runProbe } from './probes';
import { mountVolumes } from './volumes';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are arbitrary user JSON */

export interface PodWorkerSettings {
  rootDir: string;
  network: PodNetwork;
  mountEnv: Record<string, string>;
  maxProbePeriodMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** PATH, HOME and the like that every process gets besides its container env. */
  baseEnv: Record<string, string>;
}

interface Container {
  spec: any;
  process?: ContainerProcess;
  ready: boolean;
  waiting?: { reason: string; message: string };
  timers: NodeJS.Timeout[];
}

export class PodWorker {
  readonly root: string;
  /** Where the pod listens; set by start(). */
  address?: PodAddress;
  private readonly namedPorts = new Map<string, number>();
  private readonly containers: Container[];
  private readonly startTime = timestamp();
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly transitions = new Map<string, { status: string; at: string }>();

  constructor(
    private readonly pod: StoredObject,
    private readonly settings: PodWorkerSettings,
    private readonly resolver: ImageResolver,
    private readonly lookup: Lookup,
    private readonly onChange: () => void,
  ) {
    this.root = path.join(settings.rootDir, pod.metadata.namespace ?? '', pod.metadata.name);
    this.containers = ((pod as any).spec?.containers ?? []).map((spec: any) => ({
      spec,
      ready: false,
      timers: [],
    }));
  }

  logFile(container: string): string {
    return path.join(this.root, 'logs', `${container}.log`);
  }

  containerNames(): string[] {
    return this.containers.map((c) => c.spec.name);
  }

  /** A probe or Service targetPort (number or port name) -> the port to dial at the pod's IP. */
  resolvePort(port: number | string): number | undefined {
    if (typeof port === 'string' && !/^\d+$/.test(port)) return this.namedPorts.get(port);
    return this.address?.ports.get(Number(port)) ?? Number(port);
  }

  async start(): Promise<void> {
    const allPorts = this.containers.flatMap((c) => c.spec.ports ?? []);
    const previousIP = (this.pod as any).status?.podIP;
    this.address = await this.settings.network.attach(
      allPorts.map((p: any) => p.containerPort),
      previousIP,
    );
    if (this.stopped) return this.releaseAddress();
    for (const port of allPorts)
      if (port.name) this.namedPorts.set(port.name, this.address.ports.get(port.containerPort)!);
    this.startContainers();
  }

  private async releaseAddress(): Promise<void> {
    const address = this.address;
    this.address = undefined;
    if (address) await this.settings.network.detach(address);
  }

  private startContainers(): void {
    if (this.stopped) return;
    let missing = false;
    for (const container of this.containers) {
      if (container.process) continue;
      try {
        this.startContainer(container);
      } catch (error) {
        if (!(error instanceof MissingReference)) throw error;
        container.waiting = { reason: 'CreateContainerConfigError', message: error.message };
        missing = true;
      }
    }
    // Like the kubelet, keep retrying until the referenced Secret/ConfigMap appears.
    if (missing) this.retryTimer = setTimeout(() => this.startContainers(), 500);
    this.onChange();
  }

  private startContainer(container: Container): void {
    const spec = container.spec;
    const resolved = this.resolver.resolve(spec);
    if ('error' in resolved) {
      container.waiting = { reason: 'ErrImagePull', message: resolved.error };
      return;
    }
    const mountEnv = mountVolumes(this.pod, spec, this.root, this.lookup, this.settings.mountEnv);
    const env = containerEnvironment(this.pod, spec, this.lookup, this.address!);
    const processEnv = { ...this.settings.baseEnv, ...mountEnv, ...env };
    container.waiting = undefined;
    container.process = new ContainerProcess({
      name: spec.name,
      program: resolved.program,
      args: containerArguments(resolved.args, env, this.address!),
      env: processEnv,
      cwd: this.root,
      logFile: this.logFile(spec.name),
      restartPolicy: (this.pod as any).spec?.restartPolicy ?? 'Always',
      backoffBaseMs: this.settings.backoffBaseMs,
      backoffMaxMs: this.settings.backoffMaxMs,
      onChange: () => this.onProcessChange(container, processEnv),
    });
    container.process.start();
  }

  /** (Re)starts the probe loops whenever the process starts; clears readiness when it stops. */
  private onProcessChange(container: Container, env: Record<string, string>): void {
    for (const timer of container.timers) clearTimeout(timer);
    container.timers = [];
    container.ready = false;
    if (container.process?.running && !this.stopped) {
      const { readinessProbe, livenessProbe } = container.spec;
      if (!readinessProbe) container.ready = true;
      else
        this.probeLoop(container, readinessProbe, env, 'capped', (ok) =>
          this.setReady(container, ok),
        );
      if (livenessProbe) {
        let failures = 0;
        // Its initial delay is what a slow starter (a provider on a loaded machine) needs before
        // it can answer; capped, liveness would kill it in a loop before it ever served.
        this.probeLoop(container, livenessProbe, env, 'as-declared', (ok) => {
          failures = ok ? 0 : failures + 1;
          if (failures >= (livenessProbe.failureThreshold ?? 3)) container.process?.kill();
        });
      }
    }
    this.onChange();
  }

  private setReady(container: Container, ok: boolean): void {
    if (container.ready === ok) return;
    container.ready = ok;
    this.onChange();
  }

  private probeLoop(
    container: Container,
    probe: any,
    env: Record<string, string>,
    initialDelay: 'capped' | 'as-declared',
    report: (ok: boolean) => void,
  ): void {
    const cap = this.settings.maxProbePeriodMs;
    const period = Math.min((probe.periodSeconds ?? 10) * 1000, cap);
    const declaredDelay = (probe.initialDelaySeconds ?? 0) * 1000;
    const run = async () => {
      const ok = await runProbe(probe, {
        host: this.address!.podIP,
        resolvePort: (p) => this.resolvePort(p),
        env,
      });
      if (this.stopped || !container.process?.running) return;
      report(ok);
      container.timers.push(setTimeout(run, period));
    };
    container.timers.push(
      setTimeout(run, initialDelay === 'capped' ? Math.min(declaredDelay, cap) : declaredDelay),
    );
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const container of this.containers)
      for (const timer of container.timers) clearTimeout(timer);
    await Promise.all(this.containers.map((c) => c.process?.stop(graceMs)));
    await this.releaseAddress();
  }

  private condition(type: string, ok: boolean) {
    const status = ok ? 'True' : 'False';
    const previous = this.transitions.get(type);
    if (previous?.status !== status) this.transitions.set(type, { status, at: timestamp() });
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: this.transitions.get(type)!.at,
    };
  }

  status(): Record<string, unknown> {
    const statuses = this.containers.map((c) => this.containerStatus(c));
    const allReady = this.containers.every((c) => c.ready);
    const states = statuses.map((s) => s.state as ContainerState);
    const restartPolicy = (this.pod as any).spec?.restartPolicy ?? 'Always';
    let phase = 'Pending';
    if (states.every((s) => s.terminated) && restartPolicy !== 'Always')
      phase = states.every((s) => s.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
    else if (this.containers.every((c) => c.process)) phase = 'Running';
    return {
      phase,
      conditions: [
        this.condition('PodReadyToStartContainers', true),
        this.condition('Initialized', true),
        this.condition('Ready', allReady),
        this.condition('ContainersReady', allReady),
        this.condition('PodScheduled', true),
      ],
      ...(this.address && {
        hostIP: this.address.hostIP,
        hostIPs: [{ ip: this.address.hostIP }],
        podIP: this.address.podIP,
        podIPs: [{ ip: this.address.podIP }],
      }),
      startTime: this.startTime,
      containerStatuses: statuses,
      qosClass: 'BestEffort',
    };
  }

  private containerStatus(container: Container) {
    const process = container.process;
    const state: ContainerState = container.waiting
      ? { waiting: container.waiting }
      : (process?.state ?? { waiting: { reason: 'ContainerCreating' } });
    return {
      name: container.spec.name,
      image: container.spec.image,
      imageID: `devcluster://${container.spec.image}`,
      containerID: `devcluster://${this.pod.metadata.uid}/${container.spec.name}`,
      ready: container.ready,
      started: process?.running ?? false,
      restartCount: process?.restartCount ?? 0,
      state,
      lastState: process?.lastState ?? {},
    };
  }
}
