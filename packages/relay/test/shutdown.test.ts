import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Pusher } from '../../../test/helpers/pusher-js.js';
import type { RelayCoreImpl } from '../src/relay-core.js';
import { deleteKeys, uniquePrefix } from './cluster/redis-keys.js';
import { CliBundle, type RelayProcess } from './cluster/relay-process.js';
import { startNode, until } from './cluster/in-process.js';
import { memberEvent, memberIds } from './cluster/presence.js';
import { TcpProxy } from './cluster/tcp-proxy.js';
import { APP, disconnectAll, pusherClient, RawClient, type RunningRelay, startRelay, subscribed } from './helpers.js';

afterEach(() => disconnectAll());

/** Resolves when pusher-js confirms `channel` again after a reconnect. */
function resubscribed(client: Pusher, channel: string): Promise<void> {
  return new Promise((resolve) => client.channel(channel).bind('pusher:subscription_succeeded', () => resolve()));
}

describe('SIGTERM on one node of two behind a balancer', () => {
  const bundle = new CliBundle();
  const prefix = uniquePrefix('sigterm');
  const balancer = new TcpProxy([]);
  let leaving: RelayProcess;
  let staying: RelayProcess;

  beforeAll(async () => {
    await Promise.all([bundle.build(), balancer.listen()]);
    [leaving, staying] = await Promise.all([bundle.start({ prefix }), bundle.start({ prefix })]);
  });
  afterAll(async () => {
    staying?.child.kill('SIGTERM');
    await Promise.all([leaving?.exited, staying?.exited]);
    await balancer.close();
    bundle.cleanup();
    await deleteKeys(prefix);
  });

  it('closes with 4200, pusher-js clients move to the other node and miss no event triggered after', async () => {
    // Every client starts on the node that will leave; then the balancer knows both nodes.
    balancer.targets = [leaving.port];
    const throughBalancer = { ...staying.running, port: balancer.port } as RunningRelay;
    const clients = [0, 1, 2].map((index) =>
      pusherClient(throughBalancer, { presence: { user_id: `worker-${index}` } }),
    );
    for (const client of clients) await subscribed(client, 'presence-jobs');
    const direct = RawClient.forRelay(leaving.port);
    await direct.socketId();
    balancer.targets = [leaving.port, staying.port];

    const moved = clients.map((client) => resubscribed(client, 'presence-jobs'));
    leaving.child.kill('SIGTERM');
    expect(await direct.closed()).toBe(4200);
    await Promise.all(moved);
    expect(await leaving.exited).toBe(0);

    const received = clients.map(
      (client) => new Promise((resolve) => client.channel('presence-jobs').bind('after', resolve)),
    );
    await staying.server.trigger('presence-jobs', 'after', { n: 1 });
    expect(await Promise.all(received)).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    const users = await staying.server.get({ path: '/channels/presence-jobs', params: { info: 'user_count' } });
    expect(await users.json()).toEqual({ occupied: true, user_count: 3 });
  });
});

describe('relay.close({ graceful: true })', () => {
  let receiver: Server;
  let receiverUrl: string;
  const webhookEvents: string[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        for (const event of (JSON.parse(body) as { events: Array<{ name: string }> }).events) {
          webhookEvents.push(event.name);
        }
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => receiver.close(resolve)));

  it('closes clients with 4200, then runs the shutdown hooks and flushes webhooks before it resolves', async () => {
    const running = await startRelay({
      apps: [{ ...APP, webhooks: [{ url: receiverUrl, events: ['channel_vacated'] }] }],
      // Long batches: only the shutdown's flush sends the vacated event in time.
      webhookDelivery: { batchMilliseconds: 60_000 },
    });
    const client = RawClient.forRelay(running.port);
    await client.socketId();
    client.send({ event: 'pusher:subscribe', data: { channel: 'builds' } });
    await client.event('pusher_internal:subscription_succeeded');
    const order: string[] = [];
    running.relay.shutdownHooks.add('test', async () => {
      order.push(`hook: ${(running.relay.core as RelayCoreImpl).connections.size} connections`);
    });
    await running.relay.close({ graceful: true });
    order.push('closed');
    expect(order).toEqual(['hook: 0 connections', 'closed']);
    expect(await client.closed()).toBe(4200);
    expect(webhookEvents).toContain('channel_vacated');
  });

  it('resolves within its time limit when a hook never finishes, aborting the hook', async () => {
    const running = await startRelay();
    let aborted = false;
    running.relay.shutdownHooks.add('stuck', (signal) => {
      signal.addEventListener('abort', () => {
        aborted = true;
      });
      return new Promise(() => {});
    });
    await running.relay.close({ graceful: true, timeoutMs: 300 });
    expect(aborted).toBe(true);
  });
});

describe('a relay node that closes', () => {
  const prefix = uniquePrefix('goodbye');
  afterAll(() => deleteKeys(prefix));

  // Expiry beyond the test's timeout: only the closing node's goodbye can remove its members in time.
  const timings = { heartbeatMs: 5000, nodeExpiryMs: 60_000 };

  it.each([{ graceful: false }, { graceful: true }])(
    "removes its members from the other nodes' lists as it goes (%o)",
    async (closeOptions) => {
      const [leaving, staying] = await Promise.all([startNode(prefix, timings), startNode(prefix, timings)]);
      const ann = pusherClient(leaving, { presence: { user_id: 'ann' } });
      const ben = pusherClient(staying, { presence: { user_id: 'ben' } });
      await subscribed(ann, 'presence-exit');
      await subscribed(ben, 'presence-exit');
      await until(() => memberIds(ben, 'presence-exit').length === 2);
      const annGone = memberEvent(ben, 'presence-exit', 'member_removed', 'ann');
      await leaving.relay.close(closeOptions);
      await annGone;
      const users = await staying.server.get({ path: '/channels/presence-exit/users' });
      expect(await users.json()).toEqual({ users: [{ id: 'ben' }] });
      await staying.close();
    },
  );
});
