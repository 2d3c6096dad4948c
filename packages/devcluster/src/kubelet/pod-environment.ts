// A container's environment and arguments as the kubelet computes them: env values,
// valueFrom (Secret, ConfigMap, pod fields), envFrom, `$(VAR)` expansion, and the rewriting of
// listen addresses to the pod's own address and the ports it really listens on.
import type { StoredObject } from '../api/types';
import type { PodAddress } from './pod-network';

/* eslint-disable @typescript-eslint/no-explicit-any -- container specs are arbitrary user JSON */

export type Lookup = (
  kind: 'secrets' | 'configmaps',
  namespace: string,
  name: string,
) => StoredObject | undefined;

export class MissingReference extends Error {}

function keyOf(
  lookup: Lookup,
  kind: 'secrets' | 'configmaps',
  namespace: string,
  ref: { name: string; key: string; optional?: boolean },
): string | undefined {
  const object = lookup(kind, namespace, ref.name) as any;
  const raw = object?.data?.[ref.key];
  if (raw === undefined) {
    if (ref.optional) return undefined;
    const what = kind === 'secrets' ? 'secret' : 'configmap';
    throw new MissingReference(
      object
        ? `couldn't find key ${ref.key} in ${what} ${namespace}/${ref.name}`
        : `${what} "${ref.name}" not found`,
    );
  }
  return kind === 'secrets' ? Buffer.from(String(raw), 'base64').toString('utf8') : String(raw);
}

function fieldOf(pod: StoredObject, fieldPath: string, address: PodAddress): string {
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': (pod as any).spec?.nodeName,
    'spec.serviceAccountName': (pod as any).spec?.serviceAccountName ?? 'default',
    'status.podIP': address.podIP,
    'status.hostIP': address.hostIP,
  };
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (label) return (pod.metadata as any)[label[1]]?.[label[2]] ?? '';
  return fields[fieldPath] ?? '';
}

/** `$(NAME)` references to earlier variables expand; `$$(NAME)` escapes, as in Kubernetes. */
export function expand(value: string, variables: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g,
    (match, name: string | undefined) => {
      if (match === '$$') return '$';
      return name !== undefined && name in variables ? variables[name] : match;
    },
  );
}

/**
 * Rewrites `:9090`, `0.0.0.0:9090`, `[::]:9090`, `127.0.0.1:9090` or `localhost:9090` (alone or
 * after `=`) of a declared port to `<podIP>:<its port>`: pods share the machine, so a program
 * must listen on its pod's address only.
 */
export function rewriteListenAddress(value: string, address: PodAddress): string {
  return value.replace(
    /(^|=)(0\.0\.0\.0|\[::\]|127\.0\.0\.1|localhost)?:(\d+)$/,
    (match, prefix: string, _host, port: string) => {
      const allocated = address.ports.get(Number(port));
      return allocated === undefined ? match : `${prefix}${address.podIP}:${allocated}`;
    },
  );
}

export function containerEnvironment(
  pod: StoredObject,
  container: any,
  lookup: Lookup,
  address: PodAddress,
): Record<string, string> {
  const namespace = pod.metadata.namespace!;
  const variables: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const kind = source.secretRef ? 'secrets' : 'configmaps';
    const ref = source.secretRef ?? source.configMapRef;
    const object = lookup(kind, namespace, ref?.name) as any;
    if (!object) {
      if (ref?.optional) continue;
      throw new MissingReference(
        `${kind === 'secrets' ? 'secret' : 'configmap'} "${ref?.name}" not found`,
      );
    }
    for (const [key, raw] of Object.entries<string>(object.data ?? {})) {
      variables[`${source.prefix ?? ''}${key}`] =
        kind === 'secrets' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    }
  }
  for (const env of container.env ?? []) {
    let value: string | undefined;
    if (env.valueFrom?.secretKeyRef)
      value = keyOf(lookup, 'secrets', namespace, env.valueFrom.secretKeyRef);
    else if (env.valueFrom?.configMapKeyRef)
      value = keyOf(lookup, 'configmaps', namespace, env.valueFrom.configMapKeyRef);
    else if (env.valueFrom?.fieldRef)
      value = fieldOf(pod, env.valueFrom.fieldRef.fieldPath, address);
    else value = expand(String(env.value ?? ''), variables);
    if (value !== undefined) variables[env.name] = rewriteListenAddress(value, address);
  }
  return variables;
}

export function containerArguments(
  argv: string[],
  variables: Record<string, string>,
  address: PodAddress,
): string[] {
  return argv.map((arg) => rewriteListenAddress(expand(arg, variables), address));
}
