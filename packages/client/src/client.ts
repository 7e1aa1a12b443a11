import { type ServerFrame, TASK_EVENT_NAME } from '@inloop/protocol';
import { authorizeChannel } from './auth.js';
import { Channel, type ChannelLink } from './channel.js';
import { Connection, type ConnectionEvents, type ConnectionState } from './connection.js';
import { browserEnvironmentEvents, onGapClosed } from './environment-events.js';
import { type ConnectOptions, type ResolvedOptions, resolveOptions } from './options.js';
import type { RealtimeStatus, TaskFeed } from './task-feed.js';
import type { TransportFactory, TransportName } from './transport.js';
import { transportFactories } from './transports/index.js';
import { type SignedInUser, UserSession } from './user.js';
import { type TaskChangeCallback, type WatchSettings, type WatchTaskOptions, watchTaskOn } from './watch-task.js';

export function realtimeStatusOf(state: ConnectionState): RealtimeStatus {
  if (state === 'connected') return 'up';
  if (state === 'initialized' || state === 'connecting') return 'pending';
  return 'down';
}

/** One connection to Pusher Channels or an inloop relay, its channels and task watches. */
export class InloopClient {
  readonly connection: Connection;
  readonly user: UserSession;
  private readonly options: ResolvedOptions;
  private readonly channels = new Map<string, Channel>();
  /** Channels opened only by watchTask, with their number of watchers. */
  private readonly watchRefs = new Map<string, number>();
  private readonly watchSettings: WatchSettings;
  private stopGapListener: (() => void) | null = null;

  constructor(options: ConnectOptions, factories: Record<TransportName, TransportFactory> = transportFactories) {
    this.options = resolveOptions(options);
    this.connection = new Connection(this.options, factories);
    const link: ChannelLink = {
      socketId: () => this.connection.socketId,
      send: (frame) => this.connection.send(frame),
      authorize: (channel, socketId) => authorizeChannel(this.options, socketId, channel),
    };
    this.link = link;
    this.user = new UserSession(this.options, this.connection, link);
    const environmentEvents =
      options.environmentEvents === undefined ? browserEnvironmentEvents() : options.environmentEvents;
    this.watchSettings = {
      stallAfterMs: this.options.stallAfterMs,
      pollBackoff: this.options.pollBackoff,
      environmentEvents,
    };
    if (this.options.taskChannelPrefix) this.watchSettings.channelPrefix = this.options.taskChannelPrefix;
    if (this.options.statusUrl) {
      this.watchSettings.status = {
        url: this.options.statusUrl,
        headers: this.options.statusHeaders,
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      };
    }

    this.connection.on('connected', () => {
      for (const channel of this.channels.values()) void channel.subscribe();
      void this.user.start();
    });
    this.connection.on('state_change', ({ current }) => {
      if (current === 'connected') return;
      for (const channel of this.channels.values()) channel.disconnected();
      this.user.channel?.disconnected();
    });
    this.connection.on('message', (frame) => this.route(frame));
  }

  private readonly link: ChannelLink;

  get state(): ConnectionState {
    return this.connection.state;
  }

  on<K extends keyof ConnectionEvents>(event: K, listener: (...args: ConnectionEvents[K]) => void): () => void {
    return this.connection.on(event, listener);
  }

  connect(): void {
    this.stopGapListener ??= onGapClosed(this.watchSettings.environmentEvents, () => this.connection.check());
    this.connection.connect();
  }

  disconnect(): void {
    this.stopGapListener?.();
    this.stopGapListener = null;
    this.connection.disconnect();
  }

  /** Subscribes (or returns the existing subscription); renewed after every reconnect. */
  subscribe(name: string): Channel {
    this.watchRefs.delete(name);
    return this.channelFor(name);
  }

  unsubscribe(name: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    this.channels.delete(name);
    this.watchRefs.delete(name);
    channel.unsubscribe();
  }

  channel(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  allChannels(): Channel[] {
    return [...this.channels.values()];
  }

  /** Signs the user in through `userAuthEndpoint`; again after every reconnect. */
  signin(): Promise<SignedInUser> {
    return this.user.signin();
  }

  /** Follows a task; `onChange` gets its view each time it moves forward. Returns a function that stops. */
  watchTask(taskId: string, onChange: TaskChangeCallback, options?: WatchTaskOptions): () => void {
    return watchTaskOn(this.taskFeed(), taskId, onChange, this.watchSettings, options);
  }

  private channelFor(name: string): Channel {
    let channel = this.channels.get(name);
    if (!channel) {
      channel = new Channel(name, this.link);
      this.channels.set(name, channel);
      if (this.connection.state === 'connected') void channel.subscribe();
    }
    return channel;
  }

  private route(frame: ServerFrame): void {
    if (this.user.handle(frame)) return;
    const channel = (frame as { channel?: string }).channel;
    if (channel) this.channels.get(channel)?.handle(frame);
  }

  private taskFeed(): TaskFeed {
    return {
      watchChannel: (name, handlers) => {
        const existing = this.channels.get(name);
        const shared = existing !== undefined;
        if (!existing || this.watchRefs.has(name)) this.watchRefs.set(name, (this.watchRefs.get(name) ?? 0) + 1);
        const channel = this.channelFor(name);
        const unbindData = channel.bind(TASK_EVENT_NAME, (data) => handlers.onData(data));
        const unbindSubscribed = channel.bind('pusher:subscription_succeeded', () => handlers.onSubscribed());
        // Joining a channel someone already subscribed: its cache replay went to them, so ask again.
        if (shared && channel.subscribed) this.refreshChannel(channel);
        return () => {
          unbindData();
          unbindSubscribed();
          const refs = this.watchRefs.get(name);
          if (refs === undefined) return;
          if (refs > 1) this.watchRefs.set(name, refs - 1);
          else this.unsubscribe(name);
        };
      },
      realtime: () => realtimeStatusOf(this.connection.state),
      onRealtimeChange: (listener) =>
        this.connection.on('state_change', ({ previous, current }) => {
          const status = realtimeStatusOf(current);
          if (status !== realtimeStatusOf(previous)) listener(status);
        }),
      refresh: (name) => {
        this.connection.check();
        const channel = this.channels.get(name);
        if (channel?.subscribed && channel.info.cache) this.refreshChannel(channel);
      },
    };
  }

  /** Subscribing a cache channel again makes the server replay its last event. */
  private refreshChannel(channel: Channel): void {
    channel.unsubscribe();
    void channel.subscribe();
  }
}

/** Creates a client and starts connecting. */
export function connect(options: ConnectOptions): InloopClient {
  const client = new InloopClient(options);
  client.connect();
  return client;
}
