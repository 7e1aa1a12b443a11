import type { BackoffOptions } from './backoff.js';
import type { LoggerLike } from './logger.js';
import type { QueueInfo } from './queue-info.js';
import type { WorkerOptions } from './worker-options.js';

/** Settings resolved at start from the options and the queue's attributes. */
export interface JobSettings {
  visibilityTimeout: number;
  maxAttempts: number;
  /** The queue has a RedrivePolicy: a message that ends failed is made visible so SQS moves it there. */
  hasDeadLetterQueue: boolean;
  backoff: BackoffOptions;
  onPoison: 'leave' | 'delete';
  cancelPollMs: number;
  jobTimeout: number | undefined;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_CANCEL_POLL_MS = 1_000;

/**
 * The last attempt is the lower of `maxAttempts` and the RedrivePolicy's maxReceiveCount: past the latter SQS moves
 * the message to the dead-letter queue, so that attempt must report `failed`, not `retrying`.
 */
export function resolveJobSettings<Payload>(
  options: WorkerOptions<Payload>,
  queue: QueueInfo,
  logger: LoggerLike,
): JobSettings {
  const limits = [options.maxAttempts, queue.maxReceiveCount].filter((n): n is number => n !== undefined);
  if (options.maxAttempts !== undefined && queue.maxReceiveCount !== undefined) {
    if (options.maxAttempts > queue.maxReceiveCount) {
      logger.warn(
        { maxAttempts: options.maxAttempts, maxReceiveCount: queue.maxReceiveCount },
        "maxAttempts is above the queue's maxReceiveCount; SQS moves the message to the DLQ first",
      );
    }
  }
  return {
    visibilityTimeout: options.visibilityTimeout ?? Math.max(1, queue.visibilityTimeout),
    maxAttempts: limits.length > 0 ? Math.min(...limits) : DEFAULT_MAX_ATTEMPTS,
    hasDeadLetterQueue: queue.maxReceiveCount !== undefined,
    backoff: options.backoff ?? {},
    onPoison: options.onPoison ?? 'leave',
    cancelPollMs: options.cancelPollMs ?? DEFAULT_CANCEL_POLL_MS,
    jobTimeout: options.jobTimeout,
  };
}
