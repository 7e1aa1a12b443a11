import type { WebhookEventName } from '../config-schema.js';

/** One event of a webhook request's `events` array, as Pusher sends it. */
export type WebhookEvent =
  | { name: 'channel_occupied' | 'channel_vacated' | 'cache_miss'; channel: string }
  | { name: 'member_added' | 'member_removed'; channel: string; user_id: string }
  | { name: 'client_event'; channel: string; event: string; data: string; socket_id: string; user_id?: string };

/**
 * Where channel lifecycle events go (the webhooks of the app). The relay feeds it from the
 * adapter's join and leave results; an adapter that spans nodes decides when a channel is
 * occupied or vacated across all of them, and reports what only it can see (e.g. the members
 * of a node that died) by calling `emit` itself (see adapter-hooks.ts).
 */
export interface ChannelEventSink {
  emit(appId: string, event: WebhookEvent): void;
  /** True when a receiver of the app asked for `name`: skip building events nobody wants. */
  wants(appId: string, name: WebhookEventName): boolean;
}
