import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TaskEvent } from '@inloop/protocol';
import { createEndpoints, createMemoryStore, createNotifier, createRedisStore, type TaskStore } from '@inloop/server';
import { recordingLogger, waitFor } from './helpers.js';

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function event(task: string, seq: number, state: TaskEvent['state'], extra: Partial<TaskEvent> = {}): TaskEvent {
  return { v: 1, task, seq, at: 1_700_000_000_000 + seq, state, attempt: 1, ...extra };
}

interface StoreKind {
  name: string;
  create(options?: { ttlMs?: number; activeTtlMs?: number }): TaskStore;
  /** A second store on the same data, like another process would have. */
  sibling(): TaskStore;
}

function memoryKind(): StoreKind {
  let last: TaskStore | undefined;
  return {
    name: 'memory',
    create: (options) => {
      last = createMemoryStore(options);
      return last;
    },
    sibling: () => last!,
  };
}

function redisKind(): StoreKind {
  const prefix = `inloop-test:${randomUUID()}:`;
  prefixes.push(prefix);
  let options: { ttlMs?: number; activeTtlMs?: number } | undefined;
  return {
    name: 'redis',
    create: (given) => {
      options = given;
      return createRedisStore({ url: 'redis://127.0.0.1:6379', prefix, ...given });
    },
    sibling: () => createRedisStore({ url: 'redis://127.0.0.1:6379', prefix, ...options }),
  };
}

describe.each([{ make: memoryKind }, { make: redisKind }])('task store', ({ make }) => {
  const opened: TaskStore[] = [];
  let kind: StoreKind;
  const open = (options?: { ttlMs?: number; activeTtlMs?: number }) => {
    kind = make();
    const store = kind.create(options);
    opened.push(store);
    return store;
  };
  const sibling = () => {
    const store = kind.sibling();
    opened.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it(`${make().name}: keeps the latest snapshot and the owner`, async () => {
    const store = open();
    expect(await store.get('t1')).toBeUndefined();
    await store.setOwner('t1', 'alice');
    await store.apply(event('t1', 1, 'queued'));
    await store.apply(event('t1', 3, 'running', { progress: { done: 3, total: 4 } }));
    const stale = await store.apply(event('t1', 2, 'running', { progress: { done: 1, total: 4 } }));
    expect(stale.seq).toBe(3);
    const record = await store.get('t1');
    expect(record).toMatchObject({ owner: 'alice', cancelRequested: false });
    expect(record?.snapshot).toMatchObject({ task: 't1', seq: 3, state: 'running', percent: 75 });
  });

  it(`${make().name}: hands out unique, increasing seq to concurrent writers`, async () => {
    const store = open();
    const other = sibling();
    const seqs = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).nextSeq('t2')));
    expect(new Set(seqs).size).toBe(40);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it(`${make().name}: continues above an existing snapshot's seq`, async () => {
    const store = open();
    await store.apply(event('t3', 7, 'running'));
    expect(await store.nextSeq('t3')).toBe(8);
  });

  it(`${make().name}: applies concurrent events so the highest seq wins`, async () => {
    const store = open();
    const other = sibling();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? store : other).apply(event('t4', i + 1, 'running', { progress: { done: i + 1, total: 30 } })),
      ),
    );
    expect((await store.get('t4'))?.snapshot).toMatchObject({ seq: 30, percent: 100 });
  });

  it(`${make().name}: holds a cancel flag`, async () => {
    const store = open();
    await store.setOwner('t5', 'bob');
    expect(await store.isCancelRequested('t5')).toBe(false);
    await store.requestCancel('t5');
    expect(await store.isCancelRequested('t5')).toBe(true);
    expect((await sibling().get('t5'))?.cancelRequested).toBe(true);
  });

  it(`${make().name}: the status endpoints check the owner kept in the store`, async () => {
    const store = open();
    const notifier = createNotifier('null://', { store, logger: recordingLogger() });
    const endpoints = createEndpoints<{ user: string }>({ notifier, getUser: (request) => ({ id: request.user }) });
    const task = notifier.task('owned', { owner: 'frank' });
    await task.start();
    expect(await endpoints.getTask({ user: 'frank' }, 'owned')).toMatchObject({
      status: 200,
      body: { state: 'running' },
    });
    expect(await endpoints.getTask({ user: 'grace' }, 'owned')).toMatchObject({ status: 403 });
    expect(await endpoints.cancelTask({ user: 'grace' }, 'owned')).toMatchObject({ status: 403 });
    expect(await sibling().isCancelRequested('owned')).toBe(false);
    expect(await endpoints.cancelTask({ user: 'frank' }, 'owned')).toMatchObject({ status: 202 });
    expect(await sibling().isCancelRequested('owned')).toBe(true);
    await notifier.close();
  });

  it(`${make().name}: expires finished tasks after the TTL, keeps running ones`, async () => {
    const store = open({ ttlMs: 150, activeTtlMs: 60_000 });
    await store.setOwner('done', 'carol');
    await store.apply(event('done', 1, 'running'));
    await store.apply(event('done', 2, 'succeeded'));
    await store.apply(event('busy', 1, 'running'));
    expect((await store.get('done'))?.snapshot?.state).toBe('succeeded');
    await waitFor(async () => (await store.get('done')) === undefined);
    expect((await store.get('busy'))?.snapshot?.state).toBe('running');
  });
});

it('redis store: the finished TTL is set on the key, the default being 24 h', async () => {
  const prefix = `inloop-test:${randomUUID()}:`;
  prefixes.push(prefix);
  const store = createRedisStore({ redis, prefix });
  await store.apply(event('ttl', 1, 'running'));
  const activeTtl = await redis.pttl(`${prefix}task:ttl`);
  expect(activeTtl).toBeGreaterThan(24 * 3600 * 1000);
  await store.apply(event('ttl', 2, 'failed', { error: { code: 'X', message: 'x', retryable: false } }));
  const finishedTtl = await redis.pttl(`${prefix}task:ttl`);
  expect(finishedTtl).toBeGreaterThan(23 * 3600 * 1000);
  expect(finishedTtl).toBeLessThanOrEqual(24 * 3600 * 1000);
  await store.setOwner('ttl', 'dave');
  expect(await redis.pttl(`${prefix}task:ttl`)).toBeLessThanOrEqual(24 * 3600 * 1000);
  await store.close();
  expect(redis.status).toBe('ready');
});
