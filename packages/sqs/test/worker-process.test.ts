import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { TaskEvent } from '@inloop/protocol';
import { createRedisStore, type TaskStore } from '@inloop/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/enqueue.js';
import { createWorker, type Worker } from '../src/worker.js';
import { bundleFixture, exited, runFixture } from './helpers/child-worker.js';
import { type SqsHarness, startSqs } from './helpers/fauxqs.js';
import { captureLogger } from './helpers/logger.js';
import { createTestNotifier, type TestNotifier } from './helpers/notifier.js';
import { until } from './helpers/wait.js';

describe('worker processes', () => {
  const prefix = `inloop-test-sqs-crash-${randomUUID().slice(0, 8)}:`;
  let harness: SqsHarness;
  let store: TaskStore;
  let test: TestNotifier;
  let fixture: Awaited<ReturnType<typeof bundleFixture>>;
  let signalFixture: Awaited<ReturnType<typeof bundleFixture>>;
  let child: ChildProcess | undefined;
  let worker: Worker | undefined;

  beforeAll(async () => {
    [harness, fixture, signalFixture] = await Promise.all([
      startSqs(),
      bundleFixture('crash-worker'),
      bundleFixture('signal-worker'),
    ]);
    store = createRedisStore({ prefix });
    test = createTestNotifier({ store, throttleMs: 0 });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await worker?.stop();
    await test.close();
    await store.close();
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await fixture.remove();
    await signalFixture.remove();
    await harness.close();
  });

  it('a job of a worker killed mid-job is redelivered after the visibility timeout; attempt 2 succeeds and the browser never sees a step back', async () => {
    const { queueUrl, name } = await harness.createQueue({ visibilityTimeout: 2, dlq: 5 });
    const { taskId } = await enqueue({ sqs: harness.sqs, queueUrl, notifier: test.notifier, owner: 'u', payload: {} });

    const fromChild: TaskEvent[] = [];
    child = runFixture(
      fixture.file,
      { ENDPOINT: harness.endpoint, QUEUE_URL: queueUrl, REDIS_PREFIX: prefix },
      (event) => {
        fromChild.push(event as TaskEvent);
        test.recorder.record(event as TaskEvent);
      },
    );
    // Past two lease extensions, so the kill lands while the message is kept invisible by the first worker.
    await until(
      () => fromChild.some((event) => (event.progress?.done ?? 0) >= 9),
      'first worker well into its job',
      30_000,
    );
    child.kill('SIGKILL');
    await exited(child);

    const attempts: number[] = [];
    worker = createWorker({
      sqs: harness.sqs,
      queueUrl,
      notifier: test.notifier,
      concurrency: 1,
      waitTimeSeconds: 1,
      logger: captureLogger().logger,
      handler: async (_payload, ctx) => {
        attempts.push(ctx.attempt);
        // The new attempt counts again from zero; the browser must not show that as a step back.
        for (let done = 0; done <= 10; done += 2) {
          ctx.progress({ done, total: 10, message: `attempt ${ctx.attempt}` });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return { attempt: ctx.attempt };
      },
    });
    await worker.start();
    await until(() => test.recorder.view(taskId)?.state === 'succeeded', 'task succeeded on the second worker');
    await until(() => harness.counts(name).ready + harness.counts(name).inflight === 0, 'message deleted');

    expect(attempts).toEqual([2]);
    expect(test.recorder.view(taskId)).toMatchObject({ state: 'succeeded', attempt: 2, result: { attempt: 2 } });
    expect(new Set(fromChild.map((event) => event.attempt))).toEqual(new Set([1]));
    // Both processes share the store's seq counter: one order for all events, and the view only moves forward.
    const seqs = test.recorder.of(taskId).map((event) => event.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    const views = test.recorder.views(taskId);
    for (let i = 1; i < views.length; i += 1) {
      expect(views[i]!.percent).toBeGreaterThanOrEqual(views[i - 1]!.percent);
    }
    expect(views.some((view) => view.attempt === 1 && view.percent >= 90)).toBe(true);
    expect(test.recorder.transitions(taskId)).toEqual(['queued', 'running', 'succeeded']);
  });

  it('on SIGTERM (handleSignals) stops receiving, finishes in-flight jobs, reports each once, then exits', async () => {
    const { queueUrl, name } = await harness.createQueue({ visibilityTimeout: 30 });
    const options = { sqs: harness.sqs, queueUrl, notifier: test.notifier, owner: 'u', payload: {} };
    const first = await enqueue(options);
    const second = await enqueue(options);
    const lines: Array<TaskEvent & { ready?: boolean; stopped?: boolean }> = [];
    child = runFixture(
      signalFixture.file,
      { ENDPOINT: harness.endpoint, QUEUE_URL: queueUrl, REDIS_PREFIX: prefix, JOB_MS: '1500' },
      (line) => {
        const event = line as TaskEvent & { ready?: boolean; stopped?: boolean };
        lines.push(event);
        if (event.task) test.recorder.record(event);
      },
    );
    const running = (taskId: string) => test.recorder.view(taskId)?.state === 'running';
    await until(() => running(first.taskId) && running(second.taskId), 'both jobs running in the child', 30_000);
    child.kill('SIGTERM');
    const late = await enqueue(options);
    await exited(child);

    // The worker re-raised the signal once it had stopped, so the process ended the way SIGTERM ends it.
    expect(child.signalCode).toBe('SIGTERM');
    expect(lines.some((line) => line.stopped)).toBe(true);
    for (const { taskId } of [first, second]) {
      expect(test.recorder.transitions(taskId)).toEqual(['queued', 'running', 'succeeded']);
      expect(test.recorder.view(taskId)).toMatchObject({ attempt: 1, result: 'finished' });
    }
    expect(test.recorder.states(late.taskId)).toEqual(['queued']);
    await until(
      () => harness.counts(name).ready === 1 && harness.counts(name).inflight === 0,
      'only the late job left',
    );
  });
});
