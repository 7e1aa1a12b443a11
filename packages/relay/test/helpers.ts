import PusherServer from 'pusher';
import WebSocket from 'ws';
import { Pusher } from '../../../test/helpers/pusher-js.js';
import { createRelay, type Relay, type RelayOptions } from '../src/index.js';

export const APP = { id: 'app-1', key: 'key-1', secret: 'secret-1' } as const;

export interface RunningRelay {
  relay: Relay;
  port: number;
  /** The official `pusher` server library pointed at the relay. */
  server: PusherServer;
  close(): Promise<void>;
}

export async function startRelay(overrides: Partial<RelayOptions> = {}): Promise<RunningRelay> {
  const relay = await createRelay({
    logger: false,
    apps: [{ ...APP, enableClientMessages: true }],
    ...overrides,
  });
  const { port } = await relay.listen({ port: 0, host: '127.0.0.1' });
  const app = relay.config.apps[0]!;
  const server = new PusherServer({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
  });
  return { relay, port, server, close: () => relay.close() };
}

export interface ClientOptions {
  /** Presence data for presence channels: what the auth endpoint would sign. */
  presence?: PusherServer.PresenceChannelData;
  user?: { id: string; [key: string]: unknown };
  /** Make the channel authorizer refuse with this error. */
  refuseAuth?: boolean;
}

const openClients = new Set<Pusher>();

/** An official pusher-js client on the relay, with channel and user auth signed by the official `pusher` library. */
export function pusherClient(running: RunningRelay, options: ClientOptions = {}): Pusher {
  const { server } = running;
  const client = new Pusher(running.relay.config.apps[0]!.key, {
    cluster: 'x',
    wsHost: '127.0.0.1',
    wsPort: running.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        if (options.refuseAuth) return callback(new Error('refused by test'), null);
        const presence = channelName.startsWith('presence-') ? options.presence : undefined;
        callback(null, server.authorizeChannel(socketId, channelName, presence) as never);
      },
    },
    userAuthentication: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId }, callback) => {
        if (!options.user) return callback(new Error('no user in this test'), null);
        callback(null, server.authenticateUser(socketId, options.user) as never);
      },
    },
  });
  openClients.add(client);
  return client;
}

export function disconnectAll(): void {
  for (const client of openClients) client.disconnect();
  openClients.clear();
}

export function waitForState(client: Pusher, state: string): Promise<void> {
  if (client.connection.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const listener = ({ current }: { current: string }) => {
      if (current === state) {
        client.connection.unbind('state_change', listener);
        resolve();
      }
    };
    client.connection.bind('state_change', listener);
  });
}

/** Resolves with the data of the next `event` on `channel` of `client`. */
export function nextEvent<T = unknown>(client: Pusher, channel: string, event: string): Promise<T> {
  return new Promise((resolve) => {
    const subscription = client.channel(channel) ?? client.subscribe(channel);
    const listener = (data: T) => {
      subscription.unbind(event, listener);
      resolve(data);
    };
    subscription.bind(event, listener);
  });
}

export async function subscribed(client: Pusher, channel: string) {
  const subscription = client.subscribe(channel);
  if (subscription.subscribed) return subscription;
  await new Promise<void>((resolve, reject) => {
    subscription.bind('pusher:subscription_succeeded', () => resolve());
    subscription.bind('pusher:subscription_error', (error: unknown) =>
      reject(new Error(`subscription error ${JSON.stringify(error)}`)),
    );
  });
  return subscription;
}

/** A raw websocket client that records every frame it receives. */
export class RawClient {
  readonly frames: Array<{ event: string; channel?: string; data?: unknown }> = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  #waiters: Array<() => void> = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (typeof frame.data === 'string') {
        try {
          frame.data = JSON.parse(frame.data);
        } catch {}
      }
      this.frames.push(frame);
      this.#notify();
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      this.#notify();
    });
    this.ws.on('error', () => {});
  }

  static forRelay(port: number, path = `/app/${APP.key}?protocol=7&client=test&version=1`): RawClient {
    return new RawClient(`ws://127.0.0.1:${port}${path}`);
  }

  #notify() {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Waits until a frame matches; returns it. */
  async frame(match: (frame: RawClient['frames'][number]) => boolean) {
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (this.closeCode !== undefined) throw new Error(`socket closed with ${this.closeCode} before the frame came`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  event(event: string) {
    return this.frame((frame) => frame.event === event);
  }

  async socketId(): Promise<string> {
    const frame = await this.event('pusher:connection_established');
    return (frame.data as { socket_id: string }).socket_id;
  }

  async closed(): Promise<number> {
    while (this.closeCode === undefined) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.closeCode;
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close() {
    this.ws.close();
  }
}
