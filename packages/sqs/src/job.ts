import { ChangeMessageVisibilityCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { isTerminalState, type TaskError, type TaskState, taskIdSchema } from '@inloop/protocol';
import type { TaskReporter } from '@inloop/server';
import { backoffDelayMs } from './backoff.js';
import type { DeleteBatcher } from './delete-batcher.js';
import { isRetryable, JobAbortedError, JobError, SqsErrorCode, toTaskError } from './errors.js';
import type { JobSettings } from './job-settings.js';
import { watchJob } from './job-watch.js';
import { errorContext, type LoggerLike } from './logger.js';
import { OWNER_ATTRIBUTE, receiveCount, stringAttribute, TASK_ID_ATTRIBUTE } from './message-attributes.js';
import type { NotifierLike } from './notifier-types.js';
import { type PoisonPayload, parsePayload } from './parse-payload.js';
import { MAX_VISIBILITY_SECONDS, VisibilityLease } from './visibility-lease.js';
import type { WorkerEvents } from './worker-events.js';
import type { JobContext, JobHandler, PayloadSchema } from './worker-options.js';

export interface JobRuntime {
  sqs: SQSClient;
  queueUrl: string;
  notifier: NotifierLike;
  handler: JobHandler<unknown>;
  schema: PayloadSchema<unknown> | undefined;
  settings: JobSettings;
  deleter: DeleteBatcher;
  logger: LoggerLike;
  emit<E extends keyof WorkerEvents>(event: E, ...args: WorkerEvents[E]): void;
}

/**
 * `deleted`: the message is gone. `released`: it comes back (retry, dead-letter, poison left for the DLQ).
 * `abandoned`: stop() took it back mid-run. In a FIFO group anything but `deleted` releases the messages after it.
 */
export type JobOutcome = 'deleted' | 'released' | 'abandoned';

type Phase = 'waiting' | 'running' | 'settling' | 'done';

/** One received message, from receive to delete or release. */
export class Job {
  readonly taskId: string;
  /** The id enqueue() attached; a message sent by other means has none and runs under its MessageId. */
  readonly knownTaskId: string | undefined;
  readonly owner: string | undefined;
  readonly attempt: number;
  readonly lease: VisibilityLease;
  private phase: Phase = 'waiting';
  private abandoned = false;
  private readonly controller = new AbortController();

  constructor(
    readonly message: Message,
    receivedAt: number,
    private readonly runtime: JobRuntime,
  ) {
    const attributeId = stringAttribute(message, TASK_ID_ATTRIBUTE);
    // A foreign message may carry an id no channel can be named after: then it runs under its MessageId.
    this.knownTaskId = attributeId && taskIdSchema.safeParse(attributeId).success ? attributeId : undefined;
    this.taskId = this.knownTaskId ?? message.MessageId ?? 'unknown';
    this.owner = stringAttribute(message, OWNER_ATTRIBUTE);
    this.attempt = receiveCount(message);
    this.lease = new VisibilityLease({
      visibilityTimeout: runtime.settings.visibilityTimeout,
      receivedAt,
      changeVisibility: (seconds) => this.changeVisibility(seconds),
      onLimit: ({ visibleAt }) =>
        runtime.emit('warning', {
          code: SqsErrorCode.VisibilityLimit,
          taskId: this.taskId,
          message: `task ${this.taskId} reaches SQS's 12-hour visibility limit; its message becomes visible again at ${new Date(visibleAt).toISOString()} and may be delivered twice`,
        }),
      onLost: (error) =>
        runtime.emit('warning', {
          code: SqsErrorCode.LeaseLost,
          taskId: this.taskId,
          message: `SQS refused to extend the visibility of task ${this.taskId} (${(error as Error).message}); it may be delivered again`,
        }),
    });
    this.lease.start();
  }

  get isSettling(): boolean {
    return this.phase === 'settling';
  }

  /**
   * stop() past its timeout, or a FIFO group giving back its later messages: aborts a waiting or running job and
   * ignores its later outcome. False if it is already settling. The lease keeps running until the worker gives the
   * message back (see Worker.giveBack), so the message does not lapse into another receive before that.
   */
  abandon(): boolean {
    if (this.phase === 'settling' || this.phase === 'done' || this.abandoned) return false;
    this.abandoned = true;
    this.controller.abort(new JobAbortedError(SqsErrorCode.ShuttingDown, 'the worker is shutting down'));
    return true;
  }

  async run(): Promise<JobOutcome> {
    if (this.abandoned) return 'abandoned';
    this.phase = 'running';
    try {
      return await this.process();
    } finally {
      if (!this.abandoned) void this.lease.stop();
      this.phase = 'done';
    }
  }

  private async process(): Promise<JobOutcome> {
    const { runtime } = this;
    const parsed = parsePayload(this.message.Body, runtime.schema);
    if (!parsed.ok) return this.poison(parsed);

    const record = this.knownTaskId
      ? await runtime.notifier.store.get(this.taskId).catch((error: unknown) => {
          runtime.logger.warn(
            { taskId: this.taskId, ...errorContext(error) },
            'task store unreachable; running anyway',
          );
          return undefined;
        })
      : undefined;
    const ended = record?.snapshot?.state;
    if (ended && isTerminalState(ended)) return this.alreadyEnded(ended);
    if (this.abandoned) return 'abandoned';

    const reporter = runtime.notifier.task(this.taskId, { owner: this.owner ?? record?.owner, attempt: this.attempt });
    if (record?.cancelRequested) return this.finishCancelled(reporter);
    if (this.attempt > runtime.settings.maxAttempts) {
      const error: TaskError = {
        code: SqsErrorCode.AttemptsExhausted,
        message: 'The job was tried too many times.',
        retryable: false,
      };
      return this.finishFailed(reporter, error, undefined);
    }

    await this.report(reporter.start());
    if (this.abandoned) return 'abandoned';
    runtime.emit('started', this.event());

    let succeeded = false;
    let result: unknown;
    let thrown: unknown;
    const stopWatching = watchJob({
      taskId: this.taskId,
      controller: this.controller,
      store: runtime.notifier.store,
      cancelPollMs: runtime.settings.cancelPollMs,
      jobTimeout: runtime.settings.jobTimeout,
      logger: runtime.logger,
    });
    try {
      result = await runtime.handler(parsed.payload, this.context(reporter));
      succeeded = true;
    } catch (error) {
      thrown = error;
    } finally {
      stopWatching();
    }
    // From here on the outcome is ours to report; stop() no longer abandons this job.
    if (this.abandoned) return 'abandoned';
    this.phase = 'settling';
    await this.lease.stop();

    if (succeeded) {
      await this.report(reporter.succeed(result));
      runtime.emit('succeeded', { ...this.event(), result });
      void runtime.deleter.delete(this.message);
      return 'deleted';
    }
    const reason = this.controller.signal.reason;
    if (this.controller.signal.aborted && reason instanceof JobAbortedError && reason.code === SqsErrorCode.Cancelled) {
      return this.finishCancelled(reporter);
    }
    const cause = this.controller.signal.aborted && reason instanceof JobError ? reason : thrown;
    return this.finishError(reporter, cause);
  }

  private async poison(parsed: PoisonPayload): Promise<JobOutcome> {
    const { runtime } = this;
    const context = { taskId: this.knownTaskId, messageId: this.message.MessageId, code: parsed.code };
    runtime.logger.warn({ ...context, reason: parsed.reason }, 'poison message');
    runtime.emit('poison', {
      taskId: this.knownTaskId,
      code: parsed.code,
      reason: parsed.reason,
      message: this.message,
    });
    if (this.knownTaskId) {
      const record = await runtime.notifier.store.get(this.taskId).catch(() => undefined);
      const state = record?.snapshot?.state;
      if (!state || !isTerminalState(state)) {
        const reporter = runtime.notifier.task(this.taskId, { owner: this.owner, attempt: this.attempt });
        await this.report(reporter.fail({ code: parsed.code, message: parsed.shown, retryable: false }));
      }
    }
    if (runtime.settings.hasDeadLetterQueue) return this.releaseNow();
    if (runtime.settings.onPoison === 'delete') {
      void runtime.deleter.delete(this.message);
      return 'deleted';
    }
    return 'released';
  }

  /** A redelivery of a task that already ended (its delete was lost, or it waits for the DLQ): never run twice. */
  private alreadyEnded(state: TaskState): Promise<JobOutcome> | JobOutcome {
    this.runtime.logger.info({ taskId: this.taskId, state }, 'redelivered message of an ended task; not running it');
    if (state === 'failed' && this.runtime.settings.hasDeadLetterQueue) return this.releaseNow();
    void this.runtime.deleter.delete(this.message);
    return 'deleted';
  }

  private async finishCancelled(reporter: TaskReporter): Promise<JobOutcome> {
    await this.report(reporter.cancelled());
    this.runtime.emit('cancelled', this.event());
    void this.runtime.deleter.delete(this.message);
    return 'deleted';
  }

  private async finishError(reporter: TaskReporter, cause: unknown): Promise<JobOutcome> {
    const { runtime } = this;
    const retryable = isRetryable(cause);
    runtime.logger.warn(
      { taskId: this.taskId, attempt: this.attempt, retryable, ...errorContext(cause) },
      'job failed',
    );
    if (!retryable || this.attempt >= runtime.settings.maxAttempts) {
      return this.finishFailed(reporter, toTaskError(cause, false), cause);
    }
    const delayMs = backoffDelayMs(this.attempt, runtime.settings.backoff);
    const seconds = Math.min(Math.ceil(delayMs / 1000), MAX_VISIBILITY_SECONDS, this.lease.remainingBudgetSeconds());
    const nextAt = Date.now() + seconds * 1000;
    await this.changeVisibility(seconds).catch((error: unknown) => {
      runtime.logger.warn({ taskId: this.taskId, ...errorContext(error) }, 'could not set the retry delay');
    });
    const error = toTaskError(cause, true);
    // The reporter takes the number of the attempt that runs next.
    await this.report(reporter.retrying(error, { attempt: this.attempt + 1, nextAt }));
    runtime.emit('retrying', { ...this.event(), error, cause, nextAt });
    return 'released';
  }

  private async finishFailed(reporter: TaskReporter, error: TaskError, cause: unknown): Promise<JobOutcome> {
    await this.report(reporter.fail(error));
    this.runtime.emit('failed', { ...this.event(), error, cause });
    if (this.runtime.settings.hasDeadLetterQueue) return this.releaseNow();
    void this.runtime.deleter.delete(this.message);
    return 'deleted';
  }

  /** Visible again at once: the next receive gets it, or SQS moves it to the DLQ past maxReceiveCount. */
  private async releaseNow(): Promise<JobOutcome> {
    await this.lease.stop();
    await this.changeVisibility(0).catch((error: unknown) => {
      this.runtime.logger.warn({ taskId: this.taskId, ...errorContext(error) }, 'could not release the message');
    });
    return 'released';
  }

  private context(reporter: TaskReporter): JobContext {
    return {
      taskId: this.taskId,
      attempt: this.attempt,
      signal: this.controller.signal,
      message: this.message,
      progress: (update) => {
        if (!this.abandoned) reporter.progress(update);
      },
      step: async (name, message) => {
        if (!this.abandoned) await this.report(reporter.step(name, message));
      },
    };
  }

  private async changeVisibility(seconds: number): Promise<void> {
    await this.runtime.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.runtime.queueUrl,
        ReceiptHandle: this.message.ReceiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  /** A report that fails (transport down) is logged; it never changes what happens to the message. */
  private async report(sending: Promise<unknown> | undefined): Promise<void> {
    try {
      await sending;
    } catch (error) {
      this.runtime.logger.error({ taskId: this.taskId, ...errorContext(error) }, 'could not report task event');
      const failure = new Error(`could not report an event of task ${this.taskId}: ${(error as Error)?.message}`);
      Object.assign(failure, { code: SqsErrorCode.ReportFailed, cause: error });
      this.runtime.emit('error', failure);
    }
  }

  private event() {
    return { taskId: this.taskId, attempt: this.attempt, message: this.message };
  }
}
