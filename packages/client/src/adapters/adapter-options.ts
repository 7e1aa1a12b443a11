import type { TaskFeed } from '../task-feed.js';
import { type TaskChangeCallback, type WatchTaskOptions, watchTaskOn } from '../watch-task.js';
import { resolveWatchSettings, type WatchOptions } from '../watch-settings.js';

/** The watch options of connect(): `statusEndpoint`, `stallAfterMs`, `pollBackoff`, `taskChannelPrefix`… */
export type AdapterOptions = WatchOptions;

export interface TaskWatcher {
  watchTask(taskId: string, onChange: TaskChangeCallback, options?: WatchTaskOptions): () => void;
}

/** watchTask() over any feed, with the same defaults and checks as connect(). */
export function taskWatcherOver(feed: TaskFeed, options: AdapterOptions = {}): TaskWatcher {
  const settings = resolveWatchSettings(options);
  return {
    watchTask: (taskId, onChange, watchOptions) => watchTaskOn(feed, taskId, onChange, settings, watchOptions),
  };
}
