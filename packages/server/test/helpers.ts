import type { TaskEvent } from '@inloop/protocol';
import type { Logger, MemoryTransport } from '@inloop/server';

export interface RecordedLog {
  level: string;
  obj: object;
  msg?: string;
}

/** A logger that keeps what it is given, to assert on (and to check no secret is logged). */
export function recordingLogger(): Logger & { records: RecordedLog[] } {
  const records: RecordedLog[] = [];
  const at = (level: string) => (obj: object, msg?: string) => records.push({ level, obj, msg });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Collects the task events a memory transport carries. */
export function collectTaskEvents(transport: MemoryTransport, channel = '*'): TaskEvent[] {
  const events: TaskEvent[] = [];
  transport.subscribe(channel, (message) => {
    if (message.event === 'inloop:task') events.push(message.data as TaskEvent);
  });
  return events;
}

/** Waits until `condition` holds, checking on each turn of the event loop; the timeout is only a safety net. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
