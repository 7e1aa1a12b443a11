import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { RelayError, RelayErrorCode } from '../errors.js';
import type { AdapterHooks } from '../metrics/adapter-hooks.js';
import type { RedisAdapterConfig } from './adapter-config.js';
import {
  type ClusterCommands,
  createCommandConnection,
  createSubscriberConnection,
  loadScripts,
} from './redis-connection.js';

const FAILURE_WARNING_INTERVAL_MS = 10_000;

/**
 * A node's two Redis connections (commands, bus) and their health: while Redis is unreachable
 * every call fails fast and the adapter answers from this node's state (`fallback`); every
 * failure marks the node for a resync, which `onReconnect` and the heartbeat carry out.
 */
export class RedisLink {
  readonly commands: ClusterCommands;
  readonly subscriber: Redis;
  hooks: AdapterHooks | undefined;
  /** A Redis write failed or was lost: this node's share must be written again. */
  needsResync = false;
  #connectedOnce = false;
  #degraded = false;
  #closed = false;
  readonly #lastWarnAt = new Map<string, number>();

  constructor(
    readonly config: RedisAdapterConfig,
    readonly nodeId: string,
    private readonly logger: FastifyBaseLogger,
  ) {
    const name = `inloop-relay:${config.prefix}:${nodeId}`;
    this.commands = createCommandConnection(config, name);
    this.subscriber = createSubscriberConnection(config, `${name}:sub`);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Usable now (connected and not closing). */
  get ready(): boolean {
    return !this.#closed && !this.#degraded && this.commands.status === 'ready';
  }

  /** Connects both, subscribes to `bus`, loads the scripts. Throws INLOOP_REDIS_UNAVAILABLE. */
  async connect(bus: string, onReconnect: () => Promise<void>): Promise<void> {
    this.#watch(onReconnect);
    try {
      await Promise.all([this.commands.connect(), this.subscriber.connect()]);
      await this.subscriber.subscribe(bus);
      await loadScripts(this.commands);
    } catch (error) {
      this.commands.disconnect();
      this.subscriber.disconnect();
      throw new RelayError(
        RelayErrorCode.RedisUnavailable,
        `cannot use Redis at ${redactedUrl(this.config.url)}: ${(error as Error).message}`,
      );
    }
    this.#connectedOnce = true;
  }

  /** A failed Redis call: the node keeps going on its own state and resyncs later. */
  failed(operation: string, error: unknown): void {
    if (this.#closed) return;
    this.needsResync = true;
    // One warning per operation and interval: a publish fails for every event while Redis is slow.
    const now = Date.now();
    const quiet = this.#degraded || now - (this.#lastWarnAt.get(operation) ?? 0) < FAILURE_WARNING_INTERVAL_MS;
    if (!quiet) this.#lastWarnAt.set(operation, now);
    const level = quiet ? 'debug' : 'warn';
    this.logger[level](
      { err: error, operation, node: this.nodeId },
      `Redis ${operation} failed; using this node's state`,
    );
  }

  /** The answer of `shared`, or of `local` when Redis cannot give one. */
  async fallback<T>(operation: string, shared: Promise<T>, local: () => T): Promise<T> {
    try {
      return await this.timed(operation, shared);
    } catch (error) {
      this.failed(operation, error);
      return local();
    }
  }

  /** Reports the round-trip of `work` to the metrics. */
  async timed<T>(operation: string, work: Promise<T>): Promise<T> {
    if (!this.hooks) return work;
    const started = performance.now();
    const result = await work;
    this.hooks.roundTrip(operation, (performance.now() - started) / 1000);
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  #watch(onReconnect: () => Promise<void>): void {
    this.commands.on('error', (error: Error) => this.logger.debug({ err: error }, 'Redis connection error'));
    this.subscriber.on('error', (error: Error) => this.logger.debug({ err: error }, 'Redis subscriber error'));
    this.commands.on('close', () => {
      if (!this.#connectedOnce || this.#closed || this.#degraded) return;
      this.#degraded = true;
      this.logger.warn(
        { node: this.nodeId },
        'lost the connection to Redis: serving this node only until it is back (other nodes miss its events)',
      );
    });
    this.commands.on('ready', () => {
      if (!this.#connectedOnce || this.#closed) return;
      this.#degraded = false;
      this.logger.info({ node: this.nodeId }, 'Redis connection is back; resynchronising this node');
      // Issued before the resync's script call, on the same connection: a restarted Redis knows the scripts again.
      loadScripts(this.commands).catch((error: unknown) => this.failed('loadScripts', error));
      onReconnect().catch((error: unknown) => this.failed('resync', error));
    });
  }
}

function redactedUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
