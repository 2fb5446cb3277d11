import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** One logger for the process: JSON lines, or pretty output when stdout is a terminal. */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  return pino({
    level,
    base: { service: 'coordinator' },
    redact: { paths: ['req.headers.authorization', 'password', 'refreshToken'], censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } } : {}),
  });
}
