import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  disconnectFallbackClients,
  type FallbackTransport,
  fallbackClient,
  transportInUse,
} from './http-fallback-helpers.js';
import { nextEvent, type RunningRelay, startRelay, subscribed, waitForState } from './helpers.js';

let running: RunningRelay;
beforeAll(async () => {
  running = await startRelay();
});
afterEach(() => disconnectFallbackClients());
afterAll(() => running.close());

describe.each<FallbackTransport>(['xhr_streaming', 'xhr_polling'])('official pusher-js over %s', (transport) => {
  const client = (presence?: { user_id: string }) =>
    fallbackClient(transport, { httpPort: running.port, server: running.server, presence });

  it('connects with the fallback transport and receives a public event', async () => {
    const pusher = client();
    await waitForState(pusher, 'connected');
    expect(transportInUse(pusher)).toBe(transport);
    await subscribed(pusher, `orders-${transport}`);
    const received = nextEvent(pusher, `orders-${transport}`, 'created');
    await running.server.trigger(`orders-${transport}`, 'created', { id: 1, via: transport });
    expect(await received).toEqual({ id: 1, via: transport });
  });

  it('subscribes to a private channel with a signature from the official pusher library', async () => {
    const pusher = client();
    const channel = `private-invoices-${transport}`;
    await subscribed(pusher, channel);
    const received = nextEvent(pusher, channel, 'paid');
    await running.server.triggerBatch([{ channel, name: 'paid', data: { invoice: 'A-1' } }]);
    expect(await received).toEqual({ invoice: 'A-1' });
  });

  it('carries client events both ways, not echoed to the sender', async () => {
    const channel = `private-chat-${transport}`;
    const sender = client();
    const receiver = client();
    const senderChannel = await subscribed(sender, channel);
    await subscribed(receiver, channel);
    const echoed: unknown[] = [];
    senderChannel.bind('client-typing', (data: unknown) => echoed.push(data));
    const received = nextEvent(receiver, channel, 'client-typing');
    expect(senderChannel.trigger('client-typing', { who: 'sender' })).toBe(true);
    expect(await received).toEqual({ who: 'sender' });
    // The sender sees the receiver's reply, but never its own event.
    const reply = nextEvent(sender, channel, 'client-reply');
    receiver.channel(channel)?.trigger('client-reply', { ok: true });
    expect(await reply).toEqual({ ok: true });
    expect(echoed).toEqual([]);
  });

  it('joins a presence channel like a websocket client does', async () => {
    const channel = `presence-room-${transport}`;
    const first = client({ user_id: 'alice' });
    const firstChannel = await subscribed(first, channel);
    const added = new Promise<{ id: string }>((resolve) => firstChannel.bind('pusher:member_added', resolve));
    const second = client({ user_id: 'bob' });
    const secondChannel = await subscribed(second, channel);
    expect((await added).id).toBe('bob');
    const members = (secondChannel as unknown as { members: { count: number } }).members;
    expect(members.count).toBe(2);
  });
});

describe('official pusher-js over xhr_streaming, many events', () => {
  it('keeps one session when pusher-js reopens its stream after 256 KiB', async () => {
    const pusher = fallbackClient('xhr_streaming', { httpPort: running.port, server: running.server });
    await waitForState(pusher, 'connected');
    const socketId = pusher.connection.socket_id;
    const states: string[] = [];
    pusher.connection.bind('state_change', ({ current }: { current: string }) => states.push(current));
    const manager = pusher.connection as unknown as { connection: { transport: { socket: { reconnect(): void } } } };
    const httpSocket = manager.connection.transport.socket;
    let streamsReopened = 0;
    const reopen = httpSocket.reconnect.bind(httpSocket);
    httpSocket.reconnect = () => {
      streamsReopened++;
      reopen();
    };

    const channel = await subscribed(pusher, 'bulk');
    const count = 40;
    const seen: number[] = [];
    const all = new Promise<void>((resolve) =>
      channel.bind('chunk', ({ n }: { n: number }) => {
        seen.push(n);
        if (seen.length === count) resolve();
      }),
    );
    const filler = 'x'.repeat(8 * 1024);
    for (let n = 0; n < count; n++) await running.server.trigger('bulk', 'chunk', { n, filler });
    await all;

    expect(seen).toEqual([...Array(count).keys()]);
    expect(streamsReopened).toBeGreaterThan(0);
    expect(pusher.connection.socket_id).toBe(socketId);
    expect(states).toEqual([]);
  });
});
