/** The states of a task, in lifecycle order. No zod here: the browser client imports this. */
export const TASK_STATES = ['queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TERMINAL_STATES: readonly TaskState[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminalState(state: TaskState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

/** queued → running ⇄ retrying → terminal: a state may only move to one of equal or higher rank. */
export function stateRank(state: TaskState): number {
  if (state === 'queued') return 0;
  if (state === 'running' || state === 'retrying') return 1;
  return 2;
}

export interface TaskProgress {
  done: number;
  total?: number;
  percent?: number;
  step?: string;
  message?: string;
}

export interface TaskError {
  code: string;
  message: string;
  retryable: boolean;
}

/** The one envelope of every event on a task channel. */
export interface TaskEvent {
  v: 1;
  task: string;
  seq: number;
  at: number;
  state: TaskState;
  attempt: number;
  progress?: TaskProgress;
  eta?: number;
  /** `retrying` only: when the next attempt is due (ms epoch). */
  retryAt?: number;
  result?: unknown;
  error?: TaskError;
}

/** The name every task event is sent under on its channel. */
export const TASK_EVENT_NAME = 'inloop:task';
