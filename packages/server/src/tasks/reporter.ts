import { TASK_EVENT_NAME, type TaskEvent, type TaskProgress, type TaskState, taskEventSchema } from '@inloop/protocol';
import { InvalidArgumentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TaskStore } from '../stores/task-store.js';
import type { Transport } from '../transports/transport.js';
import { EtaEstimator } from './eta.js';
import { type ReportedError, toTaskError } from './task-failure.js';

export interface ProgressUpdate {
  done: number;
  total?: number;
  percent?: number;
  message?: string;
  step?: string;
}

export interface ReporterContext {
  transport: Transport;
  store: TaskStore;
  logger: Logger;
  throttleMs: number;
  channel: string;
  attempt: number;
  owner?: string;
}

type EventFields = Pick<TaskEvent, 'progress' | 'eta' | 'retryAt' | 'result' | 'error'>;

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Reports one task's lifecycle on its channel. Events go out one at a time, in order; `progress()`
 * is coalesced so at most one progress event is sent per throttle interval (the newest); a terminal
 * event always goes out, after any progress still pending.
 */
export class TaskReporter {
  readonly taskId: string;
  readonly channel: string;
  private attempt: number;
  private tail: Promise<unknown> = Promise.resolve();
  private pending: ProgressUpdate | undefined;
  /** When the pending update was reported: the ETA is measured on report times, not send times. */
  private pendingAt = 0;
  private lastSent: ProgressUpdate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private progressInFlight = false;
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private currentStep: string | undefined;
  private terminal: Promise<void> | undefined;
  private readonly eta = new EtaEstimator();

  constructor(
    taskId: string,
    private readonly context: ReporterContext,
  ) {
    this.taskId = taskId;
    this.channel = context.channel;
    this.attempt = context.attempt;
    if (context.owner !== undefined) {
      const owner = context.owner;
      this.enqueue(() => context.store.setOwner(taskId, owner)).catch((error) =>
        context.logger.error({ taskId, err: error }, 'could not record the task owner'),
      );
    }
  }

  /** True once a terminal event (succeeded, failed, cancelled) was reported. */
  get finished(): boolean {
    return this.terminal !== undefined;
  }

  queued(): Promise<void> {
    return this.send('queued', {});
  }

  start(): Promise<void> {
    this.eta.reset();
    return this.send('running', {});
  }

  /** Records progress; synchronous and cheap. The newest update is sent at most once per throttle interval. */
  progress(update: ProgressUpdate): void {
    if (this.terminal) return;
    if (typeof update !== 'object' || update === null || !(update.done >= 0)) {
      throw new InvalidArgumentError(
        `task ${this.taskId}: progress needs done ≥ 0, e.g. progress({ done: 3, total: 10 })`,
      );
    }
    this.pending = update;
    this.pendingAt = Date.now();
    if (this.timer === undefined && !this.progressInFlight) this.schedule();
  }

  /** Names the step now running; sent at once, and later progress carries it. */
  step(name: string, message?: string): Promise<void> {
    this.currentStep = name;
    const base = this.pending ?? this.lastSent ?? { done: 0 };
    this.pending = undefined;
    return this.send('running', this.progressFields({ ...base, step: name, ...(message ? { message } : {}) }));
  }

  /** Reports that this attempt failed and attempt number `attempt` will run at `nextAt`. */
  retrying(error: ReportedError, options: { attempt: number; nextAt?: number }): Promise<void> {
    const taskError = toTaskError(error, true, { taskId: this.taskId, logger: this.context.logger });
    this.dropPendingIntoQueue();
    this.eta.reset();
    const retryAt = options.nextAt === undefined ? undefined : Math.max(0, Math.round(options.nextAt));
    const promise = this.send('retrying', { error: taskError, ...(retryAt === undefined ? {} : { retryAt }) });
    this.attempt = Math.max(this.attempt, options.attempt);
    return promise;
  }

  succeed(result?: unknown): Promise<void> {
    return this.finish('succeeded', result === undefined ? {} : { result });
  }

  fail(error: ReportedError): Promise<void> {
    return this.finish('failed', {
      error: toTaskError(error, false, { taskId: this.taskId, logger: this.context.logger }),
    });
  }

  cancelled(): Promise<void> {
    return this.finish('cancelled', {});
  }

  /** Sends any pending progress now; resolves when everything reported so far was handed to the transport. */
  async flush(): Promise<void> {
    this.dropPendingIntoQueue();
    await this.tail;
  }

  isCancelRequested(): Promise<boolean> {
    return this.context.store.isCancelRequested(this.taskId);
  }

  private finish(state: TaskState, fields: EventFields): Promise<void> {
    if (this.terminal) {
      this.context.logger.warn(
        { taskId: this.taskId, state },
        'task already finished; the later terminal event is ignored',
      );
      return this.terminal;
    }
    this.dropPendingIntoQueue();
    this.terminal = this.send(state, fields);
    return this.terminal;
  }

  private schedule(): void {
    if (!this.pending) return;
    const wait = this.lastProgressAt + this.context.throttleMs - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.progressInFlight) this.schedule();
      }, wait);
      return;
    }
    this.sendPending();
  }

  private sendPending(): void {
    const update = this.pending;
    if (!update) return;
    this.pending = undefined;
    this.lastSent = update;
    this.progressInFlight = true;
    this.lastProgressAt = Date.now();
    this.send('running', this.progressFields(update))
      .catch((error) => this.context.logger.error({ taskId: this.taskId, err: error }, 'progress event not delivered'))
      .finally(() => {
        this.progressInFlight = false;
        if (this.timer === undefined && !this.terminal) this.schedule();
      });
  }

  /** Moves pending progress into the send queue now, ahead of whatever is queued next. */
  private dropPendingIntoQueue(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending) this.sendPending();
  }

  private progressFields(update: ProgressUpdate): EventFields {
    const total = update.total;
    const percent =
      update.percent ?? (total !== undefined && total > 0 ? Math.min(100, (update.done / total) * 100) : undefined);
    const progress: TaskProgress = { done: update.done };
    if (total !== undefined) progress.total = total;
    if (percent !== undefined) progress.percent = round2(percent);
    const step = update.step ?? this.currentStep;
    if (step !== undefined) progress.step = step;
    if (update.message !== undefined) progress.message = update.message;
    const fields: EventFields = { progress };
    const at = this.pendingAt || Date.now();
    const eta =
      total !== undefined
        ? this.eta.sample(at, update.done, total)
        : percent !== undefined
          ? this.eta.sample(at, percent, 100)
          : undefined;
    if (eta !== undefined) fields.eta = eta;
    return fields;
  }

  private send(state: TaskState, fields: EventFields): Promise<void> {
    const draft: TaskEvent = {
      v: 1,
      task: this.taskId,
      seq: 0,
      at: Date.now(),
      state,
      attempt: this.attempt,
      ...fields,
    };
    const checked = taskEventSchema.safeParse(draft);
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      return Promise.reject(new InvalidArgumentError(`task ${this.taskId}: invalid ${state} event: ${issues}`));
    }
    return this.enqueue(async () => {
      const event: TaskEvent = { ...draft, seq: await this.context.store.nextSeq(this.taskId), at: Date.now() };
      await this.context.store.apply(event);
      await this.context.transport.trigger(this.channel, TASK_EVENT_NAME, event);
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
