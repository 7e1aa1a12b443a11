import { setTimeout as sleep } from 'node:timers/promises';
import { JobError, type JobContext, nonRetryable } from '@inloop/sqs';
import { z } from 'zod';

/** The kinds of job the page can start, one for each path a task can take. */
export const JOB_KINDS = ['normal', 'flaky', 'failing', 'long'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const jobPayloadSchema = z.strictObject({ kind: z.enum(JOB_KINDS) });
export type JobPayload = z.infer<typeof jobPayloadSchema>;

interface Plan {
  steps: { name: string; message: string }[];
  /** Progress reports per step. */
  ticks: number;
}

const plans: Record<JobKind, Plan> = {
  normal: {
    ticks: 4,
    steps: [
      { name: 'fetch', message: 'Fetching the source images' },
      { name: 'resize', message: 'Resizing' },
      { name: 'compress', message: 'Compressing' },
      { name: 'upload', message: 'Uploading the results' },
    ],
  },
  flaky: {
    ticks: 3,
    steps: [
      { name: 'connect', message: 'Connecting to the partner API' },
      { name: 'sync', message: 'Syncing records' },
      { name: 'verify', message: 'Verifying' },
    ],
  },
  failing: {
    ticks: 3,
    steps: [
      { name: 'validate', message: 'Validating the order' },
      { name: 'charge', message: 'Charging the card' },
      { name: 'receipt', message: 'Sending the receipt' },
    ],
  },
  long: {
    ticks: 10,
    steps: [
      { name: 'scan', message: 'Scanning the archive' },
      { name: 'index', message: 'Indexing' },
      { name: 'report', message: 'Writing the report' },
    ],
  },
};

export interface HandlerOptions {
  /** Pause between two progress reports. */
  stepMs: number;
  /** Called when a job stops early because its signal aborted (cancel or shutdown). */
  onStopped?: (taskId: string, done: number) => void;
}

/** The demo's job handler: walks the kind's steps, reporting progress, and fails where the kind says so. */
export function createJobHandler(options: HandlerOptions) {
  return async (payload: JobPayload, ctx: JobContext): Promise<unknown> => {
    const plan = plans[payload.kind];
    const total = plan.steps.length * plan.ticks;
    let done = 0;
    try {
      for (const [index, step] of plan.steps.entries()) {
        await ctx.step(step.name, step.message);
        for (let tick = 0; tick < plan.ticks; tick++) {
          await sleep(options.stepMs, undefined, { signal: ctx.signal });
          done++;
          ctx.progress({ done, total, message: `${step.message} (${tick + 1}/${plan.ticks})` });
        }
        failIfPlanned(payload.kind, index, ctx.attempt);
      }
    } catch (error) {
      if (ctx.signal.aborted) options.onStopped?.(ctx.taskId, done);
      throw error;
    }
    return { kind: payload.kind, steps: total };
  };
}

function failIfPlanned(kind: JobKind, stepIndex: number, attempt: number): void {
  if (kind === 'flaky' && stepIndex === 0 && attempt === 1) {
    throw new JobError('DEMO_PARTNER_TIMEOUT', 'The partner API timed out; the job will try again.');
  }
  if (kind === 'failing' && stepIndex === 1) {
    // The cause (with its internals) stays in the worker's log; the page only sees the safe message.
    const internal = new Error('gateway 502 from payments.internal:8443 (card token tok_demo)');
    throw nonRetryable('DEMO_CARD_DECLINED', 'The card was declined. No money was taken.', internal);
  }
}
