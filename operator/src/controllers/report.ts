// Status with a Ready condition, plus a Warning event when the condition newly says what is wrong.
import type { EventRecorder, KubeClient, KubeObject, ResourceType } from '@virtrigaud/kube';
import type { Condition } from '@virtrigaud/api';
import { setCondition, type ConditionInput } from '../runtime/conditions';
import { writeStatus } from './object-writes';

export type ReadyCondition = Omit<ConditionInput, 'type'>;

export interface ReportDeps {
  client: KubeClient;
  recorder: EventRecorder;
}

type WithConditions = KubeObject & { status?: { conditions?: Condition[] } };

export async function report<T extends WithConditions>(
  deps: ReportDeps,
  type: ResourceType,
  obj: T,
  status: object,
  ready: ReadyCondition,
  warn = false,
): Promise<T> {
  const previous = obj.status?.conditions?.find((c) => c.type === 'Ready');
  const changed =
    !previous ||
    previous.status !== ready.status ||
    previous.reason !== ready.reason ||
    previous.message !== ready.message;
  if (warn && changed) deps.recorder.record(obj, 'Warning', ready.reason, ready.message);
  const conditions = setCondition(
    obj.status?.conditions,
    { type: 'Ready', ...ready },
    obj.metadata.generation,
  );
  return writeStatus(deps.client, type, obj, { ...status, conditions });
}
