import {
  applyTaskEvent,
  isTerminalState,
  stateRank,
  TASK_STATES,
  type TaskEvent,
  type TaskSnapshot,
} from '@inloop/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLifecycle, lifecycleDelivery, lifecyclePlan, TASK_ID } from './support/task-sequences.js';

/** Events a buggy or hostile producer might send: any state, seq, attempt and progress, in any order. */
const arbitraryEvent: fc.Arbitrary<TaskEvent> = fc.record(
  {
    v: fc.constant(1 as const),
    task: fc.constantFrom(TASK_ID, 'other-task'),
    seq: fc.nat({ max: 30 }),
    at: fc.nat(),
    state: fc.constantFrom(...TASK_STATES),
    attempt: fc.integer({ min: 1, max: 5 }),
    progress: fc.record(
      {
        done: fc.nat({ max: 200 }),
        total: fc.integer({ min: 1, max: 100 }),
        percent: fc.oneof(fc.double({ min: -10, max: 110 }), fc.constant(Number.NaN)),
      },
      { requiredKeys: ['done'] },
    ),
    result: fc.jsonValue(),
  },
  { requiredKeys: ['v', 'task', 'seq', 'at', 'state', 'attempt'] },
);

const RUNS = 500;

describe('applyTaskEvent under reordering, duplication and loss', () => {
  it('never moves the snapshot backwards', () => {
    fc.assert(
      fc.property(lifecycleDelivery, ({ events, delivery }) => {
        let snapshot: TaskSnapshot | undefined;
        for (const index of delivery) {
          const before = snapshot;
          snapshot = applyTaskEvent(before, events[index]!);
          if (!before) continue;
          expect(snapshot.seq).toBeGreaterThanOrEqual(before.seq);
          expect(stateRank(snapshot.state)).toBeGreaterThanOrEqual(stateRank(before.state));
          expect(snapshot.percent).toBeGreaterThanOrEqual(before.percent);
          expect(snapshot.attempt).toBeGreaterThanOrEqual(before.attempt);
          if (isTerminalState(before.state)) expect(snapshot).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never moves backwards even for arbitrary event streams, and ignores other tasks', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEvent, { maxLength: 40 }), (stream) => {
        let snapshot: TaskSnapshot | undefined;
        for (const event of stream) {
          const before = snapshot;
          snapshot = applyTaskEvent(before, event);
          expect(Number.isFinite(snapshot.percent)).toBe(true);
          if (!before) continue;
          expect(snapshot.task).toBe(before.task);
          expect(snapshot.seq).toBeGreaterThanOrEqual(before.seq);
          expect(stateRank(snapshot.state)).toBeGreaterThanOrEqual(stateRank(before.state));
          expect(snapshot.percent).toBeGreaterThanOrEqual(before.percent);
          expect(snapshot.attempt).toBeGreaterThanOrEqual(before.attempt);
          if (isTerminalState(before.state)) expect(snapshot).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('equals the terminal state from the moment the terminal event is applied', () => {
    fc.assert(
      fc.property(lifecycleDelivery, ({ events, delivery }) => {
        const last = events[events.length - 1]!;
        let snapshot: TaskSnapshot | undefined;
        let terminalApplied = false;
        for (const index of delivery) {
          snapshot = applyTaskEvent(snapshot, events[index]!);
          if (events[index] === last && isTerminalState(last.state)) terminalApplied = true;
          if (!terminalApplied) continue;
          expect(snapshot.state).toBe(last.state);
          expect(snapshot.seq).toBe(last.seq);
          expect(snapshot.attempt).toBe(last.attempt);
          expect(snapshot.result).toEqual(last.result);
          expect(snapshot.error).toEqual(last.error);
          if (last.state === 'succeeded') expect(snapshot.percent).toBe(100);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the newest delivered event: nothing valid is dropped', () => {
    fc.assert(
      fc.property(lifecycleDelivery, ({ events, delivery }) => {
        fc.pre(delivery.length > 0);
        let snapshot: TaskSnapshot | undefined;
        for (const index of delivery) snapshot = applyTaskEvent(snapshot, events[index]!);
        const newest = Math.max(...delivery.map((index) => events[index]!.seq));
        expect(snapshot?.seq).toBe(newest);
        expect(snapshot?.state).toBe(events[newest - 1]!.state);
      }),
      { numRuns: RUNS },
    );
  });

  it('shows a percent that never falls, even when a retry counts again from zero (in order)', () => {
    fc.assert(
      fc.property(lifecyclePlan, (plan) => {
        let snapshot: TaskSnapshot | undefined;
        let highest = 0;
        for (const event of buildLifecycle(plan)) {
          snapshot = applyTaskEvent(snapshot, event);
          expect(snapshot.percent).toBeGreaterThanOrEqual(highest);
          expect(snapshot.percent).toBeLessThanOrEqual(100);
          highest = snapshot.percent;
        }
      }),
      { numRuns: RUNS },
    );
  });
});
