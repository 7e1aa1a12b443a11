import { ProtocolError, ProtocolErrorCode, PusherErrorCode } from './errors.js';

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; error: ProtocolError };

export interface ParseOptions {
  /** Largest accepted frame in bytes (UTF-8); default 10 KiB for client frames, no limit for server frames. */
  maxBytes?: number;
}

/** Pusher's limit on a message: 10 KiB. */
export const DEFAULT_MAX_FRAME_BYTES = 10 * 1024;

export type Failure = { ok: false; error: ProtocolError };

export function malformed(message: string): Failure {
  return { ok: false, error: new ProtocolError(ProtocolErrorCode.FrameMalformed, message, PusherErrorCode.Malformed) };
}

export function unknownEvent(event: string): Failure {
  const shown = JSON.stringify(event.slice(0, 64));
  return {
    ok: false,
    error: new ProtocolError(
      ProtocolErrorCode.FrameUnknownEvent,
      `unknown event ${shown}: only pusher: events of protocol 7 and client- events are accepted`,
      PusherErrorCode.Malformed,
    ),
  };
}

export function tooLarge(maxBytes: number): Failure {
  return {
    ok: false,
    error: new ProtocolError(
      ProtocolErrorCode.FrameTooLarge,
      `frame is larger than the limit of ${maxBytes} bytes; send less data per event`,
      PusherErrorCode.TooLarge,
    ),
  };
}

const utf8 = new TextEncoder();

/** True when the UTF-8 encoding of `text` is longer than `maxBytes`. */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: only strings near the limit need an exact count.
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return utf8.encode(text).length > maxBytes;
}

export function decodeJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `data` of a system event may arrive as an object or as a JSON string holding one. */
export function dataObject(data: unknown): Record<string, unknown> | null {
  if (isRecord(data)) return data;
  if (typeof data === 'string') {
    const decoded = decodeJson(data);
    if (decoded.ok && isRecord(decoded.value)) return decoded.value;
  }
  return null;
}

export function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}
