import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

export type FauxqsServer = Awaited<ReturnType<typeof startFauxqs>>;

export interface SqsHarness {
  server: FauxqsServer;
  sqs: SQSClient;
  endpoint: string;
  /** Creates a uniquely named queue; `dlq: n` adds a dead-letter queue with maxReceiveCount n. */
  createQueue(options?: {
    fifo?: boolean;
    visibilityTimeout?: number;
    maximumMessageSize?: number;
    dlq?: number;
  }): Promise<{ queueUrl: string; name: string; dlqName?: string }>;
  /** Messages in a queue by state, without receiving them. */
  counts(name: string): { ready: number; inflight: number; delayed: number };
  close(): Promise<void>;
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

export async function startSqs(): Promise<SqsHarness> {
  const server = await startFauxqs({ port: 0, logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sqs = sqsClient(endpoint);
  return {
    server,
    sqs,
    endpoint,
    async createQueue(options = {}) {
      const suffix = options.fifo ? '.fifo' : '';
      const name = `q-${randomUUID().slice(0, 8)}${suffix}`;
      const attributes: Record<string, string> = { VisibilityTimeout: String(options.visibilityTimeout ?? 30) };
      if (options.fifo) attributes.FifoQueue = 'true';
      if (options.maximumMessageSize) attributes.MaximumMessageSize = String(options.maximumMessageSize);
      let dlqName: string | undefined;
      if (options.dlq !== undefined) {
        dlqName = `dlq-${randomUUID().slice(0, 8)}${suffix}`;
        const dlq = await sqs.send(
          new CreateQueueCommand({ QueueName: dlqName, Attributes: options.fifo ? { FifoQueue: 'true' } : {} }),
        );
        const arn = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: arn.Attributes?.QueueArn,
          maxReceiveCount: String(options.dlq),
        });
      }
      const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      return { queueUrl: created.QueueUrl!, name, dlqName };
    },
    counts(name) {
      const inspected = server.inspectQueue(name);
      if (!inspected) throw new Error(`no queue ${name}`);
      return {
        ready: inspected.messages.ready.length,
        inflight: inspected.messages.inflight.length,
        delayed: inspected.messages.delayed.length,
      };
    },
    async close() {
      sqs.destroy();
      await server.stop();
    },
  };
}
