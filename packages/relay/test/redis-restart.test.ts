import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventuallyDelivered } from './cluster/delivery.js';
import { startNode, until } from './cluster/in-process.js';
import { memberIds } from './cluster/presence.js';
import { PrivateRedis } from './cluster/private-redis.js';
import { uniquePrefix } from './cluster/redis-keys.js';
import { disconnectAll, pusherClient, type RunningRelay, subscribed } from './helpers.js';

const redis = new PrivateRedis();
let a: RunningRelay;
let b: RunningRelay;

beforeAll(async () => {
  await redis.start();
  const options = { redisUrl: redis.url, heartbeatMs: 300, nodeExpiryMs: 3000 };
  const prefix = uniquePrefix('restart');
  [a, b] = await Promise.all([startNode(prefix, options), startNode(prefix, options)]);
});
afterEach(() => disconnectAll());
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await redis.crash();
});

async function apiUsers(node: RunningRelay, channel: string): Promise<string[]> {
  const response = await node.server.get({ path: `/channels/${channel}/users` });
  return ((await response.json()) as { users: Array<{ id: string }> }).users.map((user) => user.id).sort();
}

describe('a Redis restart (crash, empty, back on the same port)', () => {
  it('keeps each node serving its clients meanwhile, then rebuilds the shared state without manual action', async () => {
    const ann = pusherClient(a, { presence: { user_id: 'ann' } });
    const ben = pusherClient(b, { presence: { user_id: 'ben' } });
    await Promise.all([subscribed(ann, 'presence-plant'), subscribed(ben, 'presence-plant')]);
    await until(() => memberIds(ann, 'presence-plant').length === 2 && memberIds(ben, 'presence-plant').length === 2);

    await redis.crash();
    const local = new Promise((resolve) => ann.channel('presence-plant').bind('local', resolve));
    await a.server.trigger('presence-plant', 'local', { during: 'outage' });
    expect(await local).toEqual({ during: 'outage' });

    await redis.start();
    // Both nodes write their share again: the HTTP API of either node shows both members.
    await until(async () => (await apiUsers(a, 'presence-plant').catch(() => [])).length === 2);
    expect(await apiUsers(b, 'presence-plant')).toEqual(['ann', 'ben']);
    await eventuallyDelivered(a, ben, 'presence-plant');
    await eventuallyDelivered(b, ann, 'presence-plant');
    expect(memberIds(ann, 'presence-plant')).toEqual(['ann', 'ben']);
    const channel = await a.server.get({ path: '/channels/presence-plant', params: { info: 'subscription_count' } });
    expect(await channel.json()).toEqual({ occupied: true, subscription_count: 2 });
  });
});
