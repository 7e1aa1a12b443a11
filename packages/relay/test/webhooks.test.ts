import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import PusherServer from 'pusher';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterHooks, LocalAdapter } from '../src/index.js';
import {
  APP,
  disconnectAll,
  nextEvent,
  pusherClient,
  type RunningRelay,
  startRelay,
  subscribed,
  waitForState,
} from './helpers.js';

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

interface WebhookEventBody {
  name: string;
  channel: string;
  [field: string]: unknown;
}

type Respond = (request: ReceivedRequest, index: number) => number | Promise<number>;

/** A real HTTP server receiving the relay's webhooks; `respond` picks each answer's status. */
async function startReceiver(respond: Respond = () => 200) {
  const requests: ReceivedRequest[] = [];
  let waiters: Array<() => void> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const received = { headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      for (const waiter of waiters.splice(0)) waiter();
      const status = await respond(received, requests.length - 1);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    /** Every event of every request, in arrival order. */
    events(): WebhookEventBody[] {
      return requests.flatMap((request) => (JSON.parse(request.rawBody) as { events: WebhookEventBody[] }).events);
    },
    async until(condition: () => boolean): Promise<void> {
      while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close(): Promise<void> {
      waiters = [];
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  receivers.push(receiver);
  return receiver;
}

const receivers: Array<{ close(): Promise<void> }> = [];
const relays: RunningRelay[] = [];

async function relayWithWebhooks(webhooks: unknown[], overrides: Record<string, unknown> = {}) {
  const running = await startRelay({
    apps: [{ ...APP, enableClientMessages: true, webhooks } as never],
    webhookDelivery: { batchMilliseconds: 10, retryDelayMilliseconds: 10, ...overrides },
  });
  relays.push(running);
  return running;
}

afterEach(async () => {
  disconnectAll();
  for (const running of relays.splice(0)) await running.close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

function hasEvent(events: WebhookEventBody[], name: string, channel: string): boolean {
  return events.some((event) => event.name === name && event.channel === channel);
}

describe('webhooks', () => {
  it('sends channel, member, client and cache events, signed so that the official pusher library accepts them', async () => {
    const receiver = await startReceiver();
    const running = await relayWithWebhooks([{ url: receiver.url }]);
    const alice = pusherClient(running, { presence: { user_id: 'alice', user_info: { name: 'Alice' } } });
    const bob = pusherClient(running, { presence: { user_id: 'bob' } });
    const aliceRoom = await subscribed(alice, 'presence-room');
    await subscribed(bob, 'presence-room');
    const typing = nextEvent(bob, 'presence-room', 'client-typing');
    aliceRoom.trigger('client-typing', { text: 'hi' });
    await typing;
    await subscribed(alice, 'cache-scores');
    bob.disconnect();
    await receiver.until(() => hasEvent(receiver.events(), 'member_removed', 'presence-room'));
    alice.disconnect();
    await receiver.until(() => hasEvent(receiver.events(), 'channel_vacated', 'presence-room'));

    // Webhook validation needs no host or cluster (pusher's types require one: only its REST calls use it).
    const pusher = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret } as PusherServer.Options);
    for (const request of receiver.requests) {
      expect(request.headers['x-pusher-key']).toBe(APP.key);
      expect(pusher.webhook(request).isValid()).toBe(true);
      expect(pusher.webhook(request).getTime().getTime()).toBeGreaterThan(0);
    }
    const events = receiver.events();
    const room = events.filter((event) => event.channel === 'presence-room');
    expect(room.map((event) => event.name)).toEqual([
      'channel_occupied',
      'member_added',
      'member_added',
      'client_event',
      'member_removed',
      'member_removed',
      'channel_vacated',
    ]);
    expect(room[1]).toEqual({ name: 'member_added', channel: 'presence-room', user_id: 'alice' });
    expect(room[3]).toMatchObject({
      name: 'client_event',
      event: 'client-typing',
      data: JSON.stringify({ text: 'hi' }),
      user_id: 'alice',
    });
    expect(room[3]?.socket_id).toBe(alice.connection.socket_id);
    expect(room[4]).toEqual({ name: 'member_removed', channel: 'presence-room', user_id: 'bob' });
    expect(events).toContainEqual({ name: 'cache_miss', channel: 'cache-scores' });
  });

  it('a tampered body or a wrong secret fails the official validation', async () => {
    const receiver = await startReceiver();
    const running = await relayWithWebhooks([{ url: receiver.url }]);
    await subscribed(pusherClient(running), 'news');
    await receiver.until(() => receiver.requests.length > 0);
    const request = receiver.requests[0] as ReceivedRequest;
    // Webhook validation needs no host or cluster (pusher's types require one: only its REST calls use it).
    const pusher = new PusherServer({ appId: APP.id, key: APP.key, secret: APP.secret } as PusherServer.Options);
    const other = new PusherServer({ appId: APP.id, key: APP.key, secret: 'another-secret' } as PusherServer.Options);
    expect(pusher.webhook(request).isValid()).toBe(true);
    expect(other.webhook(request).isValid()).toBe(false);
    expect(pusher.webhook({ ...request, rawBody: request.rawBody.replace('news', 'nevs') }).isValid()).toBe(false);
  });

  it('sends each receiver only the events it asked for, several events per request', async () => {
    const occupancy = await startReceiver();
    const members = await startReceiver();
    const running = await relayWithWebhooks(
      [
        { url: occupancy.url, events: ['channel_occupied', 'channel_vacated'] },
        { url: members.url, events: ['member_added'] },
      ],
      { batchMilliseconds: 60_000 },
    );
    const client = pusherClient(running, { presence: { user_id: 'u1' } });
    await subscribed(client, 'presence-a');
    await subscribed(client, 'orders');
    await running.relay.webhooks.flush();
    expect(occupancy.requests).toHaveLength(1);
    expect(occupancy.events()).toEqual([
      { name: 'channel_occupied', channel: 'presence-a' },
      { name: 'channel_occupied', channel: 'orders' },
    ]);
    expect(members.events()).toEqual([{ name: 'member_added', channel: 'presence-a', user_id: 'u1' }]);
  });

  it('retries a failed request with backoff until the receiver accepts it', async () => {
    const receiver = await startReceiver((_request, index) => (index < 2 ? 503 : 200));
    const running = await relayWithWebhooks([{ url: receiver.url }]);
    await subscribed(pusherClient(running), 'retry-me');
    await receiver.until(() => receiver.requests.length === 3);
    await running.relay.webhooks.flush();
    const bodies = receiver.requests.map((request) => request.rawBody);
    expect(new Set(bodies).size).toBe(1);
    expect(receiver.events()[0]).toEqual({ name: 'channel_occupied', channel: 'retry-me' });
  });

  it('gives up after the configured attempts, and does not retry a 4xx refusal', async () => {
    const failing = await startReceiver(() => 500);
    const refusing = await startReceiver(() => 400);
    const running = await relayWithWebhooks([{ url: failing.url }, { url: refusing.url }], { maxAttempts: 3 });
    await subscribed(pusherClient(running), 'doomed');
    await failing.until(() => failing.requests.length > 0);
    await running.relay.webhooks.flush();
    expect(failing.requests).toHaveLength(3);
    expect(refusing.requests).toHaveLength(1);
  });

  it('a receiver that does not answer never slows message delivery; its events go out once it answers', async () => {
    let release = () => {};
    const released = new Promise<number>((resolve) => {
      release = () => resolve(200);
    });
    const receiver = await startReceiver(() => released);
    const running = await relayWithWebhooks([{ url: receiver.url }], { timeoutMilliseconds: 60_000 });
    const listener = pusherClient(running);
    await subscribed(listener, 'busy');
    await receiver.until(() => receiver.requests.length === 1);

    // The only request so far is held open by the receiver, while events and more webhooks flow.
    const received: number[] = [];
    const allReceived = new Promise<void>((resolve) => {
      listener.channel('busy').bind('tick', (data: { n: number }) => {
        received.push(data.n);
        if (received.length === 20) resolve();
      });
    });
    const others = [0, 1, 2].map(() => pusherClient(running));
    await Promise.all(others.map((client, n) => subscribed(client, `side-${n}`)));
    for (let n = 0; n < 20; n++) await running.server.trigger('busy', 'tick', { n });
    await allReceived;
    expect(received).toEqual([...Array(20).keys()]);
    expect(receiver.requests).toHaveLength(1);

    release();
    await running.relay.webhooks.flush();
    const events = receiver.events();
    for (const n of [0, 1, 2]) expect(hasEvent(events, 'channel_occupied', `side-${n}`)).toBe(true);
  });

  it('flush() sends queued events at once, without waiting for the batch window', async () => {
    const receiver = await startReceiver();
    const running = await relayWithWebhooks([{ url: receiver.url }], { batchMilliseconds: 60_000 });
    const client = pusherClient(running);
    await subscribed(client, 'flushed');
    expect(receiver.requests).toHaveLength(0);
    await running.relay.webhooks.flush();
    expect(receiver.events()).toEqual([{ name: 'channel_occupied', channel: 'flushed' }]);
  });

  it('an adapter reports events only it can see (e.g. the members of a dead node) through its hooks', async () => {
    class ClusterAdapter extends LocalAdapter {
      hooks: AdapterHooks | undefined;
      attachHooks(hooks: AdapterHooks) {
        this.hooks = hooks;
      }
    }
    const adapter = new ClusterAdapter();
    const receiver = await startReceiver();
    const running = await startRelay({
      adapter,
      apps: [{ ...APP, webhooks: [{ url: receiver.url, events: ['member_removed'] }] }],
      webhookDelivery: { batchMilliseconds: 10 },
    });
    relays.push(running);
    expect(adapter.hooks?.channelEvents.wants(APP.id, 'member_removed')).toBe(true);
    expect(adapter.hooks?.channelEvents.wants(APP.id, 'channel_occupied')).toBe(false);
    adapter.hooks?.channelEvents.emit(APP.id, { name: 'member_removed', channel: 'presence-x', user_id: 'gone' });
    await running.relay.webhooks.flush();
    expect(receiver.events()).toEqual([{ name: 'member_removed', channel: 'presence-x', user_id: 'gone' }]);
  });

  it('refuses a webhook URL that is not http(s) with a clear configuration error', async () => {
    await expect(startRelay({ apps: [{ ...APP, webhooks: [{ url: 'ftp://example.com/hook' }] }] })).rejects.toThrow(
      /apps\[0\]\.webhooks\[0\]\.url: a webhook url must be an http\(s\) URL/,
    );
  });

  it('closing the relay abandons a receiver that never answers instead of hanging', async () => {
    const receiver = await startReceiver(() => new Promise<number>(() => {}));
    const running = await relayWithWebhooks([{ url: receiver.url }], { timeoutMilliseconds: 60_000 });
    const client = pusherClient(running);
    await subscribed(client, 'stuck');
    await receiver.until(() => receiver.requests.length === 1);
    client.disconnect();
    await waitForState(client, 'disconnected');
    await running.close();
    expect(receiver.requests).toHaveLength(1);
  });
});
