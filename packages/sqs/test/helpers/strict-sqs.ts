import { randomUUID } from 'node:crypto';
import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';

/**
 * An in-memory SQS that enforces the rules fauxqs lets slide: a receipt handle is valid only for the receive that
 * issued it and only while that message is in flight, and a message stays invisible at most 12 hours from that
 * receive. Every refusal is kept in `refusals`, so a test can show that the worker never breaks a rule.
 * Uses the global clock and timers, so it works under vi.useFakeTimers().
 */
export class StrictSqs {
  static readonly MAX_VISIBILITY_SECONDS = 43_200;
  readonly refusals: Array<{ command: string; code: string; handle?: string }> = [];
  readonly commands: string[] = [];
  private readonly messages = new Map<string, StoredMessage>();
  private nextId = 1;
  private receiveOutages = 0;

  constructor(private readonly attributes: Record<string, string> = { VisibilityTimeout: '30' }) {}

  /** The SQSClient-shaped object the worker is given. */
  get client(): SQSClient {
    return { send: (command: { input: never }) => this.send(command) } as unknown as SQSClient;
  }

  add(body: string, attributes: Record<string, MessageAttributeValue> = {}): string {
    const id = `m-${this.nextId++}`;
    this.messages.set(id, { id, body, attributes, receiveCount: 0, visibleAt: 0 });
    return id;
  }

  /** The next `count` receives fail as if SQS were unreachable. */
  failReceives(count: number): void {
    this.receiveOutages = count;
  }

  /** Makes an in-flight message visible now and drops its receipt handle, as if its visibility had lapsed. */
  expire(id: string): void {
    const message = this.messages.get(id)!;
    message.visibleAt = Date.now();
    message.handle = undefined;
  }

  state(id: string): 'visible' | 'inflight' | 'deleted' {
    const message = this.messages.get(id);
    if (!message) return 'deleted';
    return message.visibleAt > Date.now() ? 'inflight' : 'visible';
  }

  /** When the message becomes visible again (ms epoch). */
  visibleAt(id: string): number {
    return this.messages.get(id)!.visibleAt;
  }

  private async send(command: { input: never }): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.commands.push(name);
    const input = command.input as Record<string, unknown>;
    switch (name) {
      case 'GetQueueAttributes':
        return { Attributes: this.attributes };
      case 'ReceiveMessage':
        if (this.receiveOutages > 0) {
          this.receiveOutages -= 1;
          throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        }
        return this.receive(input);
      case 'ChangeMessageVisibility': {
        const refusal = this.changeVisibility(name, input.ReceiptHandle as string, input.VisibilityTimeout as number);
        if (refusal) throw Object.assign(new Error(refusal), { name: refusal });
        return {};
      }
      case 'ChangeMessageVisibilityBatch':
        return this.batch(input, (entry) =>
          this.changeVisibility(name, entry.ReceiptHandle as string, entry.VisibilityTimeout as number),
        );
      case 'DeleteMessageBatch':
        return this.batch(input, (entry) => this.delete(name, entry.ReceiptHandle as string));
      default:
        throw new Error(`StrictSqs: ${name} is not implemented`);
    }
  }

  private async receive(input: Record<string, unknown>): Promise<{ Messages: Message[] }> {
    const max = input.MaxNumberOfMessages as number;
    if (!(max >= 1 && max <= 10)) this.refusals.push({ command: 'ReceiveMessage', code: 'InvalidParameterValue' });
    const take = () => [...this.messages.values()].filter((message) => message.visibleAt <= Date.now()).slice(0, max);
    let ready = take();
    const waitMs = ((input.WaitTimeSeconds as number | undefined) ?? 0) * 1000;
    const deadline = Date.now() + waitMs;
    while (ready.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = take();
    }
    const timeout = (input.VisibilityTimeout as number | undefined) ?? Number(this.attributes.VisibilityTimeout);
    return {
      Messages: ready.map((message) => {
        message.receiveCount += 1;
        message.handle = `${message.id}:${randomUUID()}`;
        message.receivedAt = Date.now();
        message.visibleAt = Date.now() + timeout * 1000;
        return {
          MessageId: message.id,
          ReceiptHandle: message.handle,
          Body: message.body,
          MessageAttributes: message.attributes,
          Attributes: { ApproximateReceiveCount: String(message.receiveCount) },
        };
      }),
    };
  }

  /** Returns the error code SQS would answer with, or undefined when it accepts the change. */
  private changeVisibility(command: string, handle: string, seconds: number): string | undefined {
    const message = this.byHandle(handle);
    let code: string | undefined;
    if (!message) code = 'ReceiptHandleIsInvalid';
    else if (message.visibleAt <= Date.now()) code = 'MessageNotInflight';
    else if (
      !(seconds >= 0 && seconds <= StrictSqs.MAX_VISIBILITY_SECONDS) ||
      Date.now() + seconds * 1000 > message.receivedAt! + StrictSqs.MAX_VISIBILITY_SECONDS * 1000
    ) {
      code = 'InvalidParameterValue';
    }
    if (code) {
      this.refusals.push({ command, code, handle });
      return code;
    }
    message!.visibleAt = Date.now() + seconds * 1000;
    if (seconds === 0) message!.handle = undefined;
    return undefined;
  }

  private delete(command: string, handle: string): string | undefined {
    const message = this.byHandle(handle);
    if (!message) {
      this.refusals.push({ command, code: 'ReceiptHandleIsInvalid', handle });
      return 'ReceiptHandleIsInvalid';
    }
    this.messages.delete(message.id);
    return undefined;
  }

  private byHandle(handle: string): StoredMessage | undefined {
    const id = handle?.split(':')[0] ?? '';
    const message = this.messages.get(id);
    return message?.handle === handle ? message : undefined;
  }

  private batch(input: Record<string, unknown>, apply: (entry: Record<string, unknown>) => string | undefined) {
    const entries = input.Entries as Array<Record<string, unknown>>;
    if (entries.length > 10) this.refusals.push({ command: 'batch', code: 'TooManyEntriesInBatchRequest' });
    const Successful: Array<{ Id: unknown }> = [];
    const Failed: Array<{ Id: unknown; Code: string; Message: string; SenderFault: boolean }> = [];
    for (const entry of entries) {
      const code = apply(entry);
      if (code) Failed.push({ Id: entry.Id, Code: code, Message: code, SenderFault: true });
      else Successful.push({ Id: entry.Id });
    }
    return { Successful, Failed };
  }
}

interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  receiveCount: number;
  visibleAt: number;
  receivedAt?: number;
  handle?: string;
}
