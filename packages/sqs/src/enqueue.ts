import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SendMessageCommandInput, type SQSClient } from '@aws-sdk/client-sqs';
import { taskIdSchema } from '@inloop/protocol';
import { DeliveryError } from '@inloop/server';
import { InloopSqsError, SqsErrorCode } from './errors.js';
import { errorContext, type LoggerLike, stderrLogger } from './logger.js';
import { messageSize, taskAttributes } from './message-attributes.js';
import type { NotifierLike } from './notifier-types.js';
import { cachedQueueInfo } from './queue-info.js';

export interface EnqueueOptions {
  sqs: SQSClient;
  queueUrl: string;
  notifier: NotifierLike;
  /** Any JSON value; sent as the message body. */
  payload: unknown;
  /** Who may watch the task (the user id your channel authorization checks). */
  owner: string;
  /** Defaults to a random UUID. */
  taskId?: string;
  /** Required on FIFO queues: messages of one group are processed in order, one at a time. */
  groupId?: string;
  /** FIFO only; defaults to the task id unless the queue has content-based deduplication. */
  dedupId?: string;
  /** Standard queues only (0–900). */
  delaySeconds?: number;
  /** Where a `queued` event that could not be delivered is logged. Default: JSON lines on stderr. */
  logger?: LoggerLike;
}

export interface EnqueueResult {
  taskId: string;
  /** The channel a browser subscribes to for this task's events. */
  channel: string;
}

function configError(message: string): InloopSqsError {
  return new InloopSqsError(SqsErrorCode.ConfigInvalid, message);
}

function checkOptions(options: EnqueueOptions): void {
  if (!options.sqs || typeof options.sqs.send !== 'function') throw configError('enqueue: `sqs` must be an SQSClient');
  if (typeof options.queueUrl !== 'string' || options.queueUrl === '') {
    throw configError('enqueue: `queueUrl` must be the queue URL (from CreateQueue or GetQueueUrl)');
  }
  if (!options.notifier || typeof options.notifier.task !== 'function') {
    throw configError('enqueue: `notifier` must come from createNotifier() of @inloop/server');
  }
  if (typeof options.owner !== 'string' || options.owner === '') {
    throw configError('enqueue: `owner` must be the id of the user who may watch the task');
  }
  if (options.taskId !== undefined && !taskIdSchema.safeParse(options.taskId).success) {
    throw configError('enqueue: `taskId` must be 1–128 characters of letters, digits and _ - = @ , . ;');
  }
  const delay = options.delaySeconds;
  if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0 && delay <= 900)) {
    throw configError('enqueue: `delaySeconds` must be a whole number from 0 to 900');
  }
}

function serialize(payload: unknown): string {
  let body: string | undefined;
  try {
    body = JSON.stringify(payload);
  } catch (error) {
    throw new InloopSqsError(SqsErrorCode.PayloadNotSerializable, 'enqueue: the payload cannot be turned into JSON', {
      cause: error,
    });
  }
  if (body === undefined) {
    throw new InloopSqsError(SqsErrorCode.PayloadNotSerializable, 'enqueue: the payload must be a JSON value');
  }
  return body;
}

/**
 * Sends a job to the queue and tells its watchers it is queued. Returns what an HTTP 202 response needs:
 * the task id and the channel the browser subscribes to.
 */
export async function enqueue(options: EnqueueOptions): Promise<EnqueueResult> {
  checkOptions(options);
  const { sqs, queueUrl, notifier, owner } = options;
  const taskId = options.taskId ?? randomUUID();
  const body = serialize(options.payload);
  const attributes = taskAttributes(taskId, owner);
  const queue = await cachedQueueInfo(sqs, queueUrl).catch((error: unknown) => {
    throw new InloopSqsError(
      SqsErrorCode.EnqueueFailed,
      `enqueue: cannot read the attributes of ${queueUrl} (does the queue exist?): ${(error as Error).message}`,
      { cause: error },
    );
  });

  const size = messageSize(body, attributes);
  if (size > queue.maximumMessageSize) {
    throw new InloopSqsError(
      SqsErrorCode.PayloadTooLarge,
      `enqueue: the message is ${size} bytes, the queue's limit (MaximumMessageSize) is ${queue.maximumMessageSize}; ` +
        'store large data elsewhere (e.g. S3) and send a reference',
    );
  }

  const input: SendMessageCommandInput = { QueueUrl: queueUrl, MessageBody: body, MessageAttributes: attributes };
  if (queue.fifo) {
    if (!options.groupId) {
      throw new InloopSqsError(
        SqsErrorCode.GroupIdRequired,
        'enqueue: this is a FIFO queue, so `groupId` is required (messages of one group run in order)',
      );
    }
    if (options.delaySeconds !== undefined) {
      throw new InloopSqsError(
        SqsErrorCode.FifoDelayUnsupported,
        'enqueue: FIFO queues do not take a per-message `delaySeconds`; set DelaySeconds on the queue instead',
      );
    }
    input.MessageGroupId = options.groupId;
    const dedupId = options.dedupId ?? (queue.contentBasedDeduplication ? undefined : taskId);
    if (dedupId !== undefined) input.MessageDeduplicationId = dedupId;
  } else if (options.delaySeconds !== undefined) {
    input.DelaySeconds = options.delaySeconds;
  }

  await notifier.store.setOwner(taskId, owner);
  const reporter = notifier.task(taskId, { owner, attempt: 1 });
  // Queued goes out before the send, so a fast worker's `running` can never be overtaken by it. If the transport
  // cannot deliver it (e.g. the relay is down), the task store has it already and a page reads it from there:
  // that must not keep the job from being sent.
  await reporter.queued().catch((error: unknown) => {
    if (!(error instanceof DeliveryError)) throw error;
    (options.logger ?? stderrLogger).warn(
      { taskId, ...errorContext(error) },
      'the queued event was not delivered; the task store has it, and the job is sent anyway',
    );
  });
  try {
    await sqs.send(new SendMessageCommand(input));
  } catch (error) {
    await reporter
      .fail({ code: SqsErrorCode.EnqueueFailed, message: 'The job could not be queued.', retryable: false })
      .catch(() => undefined);
    throw new InloopSqsError(
      SqsErrorCode.EnqueueFailed,
      `enqueue: SQS refused the message: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { taskId, channel: reporter.channel };
}
