import { TASK_EVENT_NAME, taskChannel } from '@inloop/protocol';
import type PusherServer from 'pusher';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Pusher } from '../../../test/helpers/pusher-js.js';
import { fromPusherJs, type PusherJsLike } from '../src/adapters/index.js';
import type { Channel, TaskView } from '../src/index.js';
import type { TransportName } from '../src/transport.js';
import {
  type AppServer,
  APP,
  disconnectClients,
  publishTask,
  pusherServer,
  type RunningRelay,
  relayClient,
  startAppServer,
  startRelay,
  taskEvent,
  WAIT,
} from './relay-harness.js';

const peers = new Set<Pusher>();

/** The official pusher-js (its Node build) on the relay, limited to one transport, authorized by the app server. */
function pusherJs(port: number, app: AppServer, transport: TransportName): Pusher {
  const peer = new Pusher(APP.key, {
    cluster: 'x',
    wsHost: '127.0.0.1',
    wsPort: port,
    httpHost: '127.0.0.1',
    httpPort: port,
    forceTLS: false,
    disableStats: true,
    enabledTransports: [transport],
    channelAuthorization: { endpoint: `${app.url}/auth`, transport: 'ajax' },
  });
  peers.add(peer);
  return peer;
}

function transportOf(peer: Pusher): string | undefined {
  return (peer.connection as unknown as { connection?: { transport?: { name?: string } } }).connection?.transport?.name;
}

function receivedBy(channel: { bind(event: string, callback: (data: unknown) => void): unknown }, event: string) {
  const list: unknown[] = [];
  channel.bind(event, (data: unknown) => list.push(data));
  return list;
}

describe('interoperability with the official pusher-js', () => {
  let running: RunningRelay;
  let server: PusherServer;
  let app: AppServer;

  beforeAll(async () => {
    running = await startRelay();
    server = pusherServer(running.port);
    app = await startAppServer(() => server);
  });
  afterEach(() => {
    disconnectClients();
    for (const peer of peers) peer.disconnect();
    peers.clear();
  });
  afterAll(async () => {
    await app.close();
    await running.close();
  });

  describe.each<TransportName>(['ws', 'xhr_streaming', 'xhr_polling'])('over %s', (transport) => {
    it('receives the same events as pusher-js on public, private and presence channels', async () => {
      const names = [`same-${transport}`, `private-same-${transport}`, `presence-same-${transport}`];
      const peer = pusherJs(running.port, app, transport);
      const ours = relayClient(running.port, app, { transports: [transport] });
      const peerChannels = names.map((name) => peer.subscribe(name));
      const ourChannels: Channel[] = names.map((name) => ours.subscribe(name));
      const peerLists = peerChannels.map((channel) => receivedBy(channel, 'n'));
      const ourLists = ourChannels.map((channel) => receivedBy(channel, 'n'));
      await vi.waitFor(() => {
        expect(peerChannels.every((channel) => channel.subscribed)).toBe(true);
        expect(ourChannels.every((channel) => channel.subscribed)).toBe(true);
      }, WAIT);
      expect(transportOf(peer)).toBe(transport);
      expect(ours.connection.transport).toBe(transport);

      for (let n = 1; n <= 10; n++) await server.trigger(names, 'n', { n, text: `é ${'x'.repeat(n * 50)}` });
      await vi.waitFor(() => expect(ourLists.every((list) => list.length === 10)).toBe(true), WAIT);
      await vi.waitFor(() => expect(peerLists.every((list) => list.length === 10)).toBe(true), WAIT);
      expect(ourLists).toEqual(peerLists);

      // Both see each other on the presence channel.
      await vi.waitFor(() => {
        expect(ourChannels[2]!.members?.count).toBe(2);
        expect((peerChannels[2] as unknown as { members: { count: number } }).members.count).toBe(2);
      }, WAIT);
    });

    it('exchanges client events with pusher-js on a private channel', async () => {
      const name = `private-chat-${transport}`;
      const peer = pusherJs(running.port, app, transport);
      const ours = relayClient(running.port, app, { transports: [transport] });
      const peerChannel = peer.subscribe(name);
      const ourChannel = ours.subscribe(name);
      const atPeer = receivedBy(peerChannel, 'client-msg');
      const atOurs = receivedBy(ourChannel, 'client-msg');
      await vi.waitFor(() => expect(peerChannel.subscribed && ourChannel.subscribed).toBe(true), WAIT);
      ourChannel.trigger('client-msg', { from: 'inloop' });
      peerChannel.trigger('client-msg', { from: 'pusher-js' });
      await vi.waitFor(() => expect([atPeer, atOurs]).toEqual([[{ from: 'inloop' }], [{ from: 'pusher-js' }]]), WAIT);
    });
  });

  describe('fromPusherJs(): watchTask over an app’s own pusher-js connection', () => {
    it('follows a task: cache replay for a late watcher, ordering, catch-up from the status endpoint', async () => {
      const task = 'pjs-task';
      await publishTask(server, app, taskEvent(task, 1, { state: 'queued' }));
      await publishTask(server, app, taskEvent(task, 2, { progress: { done: 1, percent: 30 } }));
      const peer = pusherJs(running.port, app, 'ws');
      const watcher = fromPusherJs(peer as unknown as PusherJsLike, { statusEndpoint: `${app.url}/tasks/{id}` });
      const views: TaskView[] = [];
      const stop = watcher.watchTask(task, (view) => views.push(view));
      // The cache channel replays event 2 (and the status endpoint agrees).
      await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 2, percent: 30 }), WAIT);

      await server.trigger(
        taskChannel(task),
        TASK_EVENT_NAME,
        taskEvent(task, 4, { progress: { done: 2, percent: 80 } }),
      );
      await server.trigger(
        taskChannel(task),
        TASK_EVENT_NAME,
        taskEvent(task, 3, { progress: { done: 2, percent: 50 } }),
      );
      await server.trigger(
        taskChannel(task),
        TASK_EVENT_NAME,
        taskEvent(task, 4, { progress: { done: 2, percent: 80 } }),
      );
      await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 4, percent: 80 }), WAIT);
      await publishTask(server, app, taskEvent(task, 5, { state: 'succeeded', result: { ok: true } }));
      await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ state: 'succeeded', result: { ok: true } }), WAIT);
      expect(views.map((view) => view.seq)).toEqual([...new Set(views.map((view) => view.seq))].sort((a, b) => a - b));

      stop();
      expect(peer.channel(taskChannel(task))).toBeUndefined();
    });

    it('leaves a channel the app subscribed itself subscribed when the watch stops', async () => {
      const task = 'pjs-shared';
      const peer = pusherJs(running.port, app, 'ws');
      const own = peer.subscribe(taskChannel(task));
      const views: TaskView[] = [];
      const stop = fromPusherJs(peer as unknown as PusherJsLike).watchTask(task, (view) => views.push(view));
      await vi.waitFor(() => expect(own.subscribed).toBe(true), WAIT);
      await publishTask(server, null, taskEvent(task, 1));
      await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 1, state: 'running' }), WAIT);
      stop();
      expect(peer.channel(taskChannel(task))).toBe(own);
    });
  });
});
