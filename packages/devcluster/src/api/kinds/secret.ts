// Secrets: `stringData` is write-only convenience merged into base64 `data`.
import type { Strategy } from '../resource-type';
import { invalidValue } from '../validation';
import { isPlainObject, type KubeObject } from '../types';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const KEY = /^[-._a-zA-Z0-9]+$/;

/** Secret and ConfigMap keys follow the same rule. */
function keyErrors(key: string) {
  return KEY.test(key)
    ? []
    : [
        invalidValue(
          `data[${key}]`,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        ),
      ];
}

export const secretStrategy: Strategy = {
  prepare(secret: KubeObject) {
    secret.type ??= 'Opaque';
    if (isPlainObject(secret.stringData)) {
      const data = isPlainObject(secret.data) ? secret.data : {};
      for (const [key, value] of Object.entries(secret.stringData)) {
        data[key] = Buffer.from(String(value), 'utf8').toString('base64');
      }
      secret.data = data;
    }
    delete secret.stringData;
  },
  validate(secret: KubeObject) {
    const data = isPlainObject(secret.data) ? secret.data : {};
    return Object.entries(data).flatMap(([key, value]) => [
      ...keyErrors(key),
      ...(typeof value === 'string' && value.length % 4 === 0 && BASE64.test(value)
        ? []
        : [invalidValue(`data[${key}]`, '<secret contents redacted>', 'must be base64 encoded')]),
    ]);
  },
};

export const configMapStrategy: Strategy = {
  validate(configMap: KubeObject) {
    const data = isPlainObject(configMap.data) ? configMap.data : {};
    return Object.entries(data).flatMap(([key, value]) => [
      ...keyErrors(key),
      ...(typeof value === 'string'
        ? []
        : [invalidValue(`data[${key}]`, value, 'must be a string')]),
    ]);
  },
};
