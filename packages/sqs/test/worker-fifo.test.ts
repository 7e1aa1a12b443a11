import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/enqueue.js';
import { JobError } from '../src/errors.js';
import { createWorker, type Worker } from '../src/worker.js';
import { type SqsHarness, startSqs } from './helpers/fauxqs.js';
import { captureLogger } from './helpers/logger.js';
import { createTestNotifier, type TestNotifier } from './helpers/notifier.js';
import { until } from './helpers/wait.js';

type Payload = { group: string; n: number };

describe('FIFO queues', () => {
  let harness: SqsHarness;
  let test: TestNotifier;
  const workers: Worker<Payload>[] = [];

  beforeAll(async () => {
    harness = await startSqs();
    test = createTestNotifier();
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await test.close();
    await harness.close();
  });

  it('runs the messages of one group in order, one at a time, also when one of them is retried', async () => {
    const { queueUrl, name } = await harness.createQueue({ fifo: true, dlq: 3, visibilityTimeout: 10 });
    const perGroup = 6;
    const groups = ['alpha', 'beta'];
    const ids: string[] = [];
    for (let n = 1; n <= perGroup; n += 1) {
      for (const group of groups) {
        const { taskId } = await enqueue({
          sqs: harness.sqs,
          queueUrl,
          notifier: test.notifier,
          owner: 'u',
          groupId: group,
          payload: { group, n },
        });
        ids.push(taskId);
      }
    }

    const running = new Map<string, number>();
    let overlapInGroup = false;
    const attemptsInOrder: Record<'alpha' | 'beta', string[]> = { alpha: [], beta: [] };
    const succeededInOrder: Record<'alpha' | 'beta', number[]> = { alpha: [], beta: [] };
    const worker = createWorker<Payload>({
      sqs: harness.sqs,
      queueUrl,
      notifier: test.notifier,
      waitTimeSeconds: 1,
      concurrency: 6,
      backoff: { baseMs: 200, maxMs: 1000 },
      logger: captureLogger().logger,
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
    workers.push(worker);
    await worker.start();

    await until(() => ids.every((id) => test.recorder.view(id)?.state === 'succeeded'), 'every task succeeded');
    await until(() => harness.counts(name).ready + harness.counts(name).inflight === 0, 'queue empty');
    expect(overlapInGroup).toBe(false);
    expect(succeededInOrder.alpha).toEqual([1, 2, 3, 4, 5, 6]);
    expect(succeededInOrder.beta).toEqual([1, 2, 3, 4, 5, 6]);
    // alpha's 2nd message ran again before anything after it.
    expect(attemptsInOrder.alpha.slice(0, 3)).toEqual(['1#1', '2#1', '2#2']);
    expect(attemptsInOrder.beta.every((entry) => entry.endsWith('#1'))).toBe(true);
  });
});
