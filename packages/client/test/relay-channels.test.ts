import { describe, expect, it, vi } from 'vitest';
import { UserSession } from '../src/user.js';
import { relayClient, WAIT, received, useRelayEnvironment } from './relay-harness.js';

describe('client against a real relay: channels', () => {
  const env = useRelayEnvironment();

  it('connects over the websocket', async () => {
    const client = relayClient(env.running.port, env.app);
    await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
    expect(client.connection.transport).toBe('ws');
    expect(client.connection.socketId).toMatch(/^\d+\.\d+$/);
  });

  it('receives events on public and private channels (authorized through authEndpoint)', async () => {
    const client = relayClient(env.running.port, env.app);
    const publicChannel = client.subscribe('news');
    const privateChannel = client.subscribe('private-orders');
    const news = received(publicChannel, 'headline');
    const orders = received(privateChannel, 'placed');
    await vi.waitFor(() => expect(publicChannel.subscribed && privateChannel.subscribed).toBe(true), WAIT);
    await env.server.trigger('news', 'headline', { title: 'hello' });
    await env.server.trigger('private-orders', 'placed', { id: 1 });
    await vi.waitFor(() => expect([news, orders]).toEqual([[{ title: 'hello' }], [{ id: 1 }]]), WAIT);
  });

  it('reports a refused authorization as a subscription error with the status', async () => {
    env.app.refuse.add('private-secret');
    const client = relayClient(env.running.port, env.app);
    const channel = client.subscribe('private-secret');
    const errors = received(channel, 'pusher:subscription_error');
    await vi.waitFor(() => expect(errors).toHaveLength(1), WAIT);
    expect(errors[0]).toMatchObject({ status: 403 });
    expect(channel.state).toBe('failed');
  });

  it('tracks presence members as others join and leave', async () => {
    const first = relayClient(env.running.port, env.app);
    const room = first.subscribe('presence-room');
    await vi.waitFor(() => expect(room.subscribed).toBe(true), WAIT);
    expect(room.members?.count).toBe(1);
    expect(room.members?.me?.id).toBe(`user-${first.connection.socketId}`);
    const added = received(room, 'pusher:member_added');
    const removed = received(room, 'pusher:member_removed');

    const second = relayClient(env.running.port, env.app);
    const secondRoom = second.subscribe('presence-room');
    await vi.waitFor(() => expect(added).toHaveLength(1), WAIT);
    expect(secondRoom.members?.count).toBe(2);
    expect(room.members?.count).toBe(2);
    second.disconnect();
    await vi.waitFor(() => expect(removed).toHaveLength(1), WAIT);
    expect(room.members?.count).toBe(1);
  });

  it('replays the last event of a cache channel to a late subscriber, and reports a cache miss', async () => {
    const client = relayClient(env.running.port, env.app);
    const empty = client.subscribe('cache-empty');
    const misses = received(empty, 'pusher:cache_miss');
    await vi.waitFor(() => expect(misses).toHaveLength(1), WAIT);

    await env.server.trigger('private-cache-prices', 'tick', { price: 1 });
    await env.server.trigger('private-cache-prices', 'tick', { price: 2 });
    const late = relayClient(env.running.port, env.app);
    const prices = late.subscribe('private-cache-prices');
    const ticks = received(prices, 'tick');
    await vi.waitFor(() => expect(ticks).toEqual([{ price: 2 }]), WAIT);
  });

  it('signs the user in and receives messages sent to that user', async () => {
    const client = relayClient(env.running.port, env.app);
    const messages: unknown[] = [];
    const session = new UserSession(client);
    session.bind('notice', (data) => messages.push(data));
    const user = await session.signin();
    expect(user.id).toBe('user-7');
    await vi.waitFor(() => expect(session.channel?.subscribed).toBe(true), WAIT);
    await env.server.sendToUser('user-7', 'notice', { text: 'hi' });
    await vi.waitFor(() => expect(messages).toEqual([{ text: 'hi' }]), WAIT);
  });

  it('sends client events to the other subscribers of a private channel', async () => {
    const sender = relayClient(env.running.port, env.app);
    const listener = relayClient(env.running.port, env.app);
    const a = sender.subscribe('private-chat');
    const b = listener.subscribe('private-chat');
    const got = received(b, 'client-typing');
    await vi.waitFor(() => expect(a.subscribed && b.subscribed).toBe(true), WAIT);
    expect(a.trigger('client-typing', { who: 'a' })).toBe(true);
    await vi.waitFor(() => expect(got).toEqual([{ who: 'a' }]), WAIT);
  });

  it('stops delivering after unsubscribe', async () => {
    const client = relayClient(env.running.port, env.app);
    const channel = client.subscribe('gone');
    const events = received(channel, 'e');
    await vi.waitFor(() => expect(channel.subscribed).toBe(true), WAIT);
    client.unsubscribe('gone');
    const probe = client.subscribe('still-here');
    const probes = received(probe, 'e');
    await vi.waitFor(() => expect(probe.subscribed).toBe(true), WAIT);
    await env.server.trigger(['gone', 'still-here'], 'e', { n: 1 });
    await vi.waitFor(() => expect(probes).toHaveLength(1), WAIT);
    expect(events).toHaveLength(0);
  });

  it('fails without retrying when the app key is unknown (4001), with the reason', async () => {
    const client = relayClient(env.running.port, env.app, { key: 'no-such-key' });
    await vi.waitFor(() => expect(client.state).toBe('failed'), WAIT);
    expect(client.connection.failure?.code).toBe(4001);
    expect(client.connection.failure?.reason).toBeTruthy();
  });
});
