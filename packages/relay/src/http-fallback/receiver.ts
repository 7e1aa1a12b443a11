import type { ServerResponse } from 'node:http';

export type ReceiverKind = 'xhr_streaming' | 'xhr_polling';

/**
 * pusher-js drops a stream whose text passed 256 KiB (its `MAX_BUFFER_LENGTH`, counted in UTF-16
 * units like `responseText.length`) and reopens it on the same session. Anything written after the
 * client made that decision would be lost, so a stream is ended as soon as it passes the limit:
 * the client reads everything, reopens, and the session's outbox fills the next stream.
 */
export const STREAM_TEXT_LIMIT = 256 * 1024;

/**
 * One open receive request of a session: `xhr_streaming` keeps its response open and writes
 * line after line; `xhr_polling` (`/xhr`) answers once and ends.
 */
export class Receiver {
  #ended = false;
  #writtenText = 0;

  constructor(
    readonly kind: ReceiverKind,
    readonly response: ServerResponse,
    headers: Record<string, string>,
  ) {
    response.writeHead(200, headers);
    // Streaming clients need the headers now to see the response start; a poll answers later.
    if (kind === 'xhr_streaming') response.flushHeaders();
  }

  get ended(): boolean {
    return this.#ended || this.response.destroyed || this.response.writableEnded;
  }

  /** Bytes written but not yet taken by the client's TCP window. */
  get backlogBytes(): number {
    return this.response.writableLength;
  }

  /** Delivers `chunk`. A poll ends with it; a stream stays open until it passes {@link STREAM_TEXT_LIMIT}. */
  deliver(chunk: string): void {
    if (this.ended) return;
    if (this.kind === 'xhr_streaming') this.#writtenText += chunk.length;
    if (this.kind === 'xhr_polling' || this.#writtenText > STREAM_TEXT_LIMIT) this.end(chunk);
    else this.response.write(chunk);
  }

  end(chunk?: string): void {
    if (this.ended) return;
    this.#ended = true;
    this.response.end(chunk);
  }

  /** Calls `listener` once the client went away or the response was ended. */
  onGone(listener: () => void): void {
    this.response.once('close', listener);
  }
}
