import { applyTaskEvent } from '@inloop/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../src/index.js';
import { FakeEnvironment } from './fake-feed.js';
import {
  type AppServer,
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

/** Lets the client's timers run for a while (to show that something does NOT happen any more). */
const quietPeriod = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchTask when no realtime transport works', () => {
  let app: AppServer;
  let relay: RunningRelay | null = null;
  let port = 0;

  beforeAll(async () => {
    // A port where nothing listens: the relay is started there only when a test wants realtime back.
    const probe = await startRelay();
    port = probe.port;
    await probe.close();
    app = await startAppServer(() => pusherServer(port));
  });
  afterEach(async () => {
    disconnectClients();
    await relay?.close();
    relay = null;
  });
  afterAll(async () => {
    await app.close();
  });

  const pollingClient = () =>
    relayClient(port, app, {
      connectTimeoutMs: 1_000,
      backoff: { initialMs: 100, maxMs: 300 },
      pollBackoff: { initialMs: 100, maxMs: 300 },
    });

  it('polls the status endpoint while realtime is down and stops once the task is terminal', async () => {
    const task = 'poll-terminal';
    app.snapshots.set(task, applyTaskEvent(undefined, taskEvent(task, 1, { progress: { done: 1, percent: 20 } })));
    const client = pollingClient();
    const views: TaskView[] = [];
    client.watchTask(task, (view) => views.push(view));
    await vi.waitFor(() => expect(client.state).toBe('unavailable'), WAIT);
    await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 1, percent: 20 }), WAIT);

    app.snapshots.set(task, applyTaskEvent(app.snapshots.get(task), taskEvent(task, 2, { state: 'succeeded' })));
    await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ state: 'succeeded', percent: 100 }), WAIT);
    const requests = app.statusRequests;
    await quietPeriod(1_500);
    expect(app.statusRequests).toBe(requests);
  });

  it('stops polling when realtime comes back, and goes on over realtime', async () => {
    const task = 'poll-until-realtime';
    app.snapshots.set(task, applyTaskEvent(undefined, taskEvent(task, 1, { progress: { done: 1, percent: 10 } })));
    const client = pollingClient();
    const views: TaskView[] = [];
    client.watchTask(task, (view) => views.push(view));
    await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 1 }), WAIT);
    const polledWhileDown = app.statusRequests;

    relay = await startRelay(port);
    await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
    await vi.waitFor(() => expect(client.channel(`private-cache-task-${task}`)?.subscribed).toBe(true), WAIT);
    expect(polledWhileDown).toBeGreaterThanOrEqual(1);
    // One catch-up read after the subscription (and any poll already in flight), then no more polling.
    await quietPeriod(500);
    const afterReconnect = app.statusRequests;
    await quietPeriod(1_500);
    expect(app.statusRequests).toBe(afterReconnect);

    const server = pusherServer(port);
    await publishTask(server, app, taskEvent(task, 2, { progress: { done: 2, percent: 70 } }));
    await vi.waitFor(() => expect(views.at(-1)).toMatchObject({ seq: 2, percent: 70 }), WAIT);
  });

  it('retries at once, instead of after its long backoff, when the network comes back', async () => {
    const environment = new FakeEnvironment();
    const client = relayClient(port, app, {
      environmentEvents: environment,
      connectTimeoutMs: 1_000,
      backoff: { initialMs: 600_000, maxMs: 600_000 },
    });
    await vi.waitFor(() => expect(client.state).toBe('unavailable'), WAIT);
    relay = await startRelay(port);
    environment.goOffline();
    environment.goOnline();
    await vi.waitFor(() => expect(client.state).toBe('connected'), WAIT);
  });
});
