import type { TaskError } from '@inloop/protocol';
import type { Logger } from '../logger.js';

/**
 * An error whose code and message are fit to show the task's owner. Any other Error is logged on the
 * server and shown only as a generic message, so internals never reach a browser.
 */
export class TaskFailure extends Error {
  override name = 'TaskFailure';
  readonly retryable: boolean;
  constructor(
    readonly code: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/** What the reporter accepts as an error: a TaskFailure, a plain `{ code, message }`, or anything thrown. */
export type ReportedError = TaskFailure | { code: string; message: string; retryable?: boolean } | unknown;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function isPlainTaskError(value: unknown): value is { code: string; message: string; retryable?: boolean } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

export function toTaskError(
  error: unknown,
  retryable: boolean,
  context: { taskId: string; logger: Logger },
): TaskError {
  if (error instanceof TaskFailure || isPlainTaskError(error)) {
    return {
      code: clip(error.code || 'TASK_FAILED', 100),
      message: clip(error.message, 1000),
      retryable: retryable || (error.retryable ?? false),
    };
  }
  context.logger.error({ taskId: context.taskId, err: error }, 'task error (shown to the user as a generic message)');
  return retryable
    ? { code: 'TASK_RETRYING', message: 'The task hit an error and will be retried.', retryable: true }
    : { code: 'TASK_FAILED', message: 'The task failed.', retryable: false };
}
