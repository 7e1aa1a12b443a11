import { describe, expect, it } from 'vitest';
import { JobError } from '../src/errors.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { until } from './helpers/wait.js';

type Payload = { group: string; n: number };

describe('FIFO queues', () => {
  const env = useWorkerEnvironment();

  it('runs the messages of one group in order, one at a time, also when one of them is retried', async () => {
    const { queueUrl, name } = await env.harness.createQueue({ fifo: true, dlq: 3, visibilityTimeout: 10 });
    const perGroup = 6;
    const groups = ['alpha', 'beta'];
    const ids: string[] = [];
    for (let n = 1; n <= perGroup; n += 1) {
      for (const group of groups) {
        const { taskId } = await env.enqueue({ queueUrl, groupId: group, payload: { group, n } });
        ids.push(taskId);
      }
    }

    const running = new Map<string, number>();
    let overlapInGroup = false;
    const attemptsInOrder: Record<'alpha' | 'beta', string[]> = { alpha: [], beta: [] };
    const succeededInOrder: Record<'alpha' | 'beta', number[]> = { alpha: [], beta: [] };
    const worker = env.createWorker<Payload>({
      queueUrl,
      concurrency: 6,
      backoff: { baseMs: 200, maxMs: 1000 },
      handler: async ({ group, n }, ctx) => {
        running.set(group, (running.get(group) ?? 0) + 1);
        if (running.get(group)! > 1) overlapInGroup = true;
        attemptsInOrder[group as 'alpha' | 'beta'].push(`${n}#${ctx.attempt}`);
        try {
          await new Promise((resolve) => setTimeout(resolve, 5 + ((n * 13) % 20)));
          // The second message of alpha fails once: alpha's later messages must wait for its retry.
          if (group === 'alpha' && n === 2 && ctx.attempt === 1) throw new JobError('BUSY', 'Try again.');
          succeededInOrder[group as 'alpha' | 'beta'].push(n);
          return n;
        } finally {
          running.set(group, running.get(group)! - 1);
        }
      },
    });
    await worker.start();

    await until(() => ids.every((id) => env.test.recorder.view(id)?.state === 'succeeded'), 'every task succeeded');
    await until(() => env.harness.counts(name).ready + env.harness.counts(name).inflight === 0, 'queue empty');
    expect(overlapInGroup).toBe(false);
    expect(succeededInOrder.alpha).toEqual([1, 2, 3, 4, 5, 6]);
    expect(succeededInOrder.beta).toEqual([1, 2, 3, 4, 5, 6]);
    // alpha's 2nd message ran again before anything after it.
    expect(attemptsInOrder.alpha.slice(0, 3)).toEqual(['1#1', '2#1', '2#2']);
    expect(attemptsInOrder.beta.every((entry) => entry.endsWith('#1'))).toBe(true);
  });
});
