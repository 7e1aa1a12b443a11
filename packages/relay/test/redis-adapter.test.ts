import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Pusher } from '../../../test/helpers/pusher-js.js';
import { cliConfig } from '../src/cli-options.js';
import { parseRelayConfig, type RelayConfigError } from '../src/index.js';
import type { RelayCoreImpl } from '../src/relay-core.js';
import { startNode, until } from './cluster/in-process.js';
import { deleteKeys, killRelayConnections, REDIS_URL, uniquePrefix } from './cluster/redis-keys.js';
import { eventuallyDelivered } from './cluster/delivery.js';
import { APP, disconnectAll, pusherClient, RawClient, type RunningRelay, subscribed, waitForState } from './helpers.js';

const prefix = uniquePrefix('adapter');
let a: RunningRelay;
let b: RunningRelay;

beforeAll(async () => {
  [a, b] = await Promise.all([startNode(prefix), startNode(prefix)]);
});
afterEach(() => disconnectAll());
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await deleteKeys(prefix);
});

/** Records every `event` a client gets on `channel`. */
function record(client: Pusher, channel: string, event: string): unknown[] {
  const got: unknown[] = [];
  client.channel(channel)?.bind(event, (data: unknown) => got.push(data));
  return got;
}

async function users(node: RunningRelay, channel: string): Promise<string[]> {
  const response = await node.server.get({ path: `/channels/${channel}/users` });
  const body = (await response.json()) as { users: Array<{ id: string }> };
  return body.users.map((user) => user.id).sort();
}

