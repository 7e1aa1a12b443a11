import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createMemoryStore, createNotifier, DeliveryError, type Transport } from '@inloop/server';
import { describe, expect, it } from 'vitest';
import { enqueue } from '../src/enqueue.js';
import { InloopSqsError } from '../src/errors.js';
import { OWNER_ATTRIBUTE, TASK_ID_ATTRIBUTE } from '../src/message-attributes.js';
import { useWorkerEnvironment } from './helpers/environment.js';
import { captureLogger } from './helpers/logger.js';

describe('enqueue', () => {
  const env = useWorkerEnvironment();

  async function receiveAll(queueUrl: string) {
    const output = await env.harness.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return output.Messages ?? [];
  }

  async function rejection(promise: Promise<unknown>): Promise<InloopSqsError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InloopSqsError);
    return error as InloopSqsError;
  }

  it('sends the payload with the task id and owner as attributes, records the owner and publishes queued', async () => {
    const { queueUrl } = await env.harness.createQueue();
    const result = await enqueue({
      sqs: env.harness.sqs,
      queueUrl,
      notifier: env.test.notifier,
      owner: 'user-7',
      taskId: 'report-2026-01',
      payload: { file: 'sales.csv', rows: 3 },
    });

    expect(result).toEqual({ taskId: 'report-2026-01', channel: 'private-cache-task-report-2026-01' });
    const [message, ...rest] = await receiveAll(queueUrl);
    expect(rest).toHaveLength(0);
    expect(JSON.parse(message!.Body!)).toEqual({ file: 'sales.csv', rows: 3 });
    expect(message!.MessageAttributes?.[TASK_ID_ATTRIBUTE]?.StringValue).toBe('report-2026-01');
    expect(message!.MessageAttributes?.[OWNER_ATTRIBUTE]?.StringValue).toBe('user-7');

    const record = await env.test.store.get('report-2026-01');
    expect(record?.owner).toBe('user-7');
    expect(record?.snapshot?.state).toBe('queued');
    expect(env.test.recorder.states('report-2026-01')).toEqual(['queued']);
  });

  it('gives each task a fresh id when none is given', async () => {
    const { queueUrl } = await env.harness.createQueue();
    const first = await env.enqueue({ queueUrl, payload: 1 });
    const second = await env.enqueue({ queueUrl, payload: 2 });
    expect(first.taskId).not.toBe(second.taskId);
    expect(second.channel).toBe(env.test.notifier.channelOf(second.taskId));
  });

  it("refuses a message above the queue's size limit, counting the attributes, and sends nothing", async () => {
    const { queueUrl } = await env.harness.createQueue({ maximumMessageSize: 1024 });
    const owner = 'u';
    // The body alone fits; with the task id and owner attributes it does not.
    const payload = 'x'.repeat(1000);
    const error = await rejection(
      enqueue({ sqs: env.harness.sqs, queueUrl, notifier: env.test.notifier, owner, taskId: 'too-big', payload }),
    );
    expect(error.code).toBe('INLOOP_PAYLOAD_TOO_LARGE');
    expect(error.message).toContain('1024');
    expect(await receiveAll(queueUrl)).toHaveLength(0);
    expect(env.test.recorder.of('too-big')).toHaveLength(0);

    const fits = await enqueue({
      sqs: env.harness.sqs,
      queueUrl,
      notifier: env.test.notifier,
      owner,
      payload: 'x'.repeat(900),
    });
    expect(
      (await receiveAll(queueUrl)).map((message) => message.MessageAttributes?.[TASK_ID_ATTRIBUTE]?.StringValue),
    ).toEqual([fits.taskId]);
  });

  it('needs a group id on a FIFO queue, and sends with it (deduplicated by task id) when given', async () => {
    const { queueUrl } = await env.harness.createQueue({ fifo: true });
    const error = await rejection(env.enqueue({ queueUrl, taskId: 'fifo-no-group', payload: {} }));
    expect(error.code).toBe('INLOOP_SQS_GROUP_ID_REQUIRED');
    expect(error.message).toContain('groupId');
    expect(env.test.recorder.of('fifo-no-group')).toHaveLength(0);

    const options = { sqs: env.harness.sqs, queueUrl, notifier: env.test.notifier, owner: 'u', groupId: 'account-1' };
    await enqueue({ ...options, taskId: 'fifo-a', payload: { n: 1 } });
    // The same task id again within the deduplication window: SQS keeps one.
    await enqueue({ ...options, taskId: 'fifo-a', payload: { n: 1 } });
    const messages = await receiveAll(queueUrl);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.Attributes?.MessageGroupId).toBe('account-1');
  });

  it('rejects bad options with INLOOP_CONFIG_INVALID before touching the queue', async () => {
    const { queueUrl } = await env.harness.createQueue();
    const base = { sqs: env.harness.sqs, queueUrl, notifier: env.test.notifier, owner: 'u', payload: {} };
    expect((await rejection(enqueue({ ...base, owner: '' }))).code).toBe('INLOOP_CONFIG_INVALID');
    expect((await rejection(enqueue({ ...base, taskId: 'no spaces allowed' }))).code).toBe('INLOOP_CONFIG_INVALID');
    expect((await rejection(enqueue({ ...base, delaySeconds: 901 }))).code).toBe('INLOOP_CONFIG_INVALID');
    expect((await rejection(enqueue({ ...base, payload: () => 1 }))).code).toBe('INLOOP_PAYLOAD_NOT_SERIALIZABLE');
    expect(await receiveAll(queueUrl)).toHaveLength(0);
  });

  it('says which queue it could not read, with a stable code', async () => {
    const error = await rejection(
      enqueue({
        sqs: env.harness.sqs,
        queueUrl: `${env.harness.endpoint}/000000000000/no-such-queue`,
        notifier: env.test.notifier,
        owner: 'u',
        taskId: 'nowhere',
        payload: {},
      }),
    );
    expect(error.code).toBe('INLOOP_SQS_ENQUEUE_FAILED');
    expect(error.message).toContain('no-such-queue');
    expect(env.test.recorder.of('nowhere')).toHaveLength(0);
  });

  it('still sends the job when the queued event cannot be delivered, and logs it (the store has the event)', async () => {
    const { queueUrl } = await env.harness.createQueue();
    const down = new DeliveryError('relay: connection refused', 'relay', undefined, true);
    const transport = {
      kind: 'relay',
      trigger: async () => {
        throw down;
      },
      triggerBatch: async () => {
        throw down;
      },
      close: async () => undefined,
    } as unknown as Transport;
    const store = createMemoryStore();
    const notifier = createNotifier(transport, { store, logger: captureLogger().logger });
    const log = captureLogger();
    const { taskId } = await enqueue({
      sqs: env.harness.sqs,
      queueUrl,
      notifier,
      owner: 'u',
      payload: {},
      logger: log.logger,
    });

    const messages = await receiveAll(queueUrl);
    expect(messages.map((message) => message.MessageAttributes?.[TASK_ID_ATTRIBUTE]?.StringValue)).toEqual([taskId]);
    expect((await store.get(taskId))?.snapshot?.state).toBe('queued');
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', context: expect.objectContaining({ taskId }) }),
    );
    await store.close();
  });
});
