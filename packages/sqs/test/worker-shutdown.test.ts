import { describe, expect, it } from 'vitest';
import { useWorkerEnvironment } from './helpers/environment.js';
import { type Deferred, deferred, until } from './helpers/wait.js';

describe('graceful stop', () => {
  const env = useWorkerEnvironment();

  function gatedWorker(queueUrl: string, shutdownTimeout: number) {
    const gates = new Map<string, Deferred>();
    const started: Array<{ taskId: string; attempt: number; signal: AbortSignal }> = [];
    const worker = env.createWorker({
      queueUrl,
      concurrency: 5,
      shutdownTimeout,
      handler: async (_payload, ctx) => {
        started.push({ taskId: ctx.taskId, attempt: ctx.attempt, signal: ctx.signal });
        const gate = deferred();
        gates.set(`${ctx.taskId}#${ctx.attempt}`, gate);
        ctx.progress({ done: 1, total: 2 });
        // Ignores ctx.signal on purpose: the worker must cope with handlers that do.
        await gate.promise;
        return `attempt ${ctx.attempt}`;
      },
    });
    return { worker, gates, started };
  }

  it('stops receiving, lets in-flight jobs finish, and reports each once', async () => {
    const { queueUrl, name } = await env.harness.createQueue();
    const { worker, gates, started } = gatedWorker(queueUrl, 30_000);
    await worker.start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await env.enqueue({ queueUrl, payload: {} })).taskId);
    }
    await until(() => started.length === 3, 'three jobs in flight');

    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    const late = await env.enqueue({ queueUrl, payload: {} });
    expect(worker.state).toBe('stopping');
    for (const gate of gates.values()) gate.resolve();
    await stopping;
    expect(stopped).toBe(true);

    for (const id of ids) {
      expect(env.test.recorder.transitions(id)).toEqual(['queued', 'running', 'succeeded']);
    }
    // The message sent after stop() began was not taken (or was given back at once).
    expect(started.map((job) => job.taskId)).not.toContain(late.taskId);
    await until(
      () => env.harness.counts(name).ready === 1 && env.harness.counts(name).inflight === 0,
      'only the late message left',
    );
  });

  it('past shutdownTimeout aborts the job, makes its message visible at once, and another worker finishes it', async () => {
    // A 30 s visibility timeout: the second worker can only get the message this soon if it was released.
    const { queueUrl, name } = await env.harness.createQueue({ visibilityTimeout: 30 });
    const first = gatedWorker(queueUrl, 200);
    await first.worker.start();
    const { taskId } = await env.enqueue({ queueUrl, payload: {} });
    await until(() => first.started.length === 1, 'job in flight');

    await first.worker.stop();
    expect(first.started[0]!.signal.aborted).toBe(true);
    expect(first.started[0]!.signal.reason).toMatchObject({ code: 'INLOOP_WORKER_SHUTTING_DOWN' });
    expect(env.harness.counts(name).ready).toBe(1);

    const second = gatedWorker(queueUrl, 30_000);
    await second.worker.start();
    await until(() => second.started.length === 1, 'second worker picked the message up');
    expect(second.started[0]!.attempt).toBe(2);
    second.gates.get(`${taskId}#2`)!.resolve();
    await until(() => env.test.recorder.view(taskId)?.state === 'succeeded', 'task succeeded');

    // The abandoned first attempt finishing late reports nothing.
    first.gates.get(`${taskId}#1`)!.resolve();
    await second.worker.stop();
    const terminal = env.test.recorder.of(taskId).filter((event) => event.state === 'succeeded');
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatchObject({ attempt: 2, result: 'attempt 2' });
    const views = env.test.recorder.views(taskId);
    for (let i = 1; i < views.length; i += 1) expect(views[i]!.percent).toBeGreaterThanOrEqual(views[i - 1]!.percent);
  });
});
