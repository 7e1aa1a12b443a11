import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig, WebhookDelivery, WebhookEventName } from '../config-schema.js';
import type { ChannelEventSink, WebhookEvent } from './webhook-events.js';
import { type WebhookOutcomes, WebhookTarget } from './webhook-target.js';

/** The webhooks of every app: routes each event to the receivers that asked for it. */
export class WebhookDispatcher implements ChannelEventSink {
  readonly #targets = new Map<string, WebhookTarget[]>();

  constructor(
    apps: readonly AppConfig[],
    delivery: WebhookDelivery,
    logger: FastifyBaseLogger,
    outcomes: WebhookOutcomes,
  ) {
    for (const app of apps) {
      if (app.webhooks.length === 0) continue;
      const targets = app.webhooks.map(
        (webhook) =>
          new WebhookTarget({ url: webhook.url, events: new Set(webhook.events), app, delivery, logger, outcomes }),
      );
      this.#targets.set(app.id, targets);
    }
  }

  wants(appId: string, name: WebhookEventName): boolean {
    return this.#targets.get(appId)?.some((target) => target.wants(name)) ?? false;
  }

  emit(appId: string, event: WebhookEvent): void {
    for (const target of this.#targets.get(appId) ?? []) {
      if (target.wants(event.name)) target.push(event);
    }
  }

  /** Sends every queued event now; resolves when all are delivered or given up (retries are bounded). */
  async flush(): Promise<void> {
    await Promise.all([...this.#targets.values()].flat().map((target) => target.flush()));
  }

  /** Abandons whatever is still queued or in flight. */
  async close(): Promise<void> {
    await Promise.all([...this.#targets.values()].flat().map((target) => target.close()));
  }
}
