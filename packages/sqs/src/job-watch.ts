import type { TaskStore } from '@inloop/server';
import { JobAbortedError, JobError, SqsErrorCode } from './errors.js';
import { errorContext, type LoggerLike } from './logger.js';

export interface JobWatchOptions {
  taskId: string;
  /** Aborted with the reason: cancelled (JobAbortedError) or timed out (a retryable JobError). */
  controller: AbortController;
  store: Pick<TaskStore, 'isCancelRequested'>;
  cancelPollMs: number;
  jobTimeout: number | undefined;
  logger: LoggerLike;
}

/**
 * While a handler runs: checks the task's cancel flag in the store every `cancelPollMs` and enforces `jobTimeout`,
 * aborting the job's signal on either. Returns the function that stops watching.
 */
export function watchJob(options: JobWatchOptions): () => void {
  const { taskId, controller, store, logger } = options;
  let checking = false;
  const poll = setInterval(() => {
    if (checking || controller.signal.aborted) return;
    checking = true;
    store
      .isCancelRequested(taskId)
      .then((requested) => {
        if (requested && !controller.signal.aborted) {
          controller.abort(new JobAbortedError(SqsErrorCode.Cancelled, 'the task was cancelled'));
        }
      })
      .catch((error: unknown) => logger.debug({ taskId, ...errorContext(error) }, 'cancel flag not readable'))
      .finally(() => {
        checking = false;
      });
  }, options.cancelPollMs);
  poll.unref?.();
  const timeout =
    options.jobTimeout === undefined
      ? undefined
      : setTimeout(() => {
          controller.abort(new JobError(SqsErrorCode.JobTimeout, 'The job took too long.'));
        }, options.jobTimeout);
  return () => {
    clearInterval(poll);
    if (timeout) clearTimeout(timeout);
  };
}
