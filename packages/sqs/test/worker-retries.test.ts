import { describe, expect, it } from 'vitest';
import { JobError, nonRetryable } from '../src/errors.js';
import type { JobHandler } from '../src/worker-options.js';
import type { WorkerEvents } from '../src/worker-events.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { until } from './helpers/wait.js';

describe('worker retries', () => {
  const env = useWorkerEnvironment();

  function startWorker(queueUrl: string, handler: JobHandler<unknown>, extra: { jobTimeout?: number } = {}) {
    return env.createWorker({
      ...extra,
      queueUrl,
      concurrency: 2,
      visibilityTimeout: 5,
      backoff: { baseMs: 200, maxMs: 1000 },
      handler,
    });
  }

  it('reports retrying with the attempt and next time, then succeeded on the next attempt', async () => {
    const { queueUrl } = await env.harness.createQueue({ dlq: 3 });
    const retrying: WorkerEvents['retrying'][0][] = [];
    const attempts: number[] = [];
    const worker = startWorker(queueUrl, (_payload, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 1) throw new JobError('FLAKY', 'The service was busy.');
      return 'ok';
    });
    worker.on('retrying', (event) => retrying.push(event));
    const lifecycle: string[] = [];
    worker.on('started', (event) => lifecycle.push(`started ${event.attempt}`));
    worker.on('retrying', (event) => lifecycle.push(`retrying ${event.attempt}`));
    worker.on('succeeded', (event) => lifecycle.push(`succeeded ${event.attempt} ${event.result}`));
    await worker.start();
    const before = Date.now();
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });

    await until(() => env.test.recorder.view(taskId)?.state === 'succeeded', 'task succeeded');
    expect(attempts).toEqual([1, 2]);
    await until(() => lifecycle.length === 4, 'worker events');
    expect(lifecycle).toEqual(['started 1', 'retrying 1', 'started 2', 'succeeded 2 ok']);
    expect(env.test.recorder.transitions(taskId)).toEqual(['queued', 'running', 'retrying', 'running', 'succeeded']);
    const retry = env.test.recorder.of(taskId).find((event) => event.state === 'retrying')!;
    expect(retry.attempt).toBe(1);
    expect(retry.error).toEqual({ code: 'FLAKY', message: 'The service was busy.', retryable: true });
    expect(retrying).toHaveLength(1);
    expect(retrying[0]!.nextAt).toBeGreaterThan(before);
    // The browser is told when the next attempt is due, not only that one will come.
    expect(retry.retryAt).toBe(retrying[0]!.nextAt);
    expect(env.test.recorder.view(taskId)).toMatchObject({
      state: 'succeeded',
      attempt: 2,
      percent: 100,
      result: 'ok',
    });
  });

  it('reports failed (not retrying) on the last attempt and leaves the message in the dead-letter queue', async () => {
    const { queueUrl, dlqName } = await env.harness.createQueue({ dlq: 2 });
    const failed: WorkerEvents['failed'][0][] = [];
    const worker = startWorker(queueUrl, () => {
      throw new Error('database password wrong: hunter2');
    });
    worker.on('failed', (event) => failed.push(event));
    await worker.start();
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });

    await until(() => env.test.recorder.view(taskId)?.state === 'failed', 'task failed');
    await until(() => env.harness.counts(dlqName!).ready === 1, 'message moved to the DLQ');
    expect(env.test.recorder.transitions(taskId)).toEqual(['queued', 'running', 'retrying', 'running', 'failed']);
    const view = env.test.recorder.view(taskId)!;
    expect(view.attempt).toBe(2);
    // The internal message stays in the log; the browser sees a code and a safe message.
    expect(view.error).toEqual({ code: 'TASK_FAILED', message: 'The task failed.', retryable: false });
    expect(failed).toHaveLength(1);
    expect((failed[0]!.cause as Error).message).toContain('hunter2');
  });

  it('fails at once on a non-retryable error; the message goes to the DLQ without running again', async () => {
    const { queueUrl, name, dlqName } = await env.harness.createQueue({ dlq: 5 });
    let calls = 0;
    const worker = startWorker(queueUrl, () => {
      calls += 1;
      throw nonRetryable('BAD_INPUT', 'The file is not a CSV.');
    });
    await worker.start();
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });
    await until(() => env.test.recorder.view(taskId)?.state === 'failed', 'task failed');
    expect(calls).toBe(1);
    expect(env.test.recorder.view(taskId)?.error).toEqual({
      code: 'BAD_INPUT',
      message: 'The file is not a CSV.',
      retryable: false,
    });
    await until(() => env.harness.counts(dlqName!).ready === 1, 'failed message goes to the DLQ');
    expect(env.harness.counts(name)).toEqual({ ready: 0, inflight: 0, delayed: 0 });
    expect(calls).toBe(1);
  });

  it('aborts ctx.signal after jobTimeout and retries; steps are reported as they happen', async () => {
    const { queueUrl } = await env.harness.createQueue({ dlq: 3 });
    const reasons: unknown[] = [];
    const worker = startWorker(
      queueUrl,
      async (_payload, ctx) => {
        if (ctx.attempt === 1) {
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
          reasons.push(ctx.signal.reason);
          throw ctx.signal.reason;
        }
        await ctx.step('upload', 'Uploading the result');
        ctx.progress({ done: 1, total: 2 });
        return 'uploaded';
      },
      { jobTimeout: 300 },
    );
    await worker.start();
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });

    await until(() => env.test.recorder.view(taskId)?.state === 'succeeded', 'task succeeded');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'INLOOP_JOB_TIMEOUT', retryable: true });
    const retry = env.test.recorder.of(taskId).find((event) => event.state === 'retrying');
    expect(retry?.error).toMatchObject({ code: 'INLOOP_JOB_TIMEOUT', retryable: true });
    const stepEvent = env.test.recorder.of(taskId).find((event) => event.progress?.step === 'upload');
    expect(stepEvent).toMatchObject({ state: 'running', attempt: 2, progress: { message: 'Uploading the result' } });
    expect(env.test.recorder.view(taskId)).toMatchObject({ state: 'succeeded', attempt: 2, result: 'uploaded' });
  });
});
