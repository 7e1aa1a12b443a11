import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventuallyDelivered } from './cluster/delivery.js';
import { startNode, until } from './cluster/in-process.js';
import { memberEvent, memberIds } from './cluster/presence.js';
import { deleteKeys, uniquePrefix } from './cluster/redis-keys.js';
import { TcpProxy } from './cluster/tcp-proxy.js';
import { disconnectAll, pusherClient, type RunningRelay, subscribed } from './helpers.js';

const prefix = uniquePrefix('partition');
/** Between node B and Redis: stalled, B's commands get no answer (no error, no close). */
const link = new TcpProxy([6379]);
let a: RunningRelay;
let b: RunningRelay;

beforeAll(async () => {
  await link.listen();
  const timings = { heartbeatMs: 300, nodeExpiryMs: 3000 };
  [a, b] = await Promise.all([
    startNode(prefix, timings),
    startNode(prefix, { ...timings, redisUrl: `redis://127.0.0.1:${link.port}`, commandTimeoutMs: 500 }),
  ]);
});
afterEach(() => disconnectAll());
afterAll(async () => {
  link.unstall();
  await Promise.all([a?.close(), b?.close()]);
  await link.close();
  await deleteKeys(prefix);
});

describe('a relay whose Redis stops answering (network stall)', () => {
  it('serves its clients after a command timeout, is taken for dead, and rejoins when Redis answers again', async () => {
    const ann = pusherClient(a, { presence: { user_id: 'ann' } });
    const ben = pusherClient(b, { presence: { user_id: 'ben' } });
    await Promise.all([subscribed(ann, 'presence-yard'), subscribed(ben, 'presence-yard')]);
    await until(() => memberIds(ann, 'presence-yard').length === 2);
    const benGone = memberEvent(ann, 'presence-yard', 'member_removed', 'ben');
    link.stall();

    // A new subscription on B completes once its Redis call times out, from B's own state.
    const late = pusherClient(b);
    await subscribed(late, 'news');
    const local = new Promise((resolve) => late.channel('news').bind('local', resolve));
    await b.server.trigger('news', 'local', { during: 'stall' });
    expect(await local).toEqual({ during: 'stall' });
    await benGone;

    const benBack = memberEvent(ann, 'presence-yard', 'member_added', 'ben');
    link.unstall();
    await benBack;
    await eventuallyDelivered(a, late, 'news');
    await eventuallyDelivered(b, ann, 'presence-yard');
    const news = await a.server.get({ path: '/channels/news', params: { info: 'subscription_count' } });
    expect(await news.json()).toEqual({ occupied: true, subscription_count: 1 });
  });
});
