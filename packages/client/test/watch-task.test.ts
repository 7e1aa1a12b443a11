import { applyTaskEvent, type TaskEvent } from '@inloop/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskView } from '../src/task-view.js';
import type { FetchLike } from '../src/transport.js';
import { watchTaskOn } from '../src/watch-task.js';
import type { WatchSettings } from '../src/watch-settings.js';
import { FakeEnvironment, FakeFeed, FakeStatusEndpoint } from './fake-feed.js';

const TASK = 'task-1';

function event(seq: number, patch: Partial<TaskEvent> = {}): TaskEvent {
  return { v: 1, task: TASK, seq, at: 1_700_000_000_000 + seq, state: 'running', attempt: 1, ...patch };
}

const snapshotOf = (taskEvent: TaskEvent) => applyTaskEvent(undefined, taskEvent);

function progress(seq: number, percent: number): TaskEvent {
  return event(seq, { progress: { done: percent, percent, message: `at ${percent}` } });
}

/** Settings of a watch that reads `/tasks/{id}` through `fetch` and hears no page events. */
function statusSettings(fetch: FetchLike, overrides: Partial<WatchSettings> = {}): WatchSettings {
  return {
    stallAfterMs: 10_000,
    pollBackoff: {},
    environmentEvents: null,
    statusHeaders: () => ({}),
    statusUrl: (id) => `/tasks/${id}`,
    fetch,
    ...overrides,
  };
}

function setup(overrides: Partial<WatchSettings> = {}, withStatus = true) {
  const feed = new FakeFeed();
  const endpoint = new FakeStatusEndpoint();
  const environment = new FakeEnvironment();
  const settings: WatchSettings = {
    stallAfterMs: 10_000,
    pollBackoff: { initialMs: 1_000, maxMs: 8_000, multiplier: 2 },
    environmentEvents: environment,
    statusHeaders: () => ({}),
    ...(withStatus ? { statusUrl: (id) => `http://app.test/tasks/${id}`, fetch: endpoint.fetch } : {}),
    ...overrides,
  };
  const views: TaskView[] = [];
  const stop = watchTaskOn(feed, TASK, (view) => views.push(view), settings);
  return { feed, endpoint, environment, views, stop, last: () => views.at(-1) };
}