describe('redis adapter: two relays in one cluster', () => {
  it('delivers an event triggered on either node to the subscribers of both, exactly once', async () => {
    const onA = pusherClient(a);
    const onB = pusherClient(b);
    await Promise.all([subscribed(onA, 'orders'), subscribed(onB, 'orders')]);
    const gotA = record(onA, 'orders', 'update');
    const gotB = record(onB, 'orders', 'update');
    for (let i = 0; i < 5; i++) await (i % 2 ? a : b).server.trigger('orders', 'update', { i });
    await until(() => gotA.length >= 5 && gotB.length >= 5);
    // A last event through each node: anything duplicated would have come before it.
    const doneA = new Promise((resolve) => onA.channel('orders').bind('done', resolve));
    const doneB = new Promise((resolve) => onB.channel('orders').bind('done', resolve));
    await a.server.trigger('orders', 'done', {});
    await Promise.all([doneA, doneB]);
    const indices = (got: unknown[]) => got.map((data) => (data as { i: number }).i).sort();
    expect(indices(gotA)).toEqual([0, 1, 2, 3, 4]);
    expect(indices(gotB)).toEqual([0, 1, 2, 3, 4]);
  });

  it('shows presence members of both nodes, in the clients and in the HTTP API of either node', async () => {
    const ann = pusherClient(a, { presence: { user_id: 'ann', user_info: { name: 'Ann' } } });
    const ben = pusherClient(b, { presence: { user_id: 'ben', user_info: { name: 'Ben' } } });
    const annChannel = await subscribed(ann, 'presence-room');
    const benJoined = new Promise<{ id: string; info: unknown }>((resolve) =>
      annChannel.bind('pusher:member_added', resolve),
    );
    const benChannel = (await subscribed(ben, 'presence-room')) as unknown as {
      members: { count: number; each(fn: (m: { id: string; info: unknown }) => void): void };
    };
    const seenByBen: Record<string, unknown> = {};
    benChannel.members.each((member) => {
      seenByBen[member.id] = member.info;
    });
    expect(seenByBen).toEqual({ ann: { name: 'Ann' }, ben: { name: 'Ben' } });
    expect(await benJoined).toEqual({ id: 'ben', info: { name: 'Ben' } });

    expect(await users(a, 'presence-room')).toEqual(['ann', 'ben']);
    expect(await users(b, 'presence-room')).toEqual(['ann', 'ben']);
    const channels = await a.server.get({
      path: '/channels',
      params: { filter_by_prefix: 'presence-', info: 'user_count,subscription_count' },
    });
    expect(((await channels.json()) as { channels: Record<string, unknown> }).channels['presence-room']).toEqual({
      user_count: 2,
      subscription_count: 2,
    });

    const benLeft = new Promise((resolve) => annChannel.bind('pusher:member_removed', resolve));
    ben.disconnect();
    expect(await benLeft).toMatchObject({ id: 'ben' });
    expect(await users(a, 'presence-room')).toEqual(['ann']);
  });

  it('reports its Redis round-trips by operation in the Prometheus metrics', async () => {
    const client = pusherClient(a, { presence: { user_id: 'metered' } });
    await subscribed(client, 'presence-metered');
    const metrics = await (await fetch(`http://127.0.0.1:${a.port}/metrics`)).text();
    for (const operation of ['join', 'presenceCount', 'presenceMembers']) {
      expect(metrics).toMatch(
        new RegExp(`inloop_relay_adapter_round_trip_seconds_count\\{operation="${operation}"\\} [1-9]`),
      );
    }
  });

  it('keeps a member whose user id has a lone surrogate through a resync', async () => {
    const odd = pusherClient(b, { presence: { user_id: 'odd\ud800' } });
    const zed = pusherClient(b, { presence: { user_id: 'zed' } });
    await Promise.all([subscribed(odd, 'presence-odd'), subscribed(zed, 'presence-odd')]);
    expect(await users(a, 'presence-odd')).toEqual(['odd\ufffd', 'zed']);
    // Both nodes reconnect and write their whole share again.
    await killRelayConnections(prefix);
    await eventuallyDelivered(a, zed, 'presence-odd');
    // Node B's resync succeeded (a failing one would be retried, and fail, forever).
    await until(async () =>
      /operation="sync_replace"\} [1-9]/.test(await (await fetch(`http://127.0.0.1:${b.port}/metrics`)).text()),
    );
    expect(await users(b, 'presence-odd')).toEqual(['odd\ufffd', 'zed']);
  });

  it('aggregates subscription counts of one channel across nodes', async () => {
    const clients = [pusherClient(a), pusherClient(a), pusherClient(b)];
    await Promise.all(clients.map((client) => subscribed(client, 'counted')));
    for (const node of [a, b]) {
      const response = await node.server.get({ path: '/channels/counted', params: { info: 'subscription_count' } });
      expect(await response.json()).toEqual({ occupied: true, subscription_count: 3 });
    }
    for (const client of clients) client.disconnect();
    await until(async () => {
      const response = await b.server.get({ path: '/channels/counted' });
      return ((await response.json()) as { occupied: boolean }).occupied === false;
    });
  });

  it('ignores a message on the Redis bus it does not understand, and keeps delivering', async () => {
    const client = pusherClient(b);
    await subscribed(client, 'sturdy');
    const redis = new Redis(REDIS_URL);
    await redis.publish(`${prefix}:bus`, 'not a relay message');
    await redis.publish(`${prefix}:bus`, '["e","other-node","app-1"]\nno channel');
    redis.disconnect();
    const received = new Promise((resolve) => client.channel('sturdy').bind('after', resolve));
    await a.server.trigger('sturdy', 'after', { ok: true });
    expect(await received).toEqual({ ok: true });
  });

  it("shares a cache channel's last event: a subscriber on the other node gets it at once", async () => {
    await a.server.trigger('cache-prices', 'price', { eur: 42 });
    const late = pusherClient(b);
    const cached = new Promise((resolve) => late.subscribe('cache-prices').bind('price', resolve));
    expect(await cached).toEqual({ eur: 42 });
    const response = await b.server.get({ path: '/channels/cache-prices', params: { info: 'cache' } });
    expect(((await response.json()) as { cache: unknown }).cache).toEqual({
      event: 'price',
      data: JSON.stringify({ eur: 42 }),
    });
  });

  it('sends server-to-user messages and terminates user connections on every node', async () => {
    const user = pusherClient(b, { user: { id: 'carol' } });
    user.signin();
    await until(() => user.user.serverToUserChannel?.subscribed === true);
    const notice = new Promise((resolve) => user.user.bind('notice', resolve));
    await a.server.sendToUser('carol', 'notice', { text: 'from node A' });
    expect(await notice).toEqual({ text: 'from node A' });

    const raw = RawClient.forRelay(b.port);
    await raw.socketId();
    await a.server.terminateUserConnections('carol');
    // pusher-js does not reconnect after 4009 (4000–4099: refused).
    await waitForState(user, 'disconnected');
    // A connection of another user stays.
    expect(raw.closeCode).toBeUndefined();
    raw.close();
  });
});

