import { describe, expect, it } from 'vitest';
import { useWorkerEnvironment } from './helpers/environment.js';
import { until } from './helpers/wait.js';

describe('visibility lease', () => {
  const env = useWorkerEnvironment();

  it('keeps a job longer than the visibility timeout from being delivered again while it runs', async () => {
    const { queueUrl, name } = await env.harness.createQueue({ visibilityTimeout: 2 });
    const runs: number[] = [];
    // Two workers with free slots keep polling the queue the whole time.
    for (let i = 0; i < 2; i += 1) {
      const worker = env.createWorker({
        queueUrl,
        concurrency: 3,
        visibilityTimeout: 2,
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
      await worker.start();
    }
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });
    await until(() => env.test.recorder.view(taskId)?.state === 'succeeded', 'long job succeeded');
    await until(() => env.harness.counts(name).ready + env.harness.counts(name).inflight === 0, 'message deleted');
    expect(runs).toEqual([1]);
    expect(env.test.recorder.view(taskId)).toMatchObject({ attempt: 1, result: 'long' });
  });
});
