import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signChannelAuthorization } from '@inloop/protocol/signing';
import {
  APP,
  disconnectAll,
  nextEvent,
  pusherClient,
  RawClient,
  type RunningRelay,
  startRelay,
  subscribed,
  waitForState,
} from './helpers.js';

let running: RunningRelay;
beforeAll(async () => {
  running = await startRelay();
});
afterEach(() => disconnectAll());
afterAll(() => running.close());

describe('public and private channels', () => {
  it('delivers an event triggered through the HTTP API to a public channel subscriber', async () => {
    const client = pusherClient(running);
    await subscribed(client, 'orders');
    const received = nextEvent(client, 'orders', 'created');
    await running.server.trigger('orders', 'created', { id: 7 });
    expect(await received).toEqual({ id: 7 });
  });

  it('delivers non-ASCII data intact to every subscriber (the frame is encoded once for all)', async () => {
    const clients = [pusherClient(running), pusherClient(running), pusherClient(running)];
    await Promise.all(clients.map((client) => subscribed(client, 'unicode')));
    const received = clients.map((client) => nextEvent(client, 'unicode', 'said'));
    const data = { text: 'héllo wörld ✓ 进度 🎉', percent: 42 };
    await running.server.trigger('unicode', 'said', data);
    await running.server.trigger('unicode', 'other', { text: 'ascii only' });
    expect(await Promise.all(received)).toEqual([data, data, data]);
  });

  it('delivers to a private channel subscriber authorized by the official pusher library', async () => {
    const client = pusherClient(running);
    await subscribed(client, 'private-account-1');
    const received = nextEvent(client, 'private-account-1', 'updated');
    await running.server.trigger('private-account-1', 'updated', { balance: 10 });
    expect(await received).toEqual({ balance: 10 });
  });

  it('delivers one trigger to several channels and a batch to each event channel', async () => {
    const client = pusherClient(running);
    await Promise.all([subscribed(client, 'multi-a'), subscribed(client, 'multi-b')]);
    const onA = nextEvent(client, 'multi-a', 'hello');
    const onB = nextEvent(client, 'multi-b', 'hello');
    await running.server.trigger(['multi-a', 'multi-b'], 'hello', 'plain text');
    expect(await onA).toBe('plain text');
    expect(await onB).toBe('plain text');

    const first = nextEvent(client, 'multi-a', 'one');
    const second = nextEvent(client, 'multi-b', 'two');
    await running.server.triggerBatch([
      { channel: 'multi-a', name: 'one', data: { n: 1 } },
      { channel: 'multi-b', name: 'two', data: { n: 2 } },
    ]);
    expect(await first).toEqual({ n: 1 });
    expect(await second).toEqual({ n: 2 });
  });

  it('does not deliver to the socket_id excluded by the trigger', async () => {
    const excluded = pusherClient(running);
    const other = pusherClient(running);
    await Promise.all([subscribed(excluded, 'exclusion'), subscribed(other, 'exclusion')]);
    const seenByExcluded: unknown[] = [];
    excluded.channel('exclusion').bind('ping', (data: unknown) => seenByExcluded.push(data));
    const first = nextEvent(other, 'exclusion', 'ping');
    await running.server.trigger('exclusion', 'ping', { n: 1 }, { socket_id: excluded.connection.socket_id });
    expect(await first).toEqual({ n: 1 });
    // A second event on the same socket: once `excluded` has it, it would have had the first one before it.
    const second = nextEvent(excluded, 'exclusion', 'ping');
    await running.server.trigger('exclusion', 'ping', { n: 2 });
    expect(await second).toEqual({ n: 2 });
    expect(seenByExcluded).toEqual([{ n: 2 }]);
  });

  it('refuses a private subscription with a bad signature as pusher:subscription_error, keeping the socket', async () => {
    const raw = RawClient.forRelay(running.port);
    try {
      await raw.socketId();
      raw.send({ event: 'pusher:subscribe', data: { channel: 'private-x', auth: 'key-1:deadbeef' } });
      const error = await raw.event('pusher:subscription_error');
      expect(error).toMatchObject({ channel: 'private-x', data: { type: 'AuthError', status: 401 } });
      raw.send({ event: 'pusher:subscribe', data: { channel: 'public-after-error' } });
      await raw.frame(
        (f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === 'public-after-error',
      );
    } finally {
      raw.close();
    }
  });

  it('refuses a private authorization signed for another socket id', async () => {
    const raw = RawClient.forRelay(running.port);
    try {
      await raw.socketId();
      const { auth } = running.server.authorizeChannel('1.1', 'private-stolen');
      raw.send({ event: 'pusher:subscribe', data: { channel: 'private-stolen', auth } });
      expect(await raw.event('pusher:subscription_error')).toMatchObject({ data: { status: 401 } });
    } finally {
      raw.close();
    }
  });

  it('accepts a private authorization that signs channel_data too, as the pusher library makes when given some', async () => {
    const raw = RawClient.forRelay(running.port);
    try {
      const socketId = await raw.socketId();
      const signed = running.server.authorizeChannel(socketId, 'private-with-data', { user_id: 'u1' });
      expect(signed.channel_data).toBeDefined();
      raw.send({ event: 'pusher:subscribe', data: { channel: 'private-with-data', ...signed } });
      await raw.event('pusher_internal:subscription_succeeded');
      // The signature covers channel_data: changing it is refused.
      const other = running.server.authorizeChannel(socketId, 'private-forged', { user_id: 'u1' });
      const forged = { ...other, channel: 'private-forged', channel_data: '{"user_id":"u2"}' };
      raw.send({ event: 'pusher:subscribe', data: forged });
      expect(await raw.event('pusher:subscription_error')).toMatchObject({ data: { status: 401 } });
    } finally {
      raw.close();
    }
  });

  it('refuses a channel name with bad characters with status 400', async () => {
    const raw = RawClient.forRelay(running.port);
    try {
      await raw.socketId();
      raw.send({ event: 'pusher:subscribe', data: { channel: 'bad channel!' } });
      const error = await raw.event('pusher:subscription_error');
      expect(error).toMatchObject({ channel: 'bad channel!', data: { status: 400 } });
      expect((error.data as { error: string }).error).toContain('letters, digits');
    } finally {
      raw.close();
    }
  });

  it('stops delivering after unsubscribe', async () => {
    const client = pusherClient(running);
    const watcher = pusherClient(running);
    await Promise.all([subscribed(client, 'leave-me'), subscribed(watcher, 'leave-me')]);
    const seen: unknown[] = [];
    client.channel('leave-me').bind('tick', (data: unknown) => seen.push(data));
    client.unsubscribe('leave-me');
    // Wait until the relay counts one subscriber left, then trigger.
    for (;;) {
      const info = (await (
        await running.server.get({ path: '/channels/leave-me', params: { info: 'subscription_count' } })
      ).json()) as {
        subscription_count: number;
      };
      if (info.subscription_count === 1) break;
    }
    const received = nextEvent(watcher, 'leave-me', 'tick');
    await running.server.trigger('leave-me', 'tick', { n: 1 });
    await received;
    expect(seen).toEqual([]);
  });
});

describe('presence channels', () => {
  it('gives the member list, announces member_added and member_removed', async () => {
    const alice = pusherClient(running, { presence: { user_id: 'alice', user_info: { name: 'Alice' } } });
    const aliceChannel = await subscribed(alice, 'presence-room');
    expect((aliceChannel as unknown as { members: { count: number; me: { id: string } } }).members.count).toBe(1);

    const added = new Promise<{ id: string; info: unknown }>((resolve) =>
      aliceChannel.bind('pusher:member_added', resolve),
    );
    const bob = pusherClient(running, { presence: { user_id: 'bob', user_info: { name: 'Bob' } } });
    const bobChannel = (await subscribed(bob, 'presence-room')) as unknown as {
      members: { count: number; each(cb: (m: { id: string; info: unknown }) => void): void };
    };
    expect(await added).toEqual({ id: 'bob', info: { name: 'Bob' } });
    const seenByBob: Array<{ id: string; info: unknown }> = [];
    bobChannel.members.each((member) => seenByBob.push(member));
    expect(seenByBob.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'alice', info: { name: 'Alice' } },
      { id: 'bob', info: { name: 'Bob' } },
    ]);

    const users = (await (await running.server.get({ path: '/channels/presence-room/users' })).json()) as {
      users: Array<{ id: string }>;
    };
    expect(users.users.map((u) => u.id).sort()).toEqual(['alice', 'bob']);

    const removed = new Promise<{ id: string }>((resolve) => aliceChannel.bind('pusher:member_removed', resolve));
    bob.disconnect();
    expect((await removed).id).toBe('bob');
  });

  it('counts a user with two connections once and removes it when the last one leaves', async () => {
    const watcher = pusherClient(running, { presence: { user_id: 'watcher' } });
    const watcherChannel = await subscribed(watcher, 'presence-twice');
    const added: string[] = [];
    const removed: string[] = [];
    watcherChannel.bind('pusher:member_added', (m: { id: string }) => added.push(m.id));
    const removedCarol = new Promise<void>((resolve) =>
      watcherChannel.bind('pusher:member_removed', (m: { id: string }) => {
        removed.push(m.id);
        resolve();
      }),
    );
    const first = pusherClient(running, { presence: { user_id: 'carol' } });
    const second = pusherClient(running, { presence: { user_id: 'carol' } });
    await subscribed(first, 'presence-twice');
    await subscribed(second, 'presence-twice');
    const count = (await (
      await running.server.get({ path: '/channels/presence-twice', params: { info: 'user_count,subscription_count' } })
    ).json()) as { user_count: number; subscription_count: number };
    expect(count).toEqual({ occupied: true, user_count: 2, subscription_count: 3 });
    first.disconnect();
    second.disconnect();
    await removedCarol;
    expect(added).toEqual(['carol']);
    expect(removed).toEqual(['carol']);
  });

  it('refuses a member over the presence member limit and user_info over the size limit', async () => {
    const small = await startRelay({
      apps: [
        {
          id: 'app-1',
          key: 'key-1',
          secret: 'secret-1',
          limits: { maxPresenceMembers: 1, maxPresenceMemberInfoBytes: 20 },
        },
      ],
    });
    try {
      const first = pusherClient(small, { presence: { user_id: 'one' } });
      await subscribed(first, 'presence-small');
      const second = pusherClient(small, { presence: { user_id: 'two' } });
      const refused = new Promise<{ status: number; error: string }>((resolve) =>
        second.subscribe('presence-small').bind('pusher:subscription_error', resolve),
      );
      expect(await refused).toMatchObject({ status: 403 });
      const big = pusherClient(small, { presence: { user_id: 'one', user_info: { bio: 'x'.repeat(100) } } });
      const tooBig = new Promise<{ status: number; error: string }>((resolve) =>
        big.subscribe('presence-other').bind('pusher:subscription_error', resolve),
      );
      expect(await tooBig).toMatchObject({ status: 413 });
    } finally {
      await small.close();
    }
  });
});

