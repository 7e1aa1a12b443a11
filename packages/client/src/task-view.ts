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
  /** While `retrying`: when the next attempt is due (ms epoch). */
  retryAt?: number;
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
  const { task: _task, progress, updatedAt, ...rest } = snapshot;
  const view: TaskView = { taskId, ...rest, stalled, updatedAt };
  if (progress?.message !== undefined) view.message = progress.message;
  if (progress?.step !== undefined) view.step = progress.step;
  return view;
}

const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/**
 * A light structural check of a task event from the wire (the full zod schema stays on the
 * server so the browser bundle carries no zod). Anything else is ignored.
 */
export function asTaskEvent(data: unknown, taskId: string): TaskEvent | null {
  try {
    const value = typeof data === 'string' ? JSON.parse(data) : data;
    const { progress } = value;
    return value.v === 1 &&
      value.task === taskId &&
      isCount(value.seq) &&
      isCount(value.at) &&
      isCount(value.attempt) &&
      TASK_STATES.includes(value.state) &&
      (progress === undefined || typeof progress.done === 'number')
      ? value
      : null;
  } catch {
    return null;
  }
}

/**
 * The status endpoint's answer (`GET /tasks/:id`: the task's snapshot, as @inloop/server serves it) as an
 * event the reducer can fold, with the percent it showed; null when the answer is not a snapshot of the task.
 */
export function snapshotAsEvent(body: unknown, taskId: string): { event: TaskEvent; percent: number } | null {
  if (!body || typeof body !== 'object') return null;
  const { percent, updatedAt, ...fields } = body as Partial<TaskSnapshot>;
  const event = asTaskEvent({ ...fields, v: 1, at: updatedAt }, taskId);
  return event && { event, percent: typeof percent === 'number' ? percent : 0 };
}
