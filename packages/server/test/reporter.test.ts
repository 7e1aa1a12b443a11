import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyTaskEvent, type TaskEvent, type TaskSnapshot } from '@inloop/protocol';
import {
  createMemoryStore,
  createMemoryTransport,
  createNotifier,
  EtaEstimator,
  InvalidArgumentError,
  TaskFailure,
} from '@inloop/server';
import { collectTaskEvents, recordingLogger } from './helpers.js';

function setup(throttleMs = 250) {
  const transport = createMemoryTransport();
  const logger = recordingLogger();
  const notifier = createNotifier(transport, { throttleMs, logger });
  const events = collectTaskEvents(transport);
  return { transport, notifier, events, logger };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('task reporter', () => {
  it('sends a full lifecycle on the task channel, stamped and valid, and keeps the store snapshot', async () => {
    const { notifier, transport } = setup();
    const messages: { channel: string; event: string }[] = [];
    transport.subscribe('private-cache-task-job-1', (message) => messages.push(message));
    const task = notifier.task('job-1', { owner: 'alice' });
    expect(task.channel).toBe('private-cache-task-job-1');
    await task.queued();
    await task.start();
    task.progress({ done: 5, total: 20, message: 'resizing' });
    await task.flush();
    await task.succeed({ url: '/files/1' });

    const events = messages.map((message) => message as unknown as { event: string; data: TaskEvent });
    expect(events.map((message) => message.event)).toEqual([
      'inloop:task',
      'inloop:task',
      'inloop:task',
      'inloop:task',
    ]);
    const data = events.map((message) => message.data);
    expect(data.map((event) => event.state)).toEqual(['queued', 'running', 'running', 'succeeded']);
    expect(data.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    expect(data[2]!.progress).toEqual({ done: 5, total: 20, percent: 25, message: 'resizing' });
    for (const event of data) {
      expect(event).toMatchObject({ v: 1, task: 'job-1', attempt: 1 });
      expect(event.at).toBeGreaterThan(0);
    }
    const record = await notifier.store.get('job-1');
    expect(record?.owner).toBe('alice');
    expect(record?.snapshot).toMatchObject({ state: 'succeeded', percent: 100, seq: 4, result: { url: '/files/1' } });
    await notifier.close();
  });

  it('coalesces 10,000 progress calls made at once into the first and the newest', async () => {
    const { notifier, events } = setup(250);
    const task = notifier.task('burst');
    for (let done = 0; done < 10_000; done++) task.progress({ done, total: 10_000 });
    await task.succeed();
    expect(events.map((event) => [event.state, event.progress?.done])).toEqual([
      ['running', 0],
      ['running', 9_999],
      ['succeeded', undefined],
    ]);
    await notifier.close();
  });

  it('sends at most one progress event per throttle interval over time, always the newest', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { notifier, events } = setup(250);
    const task = notifier.task('steady');
    for (let ms = 0; ms < 1_000; ms++) {
      task.progress({ done: ms, total: 1_000 });
      await vi.advanceTimersByTimeAsync(1);
    }
    const progressEvents = events.filter((event) => event.state === 'running');
    expect(progressEvents.length).toBeGreaterThanOrEqual(4);
    expect(progressEvents.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < progressEvents.length; i++) {
      expect(progressEvents[i]!.at - progressEvents[i - 1]!.at).toBeGreaterThanOrEqual(250);
      expect(progressEvents[i]!.progress!.done).toBeGreaterThan(progressEvents[i - 1]!.progress!.done);
    }
    await task.succeed();
    expect(events.at(-2)!.progress!.done).toBe(999);
    expect(events.at(-1)!.state).toBe('succeeded');
    await notifier.close();
  });

  it('sends about one progress event per interval when progress() is called 10,000 times over one second', async () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const { notifier, events } = setup(250);
    const task = notifier.task('busy-second');
    for (let ms = 0; ms < 1_000; ms++) {
      for (let call = 0; call < 10; call++) task.progress({ done: ms * 10 + call, total: 10_000 });
      await vi.advanceTimersByTimeAsync(1);
    }
    await task.succeed();
    const progressEvents = events.filter((event) => event.state === 'running');
    // 1000 ms / 250 ms = 4 intervals, plus the first call sent at once and the newest flushed before the end.
    expect(progressEvents.length).toBeGreaterThanOrEqual(4);
    expect(progressEvents.length).toBeLessThanOrEqual(6);
    expect(progressEvents.at(-1)!.progress!.done).toBe(9_999);
    expect(events.at(-1)!.state).toBe('succeeded');
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    await notifier.close();
  });

  it('reports a cancellation as the final state, after pending progress, and exposes the cancel flag', async () => {
    const { notifier, events } = setup(10_000);
    const task = notifier.task('stoppable', { owner: 'erin' });
    await task.queued();
    await task.start();
    expect(await task.isCancelRequested()).toBe(false);
    await notifier.store.requestCancel('stoppable');
    expect(await task.isCancelRequested()).toBe(true);
    task.progress({ done: 4, total: 8 });
    await task.cancelled();
    task.progress({ done: 5, total: 8 });
    await task.flush();
    expect(events.map((event) => event.state)).toEqual(['queued', 'running', 'running', 'cancelled']);
    expect(events[2]!.progress).toMatchObject({ done: 4, percent: 50 });
    expect((await notifier.store.get('stoppable'))?.snapshot?.state).toBe('cancelled');
    await notifier.close();
  });

  it('takes a percent as given, and caps a computed one at 100', async () => {
    const { notifier, events } = setup(0);
    const task = notifier.task('percent');
    task.progress({ done: 1, percent: 12.345 });
    await task.flush();
    task.progress({ done: 12, total: 10 });
    await task.flush();
    expect(events.map((event) => event.progress?.percent)).toEqual([12.35, 100]);
    await notifier.close();
  });

  it('sends the terminal event after pending progress, never drops it, and ignores what comes after', async () => {
    const { notifier, events, logger } = setup(10_000);
    const task = notifier.task('ending');
    task.progress({ done: 1, total: 3 });
    task.progress({ done: 2, total: 3 });
    const failed = task.fail(new TaskFailure('QUOTA', 'You are out of credits'));
    task.progress({ done: 3, total: 3 });
    await task.succeed();
    await failed;
    expect(events.map((event) => event.state)).toEqual(['running', 'running', 'failed']);
    expect(events[1]!.progress!.done).toBe(2);
    expect(events[2]!.error).toEqual({ code: 'QUOTA', message: 'You are out of credits', retryable: false });
    expect(task.finished).toBe(true);
    expect(logger.records.some((record) => record.msg?.includes('already finished'))).toBe(true);
    await notifier.close();
  });

  it('shows internal errors only as a generic message, and logs them', async () => {
    const { notifier, events, logger } = setup();
    const task = notifier.task('secretive');
    await task.fail(new Error('connect ECONNREFUSED db-password=hunter2'));
    expect(events[0]!.error).toEqual({ code: 'TASK_FAILED', message: 'The task failed.', retryable: false });
    expect(JSON.stringify(events)).not.toContain('hunter2');
    expect(logger.records.some((record) => record.level === 'error')).toBe(true);
    await notifier.close();
  });

  it('reports retries and carries the next attempt afterwards', async () => {
    const { notifier, events } = setup();
    const task = notifier.task('flaky', { attempt: 1 });
    await task.start();
    const nextAt = Date.now() + 1000;
    await task.retrying({ code: 'UPSTREAM_DOWN', message: 'The image service is down' }, { attempt: 2, nextAt });
    await task.start();
    await task.succeed();
    expect(events.map((event) => [event.state, event.attempt])).toEqual([
      ['running', 1],
      ['retrying', 1],
      ['running', 2],
      ['succeeded', 2],
    ]);
    expect(events[1]!.error).toEqual({ code: 'UPSTREAM_DOWN', message: 'The image service is down', retryable: true });
    expect(events[1]!.retryAt).toBe(nextAt);
    expect(events[2]!.retryAt).toBeUndefined();
    await notifier.close();
  });

  it('keeps seq unique and increasing when two workers report on the same task concurrently', async () => {
    const transport = createMemoryTransport();
    const store = createMemoryStore();
    const events = collectTaskEvents(transport);
    const first = createNotifier(transport, { store, throttleMs: 0, logger: recordingLogger() });
    const second = createNotifier(transport, { store, throttleMs: 0, logger: recordingLogger() });
    const a = first.task('shared');
    const b = second.task('shared');
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).step(`step-${i}`)));
    const seqs = events.map((event) => event.seq);
    expect(new Set(seqs).size).toBe(50);
    expect(Math.min(...seqs)).toBe(1);
    expect(Math.max(...seqs)).toBe(50);
    for (const reporterSteps of [0, 1]) {
      const own = events.filter((event) => Number(event.progress!.step!.slice(5)) % 2 === reporterSteps);
      for (let i = 1; i < own.length; i++) expect(own[i]!.seq).toBeGreaterThan(own[i - 1]!.seq);
    }
    let snapshot: TaskSnapshot | undefined;
    for (const event of events) snapshot = applyTaskEvent(snapshot, event);
    expect((await store.get('shared'))?.snapshot?.seq).toBe(50);
    await store.close();
  });

  it('estimates the time left from the recent rate', async () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const { notifier, events } = setup(100);
    const task = notifier.task('eta');
    // 1 unit per 10 ms, 1000 units in all.
    for (let ms = 0; ms <= 600; ms += 10) {
      task.progress({ done: ms / 10, total: 1000 });
      await vi.advanceTimersByTimeAsync(10);
    }
    const withEta = events.filter((event) => event.eta !== undefined);
    expect(withEta.length).toBeGreaterThanOrEqual(3);
    for (const event of withEta) {
      const expected = (1000 - event.progress!.done) * 10;
      expect(Math.abs(event.eta! - expected)).toBeLessThanOrEqual(expected * 0.05);
    }
    expect(withEta.at(-1)!.eta!).toBeLessThan(withEta[0]!.eta!);
    await notifier.close();
  });

  it('refuses bad input with a clear error', async () => {
    const { notifier } = setup();
    expect(() => notifier.task('bad id with spaces')).toThrow(InvalidArgumentError);
    const task = notifier.task('ok');
    expect(() => task.progress({ done: -1 })).toThrow(/progress needs done ≥ 0/);
    await expect(task.step('x'.repeat(300))).rejects.toThrow(/progress.step/);
    await notifier.close();
  });
});

describe('EtaEstimator', () => {
  it('needs two samples and a total, and restarts when progress goes backwards', () => {
    const eta = new EtaEstimator();
    expect(eta.sample(0, 0, 100)).toBeUndefined();
    expect(eta.sample(1000, 10, undefined)).toBeUndefined();
    expect(eta.sample(2000, 20, 100)).toBe(8000);
    expect(eta.sample(3000, 5, 100)).toBeUndefined();
    expect(eta.sample(4000, 15, 100)).toBe(8500);
  });

  it('uses only the recent window', () => {
    const eta = new EtaEstimator(10_000);
    eta.sample(0, 0, 1000);
    eta.sample(1_000, 500, 1000); // a fast start…
    for (let t = 2_000; t <= 30_000; t += 1_000) eta.sample(t, 500 + (t - 1_000) / 100, 1000); // …then 10 per second
    const left = eta.sample(31_000, 800, 1000)!;
    expect(left).toBe(20_000);
  });
});
