import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Pusher } from '../../../test/helpers/pusher-js.js';
import { eventuallyDelivered } from './cluster/delivery.js';
import { until } from './cluster/in-process.js';
import { memberEvent, memberIds } from './cluster/presence.js';
import { deleteKeys, killRelayConnections, uniquePrefix } from './cluster/redis-keys.js';
import { CliBundle, type RelayProcess } from './cluster/relay-process.js';
import { TcpProxy } from './cluster/tcp-proxy.js';
import { disconnectAll, pusherClient, subscribed } from './helpers.js';

const bundle = new CliBundle();
const prefix = uniquePrefix('recovery');
/** Stands between node B and Redis: cutting it breaks B's Redis connections without touching Redis. */
const redisLink = new TcpProxy([6379]);
let nodeA: RelayProcess;
let nodeB: RelayProcess;

beforeAll(async () => {
  await Promise.all([bundle.build(), redisLink.listen()]);
  const timings = { prefix, heartbeatMs: 300, nodeExpiryMs: 3000 };
  [nodeA, nodeB] = await Promise.all([
    bundle.start(timings),
    bundle.start({ ...timings, redisUrl: `redis://127.0.0.1:${redisLink.port}`, logLevel: 'info' }),
  ]);
});
afterEach(() => disconnectAll());
afterAll(async () => {
  for (const node of [nodeA, nodeB]) node?.child.kill('SIGTERM');
  await Promise.all([nodeA?.exited, nodeB?.exited]);
  await redisLink.close();
  bundle.cleanup();
  await deleteKeys(prefix);
});

async function pair(channel: string): Promise<[Pusher, Pusher]> {
  const onA = pusherClient(nodeA.running, { presence: { user_id: 'ann' } });
  const onB = pusherClient(nodeB.running, { presence: { user_id: 'ben' } });
  await Promise.all([subscribed(onA, channel), subscribed(onB, channel)]);
  await until(() => memberIds(onA, channel).length === 2 && memberIds(onB, channel).length === 2);
  return [onA, onB];
}

describe('a relay that loses Redis', () => {
  it('keeps serving its own clients, is taken for dead by the others, and heals when Redis is back', async () => {
    const [onA, onB] = await pair('presence-ops');
    const benGone = memberEvent(onA, 'presence-ops', 'member_removed', 'ben');
    redisLink.cut();

    // Node B still delivers what is triggered through it to its own clients.
    const local = new Promise((resolve) => onB.channel('presence-ops').bind('local', resolve));
    await nodeB.server.trigger('presence-ops', 'local', { during: 'outage' });
    expect(await local).toEqual({ during: 'outage' });
    // Node A stops hearing B's heartbeats and removes B's member for its clients.
    await benGone;
    expect(memberIds(onA, 'presence-ops')).toEqual(['ann']);

    const benBack = memberEvent(onA, 'presence-ops', 'member_added', 'ben');
    redisLink.restore();
    await benBack;
    expect(memberIds(onA, 'presence-ops')).toEqual(['ann', 'ben']);
    await eventuallyDelivered(nodeA, onB, 'presence-ops');
    await eventuallyDelivered(nodeB, onA, 'presence-ops');
    const users = await nodeA.server.get({ path: '/channels/presence-ops/users' });
    expect(await users.json()).toEqual({ users: expect.arrayContaining([{ id: 'ann' }, { id: 'ben' }]) });

    const logs = nodeB.stdout + nodeB.stderr;
    expect(logs).toContain('lost the connection to Redis');
    expect(logs).toContain('Redis connection is back');
  });

  it("recovers when Redis closes the relays' connections (CLIENT KILL), keeping presence intact", async () => {
    const [onA, onB] = await pair('presence-desk');
    expect(await killRelayConnections(prefix)).toBeGreaterThanOrEqual(4);
    await eventuallyDelivered(nodeA, onB, 'presence-desk');
    await eventuallyDelivered(nodeB, onA, 'presence-desk');
    expect(memberIds(onA, 'presence-desk')).toEqual(['ann', 'ben']);
    expect(memberIds(onB, 'presence-desk')).toEqual(['ann', 'ben']);
    const response = await nodeB.server.get({ path: '/channels/presence-desk', params: { info: 'user_count' } });
    expect(await response.json()).toEqual({ occupied: true, user_count: 2 });
  });
});
