/**
 * @inloop/server against a real @inloop/relay: events triggered through each server API arrive at an
 * official pusher-js client, and what the server's auth endpoints sign is accepted by the relay for
 * private, presence and cache channels and for user sign-in.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import PusherServer from 'pusher';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TaskEvent } from '@inloop/protocol';
import { createRelay, type Relay } from '@inloop/relay';
import { createNotifier, type Logger, type Notifier } from '@inloop/server';
import { inloopPlugin } from '@inloop/server/fastify';
import { Pusher } from './helpers/pusher-js.js';

const APP = { id: 'app-1', key: 'relay-key', secret: 'relay-secret-7a' };
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let relay: Relay;
let relayPort: number;
let notifier: Notifier;
let web: FastifyInstance;
let authBase: string;

beforeAll(async () => {
  relay = await createRelay({ logger: false, apps: [APP] });
  relayPort = (await relay.listen({ port: 0, host: '127.0.0.1' })).port;
  notifier = createNotifier(`relay://${APP.key}:${APP.secret}@127.0.0.1:${relayPort}/${APP.id}`, {
    logger: quiet,
    retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 },
  });
  web = Fastify({ logger: false });
  await web.register(inloopPlugin, {
    notifier,
    logger: quiet,
    getUser: (request) => {
      const id = request.headers['x-user'];
      return typeof id === 'string' ? { id, info: { name: `${id} the tester` } } : null;
    },
    canAccessChannel: (_user, channel) => channel === 'presence-lobby',
  });
  await web.listen({ port: 0, host: '127.0.0.1' });
  authBase = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await web?.close();
  await notifier?.close();
  await relay?.close();
});

const clients: Pusher[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

/** Asks the app's real auth endpoint, as the browser SDKs do, and hands the answer to pusher-js. */
function viaEndpoint(
  path: string,
  user: string,
  fields: Record<string, string>,
  callback: (error: Error | null, data: never) => void,
) {
  fetch(`${authBase}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-user': user },
    body: new URLSearchParams(fields).toString(),
  }).then(
    async (answer) => {
      if (answer.status !== 200) return callback(new Error(`auth answered ${answer.status}`), null as never);
      callback(null, (await answer.json()) as never);
    },
    (error: Error) => callback(error, null as never),
  );
}

function connect(user: string): Pusher {
  const client = new Pusher(APP.key, {
    cluster: 'unused',
    wsHost: '127.0.0.1',
    wsPort: relayPort,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/inloop/auth',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) =>
        viaEndpoint('/inloop/auth', user, { socket_id: socketId, channel_name: channelName }, callback),
    },
    userAuthentication: {
      endpoint: '/inloop/user-auth',
      transport: 'ajax',
      customHandler: ({ socketId }, callback) =>
        viaEndpoint('/inloop/user-auth', user, { socket_id: socketId }, callback),
    },
  });
  clients.push(client);
  return client;
}

function subscribed(client: Pusher, channelName: string) {
  const channel = client.subscribe(channelName);
  return new Promise<typeof channel>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve(channel));
    channel.bind('pusher:subscription_error', (error: { error?: unknown }) =>
      reject(new Error(`subscription refused: ${String(error?.error)}`)),
    );
  });
}

function collect(channel: ReturnType<Pusher['subscribe']>, event: string) {
  const received: unknown[] = [];
  channel.bind(event, (data: unknown) => received.push(data));
  return received;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('@inloop/server with a real relay', () => {
  it("delivers a task reporter's events, in order, to the owner's pusher-js client", async () => {
    const task = notifier.task('relay-job-1', { owner: 'alice' });
    await task.queued();
    const channel = await subscribed(connect('alice'), task.channel);
    const events = collect(channel, 'inloop:task') as TaskEvent[];
    await task.start();
    task.progress({ done: 1, total: 2, message: 'halfway' });
    await task.flush();
    await task.succeed({ url: '/files/1' });
    await until(() => events.some((event) => event.state === 'succeeded'));
    // The cache channel may replay `queued` to the new subscriber first.
    const after = events.filter((event) => event.seq > 1);
    expect(after.map((event) => [event.seq, event.state])).toEqual([
      [2, 'running'],
      [3, 'running'],
      [4, 'succeeded'],
    ]);
    expect(after[1]!.progress).toMatchObject({ done: 1, total: 2, percent: 50, message: 'halfway' });
  });

  it('gives a late subscriber the last event of a task at once (cache channel)', async () => {
    const task = notifier.task('relay-job-2', { owner: 'alice' });
    await task.start();
    task.progress({ done: 9, total: 10 });
    await task.flush();
    const client = connect('alice');
    const channel = client.subscribe(task.channel);
    const events = collect(channel, 'inloop:task') as TaskEvent[];
    await until(() => events.length > 0);
    expect(events[0]).toMatchObject({ task: 'relay-job-2', seq: 2, progress: { done: 9, percent: 90 } });
  });

  it('delivers trigger() to several channels and triggerBatch() events', async () => {
    const client = connect('bob');
    const first = collect(client.subscribe('news'), 'headline');
    const second = collect(client.subscribe('sport'), 'headline');
    await until(() => client.channel('news')?.subscribed === true && client.channel('sport')?.subscribed === true);
    await notifier.trigger(['news', 'sport'], 'headline', { text: 'hello' });
    await notifier.triggerBatch(
      Array.from({ length: 12 }, (_, i) => ({ channel: i % 2 ? 'news' : 'sport', name: 'headline', data: { i } })),
    );
    await until(() => first.length === 7 && second.length === 7);
    expect(first[0]).toEqual({ text: 'hello' });
    expect(first.slice(1)).toEqual([1, 3, 5, 7, 9, 11].map((i) => ({ i })));
    expect(second.slice(1)).toEqual([0, 2, 4, 6, 8, 10].map((i) => ({ i })));
  });

  it("refuses another user's task channel with a 403", async () => {
    const task = notifier.task('relay-job-3', { owner: 'alice' });
    await task.queued();
    await expect(subscribed(connect('mallory'), task.channel)).rejects.toThrow(/auth answered 403/);
  });

  it('signs presence membership the relay accepts, with the user id and info', async () => {
    const channel = (await subscribed(connect('carol'), 'presence-lobby')) as unknown as {
      members: { me: { id: string; info: unknown }; count: number };
    };
    expect(channel.members.me).toEqual({ id: 'carol', info: { name: 'carol the tester' } });
    expect(channel.members.count).toBe(1);
  });

  it('signs a user in, so server-to-user messages reach them', async () => {
    const client = connect('dave');
    const received: unknown[] = [];
    client.user.bind('note', (data: unknown) => received.push(data));
    client.signin();
    const official = new PusherServer({
      appId: APP.id,
      key: APP.key,
      secret: APP.secret,
      host: '127.0.0.1',
      port: String(relayPort),
      useTLS: false,
    });
    // Sent again until the sign-in has gone through: sending before it is not an error, just not delivered.
    while (received.length === 0) {
      await official.sendToUser('dave', 'note', { hello: 'dave' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(received[0]).toEqual({ hello: 'dave' });
  });
});
