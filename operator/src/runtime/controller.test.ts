import pino from 'pino';
import { ManagerMetrics } from '../observability/metrics';
import { Controller, TerminalError, type Reconciler } from './controller';

/** A reconciler that fails as told and counts its calls. */
class ScriptedReconciler implements Reconciler {
  calls = 0;
  constructor(private readonly failWith: (call: number) => Error | undefined) {}
  async reconcile(): Promise<void> {
    this.calls++;
    const err = this.failWith(this.calls);
    if (err) throw err;
  }
}

function controllerFor(reconciler: Reconciler, terminalErrorRetryMs?: number) {
  const metrics = new ManagerMetrics();
  const controller = new Controller(reconciler, {
    name: 'test',
    concurrency: 1,
    log: pino({ level: 'silent' }),
    metrics,
    terminalErrorRetryMs,
  });
  return { controller, metrics };
}

async function counted(metrics: ManagerMetrics, result: string): Promise<number> {
  const { values } = await metrics.reconciles.get();
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('Controller', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('retries an ordinary error with backoff', async () => {
    const reconciler = new ScriptedReconciler((call) =>
      call === 1 ? new Error('conflict') : undefined,
    );
    const { controller, metrics } = controllerFor(reconciler, 60_000);
    controller.start();
    controller.enqueue('default/web');
    await jest.advanceTimersByTimeAsync(100);
    expect(reconciler.calls).toBe(2);
    expect(await counted(metrics, 'error')).toBe(1);
    await controller.stop();
  });

  it('does not retry a TerminalError with backoff: it counts it and looks again after terminalErrorRetryMs', async () => {
    const reconciler = new ScriptedReconciler((call) =>
      call === 1 ? new TerminalError('spec.classRef.name: VMClass "big" not found') : undefined,
    );
    const { controller, metrics } = controllerFor(reconciler, 60_000);
    controller.start();
    controller.enqueue('default/web');
    await jest.advanceTimersByTimeAsync(59_000);
    expect(reconciler.calls).toBe(1);
    expect(controller.queue.retries('default/web')).toBe(0);
    expect(await counted(metrics, 'terminal')).toBe(1);
    const { values } = await metrics.terminalReconcileErrors.get();
    expect(values[0].value).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(reconciler.calls).toBe(2);
    await controller.stop();
  });

  it('without terminalErrorRetryMs, a TerminalError waits for the next event of the object', async () => {
    const reconciler = new ScriptedReconciler((call) =>
      call === 1 ? new TerminalError('rejected') : undefined,
    );
    const { controller } = controllerFor(reconciler);
    controller.start();
    controller.enqueue('default/web');
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(reconciler.calls).toBe(1);
    controller.enqueue('default/web');
    await jest.advanceTimersByTimeAsync(0);
    expect(reconciler.calls).toBe(2);
    await controller.stop();
  });
});
