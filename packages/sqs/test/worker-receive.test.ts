import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorker } from '../src/worker.js';
import { sqsClient } from './helpers/fauxqs.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { captureLogger } from './helpers/logger.js';
import { spyOnCommands } from './helpers/sqs-spy.js';
import { deferred, until } from './helpers/wait.js';

describe('how the worker talks to SQS', () => {
  const env = useWorkerEnvironment();
  const clients: SQSClient[] = [];

  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  /** A worker on its own client, so the spy sees only its commands. */
  function spiedClient() {
    const client = sqsClient(env.harness.endpoint);
    clients.push(client);
    return { client, spy: spyOnCommands(client) };
  }

  it('long-polls 20 s when idle instead of polling in a loop', async () => {
    const { queueUrl } = await env.harness.createQueue();
    const { client, spy } = spiedClient();
    const gate = deferred();
    // Made without env.createWorker's 1 s default: this test checks the worker's own long-poll default.
    const worker = env.track(
      createWorker({
        sqs: client,
        queueUrl,
        notifier: env.test.notifier,
        concurrency: 1,
        logger: captureLogger().logger,
        handler: () => gate.promise,
      }),
    );
    await worker.start();
    await until(() => spy.named('ReceiveMessage').length === 1, 'the first receive');
    // While nothing arrives, the one long poll stays open: no second receive is sent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(spy.named('ReceiveMessage')).toHaveLength(1);
    expect(spy.named('ReceiveMessage')[0]!.input).toMatchObject({ WaitTimeSeconds: 20, MaxNumberOfMessages: 1 });

    // A message ends the poll at once; with the only slot busy, no new receive is sent until the job ends.
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });
    await until(() => env.test.recorder.view(taskId)?.state === 'running', 'job running');
    expect(spy.named('ReceiveMessage')).toHaveLength(1);
    const stopping = worker.stop();
    gate.resolve();
    await stopping;
    expect(env.test.recorder.view(taskId)?.state).toBe('succeeded');
  });

  it('asks for at most 10 messages per receive and deletes finished messages in batches', async () => {
    const { queueUrl, name } = await env.harness.createQueue();
    const jobs = 40;
    const ids: string[] = [];
    for (let i = 0; i < jobs; i += 1) {
      ids.push((await env.enqueue({ queueUrl, payload: i })).taskId);
    }
    const { client, spy } = spiedClient();
    const worker = env.createWorker({
      sqs: client,
      queueUrl,
      concurrency: 25,
      handler: () => new Promise((resolve) => setTimeout(resolve, 20)),
    });
    await worker.start();
    await until(() => ids.every((id) => env.test.recorder.view(id)?.state === 'succeeded'), 'every job succeeded');
    await until(() => env.harness.counts(name).ready + env.harness.counts(name).inflight === 0, 'queue empty');
    await worker.stop();

    const receives = spy.named('ReceiveMessage').map((command) => command.input.MaxNumberOfMessages as number);
    expect(Math.max(...receives)).toBeLessThanOrEqual(10);
    // The first pump fills all 25 slots: 10 + 10 + 5.
    expect(receives.slice(0, 3)).toEqual([10, 10, 5]);
    expect(spy.named('DeleteMessage')).toHaveLength(0);
    const batches = spy.named('DeleteMessageBatch').map((command) => (command.input.Entries as unknown[]).length);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(jobs);
    expect(Math.max(...batches)).toBeLessThanOrEqual(10);
    expect(batches.length).toBeLessThan(jobs);
  });
});
