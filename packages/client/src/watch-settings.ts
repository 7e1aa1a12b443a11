import type { BackoffOptions } from './backoff.js';
import { browserEnvironmentEvents } from './environment-events.js';
import { invalidOption } from './errors.js';
import type { EnvironmentEvents, HeadersSource } from './options.js';
import type { FetchLike } from './transport.js';

/** The connect() options watchTask uses; the pusher-js and ably-js adapters take the same. */
export interface WatchOptions {
  /** Where to read a task's snapshot: a URL with `{id}` (e.g. `/tasks/{id}`) or a function. */
  statusEndpoint?: string | ((taskId: string) => string);
  statusHeaders?: HeadersSource;
  /** Injected fetch. Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** A running task with no event for this long is `stalled`, in ms. Default 30 000. */
  stallAfterMs?: number;
  /** Status-endpoint polling while no realtime transport works. Default initial 2 000 ms, cap 60 000 ms. */
  pollBackoff?: BackoffOptions;
  /** Channel prefix of task channels. Default `private-cache-task-`. */
  taskChannelPrefix?: string;
  /** Source of `visibilitychange`/`online`/`offline` events. Default `window`/`document` when present. */
  environmentEvents?: EnvironmentEvents | null;
}

export interface WatchSettings {
  stallAfterMs: number;
  pollBackoff: BackoffOptions;
  taskChannelPrefix?: string | undefined;
  environmentEvents: EnvironmentEvents | null;
  /** The status endpoint's URL of a task; none without `statusEndpoint`. */
  statusUrl?: ((taskId: string) => string) | undefined;
  statusHeaders: () => Record<string, string>;
  fetch?: FetchLike | undefined;
}

export const headersOf = (source: HeadersSource = {}) => (typeof source === 'function' ? source : () => source);

/** A positive, finite number of milliseconds, or the default when unset. */
export function positiveMs(options: object, name: string, fallback: number): number {
  const value = (options as Record<string, unknown>)[name] ?? fallback;
  if (!(typeof value === 'number' && value > 0 && value < Infinity)) {
    invalidOption(`\`${name}\` must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

function statusUrlOf(endpoint: WatchOptions['statusEndpoint']): WatchSettings['statusUrl'] {
  if (typeof endpoint === 'string') {
    if (!endpoint.includes('{id}')) invalidOption('`statusEndpoint` must contain `{id}`, e.g. "/tasks/{id}"');
    return (taskId) => endpoint.split('{id}').join(encodeURIComponent(taskId));
  }
  if (typeof endpoint === 'function' || endpoint === undefined) return endpoint;
  invalidOption('`statusEndpoint` must be a string with `{id}` or a function of the task id');
}

/** Validates the watch options and fills in their defaults. */
export function resolveWatchSettings(options: WatchOptions): WatchSettings {
  const { environmentEvents } = options;
  return {
    stallAfterMs: positiveMs(options, 'stallAfterMs', 30_000),
    pollBackoff: { initialMs: 2_000, maxMs: 60_000, multiplier: 1.5, ...options.pollBackoff },
    taskChannelPrefix: options.taskChannelPrefix,
    environmentEvents: environmentEvents === undefined ? browserEnvironmentEvents() : environmentEvents,
    statusUrl: statusUrlOf(options.statusEndpoint),
    statusHeaders: headersOf(options.statusHeaders),
    fetch: options.fetch,
  };
}
