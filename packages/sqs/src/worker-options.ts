import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { BackoffOptions } from './backoff.js';
import { InloopSqsError, SqsErrorCode } from './errors.js';
import type { LoggerLike } from './logger.js';
import type { NotifierLike, ProgressUpdate } from './notifier-types.js';
import { MAX_VISIBILITY_SECONDS } from './visibility-lease.js';

/** What a handler gets besides the payload. */
export interface JobContext {
  taskId: string;
  /** 1 on the first delivery; SQS's ApproximateReceiveCount. */
  attempt: number;
  /** Reports progress; synchronous and coalesced by the notifier's throttle, so calling it often is cheap. */
  progress(update: ProgressUpdate): void;
  /** Reports that the job moved on to a named step. */
  step(name: string, message?: string): Promise<void>;
  /** Aborts on cancellation, on shutdown past shutdownTimeout, and after jobTimeout. */
  signal: AbortSignal;
  /** The raw SQS message. */
  message: Message;
}

export type JobHandler<Payload> = (payload: Payload, context: JobContext) => unknown | Promise<unknown>;

/** Anything with zod's safeParse: the payload of every message is checked with it before the handler runs. */
export interface PayloadSchema<Payload> {
  safeParse(input: unknown): { success: true; data: Payload } | { success: false; error: { message: string } };
}

export interface WorkerOptions<Payload = unknown> {
  sqs: SQSClient;
  queueUrl: string;
  notifier: NotifierLike;
  handler: JobHandler<Payload>;
  /** Jobs in flight at most. Default 10. */
  concurrency?: number;
  /** Seconds a received message stays invisible before the lease extends it. Default: the queue's. */
  visibilityTimeout?: number;
  /** Attempts before a job is reported `failed`. Default: the queue's RedrivePolicy maxReceiveCount, else 5. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Ms that stop() lets in-flight jobs finish before aborting them and releasing their messages. Default 30,000. */
  shutdownTimeout?: number;
  schema?: PayloadSchema<Payload>;
  /** A poison message on a queue without a dead-letter queue: left to come back (default) or deleted. */
  onPoison?: 'leave' | 'delete';
  /** Stop gracefully on SIGTERM and SIGINT, then let the signal end the process. */
  handleSignals?: boolean;
  /** Ms between checks of the task's cancel flag while a job runs. Default 1,000. */
  cancelPollMs?: number;
  /** Ms after which ctx.signal aborts and the attempt counts as failed (retryable). Default: none. */
  jobTimeout?: number;
  /** Long-poll wait of each receive, in seconds (0–20). Default 20. stop() waits for pending polls, so this bounds it. */
  waitTimeSeconds?: number;
  logger?: LoggerLike;
}

const optionsSchema = z.object({
  queueUrl: z.string().min(1, 'must be the queue URL'),
  concurrency: z.number().int().min(1).max(1000).optional(),
  visibilityTimeout: z.number().int().min(1).max(MAX_VISIBILITY_SECONDS).optional(),
  maxAttempts: z.number().int().min(1).optional(),
  backoff: z
    .object({
      baseMs: z.number().min(0).optional(),
      maxMs: z
        .number()
        .min(0)
        .max(MAX_VISIBILITY_SECONDS * 1000)
        .optional(),
      factor: z.number().min(1).optional(),
    })
    .optional(),
  shutdownTimeout: z.number().min(0).optional(),
  onPoison: z.enum(['leave', 'delete']).optional(),
  handleSignals: z.boolean().optional(),
  cancelPollMs: z.number().min(10).optional(),
  jobTimeout: z.number().min(1).optional(),
  waitTimeSeconds: z.number().int().min(0).max(20).optional(),
});

/** Throws INLOOP_CONFIG_INVALID naming each bad option. */
export function checkWorkerOptions<Payload>(options: WorkerOptions<Payload>): void {
  const problems: string[] = [];
  if (!options || typeof options !== 'object')
    throw new InloopSqsError(SqsErrorCode.ConfigInvalid, 'createWorker: options are required');
  if (!options.sqs || typeof options.sqs.send !== 'function') problems.push('sqs: must be an SQSClient');
  if (!options.notifier || typeof options.notifier.task !== 'function') {
    problems.push('notifier: must come from createNotifier() of @inloop/server');
  }
  if (typeof options.handler !== 'function') problems.push('handler: must be a function (payload, ctx) => result');
  if (options.schema !== undefined && typeof options.schema?.safeParse !== 'function') {
    problems.push('schema: must be a zod schema (anything with safeParse)');
  }
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (problems.length > 0) {
    throw new InloopSqsError(SqsErrorCode.ConfigInvalid, `createWorker: invalid options: ${problems.join('; ')}`);
  }
}
