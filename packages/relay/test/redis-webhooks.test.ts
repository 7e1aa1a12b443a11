import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNode } from './cluster/in-process.js';
import { deleteKeys, uniquePrefix } from './cluster/redis-keys.js';
import { TcpProxy } from './cluster/tcp-proxy.js';
import { startWebhookReceiver } from './cluster/webhook-receiver.js';
import { APP, disconnectAll, pusherClient, type RunningRelay, subscribed, waitForState } from './helpers.js';

const prefix = uniquePrefix('webhooks');
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const nodes: RunningRelay[] = [];
const links: TcpProxy[] = [];

/** Long heartbeat timings unless given: only the node a test lets die should ever be taken for dead. */
function node(options: { redisUrl?: string; heartbeatMs?: number; nodeExpiryMs?: number } = {}) {
  return startNode(prefix, {
    apps: [{ ...APP, webhooks: [{ url: receiver.url }] }],
    webhookDelivery: { batchMilliseconds: 20 },
    heartbeatMs: 1000,
    nodeExpiryMs: 15_000,
    ...options,
  }).then((running) => {
    nodes.push(running);
    return running;
  });
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(() => disconnectAll());
afterAll(async () => {
  await Promise.all(nodes.map((running) => running.close()));
  await Promise.all(links.map((link) => link.close()));
  await receiver.close();
  await deleteKeys(prefix);
});

describe('webhooks of a cluster', () => {
  it('sends channel_occupied and channel_vacated once for the whole cluster, members as they come and go', async () => {
    const [a, b] = await Promise.all([node(), node()]);
    const ann = pusherClient(a, { presence: { user_id: 'ann' } });
    await subscribed(ann, 'presence-hall');
    const ben = pusherClient(b, { presence: { user_id: 'ben' } });
    await subscribed(ben, 'presence-hall');
    const annAgain = pusherClient(b, { presence: { user_id: 'ann' } });
    await subscribed(annAgain, 'presence-hall');
    ann.disconnect();
    ben.disconnect();
    await receiver.until(() => receiver.of('presence-hall').includes('member_removed ben'));
    annAgain.disconnect();
    await receiver.until(() => receiver.of('presence-hall').includes('channel_vacated'));
    expect(receiver.of('presence-hall').sort()).toEqual([
      'channel_occupied',
      'channel_vacated',
      'member_added ann',
      'member_added ben',
      'member_removed ann',
      'member_removed ben',
    ]);
  });

  it("reports a dead node's members as removed (and its channels as vacated) from one surviving node", async () => {
    const link = new TcpProxy([6379]);
    links.push(link);
    await link.listen();
    const [survivor, doomed] = await Promise.all([
      node({ heartbeatMs: 200, nodeExpiryMs: 4000 }),
      node({ redisUrl: `redis://127.0.0.1:${link.port}`, heartbeatMs: 200, nodeExpiryMs: 1500 }),
    ]);
    const stays = pusherClient(survivor, { presence: { user_id: 'sue' } });
    await subscribed(stays, 'presence-deck');
    const lost = pusherClient(doomed, { presence: { user_id: 'dan' } });
    await subscribed(lost, 'presence-deck');
    await subscribed(lost, 'private-solo');
    await receiver.until(() => receiver.of('private-solo').includes('channel_occupied'));

    // The doomed node loses Redis, then stops: it cannot say goodbye, so only the heartbeats tell.
    link.cut();
    lost.disconnect();
    await waitForState(lost, 'disconnected');
    await doomed.close();
    await receiver.until(() => receiver.of('private-solo').includes('channel_vacated'));
    await receiver.until(() => receiver.of('presence-deck').includes('member_removed dan'));
    expect(receiver.of('presence-deck').filter((event) => event === 'member_removed dan')).toHaveLength(1);
    expect(receiver.of('presence-deck')).not.toContain('channel_vacated');
    expect(receiver.of('private-solo')).toEqual(['channel_occupied', 'channel_vacated']);
  });
});
