import pino from 'pino';
import type { Logger } from '../../domain/ports.js';

/** Field names whose values are never written, wherever they appear in a log line. */
export const REDACTED_FIELDS = [
  'password',
  'adminPassword',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'secret',
  'authorization',
];

/** JSON logs (one line per entry) with secret fields redacted as a second line of defence. */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  const log = pino(
    { level: options.level ?? 'info', base: { app: 'drawbridge' }, redact: { paths, censor: '[redacted]' } },
    options.destination ?? pino.destination(2),
  );
  return {
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message),
  };
}
