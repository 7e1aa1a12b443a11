import { setTimeout as sleep } from 'node:timers/promises';
import { webhookHeaders } from '@inloop/protocol/signing';
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookDelivery, WebhookEventName } from '../config-schema.js';
import { RelayErrorCode } from '../errors.js';
import type { WebhookEvent } from './webhook-events.js';

/** Pusher sends at most this many events in one request. */
const MAX_EVENTS_PER_REQUEST = 100;

/** What becomes of webhook requests and events (metrics). */
export interface WebhookOutcomes {
  /** A request was answered with 2xx. */
  webhookDelivered(): void;
  /** A request failed (network error, timeout, non-2xx); it may be retried. */
  webhookAttemptFailed(): void;
  /** Events given up on: after the last attempt, or pushed out of a full queue. */
  webhookEventsDropped(reason: 'gave_up' | 'queue_full', events: number): void;
}

export interface WebhookTargetOptions {
  url: string;
  events: ReadonlySet<WebhookEventName>;
  app: { id: string; key: string; secret: string };
  delivery: WebhookDelivery;
  logger: FastifyBaseLogger;
  outcomes: WebhookOutcomes;
}

/** Retries only what may pass next time: network errors, timeouts, 408, 429 and 5xx. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * One receiver URL of one app: a queue of events sent in batches, one request at a time (so
 * they arrive in order), retried with exponential backoff. Nothing here is awaited by message
 * delivery: a slow or dead receiver only grows this queue, which is bounded.
 */
export class WebhookTarget {
  readonly #queue: WebhookEvent[] = [];
  readonly #abort = new AbortController();
  #batchTimer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #dropping = false;

  constructor(private readonly options: WebhookTargetOptions) {}

  wants(name: WebhookEventName): boolean {
    return this.options.events.has(name);
  }

  push(event: WebhookEvent): void {
    if (this.#abort.signal.aborted) return;
    if (this.#queue.length >= this.options.delivery.maxQueuedEvents) {
      this.#queue.shift();
      this.options.outcomes.webhookEventsDropped('queue_full', 1);
      if (!this.#dropping) {
        this.#dropping = true;
        this.#log().warn(`webhook queue full (${this.options.delivery.maxQueuedEvents} events): dropping the oldest`);
      }
    }
    this.#queue.push(event);
    this.#schedule();
  }

  /** Sends what is queued now and resolves once the queue is empty (delivered or given up). */
  async flush(): Promise<void> {
    while ((this.#queue.length > 0 || this.#sending) && !this.#abort.signal.aborted) await this.#send();
  }

  /** Stops: pending timers and requests are abandoned, queued events dropped. */
  async close(): Promise<void> {
    clearTimeout(this.#batchTimer);
    this.#abort.abort();
    if (this.#queue.length > 0) this.#log().warn({ events: this.#queue.length }, 'webhook events dropped on close');
    this.#queue.length = 0;
    await this.#sending;
  }

  /** Sends after the batch window, unless a batch is being sent (it takes what came meanwhile). */
  #schedule(): void {
    if (this.#sending || this.#batchTimer || this.#abort.signal.aborted) return;
    this.#batchTimer = setTimeout(() => this.#send(), this.options.delivery.batchMilliseconds);
    this.#batchTimer.unref();
  }

  #send(): Promise<void> {
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    this.#sending ??= this.#drain().finally(() => {
      this.#sending = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
    return this.#sending;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#abort.signal.aborted) {
      const batch = this.#queue.splice(0, MAX_EVENTS_PER_REQUEST);
      await this.#deliver(batch);
    }
  }

  async #deliver(events: WebhookEvent[]): Promise<void> {
    const { app, delivery, outcomes } = this.options;
    const body = JSON.stringify({ time_ms: Date.now(), events });
    const headers = webhookHeaders(app.key, app.secret, body);
    let problem = '';
    for (let attempt = 1; attempt <= delivery.maxAttempts; attempt++) {
      if (attempt > 1) {
        const delay = delivery.retryDelayMilliseconds * 2 ** (attempt - 2);
        const slept = await sleep(delay / 2 + Math.random() * (delay / 2), undefined, {
          signal: this.#abort.signal,
        }).then(
          () => true,
          () => false,
        );
        if (!slept) return;
      }
      const status = await this.#post(body, headers);
      if (status === 'aborted') return;
      if (typeof status === 'number' && status >= 200 && status < 300) {
        this.#dropping = false;
        outcomes.webhookDelivered();
        return;
      }
      outcomes.webhookAttemptFailed();
      problem = typeof status === 'number' ? `HTTP ${status}` : status;
      if (typeof status === 'number' && !retryable(status)) break;
    }
    outcomes.webhookEventsDropped('gave_up', events.length);
    this.#log().warn(
      { code: RelayErrorCode.WebhookDeliveryFailed, events: events.length, problem },
      `webhook not delivered: ${problem}`,
    );
  }

  /** The response status, or why there is none. */
  async #post(body: string, headers: Record<string, string>): Promise<number | string> {
    const timeout = AbortSignal.timeout(this.options.delivery.timeoutMilliseconds);
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([this.#abort.signal, timeout]),
      });
      await response.body?.cancel();
      return response.status;
    } catch (error) {
      if (this.#abort.signal.aborted) return 'aborted';
      if (timeout.aborted) return `no answer within ${this.options.delivery.timeoutMilliseconds} ms`;
      return (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    }
  }

  #log(): FastifyBaseLogger {
    return this.options.logger.child({ appId: this.options.app.id, webhook: this.options.url });
  }
}
