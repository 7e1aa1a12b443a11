import { EventEmitter } from 'node:events';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteBatcher } from './delete-batcher.js';
import { InloopSqsError, SqsErrorCode } from './errors.js';
import { FifoGroups } from './fifo-groups.js';
import { Job, type JobOutcome, type JobRuntime } from './job.js';
import { resolveJobSettings } from './job-settings.js';
import { errorContext, type LoggerLike, stderrLogger } from './logger.js';
import { OWNER_ATTRIBUTE, TASK_ID_ATTRIBUTE } from './message-attributes.js';
import { type QueueInfo, readQueueInfo } from './queue-info.js';
import { changeVisibilities, MAX_BATCH } from './sqs-batches.js';
import { stopOnSignals } from './stop-signals.js';
import type { WorkerEvents } from './worker-events.js';
import { checkWorkerOptions, type WorkerOptions } from './worker-options.js';

export type WorkerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const DEFAULT_CONCURRENCY = 10;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Runs jobs from one SQS queue and reports each one's progress through an inloop notifier. Keeps up to
 * `concurrency` messages in flight and refills a free slot at once with a new receive.
 */
export class Worker<Payload = unknown> extends EventEmitter<WorkerEvents> {
  private currentState: WorkerState = 'idle';
  private readonly active = new Set<Job>();
  /** Slots promised to receives still waiting for SQS's answer. */
  private reserved = 0;
  /** Receives sent and not answered yet. */
  private receiving = 0;
  private pumpScheduled = false;
  private receiveFailures = 0;
  private pausedUntil = 0;
  private pauseTimer: NodeJS.Timeout | undefined;
  private waiters: Array<{ condition: () => boolean; resolve: () => void }> = [];
  private stopping: Promise<void> | undefined;
  private runtime: JobRuntime | undefined;
  private fifo: FifoGroups | undefined;
  private readonly logger: LoggerLike;
  private readonly concurrency: number;
  private removeSignalHandlers: (() => void) | undefined;

  constructor(private readonly options: WorkerOptions<Payload>) {
    super();
    checkWorkerOptions(options);
    this.logger = options.logger ?? stderrLogger;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  }

  get state(): WorkerState {
    return this.currentState;
  }

  /** Jobs received and not yet finished. */
  get inFlight(): number {
    return this.active.size;
  }

