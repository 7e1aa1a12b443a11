import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/enqueue.js';
import { createWorker, type Worker } from '../src/worker.js';
import { type SqsHarness, startSqs } from './helpers/fauxqs.js';
import { captureLogger } from './helpers/logger.js';
import { createTestNotifier, type TestNotifier } from './helpers/notifier.js';
import { until } from './helpers/wait.js';

describe('visibility lease', () => {
  let harness: SqsHarness;
  let test: TestNotifier;
  const workers: Worker[] = [];

  beforeAll(async () => {
    harness = await startSqs();
    test = createTestNotifier();
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await harness.close();
  });

  it('keeps a job longer than the visibility timeout from being delivered again while it runs', async () => {
    const { queueUrl, name } = await harness.createQueue({ visibilityTimeout: 2 });
    const runs: number[] = [];
    // Two workers with free slots keep polling the queue the whole time.
    for (let i = 0; i < 2; i += 1) {
      const worker = createWorker({
        sqs: harness.sqs,
        queueUrl,
        notifier: test.notifier,
        waitTimeSeconds: 1,
        concurrency: 3,
        visibilityTimeout: 2,
        logger: captureLogger().logger,
        handler: async (_payload, ctx) => {
          runs.push(ctx.attempt);
          const start = Date.now();
          // Runs for over two visibility timeouts of real time. (The lease extends halfway through each period: a
          // second of slack, so a loaded CI machine does not make the test flaky.)
          while (Date.now() - start < 4500) {
            ctx.progress({ done: Date.now() - start, total: 4500 });
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          return 'long';
        },
      });
      workers.push(worker);
      await worker.start();
    }
    const { taskId } = await enqueue({ sqs: harness.sqs, queueUrl, notifier: test.notifier, owner: 'u', payload: {} });
    await until(() => test.recorder.view(taskId)?.state === 'succeeded', 'long job succeeded');
    await until(() => harness.counts(name).ready + harness.counts(name).inflight === 0, 'message deleted');
    expect(runs).toEqual([1]);
    expect(test.recorder.view(taskId)).toMatchObject({ attempt: 1, result: 'long' });
  });
});
