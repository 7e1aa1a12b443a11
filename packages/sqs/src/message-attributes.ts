import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';

/** Message attributes enqueue sets, so a worker knows whose task a message is without parsing its body. */
export const TASK_ID_ATTRIBUTE = 'inloop.taskId';
export const OWNER_ATTRIBUTE = 'inloop.owner';

export function taskAttributes(taskId: string, owner: string): Record<string, MessageAttributeValue> {
  return {
    [TASK_ID_ATTRIBUTE]: { DataType: 'String', StringValue: taskId },
    [OWNER_ATTRIBUTE]: { DataType: 'String', StringValue: owner },
  };
}

/** SQS counts a message's size as its body plus each attribute's name, data type and value. */
export function messageSize(body: string, attributes: Record<string, MessageAttributeValue>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8');
    if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue, 'utf8');
    if (value.BinaryValue !== undefined) size += value.BinaryValue.byteLength;
  }
  return size;
}

export function stringAttribute(message: Message, name: string): string | undefined {
  const value = message.MessageAttributes?.[name]?.StringValue;
  return value === undefined || value === '' ? undefined : value;
}

/** ApproximateReceiveCount: 1 on the first delivery, +1 on each redelivery. */
export function receiveCount(message: Message): number {
  const count = Number(message.Attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}
