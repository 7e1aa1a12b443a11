import { TASK_STATES, type TaskError, type TaskEvent, type TaskSnapshot, type TaskState } from '@inloop/protocol';

/** What watchTask() hands to the application: a task's state that only ever moves forward. */
export interface TaskView {
  taskId: string;
  /** `unknown` until the first event or status answer arrives. */
  state: TaskState | 'unknown';
  /** 0–100; never lower than before. */
  percent: number;
  message?: string;
  step?: string;
  attempt: number;
  eta?: number;
  error?: TaskError;
  result?: unknown;
  /** A running task sent nothing for `stallAfterMs`; cleared by its next event. */
  stalled: boolean;
  /** `at` of the event the view reflects (ms epoch). */
  updatedAt?: number;
  /** `seq` of that event; 0 before any. */
  seq: number;
}

export function viewOf(taskId: string, snapshot: TaskSnapshot | undefined, stalled: boolean): TaskView {
  if (!snapshot) return { taskId, state: 'unknown', percent: 0, attempt: 0, stalled: false, seq: 0 };
  const view: TaskView = {
    taskId,
    state: snapshot.state,
    percent: snapshot.percent,
    attempt: snapshot.attempt,
    stalled,
    updatedAt: snapshot.updatedAt,
    seq: snapshot.seq,
  };
  if (snapshot.progress?.message !== undefined) view.message = snapshot.progress.message;
  if (snapshot.progress?.step !== undefined) view.step = snapshot.progress.step;
  if (snapshot.eta !== undefined) view.eta = snapshot.eta;
  if (snapshot.error !== undefined) view.error = snapshot.error;
  if (snapshot.result !== undefined) view.result = snapshot.result;
  return view;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * A light structural check of a task event from the wire (the full zod schema stays on the
 * server so the browser bundle carries no zod). Anything else is ignored.
 */
export function asTaskEvent(data: unknown, taskId: string): TaskEvent | null {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isRecord(value)) return null;
  if (value.v !== 1 || value.task !== taskId || !isCount(value.seq) || !isCount(value.at)) return null;
  if (!TASK_STATES.includes(value.state as TaskState) || !isCount(value.attempt)) return null;
  if (value.progress !== undefined && !(isRecord(value.progress) && typeof value.progress.done === 'number'))
    return null;
  return value as unknown as TaskEvent;
}

/**
 * A snapshot from the status endpoint (`GET /tasks/:id`), bare or as `{ snapshot }`, turned into
 * an event the reducer can fold; null when the answer is not one.
 */
export function snapshotAsEvent(body: unknown, taskId: string): { event: TaskEvent; percent: number } | null {
  const snapshot = isRecord(body) && isRecord(body.snapshot) ? body.snapshot : body;
  if (!isRecord(snapshot)) return null;
  if (snapshot.v === 1) {
    const event = asTaskEvent(snapshot, taskId);
    return event ? { event, percent: 0 } : null;
  }
  const candidate: Record<string, unknown> = {
    v: 1,
    task: snapshot.task,
    seq: snapshot.seq,
    at: snapshot.updatedAt,
    state: snapshot.state,
    attempt: snapshot.attempt,
  };
  for (const key of ['progress', 'eta', 'result', 'error'] as const) {
    if (snapshot[key] !== undefined) candidate[key] = snapshot[key];
  }
  const event = asTaskEvent(candidate, taskId);
  if (!event) return null;
  return { event, percent: typeof snapshot.percent === 'number' ? snapshot.percent : 0 };
}
