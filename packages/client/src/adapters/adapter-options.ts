import type { BackoffOptions } from '../backoff.js';
import { browserEnvironmentEvents } from '../environment-events.js';
import type { EnvironmentEvents, HeadersSource } from '../options.js';
import type { TaskFeed } from '../task-feed.js';
import type { FetchLike } from '../transport.js';
import { type TaskChangeCallback, type WatchSettings, type WatchTaskOptions, watchTaskOn } from '../watch-task.js';

export interface AdapterOptions {
  statusEndpoint?: string | ((taskId: string) => string);
  statusHeaders?: HeadersSource;
  fetch?: FetchLike;
  stallAfterMs?: number;
  pollBackoff?: BackoffOptions;
  taskChannelPrefix?: string;
  environmentEvents?: EnvironmentEvents | null;
}

export interface TaskWatcher {
  watchTask(taskId: string, onChange: TaskChangeCallback, options?: WatchTaskOptions): () => void;
}

function statusUrlOf(endpoint: AdapterOptions['statusEndpoint']): ((taskId: string) => string) | undefined {
  if (typeof endpoint === 'function') return endpoint;
  if (typeof endpoint === 'string') return (taskId) => endpoint.split('{id}').join(encodeURIComponent(taskId));
  return undefined;
}

/** watchTask() over any feed, with the same defaults as connect(). */
export function taskWatcherOver(feed: TaskFeed, options: AdapterOptions = {}): TaskWatcher {
  const settings: WatchSettings = {
    stallAfterMs: options.stallAfterMs ?? 30_000,
    pollBackoff: { initialMs: 2_000, maxMs: 60_000, multiplier: 1.5, ...options.pollBackoff },
    environmentEvents: options.environmentEvents === undefined ? browserEnvironmentEvents() : options.environmentEvents,
  };
  if (options.taskChannelPrefix) settings.channelPrefix = options.taskChannelPrefix;
  const url = statusUrlOf(options.statusEndpoint);
  if (url) {
    const headers = options.statusHeaders;
    settings.status = {
      url,
      headers: typeof headers === 'function' ? headers : () => headers ?? {},
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
  }
  return {
    watchTask: (taskId, onChange, watchOptions) => watchTaskOn(feed, taskId, onChange, settings, watchOptions),
  };
}
