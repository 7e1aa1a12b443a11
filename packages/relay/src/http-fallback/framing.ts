/**
 * The SockJS-like framing pusher-js's HTTP transports read (see its `HTTPSocket.onChunk`):
 * one frame per line, the first character says what it is.
 *
 * - `o`            the session is open
 * - `a["…","…"]`   Pusher frames (each one a JSON string, exactly as a websocket would carry it)
 * - `h`            heartbeat
 * - `c[code,"…"]`  the session is closed with a Pusher close code
 *
 * The client sends `["…","…"]` (a JSON array of Pusher frames) to `xhr_send`; `[]` is its heartbeat.
 */

export const OPEN_LINE = 'o\n';
export const HEARTBEAT_LINE = 'h\n';

export function messagesLine(frames: readonly string[]): string {
  return `a${JSON.stringify(frames)}\n`;
}

export function closeLine(code: number, reason: string): string {
  return `c${JSON.stringify([code, reason])}\n`;
}

export type SendBody = { ok: true; frames: string[] } | { ok: false; problem: string };

/** Reads an `xhr_send` body. Never throws: a bad body is a problem to report, not an exception. */
export function parseSendBody(body: string): SendBody {
  if (body.length === 0) return { ok: false, problem: 'the body is empty; send a JSON array of frame strings' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'the body is not valid JSON; send a JSON array of frame strings' };
  }
  if (!Array.isArray(value)) return { ok: false, problem: 'the body must be a JSON array of frame strings' };
  for (let index = 0; index < value.length; index++) {
    if (typeof value[index] !== 'string') {
      return {
        ok: false,
        problem: `element ${index} of the body is not a string; each frame is a JSON-encoded string`,
      };
    }
  }
  return { ok: true, frames: value as string[] };
}
