import {
  isTerminalState,
  stateRank,
  type TaskError,
  type TaskEvent,
  type TaskProgress,
  type TaskState,
} from './task-state.js';

/** What a person is shown of a task: built only by applyTaskEvent, so it never moves backwards. */
export interface TaskSnapshot {
  task: string;
  seq: number;
  state: TaskState;
  attempt: number;
  /** 0–100, never lower than any percent shown before for this task. */
  percent: number;
  progress?: TaskProgress;
  eta?: number;
  /** While `retrying`: when the next attempt is due (ms epoch). */
  retryAt?: number;
  result?: unknown;
  error?: TaskError;
  updatedAt: number;
}

/** The percent a progress report stands for (0–100), or undefined when it does not say. */
export function percentOf(progress: TaskProgress | undefined): number | undefined {
  if (!progress) return undefined;
  if (progress.percent !== undefined) return clampPercent(progress.percent);
  if (progress.total !== undefined && progress.total > 0) return clampPercent((progress.done / progress.total) * 100);
  return undefined;
}

function clampPercent(value: number): number | undefined {
  // NaN would stick forever (Math.max(NaN, x) is NaN): an unusable number says nothing.
  if (!Number.isFinite(value)) return undefined;
  return Math.min(100, Math.max(0, value));
}

/**
 * Folds one event into a snapshot. Pure; the server and the client both use it.
 *
 * Drops: events of another task, duplicates and anything older than the snapshot (by `seq`),
 * anything after a terminal state, moves back in the lifecycle (e.g. `queued` after `running`),
 * and events of an earlier attempt. The percent shown never goes down, even when a retried
 * attempt starts its own count again from zero.
 */
export function applyTaskEvent(snapshot: TaskSnapshot | undefined, event: TaskEvent): TaskSnapshot {
  if (snapshot) {
    if (event.task !== snapshot.task) return snapshot;
    if (event.seq <= snapshot.seq) return snapshot;
    if (isTerminalState(snapshot.state)) return snapshot;
    if (stateRank(event.state) < stateRank(snapshot.state)) return snapshot;
    if (event.attempt < snapshot.attempt) return snapshot;
  }

  const reported = event.state === 'succeeded' ? 100 : percentOf(event.progress);
  const percent = Math.max(snapshot?.percent ?? 0, reported ?? 0);
  const next: TaskSnapshot = {
    task: event.task,
    seq: event.seq,
    state: event.state,
    attempt: event.attempt,
    percent,
    updatedAt: event.at,
  };
  // A report without progress keeps the last one of the same attempt; a new attempt starts afresh.
  const carried = snapshot && snapshot.attempt === event.attempt ? snapshot.progress : undefined;
  const progress = event.progress ?? (isTerminalState(event.state) ? undefined : carried);
  if (progress) next.progress = progress;
  if (event.eta !== undefined && !isTerminalState(event.state)) next.eta = event.eta;
  if (event.retryAt !== undefined && event.state === 'retrying') next.retryAt = event.retryAt;
  if (event.result !== undefined) next.result = event.result;
  if (event.error) next.error = event.error;
  return next;
}

/** Folds a whole list of events, in the order given. */
export function reduceTaskEvents(events: Iterable<TaskEvent>, initial?: TaskSnapshot): TaskSnapshot | undefined {
  let snapshot = initial;
  for (const event of events) snapshot = applyTaskEvent(snapshot, event);
  return snapshot;
}
