import type { TaskEvent, TaskSnapshot } from '@inloop/protocol';

/** What is known of one task. */
export interface TaskRecord {
  snapshot?: TaskSnapshot;
  owner?: string;
  cancelRequested: boolean;
}

/**
 * The latest state of each task, so a page that missed events (or has no realtime connection) can
 * read it. Finished tasks expire after `ttlMs`; tasks that stop reporting expire after `activeTtlMs`.
 */
export interface TaskStore {
  get(taskId: string): Promise<TaskRecord | undefined>;
  setOwner(taskId: string, owner: string): Promise<void>;
  /** Folds the event into the task's snapshot (with @inloop/protocol's applyTaskEvent) and returns the result. */
  apply(event: TaskEvent): Promise<TaskSnapshot>;
  /** The next `seq` for the task's events: atomic, so two workers on the same task never reuse one. */
  nextSeq(taskId: string): Promise<number>;
  requestCancel(taskId: string): Promise<void>;
  isCancelRequested(taskId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface TaskStoreTtlOptions {
  /** How long a finished task is kept. Default 24 h. */
  ttlMs?: number;
  /** How long a task that has not finished is kept after its last change. Default 7 days. */
  activeTtlMs?: number;
}

export const DEFAULT_FINISHED_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_ACTIVE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
