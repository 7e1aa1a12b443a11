import { CloseCode } from '@inloop/protocol';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { RelayCoreImpl } from './relay-core.js';

export interface CloseOptions {
  /**
   * `true`: stop accepting, close every connection with 4200 (clients reconnect, to another
   * node behind the balancer), wait for them to leave their channels, run the shutdown hooks
   * (flush webhooks), then leave the cluster — all within `timeoutMs`. Default `false`: the
   * same steps without waiting (tests, embedded use).
   */
  graceful?: boolean;
  /** Graceful only: the longest the waiting may take; default the config's shutdownTimeoutMs. */
  timeoutMs?: number;
}

/** Pending work to finish before the relay goes (e.g. deliver queued webhooks); stop when `signal` aborts. */
export type ShutdownHook = (signal: AbortSignal) => Promise<void> | void;

/** Hooks a graceful shutdown runs after the clients are gone, side by side, bounded by the deadline. */
export class ShutdownHooks {
  readonly #hooks = new Map<string, ShutdownHook>();

  /** Registers `hook` under `name` (one per name); returns a function that removes it. */
  add(name: string, hook: ShutdownHook): () => void {
    this.#hooks.set(name, hook);
    return () => this.#hooks.delete(name);
  }

  async run(signal: AbortSignal, logger: FastifyBaseLogger): Promise<void> {
    const runs = [...this.#hooks].map(async ([name, hook]) => {
      try {
        await hook(signal);
      } catch (error) {
        logger.error({ err: error, hook: name }, 'shutdown hook failed');
      }
    });
    await untilAborted(Promise.all(runs), signal);
  }
}

export interface ClosableRelay {
  core: RelayCoreImpl;
  fastify: FastifyInstance;
  hooks: ShutdownHooks;
  /** Ends every websocket at once. */
  terminateWebsockets(): void;
  /** The last steps once clients are gone (close webhooks, leave the cluster). */
  release(): Promise<void>;
}

const SHUTDOWN_REASON = 'the relay is shutting down, reconnect';
const LEAVE_WAIT_MS = 2000;

export async function closeRelay(relay: ClosableRelay, options: CloseOptions, defaultTimeoutMs: number): Promise<void> {
  const { core, fastify, hooks } = relay;
  if (!options.graceful) {
    core.closeAll(CloseCode.GenericReconnectImmediately, SHUTDOWN_REASON);
    relay.terminateWebsockets();
    await fastify.close();
    // Leaving channels may wait for the adapter (Redis): let the member_removed frames go out first.
    await connectionsGone(core, AbortSignal.timeout(LEAVE_WAIT_MS));
    await relay.release();
    return;
  }
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const started = Date.now();
  const open = core.connections.size;
  fastify.log.info({ connections: open, timeoutMs }, 'graceful shutdown: closing connections with 4200');
  core.closeAll(CloseCode.GenericReconnectImmediately, SHUTDOWN_REASON);
  // Stops listening at once; resolves when every HTTP request and websocket has ended.
  const httpClosed = fastify.close();
  await untilAborted(Promise.all([httpClosed, connectionsGone(core, deadline)]), deadline);
  if (deadline.aborted) {
    fastify.log.warn({ left: core.connections.size }, 'graceful shutdown: time is up, dropping the remaining clients');
  }
  relay.terminateWebsockets();
  await httpClosed;
  await hooks.run(deadline, fastify.log);
  await relay.release();
  fastify.log.info({ connections: open, ms: Date.now() - started }, 'graceful shutdown done');
}

/** Resolves once every connection left its channels (or the deadline passed). */
async function connectionsGone(core: RelayCoreImpl, deadline: AbortSignal): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  while (core.connections.size > 0 && !deadline.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
