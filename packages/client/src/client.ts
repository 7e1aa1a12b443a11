import { TASK_EVENT_NAME } from '@inloop/protocol';
import { authorizeChannel } from './auth.js';
import { Channel, type ChannelLink } from './channel.js';
import { Connection, type ConnectionEvents, type ConnectionState } from './connection.js';
import { onGapClosed } from './environment-events.js';
import { type ConnectOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { RealtimeStatus, TaskFeed } from './task-feed.js';
import type { TransportFactory, TransportName } from './transport.js';
import { transportFactories } from './transports/index.js';
import { type TaskChangeCallback, type WatchTaskOptions, watchTaskOn } from './watch-task.js';

export function realtimeStatusOf(state: ConnectionState): RealtimeStatus {
  if (state === 'connected') return 'up';
  if (state === 'initialized' || state === 'connecting') return 'pending';
  return 'down';
}

/** One connection to Pusher Channels or an inloop relay, its channels and task watches. */
export class InloopClient {
  readonly connection: Connection;
  /** @internal The resolved connect() options. */
  readonly options: ResolvedOptions;
  /** @internal What channels use to reach the connection. */
  readonly link: ChannelLink;
  readonly #channels = new Map<string, Channel>();
  /** Channels opened only by watchTask, with their number of watchers. */
  readonly #watchRefs = new Map<string, number>();
  #stopGapListener: (() => void) | undefined;

  constructor(options: ConnectOptions, factories: Record<TransportName, TransportFactory> = transportFactories) {
    const resolved = resolveOptions(options);
    this.options = resolved;
    const connection = new Connection(resolved, factories);
    this.connection = connection;
    this.link = {
      socketId: () => connection.socketId,
      send: (frame) => connection.send(frame),
      authorize: (channel, socketId) => authorizeChannel(resolved, socketId, channel),
      Members: resolved.presence,
    };

    connection.on('connected', () => {
      for (const channel of this.#channels.values()) void channel.subscribe();
    });
    connection.on('state_change', ({ current }) => {
      if (current === 'connected') return;
      for (const channel of this.#channels.values()) channel.disconnected();
    });
    connection.on('message', (frame) => {
      const name = (frame as { channel?: string }).channel;
      if (name) this.#channels.get(name)?.handle(frame);
    });
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  on<K extends keyof ConnectionEvents>(event: K, listener: (...args: ConnectionEvents[K]) => void): () => void {
    return this.connection.on(event, listener);
  }

  connect(): void {
    this.#stopGapListener ??= onGapClosed(this.options.environmentEvents, () => this.connection.check());
    this.connection.connect();
  }

  disconnect(): void {
    this.#stopGapListener?.();
    this.#stopGapListener = undefined;
    this.connection.disconnect();
  }

  /** Subscribes (or returns the existing subscription); renewed after every reconnect. */
  subscribe(name: string): Channel {
    this.#watchRefs.delete(name);
    let channel = this.#channels.get(name);
    if (!channel) {
      channel = new Channel(name, this.link);
      this.#channels.set(name, channel);
      if (this.connection.state === 'connected') void channel.subscribe();
    }
    return channel;
  }

  unsubscribe(name: string): void {
    this.#channels.get(name)?.unsubscribe();
    this.#channels.delete(name);
    this.#watchRefs.delete(name);
  }

  channel(name: string): Channel | undefined {
    return this.#channels.get(name);
  }

  allChannels(): Channel[] {
    return [...this.#channels.values()];
  }

  /** Follows a task; `onChange` gets its view each time it moves forward. Returns a function that stops. */
  watchTask(taskId: string, onChange: TaskChangeCallback, options?: WatchTaskOptions): () => void {
    const { connection } = this;
    const channels = this.#channels;
    const watchRefs = this.#watchRefs;
    /** Subscribing a cache channel again makes the server replay its last event. */
    const refresh = (channel: Channel) => {
      channel.unsubscribe();
      void channel.subscribe();
    };
    const feed: TaskFeed = {
      watchChannel: (name, handlers) => {
        const shared = channels.has(name);
        const refs = watchRefs.get(name);
        const channel = this.subscribe(name);
        if (!shared || refs !== undefined) watchRefs.set(name, (refs ?? 0) + 1);
        const unbindData = channel.bind(TASK_EVENT_NAME, handlers.onData);
        const unbindSubscribed = channel.bind('pusher:subscription_succeeded', () => handlers.onSubscribed());
        // Joining a channel someone already subscribed: its cache replay went to them, so ask again.
        if (shared && channel.subscribed) refresh(channel);
        return () => {
          unbindData();
          unbindSubscribed();
          const left = watchRefs.get(name);
          if (left === undefined) return;
          if (left > 1) watchRefs.set(name, left - 1);
          else this.unsubscribe(name);
        };
      },
      realtime: () => realtimeStatusOf(connection.state),
      onRealtimeChange: (listener) =>
        connection.on('state_change', ({ previous, current }) => {
          const status = realtimeStatusOf(current);
          if (status !== realtimeStatusOf(previous)) listener(status);
        }),
      refresh: (name) => {
        connection.check();
        const channel = channels.get(name);
        if (channel?.subscribed && channel.info.cache) refresh(channel);
      },
    };
    return watchTaskOn(feed, taskId, onChange, this.options, options);
  }
}

/** Creates a client and starts connecting. */
export function connect(options: ConnectOptions): InloopClient {
  const client = new InloopClient(options);
  client.connect();
  return client;
}
