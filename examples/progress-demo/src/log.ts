/** Structured JSON lines on stdout (info) and stderr (warn, error), tagged with the part of the demo. */
export interface DemoLogger {
  debug(context: object, message?: string): void;
  info(context: object, message?: string): void;
  warn(context: object, message?: string): void;
  error(context: object, message?: string): void;
}

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof levels;

function plain(context: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    out[key] = value instanceof Error ? { type: value.name, message: value.message, code: codeOf(value) } : value;
  }
  return out;
}

const codeOf = (error: Error) => (error as { code?: unknown }).code;

export function createLogger(
  part: string,
  minimum: Level = (process.env.DEMO_LOG_LEVEL as Level) ?? 'info',
): DemoLogger {
  const floor = levels[minimum] ?? levels.info;
  const at = (level: Level) => (context: object, message?: string) => {
    if (levels[level] < floor) return;
    const line = `${JSON.stringify({ level, part, msg: message, ...plain(context) })}\n`;
    (levels[level] >= levels.warn ? process.stderr : process.stdout).write(line);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
