import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Notifier } from '@inloop/server';
import { createWorker, type JobEvent, type Worker } from '@inloop/sqs';
import { createJobHandler, type JobPayload, jobPayloadSchema } from './jobs.js';
import type { DemoLogger } from './log.js';

export interface DemoWorkerOptions {
  sqs: SQSClient;
  queueUrl: string;
  notifier: Notifier;
  stepMs: number;
  logger: DemoLogger;
  /**
   * Long-poll wait. Short, so that Ctrl-C stops the demo quickly, and so that the receive a crashed worker left
   * pending ends before its job's message is visible again (else that receive takes it, and one attempt is lost).
   */
  waitTimeSeconds?: number;
}

/** The demo's SQS worker: runs the job kinds and logs what happens to each task. */
export function createDemoWorker(options: DemoWorkerOptions): Worker<JobPayload> {
  const { logger } = options;
  const worker = createWorker<JobPayload>({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    notifier: options.notifier,
    schema: jobPayloadSchema,
    concurrency: 8,
    backoff: { baseMs: 1_000, maxMs: 4_000 },
    cancelPollMs: 250,
    shutdownTimeout: 5_000,
    waitTimeSeconds: options.waitTimeSeconds ?? 1,
    logger,
    handler: createJobHandler({
      stepMs: options.stepMs,
      onStopped: (taskId, done) => logger.info({ event: 'stopped', taskId, done }, 'job stopped early'),
    }),
  });
  const logJob = (event: string) => (job: JobEvent) =>
    logger.info({ event, taskId: job.taskId, attempt: job.attempt }, `job ${event}`);
  worker.on('started', logJob('started'));
  worker.on('succeeded', logJob('succeeded'));
  worker.on('retrying', logJob('retrying'));
  worker.on('failed', logJob('failed'));
  worker.on('cancelled', logJob('cancelled'));
  worker.on('warning', (warning) => logger.warn({ event: 'warning', ...warning }, warning.message));
  worker.on('error', (error) => logger.error({ event: 'error', err: error }, 'worker error'));
  return worker;
}
