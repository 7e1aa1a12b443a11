export { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';
export { type EnqueueOptions, type EnqueueResult, enqueue } from './enqueue.js';
export {
  InloopSqsError,
  isRetryable,
  JobAbortedError,
  JobError,
  type JobErrorOptions,
  nonRetryable,
  SqsErrorCode,
} from './errors.js';
export type { LoggerLike } from './logger.js';
export { OWNER_ATTRIBUTE, TASK_ID_ATTRIBUTE } from './message-attributes.js';
export type { NotifierLike, ProgressUpdate } from './notifier-types.js';
export { type QueueInfo, readQueueInfo } from './queue-info.js';
export { MAX_VISIBILITY_SECONDS, VisibilityLease, type VisibilityLeaseOptions } from './visibility-lease.js';
export { createWorker, Worker, type WorkerState } from './worker.js';
export type { JobEvent, PoisonEvent, WarningEvent, WorkerEvents } from './worker-events.js';
export type { JobContext, JobHandler, PayloadSchema, WorkerOptions } from './worker-options.js';
