import { describe, expect, it, vi } from 'vitest';
import type { TransportName } from '../src/transport.js';
import { relayClient, WAIT, received, useRelayEnvironment } from './relay-harness.js';
import { refusableWebSocket } from './refusable-websocket.js';

describe('client against a real relay: transports', () => {
  const env = useRelayEnvironment();

  describe.each<TransportName>(['xhr_streaming', 'xhr_polling'])('%s on its own', (transport) => {
    it('connects, subscribes public, private and presence channels and receives events in order', async () => {
      const client = relayClient(env.running.port, env.app, { transports: [transport] });
      await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
      expect(client.connection.transport).toBe(transport);
      const names = [`feed-${transport}`, `private-feed-${transport}`, `presence-feed-${transport}`];
      const channels = names.map((name) => client.subscribe(name));
      const lists = channels.map((channel) => received(channel, 'n'));
      await vi.waitFor(() => expect(channels.every((channel) => channel.subscribed)).toBe(true), WAIT);
      expect(channels[2]!.members?.count).toBe(1);
      for (let n = 1; n <= 20; n++) await env.server.trigger(names, 'n', { n });
      const expected = Array.from({ length: 20 }, (_, index) => ({ n: index + 1 }));
      await vi.waitFor(() => expect(lists).toEqual([expected, expected, expected]), WAIT);
    });

    it('sends client events up through xhr_send', async () => {
      const sender = relayClient(env.running.port, env.app, { transports: [transport] });
      const listener = relayClient(env.running.port, env.app);
      const a = sender.subscribe('private-room');
      const b = listener.subscribe('private-room');
      const got = received(b, 'client-hello');
      await vi.waitFor(() => expect(a.subscribed && b.subscribed).toBe(true), WAIT);
      a.trigger('client-hello', { from: transport });
      await vi.waitFor(() => expect(got).toEqual([{ from: transport }]), WAIT);
    });
  });

  it('falls back to HTTP streaming when websockets are refused, then upgrades back without losing subscriptions', async () => {
    const blocker = refusableWebSocket();
    const client = relayClient(env.running.port, env.app, { WebSocket: blocker.WebSocket, upgradeAfterMs: 200 });
    const channel = client.subscribe('private-upgrade');
    const events = received(channel, 'e');
    await vi.waitFor(() => expect(channel.subscribed).toBe(true), WAIT);
    expect(client.connection.transport).toBe('xhr_streaming');
    await env.server.trigger('private-upgrade', 'e', { n: 1 });
    await vi.waitFor(() => expect(events).toEqual([{ n: 1 }]), WAIT);

    const transports: string[] = [];
    client.on('connected', ({ transport }) => transports.push(transport));
    blocker.refuse.on = false;
    await vi.waitFor(() => expect(transports).toContain('ws'), WAIT);
    await vi.waitFor(() => expect(channel.subscribed).toBe(true), WAIT);
    expect(client.connection.transport).toBe('ws');
    // The relay keeps the abandoned HTTP session subscribed for a while: its copies must not reach us.
    await env.server.trigger('private-upgrade', 'e', { n: 2 });
    await env.server.trigger('private-upgrade', 'e', { n: 3 });
    await vi.waitFor(() => expect(events).toContainEqual({ n: 3 }), WAIT);
    expect(events).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('falls back when the websocket opens but keeps dropping before the handshake', async () => {
    const dropper = refusableWebSocket('dropAfterOpen');
    const client = relayClient(env.running.port, env.app, { WebSocket: dropper.WebSocket, upgradeAfterMs: 60_000 });
    const channel = client.subscribe('private-dropping');
    const events = received(channel, 'e');
    await vi.waitFor(() => expect(channel.subscribed).toBe(true), WAIT);
    expect(dropper.opened).toBeGreaterThanOrEqual(1);
    expect(client.connection.transport).toBe('xhr_streaming');
    await env.server.trigger('private-dropping', 'e', { n: 1 });
    await vi.waitFor(() => expect(events).toEqual([{ n: 1 }]), WAIT);
  });

  it('goes on to long-polling when streaming is not allowed either', async () => {
    const blocker = refusableWebSocket();
    const client = relayClient(env.running.port, env.app, {
      WebSocket: blocker.WebSocket,
      transports: ['ws', 'xhr_polling'],
    });
    await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
    expect(client.connection.transport).toBe('xhr_polling');
  });
});
