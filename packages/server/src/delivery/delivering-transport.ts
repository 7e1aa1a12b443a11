import { InloopError, InvalidArgumentError, ServerErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { BatchEvent, Transport, TriggerOptions } from '../transports/transport.js';
import type { EncodedEvent, ProviderDriver } from './driver.js';
import { assertPayloadSize, encodeEventData } from './payload-size.js';
import { type RetryHooks, type RetryPolicy, withRetry } from './retry.js';

export interface DeliveryOptions {
  retry: RetryPolicy;
  /** Merge triggers made in the same event-loop turn into batch calls. */
  batch: boolean;
  logger: Logger;
  hooks?: RetryHooks;
}

interface PendingTrigger {
  channels: string[];
  name: string;
  data: unknown;
  encoded: string;
  socketId?: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Wraps a provider driver with payload checks, retries and batching of concurrent triggers. */
export function createDeliveringTransport(driver: ProviderDriver, options: DeliveryOptions): Transport {
  let queue: PendingTrigger[] = [];
  let flushScheduled = false;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  const hooks: RetryHooks = { logger: options.logger, ...options.hooks };

  const retried = <T>(call: () => Promise<T>, context: Record<string, unknown>): Promise<T> => {
    const promise = withRetry(call, options.retry, hooks, { transport: driver.kind, ...context });
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  };

  const sendSingle = async (job: Omit<PendingTrigger, 'resolve' | 'reject'>): Promise<void> => {
    await Promise.all(
      chunk(job.channels, driver.maxChannelsPerTrigger).map((channels) =>
        retried(() => driver.publish(channels, job.name, job.data, job.encoded, job.socketId), {
          event: job.name,
          channels,
        }),
      ),
    );
  };

  const sendBatch = async (events: EncodedEvent[]): Promise<void> => {
    await Promise.all(
      chunk(events, driver.maxBatchSize).map((batch) =>
        retried(() => driver.publishBatch(batch), { batchSize: batch.length }),
      ),
    );
  };

  const flush = () => {
    flushScheduled = false;
    const jobs = queue;
    queue = [];
    if (jobs.length === 1) {
      const job = jobs[0]!;
      sendSingle(job).then(job.resolve, job.reject);
      return;
    }
    // Each job's events go in the batch in order; a job settles when every batch holding its events has.
    const events: EncodedEvent[] = [];
    const owners: PendingTrigger[] = [];
    for (const job of jobs) {
      for (const channel of job.channels) {
        events.push({ channel, name: job.name, data: job.data, encoded: job.encoded, socketId: job.socketId });
        owners.push(job);
      }
    }
    const outcome = new Map<PendingTrigger, Promise<unknown>[]>();
    chunk(events, driver.maxBatchSize).forEach((batch, index) => {
      const sent = retried(() => driver.publishBatch(batch), { batchSize: batch.length });
      const start = index * driver.maxBatchSize;
      for (const job of new Set(owners.slice(start, start + batch.length))) {
        const list = outcome.get(job) ?? [];
        list.push(sent);
        outcome.set(job, list);
      }
    });
    for (const [job, sends] of outcome) Promise.all(sends).then(() => job.resolve(), job.reject);
  };

  const checkOpen = () => {
    if (closed) throw new InloopError(ServerErrorCode.TransportClosed, `${driver.kind} transport is closed`);
  };

  return {
    kind: driver.kind,

    async trigger(channels: string | string[], event: string, data: unknown, triggerOptions: TriggerOptions = {}) {
      checkOpen();
      const list = typeof channels === 'string' ? [channels] : channels;
      if (list.length === 0) throw new InvalidArgumentError(`${driver.kind}: trigger needs at least one channel`);
      const encoded = encodeEventData(data);
      assertPayloadSize(driver.kind, event, encoded, driver.maxPayloadBytes);
      const job = { channels: list, name: event, data, encoded, socketId: triggerOptions.socketId };
      if (!options.batch) return sendSingle(job);
      return new Promise<void>((resolve, reject) => {
        queue.push({ ...job, resolve, reject });
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },

    async triggerBatch(events: BatchEvent[]) {
      checkOpen();
      const encoded = events.map((event): EncodedEvent => {
        const text = encodeEventData(event.data);
        assertPayloadSize(driver.kind, event.name, text, driver.maxPayloadBytes);
        return { channel: event.channel, name: event.name, data: event.data, encoded: text, socketId: event.socketId };
      });
      if (encoded.length > 0) await sendBatch(encoded);
    },

    authorizeChannel: driver.authorizeChannel?.bind(driver),
    authenticateUser: driver.authenticateUser?.bind(driver),
    createTokenRequest: driver.createTokenRequest?.bind(driver),

    async close() {
      if (closed) return;
      closed = true;
      if (flushScheduled) flush();
      await Promise.allSettled([...inFlight]);
      await driver.close();
    },
  };
}
