// The operator's Informer logs through a pino-style `(fields, message)` call; Backstage's
// LoggerService takes `(message, fields)`. This adapter bridges the two for the methods the
// Informer uses, so the informer code is shared with the operator instead of copied.
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Informer } from '@virtrigaud/kube';

type InformerLogger = ConstructorParameters<typeof Informer>[2]['log'];

export function informerLogger(logger: LoggerService): InformerLogger {
  const bridge = (level: 'error' | 'warn' | 'info' | 'debug') => (fields: object, msg?: string) =>
    logger[level](msg ?? '', toMeta(fields));
  return {
    error: bridge('error'),
    warn: bridge('warn'),
    info: bridge('info'),
    debug: bridge('debug'),
  } as unknown as InformerLogger;
}

function toMeta(fields: object): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
}
