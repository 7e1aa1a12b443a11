import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** What the worker and enqueue need to know about a queue, read once from GetQueueAttributes. */
export interface QueueInfo {
  fifo: boolean;
  contentBasedDeduplication: boolean;
  /** Bytes; SQS's default is 256 KiB (1 MiB on newer queues). */
  maximumMessageSize: number;
  /** Seconds. */
  visibilityTimeout: number;
  /** From the RedrivePolicy: after this many receives SQS moves the message to the dead-letter queue. */
  maxReceiveCount?: number;
  deadLetterTargetArn?: string;
}

const DEFAULT_MAXIMUM_MESSAGE_SIZE = 262_144;
const DEFAULT_VISIBILITY_TIMEOUT = 30;

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}

export function parseQueueInfo(attributes: Record<string, string | undefined>): QueueInfo {
  const info: QueueInfo = {
    fifo: attributes.FifoQueue === 'true',
    contentBasedDeduplication: attributes.ContentBasedDeduplication === 'true',
    maximumMessageSize: positiveInt(attributes.MaximumMessageSize, DEFAULT_MAXIMUM_MESSAGE_SIZE),
    visibilityTimeout: positiveInt(attributes.VisibilityTimeout, DEFAULT_VISIBILITY_TIMEOUT),
  };
  if (attributes.RedrivePolicy) {
    try {
      const policy = JSON.parse(attributes.RedrivePolicy) as {
        maxReceiveCount?: unknown;
        deadLetterTargetArn?: unknown;
      };
      const maxReceiveCount = Number(policy.maxReceiveCount);
      if (Number.isInteger(maxReceiveCount) && maxReceiveCount > 0) info.maxReceiveCount = maxReceiveCount;
      if (typeof policy.deadLetterTargetArn === 'string') info.deadLetterTargetArn = policy.deadLetterTargetArn;
    } catch {
      // A RedrivePolicy SQS accepted is always JSON; an unreadable one is treated as absent.
    }
  }
  return info;
}

export async function readQueueInfo(sqs: SQSClient, queueUrl: string): Promise<QueueInfo> {
  const output = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  return parseQueueInfo(output.Attributes ?? {});
}

const CACHE_TTL_MS = 60_000;
const cache = new WeakMap<SQSClient, Map<string, { at: number; info: Promise<QueueInfo> }>>();

/** readQueueInfo, remembered per client and queue for a minute so enqueue does not ask on every send. */
export function cachedQueueInfo(sqs: SQSClient, queueUrl: string): Promise<QueueInfo> {
  let perClient = cache.get(sqs);
  if (!perClient) {
    perClient = new Map();
    cache.set(sqs, perClient);
  }
  const hit = perClient.get(queueUrl);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.info;
  const info = readQueueInfo(sqs, queueUrl);
  perClient.set(queueUrl, { at: Date.now(), info });
  info.catch(() => perClient.delete(queueUrl));
  return info;
}
