import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyTaskEvent, TASK_EVENT_NAME, type TaskEvent, type TaskSnapshot, taskChannel } from '@inloop/protocol';
import { createRelay, type Relay, type RelayOptions } from '@inloop/relay';
import PusherServer from 'pusher';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Channel, type ConnectOptions, InloopClient } from '../src/index.js';
import type { WebSocketConstructor } from '../src/transport.js';
import { PresenceMembers } from '../src/presence.js';

export const APP = { id: 'app-1', key: 'key-1', secret: 'secret-1' } as const;

export interface RunningRelay {
  relay: Relay;
  port: number;
  close(): Promise<void>;
}

/** A real relay on 127.0.0.1; `port` 0 picks a free one, a given port restarts on the same one. */
export async function startRelay(port = 0, options: Partial<RelayOptions> = {}): Promise<RunningRelay> {
  const relay = await createRelay({ logger: false, apps: [{ ...APP, enableClientMessages: true }], ...options });
  const address = await relay.listen({ port, host: '127.0.0.1' });
  return { relay, port: address.port, close: () => relay.close() };
}

/** The official `pusher` server library pointed at the relay. */
export function pusherServer(port: number): PusherServer {
  return new PusherServer({
    appId: APP.id,
    key: APP.key,
    secret: APP.secret,
    host: '127.0.0.1',
    port: String(port),
    useTLS: false,
  });
}

export interface AppServer {
  url: string;
  /** Latest snapshot of each task, as `GET /tasks/:id` serves it. */
  snapshots: Map<string, TaskSnapshot>;
  statusRequests: number;
  /** Channels the auth endpoint refuses (403). */
  refuse: Set<string>;
  close(): Promise<void>;
}

function readBody(request: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

/**
 * What an application backend gives the browser: channel auth and user auth signed by the official
 * `pusher` library, and a task status endpoint. Answers CORS so a browser page may call it.
 */
export async function startAppServer(signer: () => PusherServer): Promise<AppServer> {
  const app: AppServer = {
    url: '',
    snapshots: new Map(),
    statusRequests: 0,
    refuse: new Set(),
    close: async () => {},
  };
  const server: Server = createServer(async (request, response) => {
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('access-control-allow-headers', 'content-type');
    if (request.method === 'OPTIONS') return void response.end();
    const url = new URL(request.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'POST' && url.pathname === '/auth') {
      const form = new URLSearchParams(await readBody(request));
      const channel = form.get('channel_name') ?? '';
      if (app.refuse.has(channel)) return json(403, { error: 'forbidden' });
      const presence = channel.startsWith('presence-')
        ? { user_id: `user-${form.get('socket_id')}`, user_info: { name: 'tester' } }
        : undefined;
      return json(200, signer().authorizeChannel(form.get('socket_id') ?? '', channel, presence));
    }
    if (request.method === 'POST' && url.pathname === '/user-auth') {
      const form = new URLSearchParams(await readBody(request));
      return json(200, signer().authenticateUser(form.get('socket_id') ?? '', { id: 'user-7', name: 'Seven' }));
    }
    const task = /^\/tasks\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && task) {
      app.statusRequests++;
      const snapshot = app.snapshots.get(decodeURIComponent(task[1]!));
      return snapshot ? json(200, snapshot) : json(404, { error: 'unknown task' });
    }
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return app;
}

/** Builds a task event with defaults. */
export function taskEvent(task: string, seq: number, patch: Partial<TaskEvent> = {}): TaskEvent {
  return { v: 1, task, seq, at: 1_700_000_000_000 + seq, state: 'running', attempt: 1, ...patch };
}

/** Publishes a task event the way @inloop/server does, and records it for the status endpoint. */
export async function publishTask(server: PusherServer, app: AppServer | null, event: TaskEvent): Promise<void> {
  if (app) app.snapshots.set(event.task, applyTaskEvent(app.snapshots.get(event.task), event));
  await server.trigger(taskChannel(event.task), TASK_EVENT_NAME, event);
}

const clients = new Set<InloopClient>();

/** Our client on the relay, with the `ws` package as WebSocket (Node 20 has no global one). */
export function relayClient(port: number, app: AppServer | null, options: Partial<ConnectOptions> = {}): InloopClient {
  const client = new InloopClient({
    key: APP.key,
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    environmentEvents: null,
    backoff: { initialMs: 100, maxMs: 1_000 },
    presence: PresenceMembers,
    ...(app
      ? {
          authEndpoint: `${app.url}/auth`,
          userAuthEndpoint: `${app.url}/user-auth`,
          statusEndpoint: `${app.url}/tasks/{id}`,
        }
      : {}),
    ...options,
  });
  clients.add(client);
  client.connect();
  return client;
}

export function disconnectClients(): void {
  for (const client of clients) client.disconnect();
  clients.clear();
}

/** Resolves with the first value `take` returns that is not undefined, from events as they arrive. */
export function nextEvent<T>(
  subscribe: (listener: (...args: never[]) => void) => () => void,
  take: (...args: never[]) => T | undefined,
): Promise<T> {
  return new Promise((resolve) => {
    const stop = subscribe(((...args: never[]) => {
      const value = take(...args);
      if (value !== undefined) {
        stop();
        resolve(value);
      }
    }) as never);
  });
}

export const WAIT = { timeout: 20_000, interval: 20 } as const;

/** A relay, the official `pusher` library pointed at it, and the app's auth/status server. */
export interface RelayEnvironment {
  running: RunningRelay;
  server: PusherServer;
  app: AppServer;
}

/** Starts a RelayEnvironment before a file's tests and stops it after them; clients are disconnected after each test. */
export function useRelayEnvironment(): RelayEnvironment {
  const env = {} as RelayEnvironment;
  beforeAll(async () => {
    env.running = await startRelay();
    env.server = pusherServer(env.running.port);
    env.app = await startAppServer(() => env.server);
  });
  afterEach(() => disconnectClients());
  afterAll(async () => {
    await env.app?.close();
    await env.running?.close();
  });
  return env;
}

/** Collects what a channel receives of one event. */
export function received(channel: Channel, event: string): unknown[] {
  const list: unknown[] = [];
  channel.bind(event, (data) => list.push(data));
  return list;
}
