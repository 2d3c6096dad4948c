// The manager's Prometheus metrics. One registry per manager (tests run several in one process).
import type { QueueObserver } from '@virtrigaud/kube';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ManagerMetrics {
  readonly registry = new Registry();

  readonly reconciles = new Counter({
    name: 'virtrigaud_reconcile_total',
    help: 'Reconciles per controller and result (success, error, terminal, requeue).',
    labelNames: ['controller', 'result'] as const,
    registers: [this.registry],
  });

  readonly reconcileErrors = new Counter({
    name: 'virtrigaud_reconcile_errors_total',
    help: 'Reconciles that ended in an error and were retried with backoff.',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });

  readonly terminalReconcileErrors = new Counter({
    name: 'virtrigaud_terminal_reconcile_errors_total',
    help: 'Reconciles that ended in an error retrying cannot fix (not retried with backoff).',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });

  readonly reconcileDuration = new Histogram({
    name: 'virtrigaud_reconcile_duration_seconds',
    help: 'Time spent in one reconcile.',
    labelNames: ['controller'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'virtrigaud_workqueue_depth',
    help: 'Items waiting in a controller work queue.',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  readonly queueAdds = new Counter({
    name: 'virtrigaud_workqueue_adds_total',
    help: 'Items added to a controller work queue (after de-duplication).',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  readonly queueRetries = new Counter({
    name: 'virtrigaud_workqueue_retries_total',
    help: 'Rate-limited re-queues of failed items.',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  readonly queueWait = new Histogram({
    name: 'virtrigaud_workqueue_queue_duration_seconds',
    help: 'How long items wait in the queue before a worker takes them.',
    labelNames: ['name'] as const,
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 60],
    registers: [this.registry],
  });

  readonly apiRequests = new Counter({
    name: 'virtrigaud_kube_api_requests_total',
    help: 'Requests to the Kubernetes API by verb, resource and HTTP status code.',
    labelNames: ['verb', 'resource', 'code'] as const,
    registers: [this.registry],
  });

  readonly apiRequestDuration = new Histogram({
    name: 'virtrigaud_kube_api_request_duration_seconds',
    help: 'Latency of Kubernetes API requests.',
    labelNames: ['verb', 'resource'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly relists = new Counter({
    name: 'virtrigaud_informer_relists_total',
    help: 'Full relists of an informer after its watch expired (410 Gone).',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });

  readonly providerCalls = new Counter({
    name: 'virtrigaud_provider_calls_total',
    help: 'gRPC calls to provider pods by provider, method and status code.',
    labelNames: ['provider', 'method', 'code'] as const,
    registers: [this.registry],
  });

  readonly providerCallDuration = new Histogram({
    name: 'virtrigaud_provider_call_duration_seconds',
    help: 'Latency of gRPC calls to provider pods.',
    labelNames: ['provider', 'method'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly circuitOpen = new Gauge({
    name: 'virtrigaud_provider_circuit_open',
    help: '1 while calls to a provider are suspended by its circuit breaker.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  readonly leader = new Gauge({
    name: 'virtrigaud_leader',
    help: '1 while this manager holds the leader Lease (or runs without leader election).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** virtrigaud_vms{phase}: counted from the cache at scrape time. */
  trackVMPhases(list: () => Iterable<{ status?: { phase?: string } }>): void {
    new Gauge({
      name: 'virtrigaud_vms',
      help: 'VirtualMachines per phase, from the manager cache.',
      labelNames: ['phase'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const vm of list()) {
          const phase = vm.status?.phase ?? 'Pending';
          counts.set(phase, (counts.get(phase) ?? 0) + 1);
        }
        for (const [phase, count] of counts) this.set({ phase }, count);
      },
    });
  }

  queueObserver(name: string): QueueObserver {
    // An idle queue hands items straight to waiting workers and never reports a depth; without
    // this 0 its depth series would not exist at all.
    this.queueDepth.set({ name }, 0);
    return {
      depth: (value) => this.queueDepth.set({ name }, value),
      added: () => this.queueAdds.inc({ name }),
      retried: () => this.queueRetries.inc({ name }),
      waited: (seconds) => this.queueWait.observe({ name }, seconds),
    };
  }

  observeApiRequest = (verb: string, resource: string, code: number, seconds: number): void => {
    this.apiRequests.inc({ verb, resource, code: String(code) });
    if (verb !== 'WATCH') this.apiRequestDuration.observe({ verb, resource }, seconds);
  };
}
