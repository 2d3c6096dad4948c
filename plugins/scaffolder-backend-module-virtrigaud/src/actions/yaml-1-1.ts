import { stringify } from 'yaml';

/**
 * YAML for consumers that read YAML 1.1 (kubectl, Argo CD and Flux through go-yaml; cloud-init
 * through PyYAML): strings such as `On`, `Off`, `yes` or `no` are quoted so they stay strings
 * instead of turning into booleans.
 */
export function toYaml11(value: unknown): string {
  return stringify(value, { version: '1.1' });
}
