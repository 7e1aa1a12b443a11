import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppRate, AppRateLimiter } from './app-rate-limiter.js';

/** Adds the take to this second's count unless that goes over the limit: all or nothing, atomically. */
const TAKE_LUA = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], 2000) end
if count > tonumber(ARGV[2]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return 0
end
return 1`;

interface RateCommands extends Redis {
  inloopTakeRate(key: string, count: number, perSecond: number): Promise<number>;
}

export interface RedisAppRateLimiterOptions {
  /** A connection the caller owns (and closes), e.g. the Redis adapter's command connection. */
  redis: Redis;
  /** Relays with the same prefix share their budgets. */
  prefix: string;
  logger?: FastifyBaseLogger;
  /** The clock that picks the one-second window; nodes' clocks are assumed in sync (NTP). */
  now?: () => number;
}

/**
 * Per-app rates counted across every relay node sharing a Redis: one counter per app, rate and
 * second. When Redis cannot answer, requests are let through (a rate limit must not take the
 * API down with it) and a warning is logged.
 */
export class RedisAppRateLimiter implements AppRateLimiter {
  readonly #redis: RateCommands;
  #warnedAt = 0;

  constructor(private readonly options: RedisAppRateLimiterOptions) {
    const redis = options.redis as RateCommands;
    if (typeof redis.inloopTakeRate !== 'function') {
      redis.defineCommand('inloopTakeRate', { numberOfKeys: 1, lua: TAKE_LUA });
    }
    this.#redis = redis;
  }

  async take(appId: string, rate: AppRate, count: number, perSecond: number): Promise<boolean> {
    if (count > perSecond) return false;
    const second = Math.floor((this.options.now ?? Date.now)() / 1000);
    const key = `${this.options.prefix}:rate:${rate}:${appId}:${second}`;
    try {
      return (await this.#redis.inloopTakeRate(key, count, perSecond)) === 1;
    } catch (error) {
      const now = Date.now();
      if (now - this.#warnedAt > 10_000) {
        this.#warnedAt = now;
        this.options.logger?.warn({ err: error, appId, rate }, 'rate limit not checked: Redis did not answer');
      }
      return true;
    }
  }
}
