import { afterAll, beforeAll } from 'vitest';
import { type EnqueueOptions, type EnqueueResult, enqueue } from '../../src/enqueue.js';
import { createWorker, type Worker } from '../../src/worker.js';
import type { WorkerOptions } from '../../src/worker-options.js';
import { type SqsHarness, startSqs } from './fauxqs.js';
import { captureLogger } from './logger.js';
import { createTestNotifier, type TestNotifier } from './notifier.js';

/** What a worker on the environment needs; the SQS client and notifier default to the environment's. */
export type EnvironmentWorkerOptions<Payload> = Omit<WorkerOptions<Payload>, 'sqs' | 'notifier'> &
  Partial<Pick<WorkerOptions<Payload>, 'sqs' | 'notifier'>>;

export interface WorkerEnvironment {
  /** fauxqs and its client; set once beforeAll has run. */
  readonly harness: SqsHarness;
  /** The real notifier on its memory transport, recording every task event; set once beforeAll has run. */
  readonly test: TestNotifier;
  /**
   * Creates (does not start) a worker on the environment's SQS client and notifier, with a quiet logger and 1 s long
   * polls so that stopping it is quick; `options` override any of these. The worker is stopped after all tests.
   */
  createWorker<Payload = unknown>(options: EnvironmentWorkerOptions<Payload>): Worker<Payload>;
  /** enqueue() on the environment's SQS client and notifier, for owner `u` unless `options` say otherwise. */
  enqueue(
    options: Omit<EnqueueOptions, 'sqs' | 'notifier' | 'owner'> & Partial<EnqueueOptions>,
  ): Promise<EnqueueResult>;
  /** Stops the given worker after all tests, for one created without createWorker above. */
  track<Tracked extends { stop(): Promise<void> }>(worker: Tracked): Tracked;
}

/**
 * Registers the beforeAll/afterAll hooks of a describe block that runs workers against fauxqs: starts fauxqs and a
 * test notifier before the tests; after them stops every tracked worker, then closes the notifier and fauxqs.
 */
export function useWorkerEnvironment(): WorkerEnvironment {
  let harness: SqsHarness | undefined;
  let test: TestNotifier | undefined;
  const workers: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    harness = await startSqs();
    test = createTestNotifier();
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await test?.close();
    await harness?.close();
  });

  const environment: WorkerEnvironment = {
    get harness() {
      if (!harness) throw new Error('the SQS harness is only there once beforeAll has run');
      return harness;
    },
    get test() {
      if (!test) throw new Error('the test notifier is only there once beforeAll has run');
      return test;
    },
    createWorker<Payload>(options: EnvironmentWorkerOptions<Payload>) {
      return environment.track(
        createWorker<Payload>({
          sqs: environment.harness.sqs,
          notifier: environment.test.notifier,
          waitTimeSeconds: 1,
          logger: captureLogger().logger,
          ...options,
        }),
      );
    },
    enqueue: (options) =>
      enqueue({ sqs: environment.harness.sqs, notifier: environment.test.notifier, owner: 'u', ...options }),
    track(worker) {
      workers.push(worker);
      return worker;
    },
  };
  return environment;
}
