import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_VISIBILITY_SECONDS, VisibilityLease } from '../src/visibility-lease.js';

// fauxqs does not enforce SQS's 12-hour visibility limit, so the rule is shown here with a fake clock.
describe('VisibilityLease', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('extends before the visibility lapses and stops at the 12-hour total, warning once before the last extension', async () => {
    const start = Date.now();
    const changes: Array<{ at: number; seconds: number }> = [];
    const warnings: number[] = [];
    const lease = new VisibilityLease({
      visibilityTimeout: 3600,
      receivedAt: start,
      changeVisibility: async (seconds) => {
        changes.push({ at: Date.now(), seconds });
      },
      onLimit: ({ visibleAt }) => warnings.push(visibleAt),
      onLost: () => {
        throw new Error('not expected');
      },
    });
    lease.start();
    await vi.advanceTimersByTimeAsync(13 * 3600 * 1000);
    lease.stop();

    // Every extension lands while the message is still invisible.
    let visibleUntil = start + 3600 * 1000;
    for (const change of changes) {
      expect(change.at).toBeLessThan(visibleUntil);
      visibleUntil = change.at + change.seconds * 1000;
    }
    // Never beyond 12 hours after the receive, and it gets right up to it.
    expect(visibleUntil).toBeLessThanOrEqual(start + MAX_VISIBILITY_SECONDS * 1000);
    expect(visibleUntil).toBeGreaterThan(start + (MAX_VISIBILITY_SECONDS - 3600) * 1000);
    expect(warnings).toEqual([visibleUntil]);
    const last = changes.at(-1)!;
    expect(last.seconds).toBeLessThan(3600);
    // No extension is attempted after the cap.
    const count = changes.length;
    await vi.advanceTimersByTimeAsync(24 * 3600 * 1000);
    expect(changes.length).toBe(count);
  });

  it('reports a lost lease once when SQS refuses an extension (e.g. an invalid receipt handle) and stops', async () => {
    const lost: unknown[] = [];
    let calls = 0;
    const lease = new VisibilityLease({
      visibilityTimeout: 10,
      receivedAt: Date.now(),
      changeVisibility: async () => {
        calls += 1;
        throw Object.assign(new Error('The receipt handle is not valid'), { name: 'ReceiptHandleIsInvalid' });
      },
      onLimit: () => undefined,
      onLost: (error) => lost.push(error),
    });
    lease.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as Error).name).toBe('ReceiptHandleIsInvalid');
  });

  it('counts the remaining budget from the receive', async () => {
    const lease = new VisibilityLease({
      visibilityTimeout: 30,
      receivedAt: Date.now(),
      changeVisibility: async () => undefined,
      onLimit: () => undefined,
      onLost: () => undefined,
    });
    expect(lease.remainingBudgetSeconds()).toBe(MAX_VISIBILITY_SECONDS);
    vi.setSystemTime(Date.now() + 11 * 3600 * 1000);
    expect(lease.remainingBudgetSeconds()).toBe(3600);
    vi.setSystemTime(Date.now() + 2 * 3600 * 1000);
    expect(lease.remainingBudgetSeconds()).toBe(0);
  });
});
