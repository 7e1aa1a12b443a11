import { DEFAULT_TASK_CHANNEL_PREFIX, taskChannel, taskIdSchema } from '@inloop/protocol';
import { ConfigError, InvalidArgumentError } from './errors.js';
import { consoleLogger, type Logger } from './logger.js';
import { createMemoryStore } from './stores/memory-store.js';
import type { TaskStore } from './stores/task-store.js';
import { TaskReporter } from './tasks/reporter.js';
import { createTransport, type TransportFactoryOptions, type TransportInput } from './transports/create-transport.js';
import type { BatchEvent, Transport, TriggerOptions } from './transports/transport.js';
import { URL_EXAMPLES } from './config/examples.js';

export interface NotifierOptions {
  /** Where task snapshots, owners and cancel flags live. Default: an in-process memory store. */
  store?: TaskStore;
  /** Progress events of one task closer than this are merged. Default 250 ms. */
  throttleMs?: number;
  logger?: Logger;
  /** Prefix of task channels. Default `private-cache-task-`. */
  taskChannelPrefix?: string;
  /** Delivery retry policy overrides, and test hooks. */
  retry?: TransportFactoryOptions['retry'];
  retryHooks?: TransportFactoryOptions['retryHooks'];
  importer?: TransportFactoryOptions['importer'];
}

export interface TaskOptions {
  /** The user id allowed to watch this task. */
  owner?: string;
  /** Which attempt of the job this is (1 for the first run). */
  attempt?: number;
}

export interface Notifier {
  readonly transport: Transport;
  /**
   * The transport carrying events now: with a failover list, the one it currently sends on (to point new
   * browsers at the same service); otherwise `transport` itself.
   */
  activeTransport(): Transport;
  readonly store: TaskStore;
  readonly taskChannelPrefix: string;
  trigger(channels: string | string[], event: string, data: unknown, options?: TriggerOptions): Promise<void>;
  triggerBatch(events: BatchEvent[]): Promise<void>;
  /** A reporter for one task's events, on `taskChannel(taskId)`. */
  task(taskId: string, options?: TaskOptions): TaskReporter;
  /** The channel a task's events go on. */
  channelOf(taskId: string): string;
  close(): Promise<void>;
}

export const DEFAULT_THROTTLE_MS = 250;

/**
 * Creates a notifier from a transport URL (`pusher://…`, `ably://…`, `relay://…`, `memory://`, `log://`,
 * `null://`), a config object, a Transport, or several: a list fans out to all, `{ failover: [...] }` uses
 * one at a time. Defaults to `INLOOP_URL`.
 */
export function createNotifier(config?: TransportInput, options: NotifierOptions = {}): Notifier {
  const logger = options.logger ?? consoleLogger;
  const input = config ?? process.env.INLOOP_URL;
  if (input === undefined || input === '') {
    throw new ConfigError([
      `no transport given: pass one to createNotifier() or set INLOOP_URL — e.g. INLOOP_URL=${URL_EXAMPLES.pusher} (or memory:// in development)`,
    ]);
  }
  const throttleMs = options.throttleMs ?? DEFAULT_THROTTLE_MS;
  if (!(throttleMs >= 0) || !Number.isFinite(throttleMs)) {
    throw new ConfigError([`throttleMs must be a number of milliseconds ≥ 0 — e.g. { throttleMs: 250 }`]);
  }
  const transport = createTransport(input, {
    logger,
    retry: options.retry,
    retryHooks: options.retryHooks,
    importer: options.importer,
  });
  const store = options.store ?? createMemoryStore();
  const ownsStore = options.store === undefined;
  const taskChannelPrefix = options.taskChannelPrefix ?? DEFAULT_TASK_CHANNEL_PREFIX;
  const channelOf = (taskId: string) => taskChannel(taskId, { prefix: taskChannelPrefix });

  return {
    transport,
    store,
    taskChannelPrefix,
    activeTransport: () => transport.active?.() ?? transport,
    trigger: (channels, event, data, triggerOptions) => transport.trigger(channels, event, data, triggerOptions),
    triggerBatch: (events) => transport.triggerBatch(events),
    channelOf,
    task(taskId, taskOptions = {}) {
      const id = taskIdSchema.safeParse(taskId);
      if (!id.success) throw new InvalidArgumentError(`task id: ${id.error.issues[0]?.message ?? 'invalid'}`);
      const attempt = taskOptions.attempt ?? 1;
      if (!Number.isInteger(attempt) || attempt < 1) {
        throw new InvalidArgumentError(`task ${taskId}: attempt must be a whole number ≥ 1, e.g. { attempt: 2 }`);
      }
      return new TaskReporter(taskId, {
        transport,
        store,
        logger,
        throttleMs,
        channel: channelOf(taskId),
        attempt,
        owner: taskOptions.owner,
      });
    },
    async close() {
      await transport.close();
      if (ownsStore) await store.close();
    },
  };
}