  /** Reads the queue's attributes (visibility timeout, redrive policy, FIFO), then starts receiving. */
  async start(): Promise<void> {
    if (this.currentState !== 'idle') {
      throw new InloopSqsError(
        SqsErrorCode.WorkerState,
        `start(): the worker is ${this.currentState}; create a new one`,
      );
    }
    this.currentState = 'starting';
    const { options } = this;
    let queue: QueueInfo;
    try {
      queue = await readQueueInfo(options.sqs, options.queueUrl);
    } catch (error) {
      if (this.currentState === 'starting') this.currentState = 'idle';
      throw new InloopSqsError(
        SqsErrorCode.ConfigInvalid,
        `start(): cannot read the attributes of ${options.queueUrl}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    // stop() while the attributes were read: stay stopped.
    if (this.currentState !== 'starting') return;
    this.runtime = {
      sqs: options.sqs,
      queueUrl: options.queueUrl,
      notifier: options.notifier,
      handler: options.handler as JobRuntime['handler'],
      schema: options.schema,
      settings: resolveJobSettings(options, queue, this.logger),
      deleter: new DeleteBatcher(options.sqs, options.queueUrl, (failure) => {
        this.logger.warn('error' in failure ? errorContext(failure.error) : failure, 'delete failed');
        this.emitError(SqsErrorCode.DeleteFailed, 'could not delete finished messages; they come back and are skipped');
      }),
      logger: this.logger,
      emit: (event, ...args) => this.emitSafely(event, ...args),
    };
    if (queue.fifo)
      this.fifo = new FifoGroups(
        (job) => this.execute(job),
        (jobs) => this.giveBack(this.takeBack(jobs)),
      );
    if (options.handleSignals) this.removeSignalHandlers = stopOnSignals(() => this.stop(), this.logger);
    this.currentState = 'running';
    this.schedulePump();
  }

  /**
   * Stops receiving, lets in-flight jobs finish until shutdownTimeout, then aborts the rest and makes their
   * messages visible again at once. Safe to call more than once.
   */
  stop(): Promise<void> {
    if (this.currentState === 'idle' || this.currentState === 'stopped') {
      this.currentState = 'stopped';
      return Promise.resolve();
    }
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.currentState = 'stopping';
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    // Later messages of a FIFO group wait behind a running one, which keeps the group locked in SQS: give them back.
    if (this.fifo) await this.giveBack(this.takeBack(this.fifo.takeWaiting()));

    const timeoutMs = this.options.shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const timeoutHit = await Promise.race([this.waitFor(() => this.isIdle()).then(() => false), timedOut]);
    clearTimeout(timer);
    if (timeoutHit) {
      const taken = this.takeBack([...this.active]);
      // Pending long polls are awaited (at most waitTimeSeconds), never aborted: SQS may still hand messages to an
      // aborted poll, and they would stay invisible for a whole visibility timeout. Messages are given back only
      // after them, so no poll of ours takes a message back in (which would count as one more attempt).
      await this.waitFor(() => this.receiving === 0);
      if (taken.length > 0) {
        this.logger.warn({ count: taken.length }, 'shutdown timeout: aborted jobs, their messages are visible again');
        await this.giveBack(taken);
      }
      await this.waitFor(() => this.isIdle());
    }
    await this.runtime?.deleter.flush();
    this.removeSignalHandlers?.();
    this.currentState = 'stopped';
    this.emitSafely('stopped');
  }

  /** Coalesces slot refills of one tick into as few receives as possible. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.currentState === 'running' && Date.now() >= this.pausedUntil) {
      const free = this.concurrency - this.active.size - this.reserved;
      if (free <= 0) return;
      const count = Math.min(MAX_BATCH, free);
      this.reserved += count;
      void this.receive(count);
    }
  }

  private async receive(count: number): Promise<void> {
    const runtime = this.runtime!;
    const receivedAt = Date.now();
    let messages: Message[] = [];
    this.receiving += 1;
    try {
      const output = await this.options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: count,
          WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
          VisibilityTimeout: runtime.settings.visibilityTimeout,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId', 'SentTimestamp'],
          MessageAttributeNames: [TASK_ID_ATTRIBUTE, OWNER_ATTRIBUTE],
        }),
      );
      messages = output.Messages ?? [];
      this.receiveFailures = 0;
    } catch (error) {
      this.pauseAfterReceiveFailure(error);
    }
    this.reserved -= count;
    if (this.currentState !== 'running' && messages.length > 0) {
      // A receive that was pending when stop() began: give its messages back untouched.
      await changeVisibilities(runtime.sqs, runtime.queueUrl, messages, 0).catch(() => []);
      messages = [];
    }
    this.receiving -= 1;
    if (this.currentState !== 'running') {
      this.checkWaiters();
      return;
    }
    for (const message of messages) {
      const job = new Job(message, receivedAt, runtime);
      this.active.add(job);
      if (this.fifo) this.fifo.add(message.Attributes?.MessageGroupId ?? '', job);
      else void this.execute(job);
    }
    this.schedulePump();
  }

  private pauseAfterReceiveFailure(error: unknown): void {
    this.receiveFailures += 1;
    const delay = Math.min(30_000, 250 * 2 ** (this.receiveFailures - 1));
    this.logger.warn({ ...errorContext(error), retryInMs: delay }, 'receive failed');
    this.emitError(SqsErrorCode.ReceiveFailed, `receive failed: ${(error as Error).message}; retrying in ${delay} ms`);
    this.pausedUntil = Date.now() + delay;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.schedulePump(), delay);
  }

  private async execute(job: Job): Promise<JobOutcome> {
    let outcome: JobOutcome = 'released';
    try {
      outcome = await job.run();
    } catch (error) {
      // job.run() handles every failure of the handler itself; this is a bug, so say so loudly and go on.
      this.logger.error({ taskId: job.taskId, ...errorContext(error) }, 'unexpected error while processing a job');
      this.emitError(SqsErrorCode.JobFailed, `unexpected error in task ${job.taskId}: ${(error as Error).message}`);
    } finally {
      this.active.delete(job);
      this.checkWaiters();
      this.schedulePump();
    }
    return outcome;
  }

  /** Aborts the jobs that have not settled and stops tracking them; returns those it took. */
  private takeBack(jobs: Job[]): Job[] {
    const taken = jobs.filter((job) => job.abandon());
    for (const job of taken) this.active.delete(job);
    this.checkWaiters();
    return taken;
  }

  /** Makes the messages of taken-back jobs visible again at once. */
  private async giveBack(jobs: Job[]): Promise<void> {
    if (jobs.length === 0 || !this.runtime) return;
    await Promise.all(jobs.map((job) => job.lease.stop()));
    const failures = await changeVisibilities(
      this.runtime.sqs,
      this.runtime.queueUrl,
      jobs.map((job) => job.message),
      0,
    ).catch((error: unknown) => {
      this.logger.warn(
        errorContext(error),
        'could not release messages; they come back after their visibility timeout',
      );
      return [];
    });
    for (const failure of failures) this.logger.warn({ code: failure.code, reason: failure.reason }, 'release refused');
  }

  private isIdle(): boolean {
    return this.active.size === 0 && this.receiving === 0;
  }

  private checkWaiters(): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.condition()) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once `condition` holds; checked whenever a job ends or a receive returns. */
  private waitFor(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ condition, resolve }));
  }

  private emitError(code: string, message: string): void {
    const error = Object.assign(new Error(message), { code });
    this.emitSafely('error', error);
  }

  /** A listener that throws must not break the worker; `error` without listeners is logged instead of thrown. */
  private emitSafely<E extends keyof WorkerEvents>(event: E, ...args: WorkerEvents[E]): void {
    if (event === 'error' && this.listenerCount('error') === 0) {
      this.logger.error(errorContext(args[0]), 'worker error');
      return;
    }
    try {
      (this.emit as (event: E, ...args: WorkerEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      this.logger.error({ event, ...errorContext(error) }, 'a worker event listener threw');
    }
  }
}

export function createWorker<Payload = unknown>(options: WorkerOptions<Payload>): Worker<Payload> {
  return new Worker(options);
}
