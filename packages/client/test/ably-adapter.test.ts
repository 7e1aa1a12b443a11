import { TASK_EVENT_NAME, type TaskEvent } from '@inloop/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AblyChannelLike, type AblyRealtimeLike, fromAbly } from '../src/adapters/index.js';
import type { TaskView } from '../src/index.js';
import { FakeStatusEndpoint } from './fake-feed.js';

type Listener = (...args: never[]) => void;

/**
 * A stand-in for ably-js's Realtime (which needs Ably's hosted service): channels keep their
 * options and listeners so the test can play attach/detach and messages, like ably-js would.
 */
class FakeAblyChannel implements AblyChannelLike {
  state = 'initialized';
  readonly subscribers = new Map<string, Set<Listener>>();
  readonly stateListeners = new Map<string, Set<Listener>>();

  constructor(
    readonly name: string,
    readonly params: Record<string, string> | undefined,
  ) {}

  subscribe(event: string, listener: Listener): Promise<void> {
    if (!this.subscribers.has(event)) this.subscribers.set(event, new Set());
    this.subscribers.get(event)!.add(listener);
    return Promise.resolve();
  }

  unsubscribe(event: string, listener: Listener): void {
    this.subscribers.get(event)?.delete(listener);
  }

  on(event: string, listener: Listener): void {
    if (!this.stateListeners.has(event)) this.stateListeners.set(event, new Set());
    this.stateListeners.get(event)!.add(listener);
  }

  off(event: string, listener: Listener): void {
    this.stateListeners.get(event)?.delete(listener);
  }

  attach(resumed: boolean): void {
    this.state = 'attached';
    for (const listener of this.stateListeners.get('attached') ?? [])
      (listener as (c: unknown) => void)({ current: 'attached', resumed });
  }

  publish(data: unknown): void {
    for (const listener of this.subscribers.get(TASK_EVENT_NAME) ?? [])
      (listener as (m: unknown) => void)({ name: TASK_EVENT_NAME, data });
  }
}

class FakeAblyRealtime implements AblyRealtimeLike {
  readonly opened = new Map<string, FakeAblyChannel>();
  private readonly listeners = new Set<(change: { previous: string; current: string }) => void>();
  readonly connection = {
    state: 'connected',
    on: (listener: (change: { previous: string; current: string }) => void) => this.listeners.add(listener),
    off: (listener: (change: { previous: string; current: string }) => void) => this.listeners.delete(listener),
  };
  readonly channels = {
    get: (name: string, options?: { params?: Record<string, string> }) => {
      let channel = this.opened.get(name);
      if (!channel) {
        channel = new FakeAblyChannel(name, options?.params);
        this.opened.set(name, channel);
      }
      return channel;
    },
  };

  move(current: string): void {
    const previous = this.connection.state;
    this.connection.state = current;
    for (const listener of this.listeners) listener({ previous, current });
  }
}

const TASK = 'ably-task';

function event(seq: number, patch: Partial<TaskEvent> = {}): TaskEvent {
  return { v: 1, task: TASK, seq, at: 1_700_000_000_000 + seq, state: 'running', attempt: 1, ...patch };
}

describe('fromAbly(): watchTask over an app’s own ably-js connection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup() {
    const realtime = new FakeAblyRealtime();
    const endpoint = new FakeStatusEndpoint();
    const views: TaskView[] = [];
    const stop = fromAbly(realtime, {
      statusEndpoint: 'https://app.test/tasks/{id}',
      fetch: endpoint.fetch,
      environmentEvents: null,
      pollBackoff: { initialMs: 1_000, maxMs: 1_000 },
    }).watchTask(TASK, (view) => views.push(view));
    const channel = realtime.opened.get(`private-cache-task-${TASK}`)!;
    return { realtime, endpoint, views, stop, channel };
  }

  it('opens the task channel with rewind=1 and folds its messages (strings or objects) forward only', () => {
    const { channel, views } = setup();
    expect(channel.params).toEqual({ rewind: '1' });
    channel.publish(event(2, { progress: { done: 1, percent: 40 } }));
    channel.publish(JSON.stringify(event(1, { state: 'queued' })));
    channel.publish(JSON.stringify(event(3, { progress: { done: 2, percent: 60 } })));
    channel.publish(event(3, { progress: { done: 2, percent: 60 } }));
    expect(views.map((view) => [view.seq, view.percent])).toEqual([
      [2, 40],
      [3, 60],
    ]);
  });

  it('catches up from the status endpoint on an attach that lost continuity, not on a resumed one', async () => {
    const { channel, endpoint, views } = setup();
    endpoint.record(event(5, { progress: { done: 5, percent: 75 } }));
    channel.attach(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(endpoint.requests).toBe(0);
    channel.attach(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(endpoint.requests).toBe(1);
    expect(views.at(-1)).toMatchObject({ seq: 5, percent: 75 });
  });

  it('polls the status endpoint while the connection is suspended and stops when it is connected again', async () => {
    const { realtime, endpoint, views } = setup();
    endpoint.record(event(1));
    realtime.move('disconnected'); // still trying: no polling yet
    await vi.advanceTimersByTimeAsync(10_000);
    expect(endpoint.requests).toBe(0);
    realtime.move('suspended');
    await vi.advanceTimersByTimeAsync(3_500);
    expect(endpoint.requests).toBeGreaterThanOrEqual(2);
    expect(views.at(-1)).toMatchObject({ seq: 1 });
    realtime.move('connected');
    const requests = endpoint.requests;
    await vi.advanceTimersByTimeAsync(60_000);
    // No more polling: only the one check of the silent running task before it is called stalled.
    expect(endpoint.requests).toBe(requests + 1);
    expect(views.at(-1)).toMatchObject({ seq: 1, stalled: true });
  });

  it('refuses the watch options connect() refuses, with the same message', () => {
    const realtime = new FakeAblyRealtime();
    expect(() => fromAbly(realtime, { statusEndpoint: '/tasks' })).toThrow(
      expect.objectContaining({ code: 'INLOOP_CONFIG_INVALID', message: expect.stringContaining('{id}') }),
    );
    expect(() => fromAbly(realtime, { stallAfterMs: -1 })).toThrow(/`stallAfterMs` must be a positive number/);
  });

  it('unsubscribes its listeners when the watch stops', () => {
    const { channel, stop, views } = setup();
    stop();
    expect(channel.subscribers.get(TASK_EVENT_NAME)?.size).toBe(0);
    expect(channel.stateListeners.get('attached')?.size).toBe(0);
    channel.publish(event(1));
    expect(views).toEqual([]);
  });
});
