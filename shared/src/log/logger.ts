import winston from 'winston';

/**
 * Fields an operator follows an address by, from pool to router. Every log line about a decision
 * carries the ones that apply, under these names and no others.
 */
export interface LogFields {
  service?: string;
  pool?: string;
  ip?: string;
  node?: string;
  peer?: string;
  prefix?: string;
  reason?: string;
  [extra: string]: unknown;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  component: string;
  level?: LogLevel;
  /** Where lines go; stdout unless a test captures them. */
  stream?: NodeJS.WritableStream;
}

/** One JSON object a line: `{"level","ts","component","msg",...fields}`. */
export function createLogger(options: LoggerOptions): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const base = winston.createLogger({
    level: options.level ?? 'info',
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    defaultMeta: { component: options.component },
    format: winston.format.combine(
      winston.format.timestamp({ alias: 'ts' }),
      winston.format((info) => {
        delete info.timestamp;
        return info;
      })(),
      winston.format.json(),
    ),
    transports: [transport],
  });
  return wrap(base);
}

function wrap(w: winston.Logger): Logger {
  return {
    error: (message, fields) => void w.error(message, fields),
    warn: (message, fields) => void w.warn(message, fields),
    info: (message, fields) => void w.info(message, fields),
    debug: (message, fields) => void w.debug(message, fields),
    child: (fields) => wrap(w.child(fields)),
  };
}

export function parseLogLevel(text: string): LogLevel | undefined {
  return (LOG_LEVELS as readonly string[]).includes(text) ? (text as LogLevel) : undefined;
}
