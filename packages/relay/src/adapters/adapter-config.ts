import { z } from 'zod';

const redisUrl = z
  .string()
  .refine(
    (url) => /^rediss?:\/\//.test(url),
    'a Redis URL starts with redis:// or rediss://, e.g. redis://127.0.0.1:6379',
  );

/** Which adapter shares channel state: `local` (one process) or `redis` (several relay processes). */
export const adapterConfigSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('local') }),
  z
    .object({
      driver: z.literal('redis'),
      url: redisUrl.default('redis://127.0.0.1:6379'),
      /** Prefix of every key and pub/sub channel: relays with the same prefix form one cluster. */
      prefix: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[^\s]+$/, 'the prefix cannot contain whitespace')
        .default('inloop-relay'),
      /** How often a node tells the others it is alive. */
      heartbeatMs: z.number().int().min(50).default(5000),
      /** A node silent for this long is presumed dead: its members and subscriptions are removed. */
      nodeExpiryMs: z.number().int().min(150).default(15_000),
      /** A Redis command not answered within this time fails; the relay keeps serving this node's clients. */
      commandTimeoutMs: z.number().int().positive().default(5000),
    })
    .refine((redis) => redis.nodeExpiryMs >= 2 * redis.heartbeatMs, {
      message: 'nodeExpiryMs must be at least twice heartbeatMs, or live nodes are taken for dead',
      path: ['nodeExpiryMs'],
    }),
]);

export type AdapterConfig = z.infer<typeof adapterConfigSchema>;
export type AdapterConfigInput = z.input<typeof adapterConfigSchema>;
export type RedisAdapterConfig = Extract<AdapterConfig, { driver: 'redis' }>;

/**
 * The adapter after `--redis-url` / `--redis-prefix` (or `INLOOP_RELAY_REDIS_URL` /
 * `INLOOP_RELAY_REDIS_PREFIX`): either one selects the redis driver and overrides those fields
 * of the config file's adapter. Undefined when neither is given.
 */
export function redisAdapterFromFlags(
  url: string | undefined,
  prefix: string | undefined,
  base: unknown,
): AdapterConfigInput | undefined {
  if (!url && !prefix) return undefined;
  const fromFile = typeof base === 'object' && base !== null && (base as { driver?: unknown }).driver === 'redis';
  return {
    ...(fromFile ? (base as AdapterConfigInput) : {}),
    driver: 'redis',
    ...(url ? { url } : {}),
    ...(prefix ? { prefix } : {}),
  } as AdapterConfigInput;
}
