import { z } from 'zod';
import { adapterConfigSchema } from './adapters/adapter-config.js';

const positiveInt = z.number().int().positive();

/** Per-app limits; every one has Pusher's default. */
export const appLimitsSchema = z.object({
  /** Connections of this app at once; over it a new connection is closed with 4004. 0 = no limit. */
  maxConnections: z.number().int().nonnegative().default(0),
  /** Client events a connection may send per second before they are refused with error 4301. */
  maxClientEventsPerSecond: positiveInt.default(10),
  /** Bytes of one event's `data` (HTTP API and client events). */
  maxPayloadBytes: positiveInt.default(10 * 1024),
  /** Bytes of one websocket frame a client may send. */
  maxFrameBytes: positiveInt.default(10 * 1024),
  maxPresenceMembers: positiveInt.default(100),
  /** Bytes of one presence member's `user_info` (JSON). */
  maxPresenceMemberInfoBytes: positiveInt.default(1024),
  maxUserIdLength: positiveInt.default(128),
  maxChannelsPerTrigger: positiveInt.default(100),
  maxBatchSize: positiveInt.default(10),
  maxEventNameLength: positiveInt.default(200),
  /** A cache channel's last event is forgotten after this many seconds. */
  cacheTtlSeconds: positiveInt.default(1800),
  /** Events the HTTP API accepts per second (one per channel an event goes to), else 429. 0 = no limit. */
  maxBackendEventsPerSecond: z.number().int().nonnegative().default(0),
  /** HTTP API reads (channels, channel, users) per second, else 429. 0 = no limit. */
  maxApiReadsPerSecond: z.number().int().nonnegative().default(0),
});

export const webhookEventNames = [
  'channel_occupied',
  'channel_vacated',
  'member_added',
  'member_removed',
  'client_event',
  'cache_miss',
] as const;

/** One webhook receiver of an app: Pusher-style batches of the `events` it asked for. */
export const webhookSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'a webhook url must be an http(s) URL' }),
  events: z
    .array(z.enum(webhookEventNames))
    .min(1)
    .default([...webhookEventNames]),
});

/** How the relay sends webhooks (all apps). */
export const webhookDeliverySchema = z.object({
  /** Events of this many milliseconds go out in one request. */
  batchMilliseconds: z.number().int().nonnegative().default(100),
  /** Attempts per request (the first and the retries), with exponential backoff between them. */
  maxAttempts: positiveInt.default(5),
  /** Delay before the first retry; doubles for each next one (with jitter). */
  retryDelayMilliseconds: positiveInt.default(500),
  /** A request that gets no answer in this time counts as failed. */
  timeoutMilliseconds: positiveInt.default(5000),
  /** Events waiting per receiver; the oldest are dropped beyond it (a dead receiver must not eat memory). */
  maxQueuedEvents: positiveInt.default(10_000),
});

export const appConfigSchema = z.object({
  id: z.string().min(1).max(64),
  key: z.string().min(1).max(128),
  secret: z.string().min(1),
  enabled: z.boolean().default(true),
  enableClientMessages: z.boolean().default(false),
  limits: appLimitsSchema.default(() => appLimitsSchema.parse({})),
  webhooks: z.array(webhookSchema).default([]),
});

export const relayConfigSchema = z
  .object({
    apps: z.array(appConfigSchema).min(1, 'configure at least one app (id, key, secret)'),
    port: z.number().int().min(0).max(65535).default(6001),
    host: z.string().min(1).default('0.0.0.0'),
    /** Seconds of silence after which the relay pings a client (sent to clients as activity_timeout). */
    activityTimeoutSeconds: positiveInt.default(120),
    /** Seconds a client has to answer the relay's ping before it is closed with 4201. */
    pongTimeoutSeconds: z.number().positive().default(30),
    /** Connections across all apps; over it a new connection is closed with 4100. 0 = no limit. */
    maxConnections: z.number().int().nonnegative().default(0),
    /** Largest HTTP API request body in bytes. */
    maxHttpBodyBytes: positiveInt.default(256 * 1024),
    /** Seconds a signed HTTP API request's timestamp may differ from the relay's clock. */
    maxClockSkewSeconds: positiveInt.default(600),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    webhookDelivery: webhookDeliverySchema.default(() => webhookDeliverySchema.parse({})),
    /** Channel state: `local` (one process) or `redis` (several relay processes behind a load balancer). */
    adapter: adapterConfigSchema.default({ driver: 'local' }),
    /** A graceful shutdown (SIGTERM) waits at most this long for clients to leave and webhooks to flush. */
    shutdownTimeoutMs: positiveInt.default(10_000),
  })
  .superRefine((config, ctx) => {
    const seen = { id: new Set<string>(), key: new Set<string>() };
    config.apps.forEach((app, index) => {
      for (const field of ['id', 'key'] as const) {
        if (seen[field].has(app[field])) {
          ctx.addIssue({ code: 'custom', path: ['apps', index, field], message: `duplicate app ${field}` });
        }
        seen[field].add(app[field]);
      }
    });
  });

export type AppLimits = z.infer<typeof appLimitsSchema>;
export type WebhookEventName = (typeof webhookEventNames)[number];
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;
export type AppConfigInput = z.input<typeof appConfigSchema>;
export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type RelayConfigInput = z.input<typeof relayConfigSchema>;
