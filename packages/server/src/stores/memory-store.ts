import { applyTaskEvent, isTerminalState, type TaskEvent, type TaskSnapshot } from '@inloop/protocol';
import {
  DEFAULT_ACTIVE_TTL_MS,
  DEFAULT_FINISHED_TTL_MS,
  type TaskRecord,
  type TaskStore,
  type TaskStoreTtlOptions,
} from './task-store.js';

export interface MemoryStoreOptions extends TaskStoreTtlOptions {
  /** For tests: the clock expiry is measured on. */
  now?: () => number;
}

interface Entry {
  snapshot?: TaskSnapshot;
  owner?: string;
  cancelRequested: boolean;
  seq: number;
  expiresAt: number;
}

/** Keeps tasks in this process: the default, fine for one server process. */
export function createMemoryStore(options: MemoryStoreOptions = {}): TaskStore {
  const ttlMs = options.ttlMs ?? DEFAULT_FINISHED_TTL_MS;
  const activeTtlMs = options.activeTtlMs ?? DEFAULT_ACTIVE_TTL_MS;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const sweep = () => {
    const time = now();
    for (const [taskId, entry] of entries) if (entry.expiresAt <= time) entries.delete(taskId);
  };
  const sweeper = setInterval(sweep, Math.min(ttlMs, activeTtlMs, 60_000));
  sweeper.unref();

  const live = (taskId: string): Entry | undefined => {
    const entry = entries.get(taskId);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(taskId);
      return undefined;
    }
    return entry;
  };

  const touch = (taskId: string): Entry => {
    let entry = live(taskId);
    if (!entry) {
      entry = { cancelRequested: false, seq: 0, expiresAt: 0 };
      entries.set(taskId, entry);
    }
    const finished = entry.snapshot !== undefined && isTerminalState(entry.snapshot.state);
    if (!finished) entry.expiresAt = now() + activeTtlMs;
    return entry;
  };

  return {
    async get(taskId): Promise<TaskRecord | undefined> {
      const entry = live(taskId);
      if (!entry) return undefined;
      const record: TaskRecord = { cancelRequested: entry.cancelRequested };
      if (entry.snapshot) record.snapshot = entry.snapshot;
      if (entry.owner !== undefined) record.owner = entry.owner;
      return record;
    },
    async setOwner(taskId, owner) {
      touch(taskId).owner = owner;
    },
    async apply(event: TaskEvent) {
      const entry = touch(event.task);
      const next = applyTaskEvent(entry.snapshot, event);
      if (next !== entry.snapshot) {
        entry.snapshot = next;
        if (isTerminalState(next.state)) entry.expiresAt = now() + ttlMs;
      }
      return next;
    },
    async nextSeq(taskId) {
      const entry = touch(taskId);
      entry.seq = Math.max(entry.seq, entry.snapshot?.seq ?? 0) + 1;
      return entry.seq;
    },
    async requestCancel(taskId) {
      touch(taskId).cancelRequested = true;
    },
    async isCancelRequested(taskId) {
      return live(taskId)?.cancelRequested ?? false;
    },
    async close() {
      clearInterval(sweeper);
      entries.clear();
    },
  };
}