describe('cache channels', () => {
  it('sends pusher:cache_miss to the first subscriber, then replays the last event to a late one', async () => {
    const first = pusherClient(running);
    const miss = new Promise<void>((resolve) =>
      first.subscribe('cache-prices').bind('pusher:cache_miss', () => resolve()),
    );
    await miss;
    await running.server.trigger('cache-prices', 'price', { v: 1 });
    await running.server.trigger('cache-prices', 'price', { v: 2 });
    const late = pusherClient(running);
    const replayed = nextEvent(late, 'cache-prices', 'price');
    expect(await replayed).toEqual({ v: 2 });
  });

  it('replays on private cache channels, the default task channel kind', async () => {
    await running.server.trigger('private-cache-task-42', 'inloop:task', { state: 'running', seq: 3 });
    const late = pusherClient(running);
    expect(await nextEvent(late, 'private-cache-task-42', 'inloop:task')).toEqual({ state: 'running', seq: 3 });
    const info = (await (
      await running.server.get({ path: '/channels/private-cache-task-42', params: { info: 'cache' } })
    ).json()) as { cache: { event: string } };
    expect(info.cache.event).toBe('inloop:task');
  });
});

describe('private-encrypted channels', () => {
  it('passes the payload through untouched', async () => {
    const raw = RawClient.forRelay(running.port);
    try {
      const socketId = await raw.socketId();
      const { auth } = signChannelAuthorization(APP, socketId, 'private-encrypted-vault');
      raw.send({ event: 'pusher:subscribe', data: { channel: 'private-encrypted-vault', auth } });
      await raw.event('pusher_internal:subscription_succeeded');
      const sealed = JSON.stringify({ nonce: 'bm9uY2U=', ciphertext: 'c2VjcmV0' });
      await running.server.post({
        path: '/events',
        // pusher's .d.ts types `body` as a string, but post() JSON-encodes it itself: it takes the object.
        body: { name: 'secret', channels: ['private-encrypted-vault'], data: sealed } as unknown as string,
      });
      const event = await raw.event('secret');
      expect(event.data).toEqual({ nonce: 'bm9uY2U=', ciphertext: 'c2VjcmV0' });
    } finally {
      raw.close();
    }
  });
});

describe('connection state', () => {
  it('pusher-js reaches connected and gets a socket id', async () => {
    const client = pusherClient(running);
    await waitForState(client, 'connected');
    expect(client.connection.socket_id).toMatch(/^\d+\.\d+$/);
  });
});
