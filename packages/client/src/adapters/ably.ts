import { TASK_EVENT_NAME } from '@inloop/protocol';
import type { RealtimeStatus, TaskFeed } from '../task-feed.js';
import { type AdapterOptions, type TaskWatcher, taskWatcherOver } from './adapter-options.js';

interface AblyMessageLike {
  name?: string;
  data?: unknown;
}

type AttachListener = (change: { current?: string; resumed?: boolean }) => void;

/** The parts of an ably-js Realtime instance the adapter uses (ably is not a dependency). */
export interface AblyRealtimeLike {
  channels: { get(name: string, options?: { params?: Record<string, string> }): AblyChannelLike };
  connection: {
    state: string;
    on(listener: (change: { previous: string; current: string }) => void): void;
    off(listener: (change: { previous: string; current: string }) => void): void;
  };
}

export interface AblyChannelLike {
  state?: string;
  subscribe(event: string, listener: (message: AblyMessageLike) => void): unknown;
  unsubscribe(event: string, listener: (message: AblyMessageLike) => void): void;
  on(event: string, listener: AttachListener): void;
  off(event: string, listener: AttachListener): void;
}

function statusOf(state: string): RealtimeStatus {
  if (state === 'connected') return 'up';
  if (state === 'suspended' || state === 'failed' || state === 'closed') return 'down';
  return 'pending';
}

/**
 * watchTask() over an app's existing ably-js Realtime connection. The task channel is opened with
 * `rewind=1`, so every (re)attach that lost continuity delivers the task's last event.
 */
export function fromAbly(realtime: AblyRealtimeLike, options?: AdapterOptions): TaskWatcher {
  const feed: TaskFeed = {
    watchChannel(name, handlers) {
      const channel = realtime.channels.get(name, { params: { rewind: '1' } });
      const onMessage = (message: AblyMessageLike) => handlers.onData(message.data);
      const onAttached: AttachListener = (change) => {
        if (!change?.resumed) handlers.onSubscribed();
      };
      channel.on('attached', onAttached);
      const subscribed = channel.subscribe(TASK_EVENT_NAME, onMessage);
      if (subscribed instanceof Promise) subscribed.catch(() => {});
      if (channel.state === 'attached') queueMicrotask(() => handlers.onSubscribed());
      return () => {
        channel.unsubscribe(TASK_EVENT_NAME, onMessage);
        channel.off('attached', onAttached);
      };
    },
    realtime: () => statusOf(realtime.connection.state),
    onRealtimeChange(listener) {
      const onChange = ({ previous, current }: { previous: string; current: string }) => {
        if (statusOf(previous) !== statusOf(current)) listener(statusOf(current));
      };
      realtime.connection.on(onChange);
      return () => realtime.connection.off(onChange);
    },
    refresh() {},
  };
  return taskWatcherOver(feed, options);
}
