import { z } from 'zod';

/** Payload limits of the providers, in bytes of the serialized event data. */
export const PUSHER_MAX_PAYLOAD_BYTES = 10 * 1024;
export const ABLY_MAX_PAYLOAD_BYTES = 64 * 1024;
export const RELAY_DEFAULT_MAX_PAYLOAD_BYTES = 10 * 1024;
export const RELAY_DEFAULT_PORT = 6001;

const missingOr = (wrongType: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is missing' : wrongType;

const text = () => z.string({ error: missingOr('must be a string') }).min(1, 'cannot be empty');
const secretText = () =>
  z.string({ error: missingOr('must be a string') }).min(1, 'cannot be empty (the secret is shown on the dashboard)');
const port = () =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535');
const positiveInt = () =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be above 0');
const bool = () =>
  z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')], {
    error: 'must be true or false',
  });

/** How failed deliveries are retried: exponential backoff with full jitter. */
export const retrySchema = z.strictObject({
  retries: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'cannot be negative'),
  minDelayMs: positiveInt().optional(),
  maxDelayMs: positiveInt().optional(),
});

const common = {
  timeoutMs: positiveInt().optional(),
  maxPayloadBytes: positiveInt().optional(),
  retries: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'cannot be negative')
    .optional(),
  /** Merge triggers made at the same moment into batch calls. */
  batch: bool().optional(),
};

export const pusherConfigSchema = z.strictObject({
  transport: z.literal('pusher'),
  appId: text().regex(/^\d+$/, 'must be the numeric app id from the Pusher dashboard'),
  key: text(),
  secret: secretText(),
  cluster: text()
    .regex(/^[a-z0-9-]+$/, 'must be a cluster name like eu, us2 or ap1')
    .optional(),
  host: text().optional(),
  port: port().optional(),
  useTLS: bool().optional(),
  encryptionMasterKeyBase64: secretText().optional(),
  ...common,
});

export const ablyConfigSchema = z.strictObject({
  transport: z.literal('ably'),
  /** The API key's name, `APP_ID.KEY_ID` (the part before the colon). */
  key: text().regex(/^[^.:\s]+\.[^.:\s]+$/, 'must be the API key name, APP_ID.KEY_ID (the part before the colon)'),
  secret: secretText(),
  /** An Ably-compatible endpoint instead of Ably's own. */
  host: text().optional(),
  port: port().optional(),
  useTLS: bool().optional(),
  ...common,
});

export const relayConfigSchema = z.strictObject({
  transport: z.literal('relay'),
  appId: text(),
  key: text(),
  secret: secretText(),
  host: text(),
  port: port().optional(),
  useTLS: bool().optional(),
  ...common,
});

export const memoryConfigSchema = z.strictObject({ transport: z.literal('memory') });
export const logConfigSchema = z.strictObject({
  transport: z.literal('log'),
  level: z.enum(['debug', 'info', 'warn'], { error: 'must be debug, info or warn' }).optional(),
});
export const nullConfigSchema = z.strictObject({ transport: z.literal('null') });

export const TRANSPORT_KINDS = ['pusher', 'ably', 'relay', 'memory', 'log', 'null'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

export const configSchemas = {
  pusher: pusherConfigSchema,
  ably: ablyConfigSchema,
  relay: relayConfigSchema,
  memory: memoryConfigSchema,
  log: logConfigSchema,
  null: nullConfigSchema,
} as const;

export type PusherConfig = z.output<typeof pusherConfigSchema>;
export type AblyConfig = z.output<typeof ablyConfigSchema>;
export type RelayConfig = z.output<typeof relayConfigSchema>;
export type MemoryConfig = z.output<typeof memoryConfigSchema>;
export type LogConfig = z.output<typeof logConfigSchema>;
export type NullConfig = z.output<typeof nullConfigSchema>;
export type TransportConfig = PusherConfig | AblyConfig | RelayConfig | MemoryConfig | LogConfig | NullConfig;

/** What an app may write: the same shapes, with numbers and booleans also accepted as strings. */
export type TransportConfigInput =
  | z.input<typeof pusherConfigSchema>
  | z.input<typeof ablyConfigSchema>
  | z.input<typeof relayConfigSchema>
  | z.input<typeof memoryConfigSchema>
  | z.input<typeof logConfigSchema>
  | z.input<typeof nullConfigSchema>;
