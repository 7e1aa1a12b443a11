import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

export interface DemoQueues {
  /** The emulator's endpoint, e.g. http://127.0.0.1:41234. */
  endpoint: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  sqs: SQSClient;
  stop(): Promise<void>;
}

/** An SQS client for the emulator: any region and credentials do. */
export function sqsClientFor(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  });
}

/** Starts the SQS emulator in this process, with the work queue and its dead-letter queue. */
export async function startQueues(options: {
  visibilitySeconds: number;
  maxReceiveCount: number;
}): Promise<DemoQueues> {
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sqs = sqsClientFor(endpoint);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'demo-jobs-dlq' }));
  const arn = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const work = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'demo-jobs',
      Attributes: {
        VisibilityTimeout: String(options.visibilitySeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arn.Attributes?.QueueArn,
          maxReceiveCount: String(options.maxReceiveCount),
        }),
      },
    }),
  );
  return {
    endpoint,
    queueUrl: work.QueueUrl as string,
    deadLetterQueueUrl: dlq.QueueUrl as string,
    sqs,
    async stop() {
      sqs.destroy();
      await server.stop();
    },
  };
}
