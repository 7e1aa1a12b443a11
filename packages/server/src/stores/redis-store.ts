import { applyTaskEvent, isTerminalState, type TaskEvent, type TaskSnapshot } from '@inloop/protocol';
import type { Redis, RedisOptions } from 'ioredis';
import { InloopError, ServerErrorCode } from '../errors.js';
import { loadProvider } from '../transports/load-provider.js';
import { APPLY_SNAPSHOT, NEXT_SEQ, SET_FIELD } from './redis-scripts.js';
import {
  DEFAULT_ACTIVE_TTL_MS,
  DEFAULT_FINISHED_TTL_MS,
  type TaskRecord,
  type TaskStore,
  type TaskStoreTtlOptions,
} from './task-store.js';

export interface RedisStoreOptions extends TaskStoreTtlOptions {
  /** An ioredis client to use (left open by close()). */
  redis?: Redis;
  /** Or where to connect, e.g. redis://127.0.0.1:6379 (the store opens and closes the client). */
  url?: string;
  redisOptions?: RedisOptions;
  /** Prefix of every key. Default `inloop:`. */
  prefix?: string;
}

const MAX_APPLY_ATTEMPTS = 50;

/** Keeps tasks in Redis, shared by every server and worker process. */
export function createRedisStore(options: RedisStoreOptions = {}): TaskStore {
  const prefix = options.prefix ?? 'inloop:';
  const ttlMs = options.ttlMs ?? DEFAULT_FINISHED_TTL_MS;
  const activeTtlMs = options.activeTtlMs ?? DEFAULT_ACTIVE_TTL_MS;
  const ownsClient = options.redis === undefined;
  const key = (taskId: string) => `${prefix}task:${taskId}`;

  const connection: Promise<Redis> = options.redis
    ? Promise.resolve(options.redis)
    : loadProvider<typeof import('ioredis').Redis>('ioredis', 'redis store').then(
        (RedisClient) =>
          new RedisClient(options.url ?? 'redis://127.0.0.1:6379', { lazyConnect: false, ...options.redisOptions }),
      );
  connection.catch(() => {});

  const run = async (script: string, taskId: string, ...args: (string | number)[]): Promise<number> =>
    Number(await (await connection).eval(script, 1, key(taskId), ...args));

  return {
    async get(taskId): Promise<TaskRecord | undefined> {
      const fields = await (await connection).hgetall(key(taskId));
      if (Object.keys(fields).length === 0) return undefined;
      const record: TaskRecord = { cancelRequested: fields.cancel === '1' };
      if (fields.snapshot) record.snapshot = JSON.parse(fields.snapshot) as TaskSnapshot;
      if (fields.owner !== undefined) record.owner = fields.owner;
      return record;
    },
    async setOwner(taskId, owner) {
      await run(SET_FIELD, taskId, 'owner', owner, activeTtlMs);
    },
    async apply(event: TaskEvent) {
      const redis = await connection;
      for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
        const stored = await redis.hget(key(event.task), 'snapshot');
        const previous = stored ? (JSON.parse(stored) as TaskSnapshot) : undefined;
        const next = applyTaskEvent(previous, event);
        if (next === previous) return next;
        const finished = isTerminalState(next.state);
        const written = await run(
          APPLY_SNAPSHOT,
          event.task,
          String(previous?.seq ?? 0),
          JSON.stringify(next),
          String(next.seq),
          finished ? ttlMs : activeTtlMs,
          finished ? '1' : '0',
        );
        if (written === 1) return next;
      }
      throw new InloopError(
        ServerErrorCode.DeliveryFailed,
        `redis store: task ${event.task} kept changing under concurrent writers; the event was not stored`,
      );
    },
    async nextSeq(taskId) {
      return run(NEXT_SEQ, taskId, activeTtlMs);
    },
    async requestCancel(taskId) {
      await run(SET_FIELD, taskId, 'cancel', '1', activeTtlMs);
    },
    async isCancelRequested(taskId) {
      return (await (await connection).hget(key(taskId), 'cancel')) === '1';
    },
    async close() {
      if (!ownsClient) return;
      const redis = await connection.catch(() => undefined);
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
