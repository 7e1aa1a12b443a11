import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/enqueue.js';
import { createWorker, type Worker } from '../src/worker.js';
import { type SqsHarness, startSqs } from './helpers/fauxqs.js';
import { captureLogger } from './helpers/logger.js';
import { createTestNotifier, type TestNotifier } from './helpers/notifier.js';
import { until } from './helpers/wait.js';

describe('cancellation', () => {
  let harness: SqsHarness;
  let test: TestNotifier;
  let worker: Worker;
  let queueUrl: string;
  let queueName: string;
  const started: string[] = [];
  const aborted: unknown[] = [];

  beforeAll(async () => {
    harness = await startSqs();
    test = createTestNotifier();
    ({ queueUrl, name: queueName } = await harness.createQueue({ dlq: 3 }));
    worker = createWorker({
      sqs: harness.sqs,
      queueUrl,
      notifier: test.notifier,
      waitTimeSeconds: 1,
      concurrency: 2,
      cancelPollMs: 50,
      logger: captureLogger().logger,
      handler: async (_payload, ctx) => {
        started.push(ctx.taskId);
        let done = 0;
        while (!ctx.signal.aborted) {
          done += 1;
          ctx.progress({ done, message: 'working' });
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        aborted.push(ctx.signal.reason);
        throw ctx.signal.reason;
      },
    });
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  it('aborts ctx.signal when the cancel flag is set, reports cancelled and deletes the message', async () => {
    const { taskId } = await enqueue({ sqs: harness.sqs, queueUrl, notifier: test.notifier, owner: 'u', payload: {} });
    await until(() => started.includes(taskId), 'job started');
    await test.store.requestCancel(taskId);
    await until(() => test.recorder.view(taskId)?.state === 'cancelled', 'task cancelled');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ code: 'INLOOP_TASK_CANCELLED' });
    await until(() => harness.counts(queueName).ready + harness.counts(queueName).inflight === 0, 'message deleted');
    expect(test.recorder.states(taskId).filter((state) => state === 'cancelled')).toHaveLength(1);
  });

  it('does not run a job that was cancelled while it waited in the queue', async () => {
    await worker.stop();
    const { taskId } = await enqueue({ sqs: harness.sqs, queueUrl, notifier: test.notifier, owner: 'u', payload: {} });
    await test.store.requestCancel(taskId);
    const second = createWorker({
      sqs: harness.sqs,
      queueUrl,
      notifier: test.notifier,
      waitTimeSeconds: 1,
      logger: captureLogger().logger,
      handler: () => {
        started.push(taskId);
      },
    });
    await second.start();
    try {
      await until(() => test.recorder.view(taskId)?.state === 'cancelled', 'task cancelled');
      await until(() => harness.counts(queueName).ready + harness.counts(queueName).inflight === 0, 'message deleted');
      expect(started).not.toContain(taskId);
    } finally {
      await second.stop();
    }
  });
});
