import { CloseCode } from '@inloop/protocol';
import type { ClientSocket, ConnectionHandle } from '../connection.js';
import { closeLine, HEARTBEAT_LINE, messagesLine, OPEN_LINE } from './framing.js';
import type { ResolvedHttpFallbackOptions } from './options.js';
import type { Receiver, ReceiverKind } from './receiver.js';

/**
 * One pusher-js HTTP session (`/pusher/app/:key/:server/:session/...`), seen by the relay core
 * as a {@link ClientSocket} like any websocket.
 *
 * Frames the core sends wait in an outbox until a receive request is open, then leave together
 * in one `a[...]` line. Between receive requests (a poll answered, a stream reopened after
 * pusher-js's buffer limit) nothing is lost; a session with no receive request for
 * `sessionTimeoutMs` is gone and leaves its channels.
 */
export class HttpSession implements ClientSocket {
  connection: ConnectionHandle | undefined;
  #outbox: string[] = [];
  #outboxBytes = 0;
  #openPending = true;
  #closeLine: string | undefined;
  #receiver: Receiver | undefined;
  #flushScheduled = false;
  #gone = false;
  #expiryTimer: NodeJS.Timeout | undefined;
  #receiverTimer: NodeJS.Timeout | undefined;

  constructor(
    /** `key/server/session`, as in the request path. */
    readonly id: string,
    /** The kind of request that opened the session (for logs and metrics). */
    readonly transport: ReceiverKind,
    readonly options: ResolvedHttpFallbackOptions,
    readonly onGone: (session: HttpSession, reason: string) => void,
  ) {
    this.#startExpiry();
  }

  /** True once the session was closed by either side; its id cannot be reused. */
  get closed(): boolean {
    return this.#closeLine !== undefined || this.#gone;
  }

  // ------------------------------------------------------------ ClientSocket (called by the core)

  send(frame: string): void {
    if (this.closed) return;
    this.#outbox.push(frame);
    this.#outboxBytes += frame.length;
    const backlog = this.#outboxBytes + (this.#receiver?.backlogBytes ?? 0);
    if (backlog > this.options.maxBufferedBytes) {
      this.close(
        CloseCode.OverCapacity,
        'the HTTP session has too many undelivered messages; the client reads too slowly',
      );
      return;
    }
    this.#scheduleFlush();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.#closeLine = closeLine(code, reason);
    this.#scheduleFlush();
    this.connection?.handleClose();
  }

  // ------------------------------------------------------------ receive requests

  /** A receive request arrived for this session; it replaces any older one. */
  attach(receiver: Receiver): void {
    if (this.#gone) {
      receiver.end(this.#closeLine ?? closeLine(CloseCode.GenericReconnectImmediately, 'session is gone'));
      return;
    }
    this.#detach()?.end();
    this.#stopExpiry();
    this.#receiver = receiver;
    receiver.onGone(() => this.#receiverGone(receiver));
    if (receiver.kind === 'xhr_streaming') {
      this.#receiverTimer = setInterval(() => this.#deliver(receiver, HEARTBEAT_LINE), this.options.heartbeatMs);
    } else {
      this.#receiverTimer = setTimeout(() => this.#deliver(receiver, HEARTBEAT_LINE), this.options.pollTimeoutMs);
    }
    this.#receiverTimer.unref();
    this.#flush();
  }

  /** Ends the session now: the core's connection leaves its channels, any receive request is answered. */
  expire(code: number, reason: string): void {
    if (this.#gone) return;
    this.#closeLine ??= closeLine(code, reason);
    this.#flush();
    this.#finish(reason);
  }

  // ------------------------------------------------------------ internals

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Frames sent in the same tick (a subscription reply and a cached event) share one line.
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    const receiver = this.#receiver;
    if (!receiver || this.#gone) return;
    if (receiver.ended) {
      this.#receiverGone(receiver);
      return;
    }
    let chunk = '';
    if (this.#openPending) chunk += OPEN_LINE;
    if (this.#outbox.length > 0) chunk += messagesLine(this.#outbox);
    if (this.#closeLine !== undefined) chunk += this.#closeLine;
    if (chunk === '') return;
    this.#openPending = false;
    this.#outbox = [];
    this.#outboxBytes = 0;
    this.#deliver(receiver, chunk);
    if (this.#closeLine !== undefined) this.#finish('closed by the relay');
  }

  /** Writes to the current receiver; a poll answered or a full stream leaves the session waiting for the next one. */
  #deliver(receiver: Receiver, chunk: string): void {
    if (this.#receiver !== receiver) return;
    receiver.deliver(chunk);
    if (receiver.ended) this.#receiverGone(receiver);
  }

  #receiverGone(receiver: Receiver): void {
    if (this.#receiver !== receiver) return;
    this.#detach();
    if (!this.#gone) this.#startExpiry();
  }

  #detach(): Receiver | undefined {
    const receiver = this.#receiver;
    this.#receiver = undefined;
    if (this.#receiverTimer) clearTimeout(this.#receiverTimer);
    this.#receiverTimer = undefined;
    return receiver;
  }

  #finish(reason: string): void {
    this.#gone = true;
    this.#stopExpiry();
    this.#detach()?.end();
    this.connection?.handleClose();
    this.onGone(this, reason);
  }

  #startExpiry(): void {
    this.#stopExpiry();
    this.#expiryTimer = setTimeout(
      () => this.expire(CloseCode.ClosedAfterInactivity, 'HTTP session expired: no receive request'),
      this.options.sessionTimeoutMs,
    );
    this.#expiryTimer.unref();
  }

  #stopExpiry(): void {
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    this.#expiryTimer = undefined;
  }
}
