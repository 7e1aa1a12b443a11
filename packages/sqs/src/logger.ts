/** A pino-compatible logger: (context object, message). */
export interface LoggerLike {
  debug(context: object, message?: string): void;
  info(context: object, message?: string): void;
  warn(context: object, message?: string): void;
  error(context: object, message?: string): void;
}

function write(level: string, context: object, message?: string): void {
  process.stderr.write(
    `${JSON.stringify({ level, time: Date.now(), name: 'inloop-sqs', msg: message, ...context })}\n`,
  );
}

/** Used when no logger is given: warnings and errors as JSON lines on stderr, nothing else. */
export const stderrLogger: LoggerLike = {
  debug() {},
  info() {},
  warn: (context, message) => write('warn', context, message),
  error: (context, message) => write('error', context, message),
};

/** Turns an error into log context without leaking anything but its type, code and message. */
export function errorContext(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { err: { type: error.name, message: error.message, code, stack: error.stack } };
  }
  return { err: { value: String(error) } };
}
