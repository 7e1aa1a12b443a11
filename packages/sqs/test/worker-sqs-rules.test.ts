import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobError } from '../src/errors.js';
import { taskAttributes } from '../src/message-attributes.js';
import { createWorker, type Worker } from '../src/worker.js';
import type { WarningEvent } from '../src/worker-events.js';
import type { JobHandler } from '../src/worker-options.js';
import { captureLogger } from './helpers/logger.js';
import { createTestNotifier, type TestNotifier } from './helpers/notifier.js';
import { StrictSqs } from './helpers/strict-sqs.js';

// fauxqs accepts bogus receipt handles and visibility past 12 hours; StrictSqs refuses both, as SQS does, and a
// fake clock lets a 13-hour job run in milliseconds.
describe('the worker follows the SQS rules fauxqs does not enforce', () => {
  let test: TestNotifier;
  let worker: Worker | undefined;
  const HOUR = 3_600_000;

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    test = createTestNotifier({ throttleMs: 0 });
  });
  afterEach(async () => {
    if (worker) {
      const stopping = worker.stop();
      await vi.advanceTimersByTimeAsync(30_000);
      await stopping;
    }
    worker = undefined;
    vi.useRealTimers();
    await test.close();
  });

  function start(sqs: StrictSqs, handler: JobHandler<unknown>) {
    const warnings: Array<WarningEvent & { at: number }> = [];
    const errors: Array<Error & { code?: string }> = [];
    worker = createWorker({
      sqs: sqs.client,
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/strict',
      notifier: test.notifier,
      concurrency: 1,
      shutdownTimeout: 1000,
      cancelPollMs: HOUR,
      backoff: { baseMs: 1000, maxMs: 1000 },
      logger: captureLogger().logger,
      handler,
    });
    worker.on('warning', (warning) => warnings.push({ ...warning, at: Date.now() }));
    worker.on('error', (error) => errors.push(error));
    return { worker, warnings, errors, started: worker.start() };
  }

  it('extends a 13-hour job only up to 12 hours after its receive, and warns before the limit', async () => {
    const sqs = new StrictSqs({ VisibilityTimeout: '3600' });
    const id = sqs.add('{}', taskAttributes('very-long', 'u'));
    const receivedAt = Date.now();
    const { warnings, started } = start(sqs, (_payload, ctx) => {
      return new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    });
    await started;

    await vi.advanceTimersByTimeAsync(11 * HOUR);
    expect(sqs.state(id)).toBe('inflight');
    expect(warnings).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2 * HOUR);

    expect(sqs.refusals).toEqual([]);
    expect(sqs.commands.filter((name) => name === 'ChangeMessageVisibility').length).toBeGreaterThanOrEqual(12);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'INLOOP_SQS_VISIBILITY_LIMIT', taskId: 'very-long' });
    const limit = receivedAt + 12 * HOUR;
    expect(warnings[0]!.at).toBeLessThan(limit);
    // Kept invisible right up to the limit, never past it.
    expect(sqs.visibleAt(id)).toBeLessThanOrEqual(limit);
    expect(sqs.visibleAt(id)).toBeGreaterThan(limit - HOUR);
    expect(test.recorder.view('very-long')?.state).toBe('running');
  });

  it('uses only the receipt handle of the current receive, through retries, extensions and deletes', async () => {
    const sqs = new StrictSqs({ VisibilityTimeout: '2' });
    const flaky = sqs.add('{"kind":"flaky"}', taskAttributes('flaky', 'u'));
    const slow = sqs.add('{"kind":"slow"}', taskAttributes('slow', 'u'));
    const { started } = start(sqs, async (payload, ctx) => {
      const { kind } = payload as { kind: string };
      if (kind === 'flaky' && ctx.attempt === 1) throw new JobError('BUSY', 'Busy.');
      // Several visibility timeouts long: the lease extends it with the current handle.
      if (kind === 'slow') await new Promise((resolve) => setTimeout(resolve, 9000));
      return kind;
    });
    await started;
    await vi.advanceTimersByTimeAsync(30_000);

    expect(test.recorder.view('flaky')).toMatchObject({ state: 'succeeded', attempt: 2 });
    expect(test.recorder.view('slow')).toMatchObject({ state: 'succeeded', attempt: 1 });
    expect(sqs.state(flaky)).toBe('deleted');
    expect(sqs.state(slow)).toBe('deleted');
    expect(sqs.refusals).toEqual([]);
  });

  it('copes with a refused receipt handle: warns, finishes the job once, and reports the failed delete', async () => {
    const sqs = new StrictSqs({ VisibilityTimeout: '2' });
    const id = sqs.add('{}', taskAttributes('lost-lease', 'u'));
    let runs = 0;
    const { warnings, errors, started } = start(sqs, async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      return 'done';
    });
    await started;
    await vi.advanceTimersByTimeAsync(500);
    // The lease is lost behind the worker's back (as when its visibility lapsed while the process was stalled).
    sqs.expire(id);
    await vi.advanceTimersByTimeAsync(30_000);

    expect(warnings.map((warning) => warning.code)).toContain('INLOOP_SQS_LEASE_LOST');
    expect(errors.map((error) => error.code)).toContain('INLOOP_SQS_DELETE_FAILED');
    // The message came back, but the task had already ended: it is deleted, not run again.
    expect(runs).toBe(1);
    expect(sqs.state(id)).toBe('deleted');
    expect(test.recorder.states('lost-lease').filter((state) => state === 'succeeded')).toHaveLength(1);
    expect(worker!.state).toBe('running');
  });

  it('backs off while receives fail, reports each failure, and carries on when SQS is back', async () => {
    const sqs = new StrictSqs({ VisibilityTimeout: '30' });
    sqs.failReceives(3);
    const id = sqs.add('{}', taskAttributes('after-outage', 'u'));
    const { errors, started } = start(sqs, () => 'ok');
    await started;
    await vi.advanceTimersByTimeAsync(10_000);

    expect(errors.map((error) => error.code)).toEqual([
      'INLOOP_SQS_RECEIVE_FAILED',
      'INLOOP_SQS_RECEIVE_FAILED',
      'INLOOP_SQS_RECEIVE_FAILED',
    ]);
    // Backed off: three failed receives, not a tight loop of them.
    expect(sqs.commands.filter((name) => name === 'ReceiveMessage').length).toBeLessThan(10);
    expect(test.recorder.view('after-outage')?.state).toBe('succeeded');
    expect(sqs.state(id)).toBe('deleted');
  });
});
