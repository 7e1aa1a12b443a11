import { describe, expect, it } from 'vitest';
import { enqueue } from '../src/enqueue.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { deferred, until } from './helpers/wait.js';

describe('worker concurrency', () => {
  const env = useWorkerEnvironment();

  it('refills a free slot at once: a slow job does not hold back the rest, and each job runs exactly once', async () => {
    const { queueUrl, name } = await env.harness.createQueue({ visibilityTimeout: 30 });
    const quickJobs = 40;
    const slowRelease = deferred();
    const runs = new Map<number, number>();
    let running = 0;
    let maxRunning = 0;
    let quickDone = 0;

    const ids: string[] = [];
    ids.push(
      (
        await enqueue({
          sqs: env.harness.sqs,
          queueUrl,
          notifier: env.test.notifier,
          owner: 'u1',
          payload: { n: 0, slow: true },
        })
      ).taskId,
    );
    for (let n = 1; n <= quickJobs; n += 1) {
      const { taskId } = await enqueue({
        sqs: env.harness.sqs,
        queueUrl,
        notifier: env.test.notifier,
        owner: 'u1',
        payload: { n },
      });
      ids.push(taskId);
    }

    const worker = env.createWorker<{ n: number; slow?: boolean }>({
      queueUrl,
      concurrency: 4,
      handler: async (payload, ctx) => {
        runs.set(payload.n, (runs.get(payload.n) ?? 0) + 1);
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        try {
          // Uneven durations; the slow job only ends once every quick one has finished.
          if (payload.slow) await slowRelease.promise;
          else await new Promise((resolve) => setTimeout(resolve, (payload.n * 7) % 40));
          ctx.progress({ done: 1, total: 1 });
          return { n: payload.n };
        } finally {
          running -= 1;
          if (!payload.slow) quickDone += 1;
        }
      },
    });
    await worker.start();

    await until(() => quickDone === quickJobs, 'all quick jobs done while the slow one still runs');
    expect(running).toBe(1);
    slowRelease.resolve();
    await until(() => ids.every((id) => env.test.recorder.view(id)?.state === 'succeeded'), 'every task succeeded');
    await until(() => env.harness.counts(name).ready + env.harness.counts(name).inflight === 0, 'queue empty');

    expect(maxRunning).toBeLessThanOrEqual(4);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(runs.size).toBe(quickJobs + 1);
    for (const id of ids) {
      expect(env.test.recorder.states(id).filter((state) => state === 'succeeded')).toHaveLength(1);
    }
  });
});
