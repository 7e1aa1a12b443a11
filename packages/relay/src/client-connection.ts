import { type ClientFrame, frames, parseClientFrame } from '@inloop/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Adapter, AdapterSubscriber } from './adapter.js';
import { handleClientEvent } from './client-events.js';
import type { AppConfig } from './config-schema.js';
import type { ClientSocket, ConnectionHandle } from './connection.js';
import { TokenBucket } from './limits/token-bucket.js';
import { handleSignin } from './signin.js';
import { subscribe, unsubscribe } from './subscriptions.js';

/** The channel of a refused `pusher:subscribe` frame: refusals of a subscription go back as subscription errors. */
function refusedSubscriptionChannel(raw: string): string | undefined {
  try {
    const frame = JSON.parse(raw) as { event?: unknown; data?: unknown };
    if (frame?.event !== 'pusher:subscribe') return undefined;
    const data = (typeof frame.data === 'string' ? JSON.parse(frame.data) : frame.data) as { channel?: unknown };
    return typeof data?.channel === 'string' ? data.channel.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

/** What a connection needs from the relay around it. */
export interface ConnectionContext {
  adapter: Adapter;
  logger: FastifyBaseLogger;
  /** Called once when the connection is gone, after it left every channel. */
  onClosed(connection: ClientConnection): void;
}

/** The subscription state of one channel on one connection. */
export interface Subscription {
  /** Presence channels: this connection's user id. */
  userId?: string;
}

/** One client connection speaking Pusher protocol 7, whatever transport carries it. */
export class ClientConnection implements ConnectionHandle, AdapterSubscriber {
  /** Subscribed channels (after the adapter confirmed the join). */
  readonly channels = new Map<string, Subscription>();
  /** Channels whose subscription is being processed. */
  readonly pending = new Set<string>();
  /** The user id after a successful `pusher:signin`. */
  userId: string | undefined;
  readonly clientEvents: TokenBucket;
  lastActivityAt = Date.now();
  /** When the relay pinged and is waiting for any frame back; 0 when not waiting. */
  pingSentAt = 0;
  /** True once the client sent any frame: a silent client is closed with 4202 rather than 4201. */
  hasSpoken = false;
  #closed = false;

  constructor(
    readonly socketId: string,
    readonly app: AppConfig,
    readonly socket: ClientSocket,
    readonly context: ConnectionContext,
  ) {
    this.clientEvents = new TokenBucket(app.limits.maxClientEventsPerSecond);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get logger(): FastifyBaseLogger {
    return this.context.logger;
  }

  send(frame: string): void {
    if (!this.#closed) this.socket.send(frame);
  }

  sendError(message: string, code: number | null = null): void {
    this.send(frames.error(message, code));
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.socket.close(code, reason);
    this.handleClose();
  }

  handleFrame(raw: string): void {
    if (this.#closed) return;
    this.lastActivityAt = Date.now();
    this.pingSentAt = 0;
    this.hasSpoken = true;
    const parsed = parseClientFrame(raw, { maxBytes: this.app.limits.maxFrameBytes });
    if (!parsed.ok) {
      this.logger.debug({ socketId: this.socketId, appId: this.app.id, code: parsed.error.code }, parsed.error.message);
      const channel = refusedSubscriptionChannel(raw);
      if (channel === undefined) this.sendError(parsed.error.message, parsed.error.pusherCode);
      else this.send(frames.subscriptionError(channel, 400, parsed.error.message, 'InvalidChannel'));
      return;
    }
    this.#dispatch(parsed.frame).catch((error: unknown) => {
      this.logger.error({ err: error, socketId: this.socketId, appId: this.app.id }, 'frame handling failed');
      this.sendError('internal error while handling the frame');
    });
  }

  async #dispatch(frame: ClientFrame): Promise<void> {
    switch (frame.event) {
      case 'pusher:ping':
        this.send(frames.pong());
        return;
      case 'pusher:pong':
        return;
      case 'pusher:subscribe':
        return subscribe(this, frame.data);
      case 'pusher:unsubscribe':
        return unsubscribe(this, frame.data.channel);
      case 'pusher:signin':
        return handleSignin(this, frame.data);
      default:
        return handleClientEvent(this, frame);
    }
  }

  handleClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const { adapter } = this.context;
    if (this.userId !== undefined) adapter.removeUser(this.app.id, this.userId, this);
    const leaving = [...this.channels.keys()].map((channel) => unsubscribe(this, channel, true));
    Promise.all(leaving)
      .catch((error: unknown) => {
        this.logger.error({ err: error, socketId: this.socketId, appId: this.app.id }, 'leaving channels failed');
      })
      .finally(() => this.context.onClosed(this));
  }
}
