import { applyTaskEvent, percentOf, reduceTaskEvents, type TaskEvent, type TaskSnapshot } from '@inloop/protocol';
import { describe, expect, it } from 'vitest';

function event(fields: Partial<TaskEvent> & Pick<TaskEvent, 'seq' | 'state'>): TaskEvent {
  return { v: 1, task: 'job-1', at: 1000 + fields.seq, attempt: 1, ...fields };
}

const running = (seq: number, done: number, attempt = 1) =>
  event({ seq, state: 'running', attempt, progress: { done, total: 10 } });

function snapshotAt(events: TaskEvent[]): TaskSnapshot {
  const snapshot = reduceTaskEvents(events);
  if (!snapshot) throw new Error('no events');
  return snapshot;
}

describe('applyTaskEvent refusals', () => {
  const base = snapshotAt([event({ seq: 1, state: 'queued' }), running(2, 5)]);

  it('starts a snapshot from the first event it sees, whatever its seq', () => {
    expect(applyTaskEvent(undefined, running(7, 3))).toMatchObject({ seq: 7, state: 'running', percent: 30 });
  });

  it('ignores an event of another task', () => {
    expect(applyTaskEvent(base, { ...running(3, 9), task: 'job-2' })).toBe(base);
  });

  it('drops a duplicate (same seq), even with different content', () => {
    expect(applyTaskEvent(base, running(2, 9))).toBe(base);
  });

  it('drops an older seq', () => {
    expect(applyTaskEvent(base, event({ seq: 1, state: 'queued' }))).toBe(base);
  });

  it('refuses a move back in the lifecycle (queued after running), even with a newer seq', () => {
    expect(applyTaskEvent(base, event({ seq: 3, state: 'queued' }))).toBe(base);
  });

  it('allows running ⇄ retrying within the same rank', () => {
    const retrying = applyTaskEvent(base, event({ seq: 3, state: 'retrying', attempt: 2 }));
    expect(retrying.state).toBe('retrying');
    expect(applyTaskEvent(retrying, running(4, 0, 2)).state).toBe('running');
  });

  it('shows when the next attempt is due while retrying, and forgets it once the attempt runs', () => {
    const retrying = applyTaskEvent(base, event({ seq: 3, state: 'retrying', attempt: 1, retryAt: 5_000 }));
    expect(retrying.retryAt).toBe(5_000);
    expect(applyTaskEvent(retrying, running(4, 0, 2)).retryAt).toBeUndefined();
    expect(applyTaskEvent(base, running(3, 1)).retryAt).toBeUndefined();
  });

  it('refuses an event of an earlier attempt', () => {
    const second = applyTaskEvent(base, running(3, 1, 2));
    expect(applyTaskEvent(second, running(4, 9, 1))).toBe(second);
  });

  it('refuses everything after a terminal state, terminal or not', () => {
    const failed = applyTaskEvent(
      base,
      event({ seq: 3, state: 'failed', error: { code: 'E', message: 'boom', retryable: false } }),
    );
    expect(applyTaskEvent(failed, running(4, 10))).toBe(failed);
    expect(applyTaskEvent(failed, event({ seq: 5, state: 'succeeded', result: 1 }))).toBe(failed);
    expect(applyTaskEvent(failed, event({ seq: 6, state: 'cancelled' }))).toBe(failed);
  });
});

describe('applyTaskEvent percent and fields', () => {
  it('never lowers the percent, also when a retry starts again at zero', () => {
    const snapshot = snapshotAt([running(1, 6), event({ seq: 2, state: 'retrying', attempt: 2 }), running(3, 1, 2)]);
    expect(snapshot.percent).toBe(60);
    expect(snapshot.progress).toEqual({ done: 1, total: 10 });
  });

  it('shows 100 on success even without progress', () => {
    expect(snapshotAt([running(1, 2), event({ seq: 2, state: 'succeeded', result: { ok: true } })])).toMatchObject({
      percent: 100,
      result: { ok: true },
    });
  });

  it('keeps the progress of the same attempt when a report has none, but not across attempts', () => {
    const same = snapshotAt([running(1, 4), event({ seq: 2, state: 'running', eta: 100 })]);
    expect(same.progress).toEqual({ done: 4, total: 10 });
    expect(same.eta).toBe(100);
    const next = snapshotAt([running(1, 4), event({ seq: 2, state: 'retrying', attempt: 2 })]);
    expect(next.progress).toBeUndefined();
    expect(next.percent).toBe(40);
  });

  it('carries the error of a retrying event and drops it once running again', () => {
    const error = { code: 'TIMEOUT', message: 'upstream timed out', retryable: true };
    const retrying = snapshotAt([running(1, 4), event({ seq: 2, state: 'retrying', attempt: 2, error })]);
    expect(retrying.error).toEqual(error);
    expect(applyTaskEvent(retrying, running(3, 0, 2)).error).toBeUndefined();
  });

  it('drops progress and eta at a terminal state', () => {
    const done = snapshotAt([
      event({ seq: 1, state: 'running', progress: { done: 3, total: 10 }, eta: 500 }),
      event({ seq: 2, state: 'cancelled' }),
    ]);
    expect(done).toEqual({ task: 'job-1', seq: 2, state: 'cancelled', attempt: 1, percent: 30, updatedAt: 1002 });
  });
});

describe('percentOf', () => {
  it('prefers an explicit percent, clamps to 0–100, and ignores unusable numbers', () => {
    expect(percentOf({ done: 1, total: 4 })).toBe(25);
    expect(percentOf({ done: 1, total: 4, percent: 80 })).toBe(80);
    expect(percentOf({ done: 20, total: 10 })).toBe(100);
    expect(percentOf({ done: 1, percent: -5 })).toBe(0);
    expect(percentOf({ done: 1, percent: Number.NaN })).toBeUndefined();
    expect(percentOf({ done: 1, total: 0 })).toBeUndefined();
    expect(percentOf({ done: 3 })).toBeUndefined();
    expect(percentOf(undefined)).toBeUndefined();
  });
});
