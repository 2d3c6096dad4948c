// One pod on the dev kubelet: its root directory, loopback ports, volumes, environment and
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
import { allocatePorts } from './ports';
import { runProbe } from './probes';
import { mountVolumes } from './volumes';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are arbitrary user JSON */

export interface PodWorkerSettings {
  rootDir: string;
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
  /** containerPort -> loopback port, for all containers of the pod. */
  ports = new Map<number, number>();
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

  /** A probe or Service targetPort (number or port name) -> the loopback port to dial. */
  resolvePort(port: number | string): number | undefined {
    if (typeof port === 'string' && !/^\d+$/.test(port)) return this.namedPorts.get(port);
    return this.ports.get(Number(port)) ?? Number(port);
  }

  async start(): Promise<void> {
    const allPorts = this.containers.flatMap((c) => c.spec.ports ?? []);
    this.ports = await allocatePorts(allPorts);
    for (const port of allPorts)
      if (port.name) this.namedPorts.set(port.name, this.ports.get(port.containerPort)!);
    this.startContainers();
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
    const env = containerEnvironment(this.pod, spec, this.lookup, this.ports);
    const processEnv = { ...this.settings.baseEnv, ...mountEnv, ...env };
    container.waiting = undefined;
    container.process = new ContainerProcess({
      name: spec.name,
      program: resolved.program,
      args: containerArguments(resolved.args, env, this.ports),
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
      else this.probeLoop(container, readinessProbe, env, (ok) => this.setReady(container, ok));
      if (livenessProbe) {
        let failures = 0;
        this.probeLoop(container, livenessProbe, env, (ok) => {
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

  /**
   * Probes every periodSeconds (capped at maxProbePeriodMs, so tests see readiness quickly). A
   * liveness probe keeps its whole initialDelaySeconds: that delay is the time the manifest grants
   * the process to start, and cutting it would kill every process slower to start than the cap.
   */
  private probeLoop(
    container: Container,
    probe: any,
    env: Record<string, string>,
    report: (ok: boolean) => void,
  ): void {
    const cap = this.settings.maxProbePeriodMs;
    const period = Math.min((probe.periodSeconds ?? 10) * 1000, cap);
    const run = async () => {
      const ok = await runProbe(probe, { resolvePort: (p) => this.resolvePort(p), env });
      if (this.stopped || !container.process?.running) return;
      report(ok);
      container.timers.push(setTimeout(run, period));
    };
    const initialDelay = (probe.initialDelaySeconds ?? 0) * 1000;
    const liveness = probe === container.spec.livenessProbe;
    container.timers.push(setTimeout(run, liveness ? initialDelay : Math.min(initialDelay, cap)));
  }

  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const container of this.containers)
      for (const timer of container.timers) clearTimeout(timer);
    await Promise.all(this.containers.map((c) => c.process?.stop(graceMs)));
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
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
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
