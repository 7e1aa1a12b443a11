import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { AdapterConfig } from '../adapters/adapter-config.js';
import { type AppRateLimiter, LocalAppRateLimiter } from './app-rate-limiter.js';
import { RedisAppRateLimiter } from './redis-app-rate-limiter.js';

export interface OwnedRateLimiter {
  limiter: AppRateLimiter;
  close(): Promise<void>;
}

/**
 * The rate limiter that matches the adapter: with `redis`, rates are counted across the cluster
 * (on a connection of its own, under the adapter's prefix); otherwise in this process.
 */
export async function createAppRateLimiter(
  adapter: AdapterConfig,
  logger: FastifyBaseLogger,
): Promise<OwnedRateLimiter> {
  if (adapter.driver !== 'redis') return { limiter: new LocalAppRateLimiter(), close: async () => {} };
  const redis = new Redis(adapter.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: adapter.commandTimeoutMs,
    connectionName: 'inloop-relay-rate-limits',
  });
  redis.on('error', (error) => logger.debug({ err: error }, 'rate limit Redis connection error'));
  try {
    await redis.connect();
  } catch (error) {
    logger.warn({ err: error }, 'rate limits are not checked until Redis answers');
  }
  return {
    limiter: new RedisAppRateLimiter({ redis, prefix: adapter.prefix, logger }),
    close: async () => {
      redis.disconnect();
    },
  };
}
