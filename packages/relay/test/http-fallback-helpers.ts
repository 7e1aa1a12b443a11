import type PusherServer from 'pusher';
import { Pusher } from '../../../test/helpers/pusher-js.js';
import { APP } from './helpers.js';

export type FallbackTransport = 'xhr_streaming' | 'xhr_polling';

const openClients = new Set<Pusher>();

export interface FallbackClientOptions {
  /** Where the HTTP fallback listens (the relay's port unless a test mounts it elsewhere). */
  httpPort: number;
  /** Signs private and presence subscriptions, as an app's auth endpoint would. */
  server: PusherServer;
  presence?: PusherServer.PresenceChannelData;
  key?: string;
}

/** An official pusher-js client that may only use one HTTP fallback transport. */
export function fallbackClient(transport: FallbackTransport, options: FallbackClientOptions): Pusher {
  const client = new Pusher(options.key ?? APP.key, {
    cluster: 'x',
    wsHost: '127.0.0.1',
    wsPort: options.httpPort,
    httpHost: '127.0.0.1',
    httpPort: options.httpPort,
    forceTLS: false,
    disableStats: true,
    enabledTransports: [transport],
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        const presence = channelName.startsWith('presence-') ? options.presence : undefined;
        callback(null, options.server.authorizeChannel(socketId, channelName, presence) as never);
      },
    },
  });
  openClients.add(client);
  return client;
}

export function disconnectFallbackClients(): void {
  for (const client of openClients) client.disconnect();
  openClients.clear();
}

/** The name of the transport pusher-js connected with (`ws`, `xhr_streaming`, `xhr_polling`). */
export function transportInUse(client: Pusher): string | undefined {
  const manager = client.connection as unknown as { connection?: { transport?: { name?: string } } };
  return manager.connection?.transport?.name;
}

export interface SessionLine {
  type: 'o' | 'a' | 'h' | 'c';
  payload: unknown;
}

/** A Pusher frame with its `data` decoded when it holds JSON, as pusher-js does. */
function decodeFrame(text: string): { event: string; channel?: string; data?: unknown } {
  const frame = JSON.parse(text);
  if (typeof frame.data === 'string') {
    try {
      frame.data = JSON.parse(frame.data);
    } catch {}
  }
  return frame;
}

/** Splits a receive response into its SockJS-like lines, Pusher frames decoded. */
export function parseLines(text: string): SessionLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const type = line[0] as SessionLine['type'];
      const rest = line.slice(1);
      if (type === 'a') return { type, payload: (JSON.parse(rest) as string[]).map(decodeFrame) };
      return { type, payload: rest === '' ? undefined : JSON.parse(rest) };
    });
}

/** The payload of line `index`; fails the test when there is no such line. */
export function payloadAt<T>(lines: SessionLine[], index: number): T {
  const line = lines[index];
  if (!line) throw new Error(`expected a line at ${index}, got ${JSON.stringify(lines)}`);
  return line.payload as T;
}

/** A hand-driven long-poll session, to send what pusher-js never would. */
export class RawPollSession {
  readonly base: string;

  constructor(
    port: number,
    key: string = APP.key,
    session = `${Math.floor(Math.random() * 1000)}/${Math.random().toString(36).slice(2, 10)}`,
  ) {
    this.base = `http://127.0.0.1:${port}/pusher/app/${key}/${session}`;
  }

  /** One `/xhr` receive request; resolves with its lines. */
  async poll(): Promise<SessionLine[]> {
    const response = await fetch(`${this.base}/xhr?protocol=7&client=test&version=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    return parseLines(await response.text());
  }

  /** Polls until a frame matches; returns it. */
  async frame(match: (frame: { event: string; data?: unknown }) => boolean) {
    for (;;) {
      for (const line of await this.poll()) {
        if (line.type === 'c') throw new Error(`session closed: ${JSON.stringify(line.payload)}`);
        if (line.type !== 'a') continue;
        const found = (line.payload as Array<{ event: string; data?: unknown }>).find(match);
        if (found) return found;
      }
    }
  }

  /** Opens an `xhr_streaming` receive request; resolves once the relay holds it (headers arrived). */
  async stream(): Promise<{ text(): Promise<SessionLine[]> }> {
    const response = await fetch(`${this.base}/xhr_streaming?protocol=7&client=test&version=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    return { text: async () => parseLines(await response.text()) };
  }

  send(body: string): Promise<Response> {
    return fetch(`${this.base}/xhr_send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  }
}
