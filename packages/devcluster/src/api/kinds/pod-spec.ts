// Pod template defaulting and validation shared by Pods, ReplicaSets and Deployments.
import type { StatusCause } from '../errors';
import { dnsLabel, invalidValue, required } from '../validation';

/* eslint-disable @typescript-eslint/no-explicit-any -- pod specs are arbitrary user JSON */

function imagePullPolicy(image: string): string {
  const lastSegment = image.split('/').pop() ?? '';
  const tag = lastSegment.includes('@') ? 'digest' : lastSegment.split(':')[1];
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function defaultPodSpec(spec: any): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (!container || typeof container !== 'object') continue;
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    if (typeof container.image === 'string')
      container.imagePullPolicy ??= imagePullPolicy(container.image);
    container.resources ??= {};
    for (const port of container.ports ?? []) port.protocol ??= 'TCP';
  }
}

export function validatePodSpec(field: string, spec: any): StatusCause[] {
  if (!spec || typeof spec !== 'object') return [required(field)];
  const containers: any[] = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) return [required(`${field}.containers`)];
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  containers.forEach((container, i) => {
    const at = `${field}.containers[${i}]`;
    if (typeof container?.name !== 'string' || !container.name) causes.push(required(`${at}.name`));
    else {
      causes.push(...dnsLabel(`${at}.name`, container.name));
      if (names.has(container.name))
        causes.push({
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${JSON.stringify(container.name)}`,
          field: `${at}.name`,
        });
      names.add(container.name);
    }
    if (typeof container?.image !== 'string' || !container.image)
      causes.push(required(`${at}.image`));
    (container?.ports ?? []).forEach((port: any, j: number) => {
      const portField = `${at}.ports[${j}].containerPort`;
      if (
        !Number.isInteger(port?.containerPort) ||
        port.containerPort < 1 ||
        port.containerPort > 65535
      ) {
        causes.push(
          invalidValue(portField, port?.containerPort, 'must be between 1 and 65535, inclusive'),
        );
      }
    });
  });
  if (!['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.restartPolicy)}: supported values: "Always", "OnFailure", "Never"`,
      field: `${field}.restartPolicy`,
    });
  }
  return causes;
}
