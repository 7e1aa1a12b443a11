import type { TaskError } from '@inloop/protocol';
import { TaskFailure } from '@inloop/server';

/** Stable codes for everything @inloop/sqs refuses or reports. */
export const SqsErrorCode = {
  ConfigInvalid: 'INLOOP_CONFIG_INVALID',
  PayloadTooLarge: 'INLOOP_PAYLOAD_TOO_LARGE',
  PayloadNotSerializable: 'INLOOP_PAYLOAD_NOT_SERIALIZABLE',
  GroupIdRequired: 'INLOOP_SQS_GROUP_ID_REQUIRED',
  FifoDelayUnsupported: 'INLOOP_SQS_FIFO_DELAY_UNSUPPORTED',
  EnqueueFailed: 'INLOOP_SQS_ENQUEUE_FAILED',
  WorkerState: 'INLOOP_SQS_WORKER_STATE',
  MessageNotJson: 'INLOOP_MESSAGE_NOT_JSON',
  PayloadInvalid: 'INLOOP_PAYLOAD_INVALID',
  JobFailed: 'INLOOP_JOB_FAILED',
  AttemptsExhausted: 'INLOOP_ATTEMPTS_EXHAUSTED',
  VisibilityLimit: 'INLOOP_SQS_VISIBILITY_LIMIT',
  LeaseLost: 'INLOOP_SQS_LEASE_LOST',
  ReceiveFailed: 'INLOOP_SQS_RECEIVE_FAILED',
  DeleteFailed: 'INLOOP_SQS_DELETE_FAILED',
  ReportFailed: 'INLOOP_SQS_REPORT_FAILED',
  JobTimeout: 'INLOOP_JOB_TIMEOUT',
  Cancelled: 'INLOOP_TASK_CANCELLED',
  ShuttingDown: 'INLOOP_WORKER_SHUTTING_DOWN',
} as const;
export type SqsErrorCode = (typeof SqsErrorCode)[keyof typeof SqsErrorCode];

/** Something @inloop/sqs refused: bad config, an oversize payload, a missing FIFO group id. */
export class InloopSqsError extends Error {
  override readonly name: string = 'InloopSqsError';
  constructor(
    readonly code: SqsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface JobErrorOptions {
  /** false: the job fails at once instead of being retried. Default true. */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * An error a handler throws to say what a person should see: its code and message are shown in the browser.
 * Unlike @inloop/server's TaskFailure (which it extends, and which the worker honours too) it is retryable unless
 * told otherwise. Any other thrown error is shown with a generic message; details stay in the log.
 */
export class JobError extends TaskFailure {
  override name = 'JobError';
  constructor(code: string, message: string, options: JobErrorOptions = {}) {
    super(code, message, { retryable: options.retryable ?? true, cause: options.cause });
  }
}

/** Shorthand for a JobError that must not be retried. */
export function nonRetryable(code: string, message: string, cause?: unknown): JobError {
  return new JobError(code, message, { retryable: false, cause });
}

/** Why a job's signal was aborted. */
export class JobAbortedError extends Error {
  override readonly name = 'JobAbortedError';
  constructor(
    readonly code: typeof SqsErrorCode.Cancelled | typeof SqsErrorCode.ShuttingDown,
    message: string,
  ) {
    super(message);
  }
}

/** False for a JobError with retryable: false or any error carrying `retryable: false`. */
export function isRetryable(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retryable' in error) {
    return (error as { retryable: unknown }).retryable !== false;
  }
  return true;
}

/** The browser-safe form of a handler's error: internal messages and stacks never leave the server. */
export function toTaskError(error: unknown, retryable: boolean): TaskError {
  if (error instanceof TaskFailure) {
    return { code: error.code.slice(0, 100), message: error.message.slice(0, 1000), retryable };
  }
  // The same generic codes @inloop/server uses for errors it may not show.
  return retryable
    ? { code: 'TASK_RETRYING', message: 'The task hit an error and will be retried.', retryable }
    : { code: 'TASK_FAILED', message: 'The task failed.', retryable };
}
