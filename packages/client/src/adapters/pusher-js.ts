import { TASK_EVENT_NAME } from '@inloop/protocol';
import type { RealtimeStatus, TaskFeed } from '../task-feed.js';
import { type AdapterOptions, type TaskWatcher, taskWatcherOver } from './adapter-options.js';

type Callback = (data: unknown) => void;

/** The parts of a pusher-js instance the adapter uses (pusher-js is not a dependency). */
export interface PusherJsLike {
  subscribe(name: string): PusherJsChannelLike;
  unsubscribe(name: string): void;
  channel(name: string): PusherJsChannelLike | undefined;
  connection: {
    state: string;
    bind(event: string, callback: (change: { previous: string; current: string }) => void): void;
    unbind(event: string, callback: (change: { previous: string; current: string }) => void): void;
  };
}

export interface PusherJsChannelLike {
  subscribed: boolean;
  bind(event: string, callback: Callback): unknown;
  unbind(event: string, callback: Callback): unknown;
}

function statusOf(state: string): RealtimeStatus {
  if (state === 'connected') return 'up';
  if (state === 'unavailable' || state === 'failed' || state === 'disconnected') return 'down';
  return 'pending';
}

/** watchTask() over an app's existing pusher-js connection (to Pusher or to the relay). */
export function fromPusherJs(pusher: PusherJsLike, options?: AdapterOptions): TaskWatcher {
  const feed: TaskFeed = {
    watchChannel(name, handlers) {
      const ownsSubscription = !pusher.channel(name);
      const channel = pusher.subscribe(name);
      const onData: Callback = (data) => handlers.onData(data);
      const onSubscribed: Callback = () => handlers.onSubscribed();
      channel.bind(TASK_EVENT_NAME, onData);
      channel.bind('pusher:subscription_succeeded', onSubscribed);
      if (channel.subscribed) queueMicrotask(() => handlers.onSubscribed());
      return () => {
        channel.unbind(TASK_EVENT_NAME, onData);
        channel.unbind('pusher:subscription_succeeded', onSubscribed);
        if (ownsSubscription) pusher.unsubscribe(name);
      };
    },
    realtime: () => statusOf(pusher.connection.state),
    onRealtimeChange(listener) {
      const onChange = ({ previous, current }: { previous: string; current: string }) => {
        if (statusOf(previous) !== statusOf(current)) listener(statusOf(current));
      };
      pusher.connection.bind('state_change', onChange);
      return () => pusher.connection.unbind('state_change', onChange);
    },
    // pusher-js drops a channel's bindings on unsubscribe, so the catch-up relies on the status endpoint.
    refresh() {},
  };
  return taskWatcherOver(feed, options);
}
