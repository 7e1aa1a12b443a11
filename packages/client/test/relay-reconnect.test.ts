import { applyTaskEvent } from '@inloop/protocol';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionState, TaskView, WebSocketConstructor } from '../src/index.js';
import { UserSession } from '../src/user.js';
import {
  disconnectClients,
  publishTask,
  relayClient,
  startRelay,
  taskEvent,
  WAIT,
  received,
  useRelayEnvironment,
} from './relay-harness.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

describe('client against a real relay: reconnect', () => {
  const env = useRelayEnvironment();

  it('reconnects after the relay is stopped and started again, with every subscription and the sign-in restored', async () => {
    const client = relayClient(env.running.port, env.app);
    const states: ConnectionState[] = [];
    client.on('state_change', ({ current }) => states.push(current));
    const names = ['restart-public', 'private-restart', 'presence-restart', 'private-cache-restart'];
    const channels = names.map((name) => client.subscribe(name));
    const lists = channels.map((channel) => received(channel, 'e'));
    const toUser: unknown[] = [];
    const session = new UserSession(client);
    session.bind('note', (data) => toUser.push(data));
    await session.signin();
    await vi.waitFor(() => expect(channels.every((channel) => channel.subscribed)).toBe(true), WAIT);

    const task = 'restart-task';
    const views: TaskView[] = [];
    client.watchTask(task, (view) => views.push(view));
    await vi.waitFor(() => expect(client.channel(`private-cache-task-${task}`)?.subscribed).toBe(true), WAIT);
    await publishTask(env.server, env.app, taskEvent(task, 1, { progress: { done: 1, percent: 10 } }));
    await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 1, percent: 10 }), WAIT);

    const port = env.running.port;
    states.length = 0;
    const firstSocket = client.connection.socketId;
    await env.running.close();
    // The relay says 4200 (reconnect now): the client goes straight back to connecting.
    await vi.waitFor(() => expect(client.state).toBe('unavailable'), WAIT);
    expect(states.slice(0, 2)).toEqual(['connecting', 'unavailable']);
    // The worker went on while the relay was down: only the app's status endpoint knows.
    const missed = taskEvent(task, 2, { progress: { done: 2, percent: 40 } });
    env.app.snapshots.set(task, applyTaskEvent(env.app.snapshots.get(task), missed));

    env.running = await startRelay(port);
    await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
    expect(client.connection.socketId).not.toBe(firstSocket);
    await vi.waitFor(() => expect(channels.every((channel) => channel.subscribed)).toBe(true), WAIT);
    await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 2, percent: 40 }), WAIT);
    expect(channels[2]!.members?.count).toBe(1);

    for (const name of names) await env.server.trigger(name, 'e', { after: 'restart' });
    await vi.waitFor(() => expect(lists).toEqual(names.map(() => [{ after: 'restart' }])), WAIT);
    await vi.waitFor(async () => {
      await env.server.sendToUser('user-7', 'note', { hello: 'again' });
      expect(toUser).toContainEqual({ hello: 'again' });
    }, WAIT);
    await publishTask(env.server, env.app, taskEvent(task, 3, { state: 'succeeded' }));
    await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ state: 'succeeded', percent: 100 }), WAIT);
    expect(views.map((view) => view.percent)).toEqual([...views.map((view) => view.percent)].sort((a, b) => a - b));
  });

  it('backs off on 4100 (over capacity) without failing, and connects once there is room', async () => {
    const crowded = await startRelay(0, { maxConnections: 1 });
    try {
      const first = relayClient(crowded.port, null);
      await vi.waitFor(() => expect(first.state).toBe('connected'), WAIT);
      const second = relayClient(crowded.port, null);
      const codes: Array<number | null> = [];
      second.on('error', ({ code }) => codes.push(code));
      await vi.waitFor(() => expect(codes).toContain(4100), WAIT);
      expect(second.state).not.toBe('failed');
      first.disconnect();
      await vi.waitFor(() => expect(second.state).toBe('connected'), WAIT);
    } finally {
      disconnectClients();
      await crowded.close();
    }
  });

  it('fails for good on 4003 (app disabled), keeping the reason', async () => {
    const disabled = await startRelay(0, { apps: [{ id: 'off', key: 'key-1', secret: 's', enabled: false }] });
    try {
      const client = relayClient(disabled.port, null);
      await vi.waitFor(() => expect(client.state).toBe('failed'), WAIT);
      expect(client.connection.failure?.code).toBe(4003);
      expect(client.connection.failure?.reason).toMatch(/disabled/);
    } finally {
      disconnectClients();
      await disabled.close();
    }
  });

  describe('behind a network that dies silently', () => {
    let proxy: TcpProxy;
    beforeAll(async () => {
      proxy = await startTcpProxy(env.running.port);
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('detects the dead connection with ping/pong, reconnects, and catches up from the cache channel', async () => {
      const client = relayClient(proxy.port, env.app, {
        statusEndpoint: undefined,
        transports: ['ws'],
        activityTimeoutMs: 400,
        connectTimeoutMs: 1_000,
        pongTimeoutMs: 400,
      });
      const task = 'silent-task';
      const views: TaskView[] = [];
      client.watchTask(task, (view) => views.push(view));
      await vi.waitFor(() => expect(client.channel(`private-cache-task-${task}`)?.subscribed).toBe(true), WAIT);
      await publishTask(env.server, null, taskEvent(task, 1, { progress: { done: 1, percent: 5 } }));
      await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 1 }), WAIT);
      const states: ConnectionState[] = [];
      client.on('state_change', ({ current }) => states.push(current));

      proxy.blackhole = true;
      // Sent while the network is dead: the relay writes it into the void.
      await publishTask(env.server, null, taskEvent(task, 2, { progress: { done: 2, percent: 65 } }));
      await vi.waitFor(() => expect(states).toContain('connecting'), WAIT);
      proxy.blackhole = false;
      await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
      // No status endpoint here: the cache channel's replay on resubscribe brings the missed event.
      await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 2, percent: 65 }), WAIT);
    });

    it('keeps a quiet but healthy connection: each idle period ends with a ping the relay answers', async () => {
      const frames: string[] = [];
      class RecordingWebSocket extends WebSocket {
        constructor(url: string) {
          super(url);
          this.addEventListener('message', (event) => frames.push(String(event.data)));
        }
      }
      const client = relayClient(proxy.port, null, {
        transports: ['ws'],
        activityTimeoutMs: 200,
        pongTimeoutMs: 2_000,
        WebSocket: RecordingWebSocket as unknown as WebSocketConstructor,
      });
      await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
      const socketId = client.connection.socketId;
      const changes: ConnectionState[] = [];
      client.on('state_change', ({ current }) => changes.push(current));
      const pongs = () => frames.filter((frame) => frame.includes('"pusher:pong"')).length;
      await vi.waitFor(() => expect(pongs()).toBeGreaterThanOrEqual(3), WAIT);
      expect(client.connection.socketId).toBe(socketId);
      expect(changes).toEqual([]);
    });
  });
});
