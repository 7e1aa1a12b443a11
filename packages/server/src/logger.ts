/** The subset of a pino logger inloop writes to; pino, or anything with the same methods, fits. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Warnings and errors to stderr as JSON lines; debug and info dropped. Used when the app gives no logger. */
export const consoleLogger: Logger = {
  debug() {},
  info() {},
  warn(obj, msg) {
    console.error(JSON.stringify({ level: 'warn', msg, ...serializable(obj) }));
  },
  error(obj, msg) {
    console.error(JSON.stringify({ level: 'error', msg, ...serializable(obj) }));
  },
};

function serializable(obj: object): object {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, code: codeOf(value) } : value;
  }
  return out;
}

function codeOf(error: Error): unknown {
  return (error as { code?: unknown }).code;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
