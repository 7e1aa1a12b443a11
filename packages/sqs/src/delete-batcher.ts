import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { type BatchFailure, deleteMessages, MAX_BATCH } from './sqs-batches.js';

/**
 * Collects finished messages and deletes them 10 at a time: a full batch goes at once, a partial one after a few
 * milliseconds. A message whose delete fails comes back after its visibility timeout; the worker then sees from
 * the task store that the task already ended and deletes it without running it again.
 */
export class DeleteBatcher {
  private pending: Array<{ message: Message; done: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly onFailure: (failure: BatchFailure | { error: unknown; messages: Message[] }) => void,
    private readonly maxWaitMs = 10,
  ) {}

  /** Resolves once the delete was sent (whether or not SQS accepted it; refusals go to onFailure). */
  delete(message: Message): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push({ message, done: resolve });
      if (this.pending.length >= MAX_BATCH) this.send();
      else if (!this.timer) this.timer = setTimeout(() => this.send(), this.maxWaitMs);
    });
  }

  /** Sends everything pending and waits for every delete sent so far. */
  async flush(): Promise<void> {
    while (this.pending.length > 0) this.send();
    await Promise.all(this.inFlight);
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    const messages = batch.map((entry) => entry.message);
    const request = deleteMessages(this.sqs, this.queueUrl, messages)
      .then((failures) => {
        for (const failure of failures) this.onFailure(failure);
      })
      .catch((error: unknown) => this.onFailure({ error, messages }))
      .finally(() => {
        this.inFlight.delete(request);
        for (const entry of batch) entry.done();
      });
    this.inFlight.add(request);
    if (this.pending.length > 0 && !this.timer) this.timer = setTimeout(() => this.send(), this.maxWaitMs);
  }
}
