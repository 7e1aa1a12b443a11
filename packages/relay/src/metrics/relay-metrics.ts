import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { WebhookOutcomes } from '../webhooks/webhook-target.js';
import { TrafficCounters } from './traffic.js';

/** What the gauges are read from when scraped. */
export interface ConnectionSource {
  readonly connections: Iterable<{
    readonly app: { readonly id: string };
    readonly socket: { readonly transport: string };
    readonly channels: { readonly size: number };
  }>;
}

const PREFIX = 'inloop_relay_';

/** A counter whose value lives elsewhere and is copied in at scrape time. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name: PREFIX + name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/**
 * The relay's Prometheus metrics, in a registry of its own so that several relays in one
 * process do not collide. Served at `GET /metrics`.
 */
export class RelayMetrics implements WebhookOutcomes {
  readonly registry = new Registry();
  readonly traffic = new TrafficCounters();
  readonly #httpRequests: Counter<'route' | 'status'>;
  readonly #webhookRequests: Counter<'outcome'>;
  readonly #webhookEventsDropped: Counter<'reason'>;
  readonly #adapterRoundTrips: Histogram<'operation'>;

  constructor(source: ConnectionSource) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, prefix: PREFIX });
    new Gauge({
      name: `${PREFIX}connections`,
      help: 'Open client connections',
      labelNames: ['app_id', 'transport'],
      registers: [registry],
      collect() {
        this.reset();
        for (const connection of source.connections) {
          this.inc({ app_id: connection.app.id, transport: connection.socket.transport });
        }
      },
    });
    new Gauge({
      name: `${PREFIX}subscriptions`,
      help: 'Channel subscriptions of the open connections',
      labelNames: ['app_id'],
      registers: [registry],
      collect() {
        this.reset();
        for (const connection of source.connections) {
          if (connection.channels.size > 0) this.inc({ app_id: connection.app.id }, connection.channels.size);
        }
      },
    });
    const { traffic } = this;
    mirroredCounter(registry, 'messages_received_total', 'Frames received from clients', () => traffic.messagesIn);
    mirroredCounter(registry, 'bytes_received_total', 'Bytes of frames received from clients', () => traffic.bytesIn);
    mirroredCounter(registry, 'messages_sent_total', 'Frames sent to clients', () => traffic.messagesOut);
    mirroredCounter(registry, 'bytes_sent_total', 'Bytes of frames sent to clients', () => traffic.bytesOut);
    this.#httpRequests = new Counter({
      name: `${PREFIX}http_api_requests_total`,
      help: 'HTTP API requests by route and response status',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
    this.#webhookRequests = new Counter({
      name: `${PREFIX}webhook_requests_total`,
      help: 'Webhook requests: delivered (2xx) or failed (error, timeout or non-2xx; maybe retried)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.#webhookEventsDropped = new Counter({
      name: `${PREFIX}webhook_events_dropped_total`,
      help: 'Webhook events given up on: gave_up (after the last attempt) or queue_full',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.#adapterRoundTrips = new Histogram({
      name: `${PREFIX}adapter_round_trip_seconds`,
      help: 'Round-trips of the adapter to its shared store, by operation',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
  }

  httpRequest(route: string, status: number): void {
    this.#httpRequests.inc({ route, status: String(status) });
  }

  webhookDelivered(): void {
    this.#webhookRequests.inc({ outcome: 'delivered' });
  }

  webhookAttemptFailed(): void {
    this.#webhookRequests.inc({ outcome: 'failed' });
  }

  webhookEventsDropped(reason: 'gave_up' | 'queue_full', events: number): void {
    this.#webhookEventsDropped.inc({ reason }, events);
  }

  adapterRoundTrip(operation: string, seconds: number): void {
    this.#adapterRoundTrips.observe({ operation }, seconds);
  }
}
