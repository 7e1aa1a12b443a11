import { PayloadTooLargeError } from '../errors.js';

/** Event data as the Pusher HTTP API carries it: a string as is, anything else as JSON. */
export function encodeEventData(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data ?? null);
}

export function assertPayloadSize(transport: string, event: string, encoded: string, limit: number): void {
  // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (encoded.length * 3 <= limit) return;
  const size = Buffer.byteLength(encoded, 'utf8');
  if (size > limit) throw new PayloadTooLargeError(transport, size, limit, event);
}
