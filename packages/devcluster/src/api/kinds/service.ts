// Services: the defaults (type, clusterIP, port protocol/targetPort) clients expect back.
import { randomInt } from 'node:crypto';
import type { StatusCause } from '../errors';
import type { Strategy } from '../resource-type';
import { invalidValue, required } from '../validation';

/* eslint-disable @typescript-eslint/no-explicit-any -- service specs are arbitrary user JSON */

/** A cluster IP from 10.96.0.0/12, as kube-apiserver's default service CIDR. Nothing routes it here. */
function allocateClusterIP(): string {
  return `10.${96 + randomInt(16)}.${randomInt(256)}.${1 + randomInt(254)}`;
}

export const serviceStrategy: Strategy = {
  prepare(service: any, old: any) {
    const spec = (service.spec ??= {});
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (spec.type !== 'ExternalName') {
      spec.internalTrafficPolicy ??= 'Cluster';
      spec.clusterIP ??= old?.spec?.clusterIP ?? allocateClusterIP();
      spec.clusterIPs ??= [spec.clusterIP];
      if (spec.clusterIP !== 'None') {
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
    }
    for (const port of spec.ports ?? []) {
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
    service.status ??= { loadBalancer: {} };
  },
  validate(service: any, old: any) {
    const spec = service.spec ?? {};
    const causes: StatusCause[] = [];
    const ports: any[] = spec.ports ?? [];
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && ports.length === 0)
      causes.push(required('spec.ports'));
    ports.forEach((port, i) => {
      if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
        causes.push(
          invalidValue(
            `spec.ports[${i}].port`,
            port.port,
            'must be between 1 and 65535, inclusive',
          ),
        );
      }
      if (ports.length > 1 && !port.name) causes.push(required(`spec.ports[${i}].name`));
    });
    if (old?.spec?.clusterIP && old.spec.clusterIP !== spec.clusterIP) {
      causes.push(invalidValue('spec.clusterIPs[0]', spec.clusterIP, 'may not change once set'));
    }
    return causes;
  },
};
