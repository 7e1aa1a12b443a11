import { z } from 'zod';

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
});

export const appConfigSchema = z.object({
  id: z.string().min(1).max(64),
  key: z.string().min(1).max(128),
  secret: z.string().min(1),
  enabled: z.boolean().default(true),
  enableClientMessages: z.boolean().default(false),
  limits: appLimitsSchema.default(() => appLimitsSchema.parse({})),
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
export type AppConfig = z.infer<typeof appConfigSchema>;
export type AppConfigInput = z.input<typeof appConfigSchema>;
export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type RelayConfigInput = z.input<typeof relayConfigSchema>;