describe('redis adapter: connection quota across nodes', () => {
  const quotaPrefix = uniquePrefix('quota');
  let q1: RunningRelay;
  let q2: RunningRelay;
  beforeAll(async () => {
    const apps = [{ ...APP, limits: { maxConnections: 2 } }];
    [q1, q2] = await Promise.all([
      startNode(quotaPrefix, { apps, heartbeatMs: 200, nodeExpiryMs: 2000 }),
      startNode(quotaPrefix, { apps, heartbeatMs: 200, nodeExpiryMs: 2000 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([q1?.close(), q2?.close()]);
    await deleteKeys(quotaPrefix);
  });

  it("counts an app's connections on all nodes against its quota (4004)", async () => {
    const first = RawClient.forRelay(q1.port);
    const second = RawClient.forRelay(q2.port);
    await Promise.all([first.socketId(), second.socketId()]);
    // createRelay's core is a RelayCoreImpl (Relay types it as the narrower RelayCore); its adapter counts the cluster.
    await until(() => (q1.relay.core as RelayCoreImpl).adapter.connectionCount(APP.id) === 2);
    const third = RawClient.forRelay(q1.port);
    expect(await third.closed()).toBe(4004);
    second.close();
    await until(() => (q1.relay.core as RelayCoreImpl).adapter.connectionCount(APP.id) === 1);
    const fourth = RawClient.forRelay(q1.port);
    await fourth.socketId();
    first.close();
    fourth.close();
  });
});

describe('redis adapter: configuration', () => {
  it('selects the redis driver from --redis-url / --redis-prefix or the environment', () => {
    const flags = cliConfig(
      ['--app-id', 'a', '--app-key', 'k', '--app-secret', 's', '--redis-url', 'redis://r:6379'],
      {},
    );
    expect(parseRelayConfig(flags).adapter).toMatchObject({
      driver: 'redis',
      url: 'redis://r:6379',
      prefix: 'inloop-relay',
    });
    const env = cliConfig(['--app-id', 'a', '--app-key', 'k', '--app-secret', 's'], {
      INLOOP_RELAY_REDIS_PREFIX: 'eu-cluster',
    });
    expect(parseRelayConfig(env).adapter).toMatchObject({ driver: 'redis', prefix: 'eu-cluster' });
    expect(parseRelayConfig({ apps: [APP] }).adapter).toEqual({ driver: 'local' });
  });

  it('refuses a bad adapter configuration with one clear line per field', () => {
    const bad = { apps: [APP], adapter: { driver: 'redis', url: 'http://x', heartbeatMs: 1000, nodeExpiryMs: 1500 } };
    const error = (() => {
      try {
        parseRelayConfig(bad);
      } catch (caught) {
        return caught as RelayConfigError;
      }
    })();
    expect(error?.code).toBe('INLOOP_CONFIG_INVALID');
    expect(error?.problems).toEqual([
      expect.stringMatching(/^adapter\.url: .*redis:\/\//),
      expect.stringMatching(/^adapter\.nodeExpiryMs: .*twice heartbeatMs/),
    ]);
  });

  it('fails to start with INLOOP_REDIS_UNAVAILABLE when Redis cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    await expect(
      startNode(uniquePrefix('unreachable'), { redisUrl: `redis://127.0.0.1:${closedPort}` }),
    ).rejects.toMatchObject({ code: 'INLOOP_REDIS_UNAVAILABLE' });
  });
});
