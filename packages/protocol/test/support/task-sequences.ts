import type { TaskEvent } from '@inloop/protocol';
import fc from 'fast-check';

export const TASK_ID = 'job-42';

export type Ending = 'none' | 'succeeded' | 'failed' | 'cancelled';

export interface LifecyclePlan {
  /** Progress increments of each attempt; one entry per attempt. */
  attempts: number[][];
  total: number;
  ending: Ending;
}

/** queued → running ⇄ retrying (attempt increasing) → at most one terminal event; seq +1 per event. */
export function buildLifecycle(plan: LifecyclePlan): TaskEvent[] {
  const events: TaskEvent[] = [];
  const push = (event: Omit<TaskEvent, 'v' | 'task' | 'seq' | 'at'>) => {
    const seq = events.length + 1;
    events.push({ v: 1, task: TASK_ID, seq, at: 1_700_000_000_000 + seq * 1000, ...event });
  };
  push({ state: 'queued', attempt: 1 });
  plan.attempts.forEach((increments, index) => {
    const attempt = index + 1;
    if (index > 0) {
      push({
        state: 'retrying',
        attempt,
        error: { code: 'TRANSIENT', message: `attempt ${attempt - 1} failed`, retryable: true },
      });
    }
    // A retry starts its own count again from zero.
    let done = 0;
    push({ state: 'running', attempt, progress: { done, total: plan.total } });
    for (const step of increments) {
      done = Math.min(plan.total, done + step);
      push({ state: 'running', attempt, progress: { done, total: plan.total, message: `done ${done}` }, eta: 5000 });
    }
  });
  const attempt = plan.attempts.length;
  if (plan.ending === 'succeeded') push({ state: 'succeeded', attempt, result: { url: `/files/${TASK_ID}.csv` } });
  if (plan.ending === 'failed') {
    push({ state: 'failed', attempt, error: { code: 'EXPORT_FAILED', message: 'disk full', retryable: false } });
  }
  if (plan.ending === 'cancelled') push({ state: 'cancelled', attempt });
  return events;
}

export const lifecyclePlan: fc.Arbitrary<LifecyclePlan> = fc.record({
  attempts: fc.array(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  total: fc.integer({ min: 1, max: 100 }),
  ending: fc.constantFrom<Ending>('none', 'succeeded', 'failed', 'cancelled'),
});

/** A valid lifecycle and a delivery of it: any order, with duplicates and losses (indices into events). */
export const lifecycleDelivery = lifecyclePlan.chain((plan) => {
  const events = buildLifecycle(plan);
  const index = fc.nat({ max: events.length - 1 });
  return fc.record({
    events: fc.constant(events),
    delivery: fc.oneof(
      fc.array(index, { maxLength: events.length * 3 }),
      // Every event at least once, shuffled, then some duplicates.
      fc
        .tuple(fc.shuffledSubarray([...events.keys()], { minLength: events.length }), fc.array(index, { maxLength: 5 }))
        .map(([all, extra]) => [...all, ...extra]),
    ),
  });
});
