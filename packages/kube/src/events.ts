// Records core/v1 Events for significant transitions. The same (object, reason, message) is not
// repeated within a window: a requeue loop must not flood the API (and every event is a write).
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { KubeClient } from './client';
import { KubeResources } from './resources';
import type { KubeObject } from './types';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  record(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

const DEDUP_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 50_000;

export class KubeEventRecorder implements EventRecorder {
  private readonly recent = new Map<string, number>();
  private readonly instance = hostname();

  constructor(
    private readonly client: KubeClient,
    private readonly log: Logger,
    private readonly component = 'virtrigaud-manager',
  ) {}

  record(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const { namespace, name, uid } = obj.metadata;
    if (!namespace || !name) return;
    const fingerprint = digest(`${uid}\u0000${reason}\u0000${message}`);
    const now = Date.now();
    const last = this.recent.get(fingerprint);
    if (last !== undefined && now - last < DEDUP_WINDOW_MS) return;
    this.remember(fingerprint, now);
    const timestamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name,
        namespace,
        uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      type,
      reason,
      message: message.slice(0, 1024),
      count: 1,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      source: { component: this.component, host: this.instance },
      reportingComponent: this.component,
      reportingInstance: this.instance,
    };
    this.client.create(KubeResources.Event, event).catch((err: unknown) => {
      this.log.debug({ err: String(err), reason }, 'could not record event');
    });
  }

  private remember(fingerprint: string, now: number): void {
    this.recent.delete(fingerprint);
    this.recent.set(fingerprint, now);
    if (this.recent.size <= MAX_REMEMBERED) return;
    const oldest = this.recent.keys().next().value;
    if (oldest !== undefined) this.recent.delete(oldest);
  }
}

/**
 * A fixed-size stand-in for an (object, reason, message) triple: kept for every recent event, the
 * triple itself would hold the uid and message strings of 10,000s of objects.
 */
function digest(fingerprint: string): string {
  return createHash('sha256').update(fingerprint).digest('base64url');
}
