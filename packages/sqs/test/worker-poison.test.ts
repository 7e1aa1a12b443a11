import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { TASK_ID_ATTRIBUTE } from '../src/message-attributes.js';
import type { PoisonEvent } from '../src/worker-events.js';
import type { WorkerOptions } from '../src/worker-options.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { captureLogger } from './helpers/logger.js';
import { until } from './helpers/wait.js';

const payloadSchema = z.object({ file: z.string() });
type Payload = z.infer<typeof payloadSchema>;

describe('poison messages', () => {
  const env = useWorkerEnvironment();

  function startWorker(queueUrl: string, extra: Partial<WorkerOptions<Payload>> = {}) {
    const log = captureLogger();
    const done: string[] = [];
    const poison: PoisonEvent[] = [];
    const worker = env.createWorker<Payload>({
      queueUrl,
      concurrency: 3,
      schema: payloadSchema,
      logger: log.logger,
      handler: (payload) => {
        done.push(payload.file);
        return payload.file.length;
      },
      ...extra,
    });
    worker.on('poison', (event) => poison.push(event));
    return { worker, done, poison, log };
  }

  async function sendRaw(queueUrl: string, body: string, taskId?: string) {
    await env.harness.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: taskId ? { [TASK_ID_ATTRIBUTE]: { DataType: 'String', StringValue: taskId } } : undefined,
      }),
    );
  }

  it('reports failed with a clear code, logs, leaves the message for the DLQ and keeps running other jobs', async () => {
    const { queueUrl, name, dlqName } = await env.harness.createQueue({ dlq: 2 });
    const { worker, done, poison, log } = startWorker(queueUrl);
    await worker.start();

    await sendRaw(queueUrl, '{not json', 'poison-json');
    const wrongShape = await env.enqueue({ queueUrl, payload: { file: 42 } });
    const good = await env.enqueue({ queueUrl, payload: { file: 'a.csv' } });

    await until(() => env.test.recorder.view(good.taskId)?.state === 'succeeded', 'the good job succeeded');
    await until(() => env.harness.counts(dlqName!).ready === 2, 'both poison messages in the DLQ');
    expect(done).toEqual(['a.csv']);
    expect(env.test.recorder.view('poison-json')).toMatchObject({
      state: 'failed',
      error: { code: 'INLOOP_MESSAGE_NOT_JSON', retryable: false },
    });
    expect(env.test.recorder.view(wrongShape.taskId)).toMatchObject({
      state: 'failed',
      error: { code: 'INLOOP_PAYLOAD_INVALID', retryable: false },
    });
    // Reported once, though SQS delivered each poison message until it moved it to the DLQ.
    expect(env.test.recorder.states('poison-json').filter((state) => state === 'failed')).toHaveLength(1);
    expect(poison.map((event) => event.code).sort()).toContain('INLOOP_MESSAGE_NOT_JSON');
    expect(log.lines.some((line) => line.message === 'poison message')).toBe(true);
    await until(() => env.harness.counts(name).ready + env.harness.counts(name).inflight === 0, 'source queue empty');
  });

  it("deletes poison with onPoison: 'delete' when the queue has no DLQ, also when its task id is unknown", async () => {
    const { queueUrl, name } = await env.harness.createQueue();
    const { worker, done, poison } = startWorker(queueUrl, { onPoison: 'delete' });
    await worker.start();
    await sendRaw(queueUrl, 'plain text, no task id');
    await sendRaw(queueUrl, JSON.stringify({ other: true }), 'poison-shape');
    const good = await env.enqueue({ queueUrl, payload: { file: 'b' } });

    await until(() => poison.length === 2 && done.length === 1, 'two poison messages seen, one job done');
    await until(() => env.harness.counts(name).ready + env.harness.counts(name).inflight === 0, 'queue empty');
    expect(poison.find((event) => event.taskId === undefined)?.code).toBe('INLOOP_MESSAGE_NOT_JSON');
    expect(env.test.recorder.view('poison-shape')?.error?.code).toBe('INLOOP_PAYLOAD_INVALID');
    expect(env.test.recorder.view(good.taskId)?.state).toBe('succeeded');
  });
});
