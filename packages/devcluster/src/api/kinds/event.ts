// Events are stored once, in core/v1 form; events.k8s.io/v1 is a conversion of the same objects,
// as in the real server (so `kubectl describe` finds events recorded by either API).
import type { Conversion, Strategy } from '../resource-type';
import type { KubeObject, StoredObject } from '../types';
import { required } from '../validation';

const renamed: [string, string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function rename<T extends KubeObject>(object: T, pairs: [string, string][], apiVersion: string): T {
  const copy: KubeObject = { ...object, apiVersion };
  for (const [from, to] of pairs) {
    if (from in copy) {
      copy[to] = copy[from];
      delete copy[from];
    }
  }
  return copy as T;
}

export const eventsV1Conversion: Conversion = {
  toStorage: (event) => rename(event, renamed, 'v1'),
  fromStorage: (event: StoredObject) =>
    rename(
      event,
      renamed.map(([a, b]) => [b, a]),
      'events.k8s.io/v1',
    ),
};

export const eventsV1Strategy: Strategy = {
  validate(event) {
    return ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']
      .filter((field) => !event[field])
      .map(required);
  },
};
