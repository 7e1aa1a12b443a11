import { describe, expect, it } from 'vitest';
import { InloopSqsError } from '../src/errors.js';
import { createWorker } from '../src/worker.js';
import type { WorkerOptions } from '../src/worker-options.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { captureLogger } from './helpers/logger.js';

describe('worker configuration', () => {
  const env = useWorkerEnvironment();

  function options(overrides: Partial<WorkerOptions> = {}): WorkerOptions {
    return {
      sqs: env.harness.sqs,
      queueUrl: `${env.harness.endpoint}/000000000000/anything`,
      notifier: env.test.notifier,
      handler: () => undefined,
      logger: captureLogger().logger,
      ...overrides,
    };
  }

  function thrown(create: () => unknown): InloopSqsError {
    try {
      create();
    } catch (error) {
      expect(error).toBeInstanceOf(InloopSqsError);
      return error as InloopSqsError;
    }
    throw new Error('expected an error');
  }

  it('names every bad option in one INLOOP_CONFIG_INVALID error', () => {
    const error = thrown(() =>
      createWorker(
        options({
          concurrency: 0,
          visibilityTimeout: 50_000,
          waitTimeSeconds: 30,
          onPoison: 'drop' as 'delete',
          handler: 'nope' as never,
        }),
      ),
    );
    expect(error.code).toBe('INLOOP_CONFIG_INVALID');
    for (const field of ['concurrency', 'visibilityTimeout', 'waitTimeSeconds', 'onPoison', 'handler']) {
      expect(error.message).toContain(field);
    }
  });

  it('refuses to start on a queue it cannot read, says which, and stays startable until stopped', async () => {
    const worker = createWorker(options());
    const error = await worker.start().then(
      () => undefined,
      (caught: unknown) => caught as InloopSqsError,
    );
    expect(error?.code).toBe('INLOOP_CONFIG_INVALID');
    expect(error?.message).toContain('anything');
    expect(worker.state).toBe('idle');
    await worker.stop();
    expect(worker.state).toBe('stopped');
    const again = await worker.start().then(
      () => undefined,
      (caught: unknown) => caught as InloopSqsError,
    );
    expect(again?.code).toBe('INLOOP_SQS_WORKER_STATE');
  });

  it('stays stopped when stop() is called while start() reads the queue', async () => {
    const { queueUrl } = await env.harness.createQueue();
    const worker = createWorker(options({ queueUrl, waitTimeSeconds: 1 }));
    const starting = worker.start();
    const stopping = worker.stop();
    await Promise.all([starting, stopping]);
    expect(worker.state).toBe('stopped');
  });
});
