// JSON logs (pino) with level control. Every line passes the secret scrubber before it is
// written, and fields that conventionally hold secrets are censored by path as well.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/runtime-config';
import type { Scrub } from './secret-scrubber';

const SECRET_PATHS = ['password', 'token', 'secret', 'credentials', 'authorization', 'userData'];

export interface LoggerOptions {
  level: LogLevel;
  scrub: Scrub;
  base?: Record<string, unknown>;
  /** Defaults to stdout. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: options.base ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: SECRET_PATHS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
        censor: '[REDACTED]',
      },
      hooks: { streamWrite: options.scrub },
    },
    options.destination ?? pino.destination(1),
  );
}