describe('watchTask', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('watches the task cache channel and shows each event', () => {
    const { feed, last } = setup();
    expect(feed.channel).toBe(`private-cache-task-${TASK}`);
    feed.deliver(event(1, { state: 'queued' }));
    expect(last()).toMatchObject({ taskId: TASK, state: 'queued', percent: 0, seq: 1, stalled: false });
    feed.deliver(progress(2, 40));
    expect(last()).toMatchObject({ state: 'running', percent: 40, message: 'at 40', seq: 2 });
  });

  it('never goes backwards on out-of-order or duplicated events, and drops events of other tasks', () => {
    const { feed, views, last } = setup();
    feed.deliver(progress(3, 60));
    feed.deliver(progress(2, 30));
    feed.deliver(progress(3, 60));
    feed.deliver({ ...progress(9, 90), task: 'other' });
    feed.deliver('not json at all' as unknown as TaskEvent); // deliberately not an event
    expect(views).toHaveLength(1);
    expect(last()).toMatchObject({ seq: 3, percent: 60 });
    feed.deliver(event(5, { state: 'succeeded', result: { url: '/r' } }));
    feed.deliver(progress(4, 80));
    feed.deliver(event(6, { state: 'failed', error: { code: 'X', message: 'late', retryable: false } }));
    expect(views.map((view) => view.state)).toEqual(['running', 'succeeded']);
    expect(last()).toMatchObject({ state: 'succeeded', percent: 100, result: { url: '/r' } });
  });

  it('accepts events given as JSON strings, as pusher-js hands them over', () => {
    const { feed, last } = setup();
    feed.handlers?.onData(JSON.stringify(progress(1, 10)));
    expect(last()).toMatchObject({ seq: 1, percent: 10 });
  });

  it('catches up from the status endpoint when the channel is (re)subscribed after lost events', async () => {
    const { feed, endpoint, last } = setup();
    feed.deliver(progress(1, 10));
    // Events 2 and 3 happen while the connection is down: only the status endpoint knows.
    endpoint.record(progress(1, 10));
    endpoint.record(progress(2, 20));
    endpoint.record(progress(3, 55));
    feed.handlers?.onSubscribed();
    await vi.waitFor(() => expect(last()).toMatchObject({ seq: 3, percent: 55 }));
    // A stale snapshot read later cannot take the view back.
    feed.deliver(progress(4, 70));
    feed.handlers?.onSubscribed();
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ seq: 4, percent: 70 });
  });

  it('reports status answers that are not a snapshot of the task through onError, and shows the one that is', async () => {
    const answers: unknown[] = [null, [1, 2], 'text', { error: 'no such task' }];
    answers.push({ ...snapshotOf(progress(4, 40)), task: 'other' }, snapshotOf(progress(5, 50)));
    const fetch: FetchLike = async () => Response.json(answers.shift());
    const feed = new FakeFeed();
    const views: TaskView[] = [];
    const errors: unknown[] = [];
    watchTaskOn(feed, TASK, (view) => views.push(view), statusSettings(fetch), {
      onError: (error) => errors.push(error),
    });
    for (let read = 0; read < 5; read++) {
      feed.handlers?.onSubscribed();
      await vi.waitFor(() => expect(errors).toHaveLength(read + 1));
    }
    expect(views).toEqual([]);
    for (const error of errors) {
      expect(error).toMatchObject({
        code: 'INLOOP_STATUS_FAILED',
        status: 200,
        message: `GET /tasks/${TASK} answered 200 without the task's snapshot`,
      });
    }
    feed.handlers?.onSubscribed();
    await vi.waitFor(() => expect(views).toHaveLength(1));
    expect(views[0]).toMatchObject({ taskId: TASK, seq: 5, percent: 50, message: 'at 50', state: 'running' });
    expect(errors).toHaveLength(5);
  });

  it('catches up when the tab becomes visible again or the network comes back', async () => {
    const { feed, endpoint, environment, last } = setup();
    feed.deliver(progress(1, 10));
    endpoint.record(progress(2, 25));
    environment.showTab();
    expect(feed.refreshes).toBe(1);
    await vi.waitFor(() => expect(last()).toMatchObject({ seq: 2 }));
    endpoint.record(progress(3, 35));
    environment.goOnline(); // online without a preceding offline is no gap
    expect(feed.refreshes).toBe(1);
    environment.goOffline();
    environment.goOnline();
    expect(feed.refreshes).toBe(2);
    await vi.waitFor(() => expect(last()).toMatchObject({ seq: 3, percent: 35 }));
  });

  it('reports status endpoint failures through onError and keeps watching', async () => {
    const feed = new FakeFeed();
    const endpoint = new FakeStatusEndpoint();
    endpoint.failNext = 1;
    const errors: unknown[] = [];
    const views: TaskView[] = [];
    watchTaskOn(feed, TASK, (view) => views.push(view), statusSettings(endpoint.fetch), {
      onError: (error) => errors.push(error),
    });
    feed.handlers?.onSubscribed();
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 'INLOOP_STATUS_FAILED', status: 503 });
    feed.deliver(progress(1, 5));
    expect(views.at(-1)).toMatchObject({ seq: 1 });
  });

  it('marks a running task stalled after silence and clears it with the next event', async () => {
    const { feed, last } = setup({ stallAfterMs: 5_000 });
    feed.deliver(progress(1, 10));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(last()?.stalled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(last()).toMatchObject({ stalled: true, percent: 10 });
    feed.deliver(progress(2, 20));
    expect(last()).toMatchObject({ stalled: false, percent: 20 });
  });

  it('checks the status endpoint before calling a silent task stalled: a lost last event shows up, no stall', async () => {
    const { feed, endpoint, views, last } = setup({ stallAfterMs: 5_000 });
    feed.deliver(progress(1, 10));
    // The task finished, but its last event never reached this page (realtime delivery is at most once).
    endpoint.record(progress(1, 10));
    endpoint.record(event(2, { state: 'succeeded', result: { rows: 3 } }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(endpoint.requests).toBe(1);
    expect(last()).toMatchObject({ state: 'succeeded', percent: 100, result: { rows: 3 }, stalled: false });
    expect(views.some((view) => view.stalled)).toBe(false);
  });

  it('marks a task stalled when the status endpoint knows nothing newer, and does not keep asking', async () => {
    const { feed, endpoint, last } = setup({ stallAfterMs: 5_000 });
    feed.deliver(progress(1, 10));
    endpoint.record(progress(1, 10));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(endpoint.requests).toBe(1);
    expect(last()).toMatchObject({ stalled: true, seq: 1 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(endpoint.requests).toBe(1);
  });

  it('never marks a queued or finished task stalled', async () => {
    const { feed, views } = setup({ stallAfterMs: 1_000 });
    feed.deliver(event(1, { state: 'queued' }));
    await vi.advanceTimersByTimeAsync(5_000);
    feed.deliver(event(2, { state: 'succeeded' }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(views.map((view) => view.stalled)).toEqual([false, false]);
  });

  it('polls the status endpoint with growing delays only while realtime is down, and stops when it returns', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { feed, endpoint, last } = setup();
    endpoint.record(progress(1, 10));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(endpoint.requests).toBe(0);

    feed.setStatus('down');
    await vi.advanceTimersByTimeAsync(0);
    expect(endpoint.requests).toBe(1); // at once on the gap
    expect(last()).toMatchObject({ seq: 1 });
    await vi.advanceTimersByTimeAsync(60_000);
    // Full-jitter backoff (ceilings 1, 2, 4, 8, 8… s; the mocked draw takes half of each): the gaps
    // grow and settle at the slow cap instead of hammering the endpoint.
    const gaps = endpoint.times.slice(1).map((time, index) => time - endpoint.times[index]!);
    expect(gaps.slice(0, 4)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(new Set(gaps.slice(4))).toEqual(new Set([4_000]));
    endpoint.record(progress(2, 50));
    await vi.advanceTimersByTimeAsync(8_000);
    expect(last()).toMatchObject({ seq: 2, percent: 50 });

    feed.setStatus('up');
    const afterUp = endpoint.requests;
    await vi.advanceTimersByTimeAsync(120_000);
    // No more polling: only the one check of the silent running task before it is called stalled.
    expect(endpoint.requests).toBe(afterUp + 1);
    expect(last()).toMatchObject({ seq: 2, stalled: true });
  });

  it('reads the status once more as soon as realtime is back after an outage, then stops polling', async () => {
    const { feed, endpoint, last } = setup();
    endpoint.record(progress(1, 10));
    feed.setStatus('down');
    await vi.advanceTimersByTimeAsync(0);
    expect(endpoint.requests).toBe(1);
    endpoint.record(progress(2, 40));
    feed.setStatus('up');
    await vi.advanceTimersByTimeAsync(0);
    expect(endpoint.requests).toBe(2);
    expect(last()).toMatchObject({ seq: 2, percent: 40 });
    await vi.advanceTimersByTimeAsync(120_000);
    // No more polling: only the one check of the silent running task before it is called stalled.
    expect(endpoint.requests).toBe(3);
    expect(last()).toMatchObject({ seq: 2, stalled: true });
  });

  it('stops polling once the task is terminal', async () => {
    const { feed, endpoint, last } = setup();
    endpoint.record(progress(1, 10));
    feed.setStatus('down');
    await vi.advanceTimersByTimeAsync(0);
    endpoint.record(event(2, { state: 'succeeded' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(last()).toMatchObject({ state: 'succeeded', percent: 100 });
    const atEnd = endpoint.requests;
    await vi.advanceTimersByTimeAsync(300_000);
    expect(endpoint.requests).toBe(atEnd);
  });

  it('starts polling at once when realtime is already down, and never polls without a status endpoint', async () => {
    const feed = new FakeFeed();
    feed.status = 'down';
    const endpoint = new FakeStatusEndpoint();
    endpoint.record(progress(1, 10));
    const views: TaskView[] = [];
    const settings = statusSettings(endpoint.fetch, { pollBackoff: { initialMs: 1_000, maxMs: 1_000 } });
    watchTaskOn(feed, TASK, (view) => views.push(view), settings);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(views.at(-1)).toMatchObject({ seq: 1 });

    const silent = setup({}, false);
    silent.feed.setStatus('down');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(silent.endpoint.requests).toBe(0);
  });

  it('stops everything when unsubscribed', async () => {
    const { feed, endpoint, views, stop } = setup({ stallAfterMs: 1_000 });
    feed.deliver(progress(1, 10));
    stop();
    expect(feed.handlers).toBeNull();
    feed.setStatus('down');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(endpoint.requests).toBe(0);
    expect(views).toHaveLength(1);
  });
});
