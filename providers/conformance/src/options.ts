// What a provider's test hands to the conformance suite: how to start the provider against its
// real target, the specs to create VMs from, and what it claims to support.
import type { GetCapabilitiesResponse } from '@virtrigaud/proto';
import type { VMClassSpec, VMImageSpec } from '@virtrigaud/api';
import type { ClientTlsOptions, VMDisk, VMNetwork, VMPlacement } from '@virtrigaud/provider-sdk';

/** A running provider. */
export interface ConformanceTarget {
  /** gRPC address, `host:port`. */
  address: string;
  /** Stops the provider (and whatever `start` started for it). */
  stop(): Promise<void>;
  /** Base URL of the metrics port (`http://127.0.0.1:8080`); metrics checks are skipped when absent. */
  metricsUrl?: string;
  /** Client TLS material when the provider serves TLS. */
  tls?: ClientTlsOptions;
}

/** The CRD spec parts Create and Clone are called with; they must work on the real target. */
export interface ConformanceFixtures {
  class: VMClassSpec;
  image: VMImageSpec;
  networks?: VMNetwork[];
  disks?: VMDisk[];
  placement?: VMPlacement;
  /** Class applied by the Reconfigure check (default: one more CPU, twice the memory). */
  reconfigureClass?: VMClassSpec;
  /** Prefix of every VM name the suite creates (default "conformance"); a run suffix is added. */
  namePrefix?: string;
}

export interface ConformanceOptions {
  start(): Promise<ConformanceTarget>;
  fixtures: ConformanceFixtures;
  /** Capabilities the provider must report; also decides which optional checks run. */
  expectCapabilities?: Partial<GetCapabilitiesResponse>;
  /** Whether Clone is implemented (default true); when false it must answer UNIMPLEMENTED. */
  supportsClone?: boolean;
  /**
   * Starts a second provider whose hypervisor answers slower than `slowMs`, to prove deadlines are
   * enforced server side. Optional: without it only client deadlines are checked.
   */
  startSlow?(): Promise<ConformanceTarget & { slowMs: number }>;
  /** Longest wait for one task (default 120 s). */
  taskTimeoutMs?: number;
  /** Deadline of each call (default 60 s). */
  callDeadlineMs?: number;
}
