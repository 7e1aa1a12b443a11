import type { LoggerLike } from '../../src/logger.js';

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  context: object;
  message?: string;
}

/** A logger that keeps what was logged, so a test can assert it and the output stays clean. */
export function captureLogger(): { logger: LoggerLike; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const at =
    (level: CapturedLog['level']) =>
    (context: object, message?: string): void => {
      lines.push({ level, context, message });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}
