import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS takes at most 10 entries per batch call. */
export const MAX_BATCH = 10;

export interface BatchFailure {
  message: Message;
  code: string;
  reason: string;
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_BATCH) out.push(items.slice(i, i + MAX_BATCH));
  return out;
}

/** Deletes messages in batches of 10; returns the entries SQS refused. */
export async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<BatchFailure[]> {
  const failures: BatchFailure[] = [];
  for (const chunk of chunks(messages)) {
    const output = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
    for (const failed of output.Failed ?? []) {
      const message = chunk[Number(failed.Id)];
      if (message) failures.push({ message, code: failed.Code ?? 'Unknown', reason: failed.Message ?? '' });
    }
  }
  return failures;
}

/** Sets the visibility of messages in batches of 10 (0 = visible again at once); returns refused entries. */
export async function changeVisibilities(
  sqs: SQSClient,
  queueUrl: string,
  messages: Message[],
  seconds: number,
): Promise<BatchFailure[]> {
  const failures: BatchFailure[] = [];
  for (const chunk of chunks(messages)) {
    const output = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: seconds,
        })),
      }),
    );
    for (const failed of output.Failed ?? []) {
      const message = chunk[Number(failed.Id)];
      if (message) failures.push({ message, code: failed.Code ?? 'Unknown', reason: failed.Message ?? '' });
    }
  }
  return failures;
}
