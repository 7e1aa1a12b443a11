import { CloseCode, frames, PROTOCOL_VERSION } from '@inloop/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Adapter } from './adapter.js';
import type { ClientConnection, ConnectionContext } from './client-connection.js';
import type { AppConfig, RelayConfig } from './config-schema.js';
import type { Admission, ClientSocket, ConnectionHandle, RelayCore } from './connection.js';
import type { AppRateLimiter } from './limits/app-rate-limiter.js';
import { MeteredConnection } from './metrics/metered-connection.js';
import type { RelayMetrics } from './metrics/relay-metrics.js';
import { createSocketIdGenerator } from './socket-id.js';
import { ChannelEventsAdapter } from './webhooks/channel-events-adapter.js';
import type { ChannelEventSink } from './webhooks/webhook-events.js';

/** Webhooks, limits and metrics: what the relay keeps beside channel state. */
export interface RelayServices {
  channelEvents: ChannelEventSink;
  rateLimiter: AppRateLimiter;
  metrics: RelayMetrics;
}

/** The relay's state: apps, open connections, the adapter, and activity checks. */
export class RelayCoreImpl implements RelayCore {
  readonly connections = new Set<ClientConnection>();
  readonly #appsByKey = new Map<string, AppConfig>();
  readonly #appsById = new Map<string, AppConfig>();
  readonly #nextSocketId = createSocketIdGenerator();
  /** Shared by every connection; connections see the adapter through the webhooks' observer. */
  readonly #connectionContext: ConnectionContext;
  #activityTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(
    readonly config: RelayConfig,
    readonly adapter: Adapter,
    readonly logger: FastifyBaseLogger,
    readonly services: RelayServices,
  ) {
    for (const app of config.apps) {
      this.#appsByKey.set(app.key, app);
      this.#appsById.set(app.id, app);
    }
    this.#connectionContext = {
      adapter: new ChannelEventsAdapter(adapter, services.channelEvents),
      logger,
      onClosed: (closed) => {
        this.connections.delete(closed);
        this.adapter.countConnection(closed.app.id, -1);
      },
    };
  }

  get closing(): boolean {
    return this.#closing;
  }

  appByKey(key: string): AppConfig | undefined {
    return this.#appsByKey.get(key);
  }

  appById(id: string): AppConfig | undefined {
    return this.#appsById.get(id);
  }

  admit(key: string, query: Record<string, unknown>): Admission {
    const app = this.#appsByKey.get(key);
    if (!app)
      return { ok: false, closeCode: CloseCode.AppDoesNotExist, reason: `no app has the key ${key.slice(0, 64)}` };
    const refuse = (closeCode: number, reason: string): Admission => ({ ok: false, closeCode, reason, app });
    if (!app.enabled) return refuse(CloseCode.AppDisabled, 'this app is disabled');
    const protocol = query.protocol;
    if (protocol === undefined || protocol === '') {
      return refuse(CloseCode.NoProtocolVersion, 'no protocol version given: add ?protocol=7');
    }
    if (typeof protocol !== 'string' || !/^\d+$/.test(protocol)) {
      return refuse(CloseCode.InvalidVersionFormat, 'the protocol version must be a number, e.g. ?protocol=7');
    }
    if (Number(protocol) !== PROTOCOL_VERSION) {
      return refuse(CloseCode.UnsupportedProtocolVersion, `protocol ${protocol} is not supported: use 7`);
    }
    if (this.#closing) return refuse(CloseCode.GenericReconnectImmediately, 'the relay is restarting');
    if (this.config.maxConnections > 0 && this.connections.size >= this.config.maxConnections) {
      return refuse(CloseCode.OverCapacity, 'the relay is over capacity, try again later');
    }
    const quota = app.limits.maxConnections;
    if (quota > 0 && this.adapter.connectionCount(app.id) >= quota) {
      return refuse(CloseCode.OverConnectionQuota, `this app is over its quota of ${quota} connections`);
    }
    return { ok: true, app };
  }

  openConnection(app: AppConfig, socket: ClientSocket): ConnectionHandle {
    const connection = new MeteredConnection(
      this.#nextSocketId(),
      app,
      socket,
      this.#connectionContext,
      this.services.metrics.traffic,
    );
    this.connections.add(connection);
    this.adapter.countConnection(app.id, 1);
    connection.send(frames.connectionEstablished(connection.socketId, this.config.activityTimeoutSeconds));
    return connection;
  }

  /** Pings silent clients and closes those that do not answer. */
  startActivityChecks(): void {
    const { activityTimeoutSeconds, pongTimeoutSeconds } = this.config;
    const intervalMs = Math.max(100, (Math.min(activityTimeoutSeconds, pongTimeoutSeconds) * 1000) / 4);
    this.#activityTimer = setInterval(() => this.#checkActivity(), intervalMs);
    this.#activityTimer.unref();
  }

  #checkActivity(): void {
    const now = Date.now();
    const activityMs = this.config.activityTimeoutSeconds * 1000;
    const pongMs = this.config.pongTimeoutSeconds * 1000;
    for (const connection of this.connections) {
      if (connection.pingSentAt > 0) {
        if (now - connection.pingSentAt < pongMs) continue;
        if (connection.hasSpoken) connection.close(CloseCode.PongNotReceived, 'pong not received in time');
        else connection.close(CloseCode.ClosedAfterInactivity, 'closed after inactivity');
      } else if (now - connection.lastActivityAt >= activityMs) {
        connection.pingSentAt = now;
        connection.send(frames.ping());
      }
    }
  }

  /** Stops activity checks and closes every connection with `code` (4200 on shutdown: reconnect now). */
  closeAll(code: number, reason: string): void {
    this.#closing = true;
    clearInterval(this.#activityTimer);
    for (const connection of [...this.connections]) connection.close(code, reason);
  }
}
