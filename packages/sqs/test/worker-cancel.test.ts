import { beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../src/worker.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { until } from './helpers/wait.js';

describe('cancellation', () => {
  const env = useWorkerEnvironment();
  let worker: Worker;
  let queueUrl: string;
  let queueName: string;
  const started: string[] = [];
  const aborted: unknown[] = [];

  beforeAll(async () => {
    ({ queueUrl, name: queueName } = await env.harness.createQueue({ dlq: 3 }));
    worker = env.createWorker({
      queueUrl,
      concurrency: 2,
      cancelPollMs: 50,
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

  it('aborts ctx.signal when the cancel flag is set, reports cancelled and deletes the message', async () => {
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });
    await until(() => started.includes(taskId), 'job started');
    await env.test.store.requestCancel(taskId);
    await until(() => env.test.recorder.view(taskId)?.state === 'cancelled', 'task cancelled');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ code: 'INLOOP_TASK_CANCELLED' });
    await until(
      () => env.harness.counts(queueName).ready + env.harness.counts(queueName).inflight === 0,
      'message deleted',
    );
    expect(env.test.recorder.states(taskId).filter((state) => state === 'cancelled')).toHaveLength(1);
  });

  it('does not run a job that was cancelled while it waited in the queue', async () => {
    await worker.stop();
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });
    await env.test.store.requestCancel(taskId);
    const second = env.createWorker({
      queueUrl,
      handler: () => {
        started.push(taskId);
      },
    });
    await second.start();
    try {
      await until(() => env.test.recorder.view(taskId)?.state === 'cancelled', 'task cancelled');
      await until(
        () => env.harness.counts(queueName).ready + env.harness.counts(queueName).inflight === 0,
        'message deleted',
      );
      expect(started).not.toContain(taskId);
    } finally {
      await second.stop();
    }
  });
});
