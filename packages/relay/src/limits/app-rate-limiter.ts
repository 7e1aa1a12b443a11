import { TokenBucket } from './token-bucket.js';

/** What an app's per-second budget is spent on. */
export type AppRate = 'backend-events' | 'api-reads';

/**
 * Per-app rates, behind an interface so that several relay processes can share one budget:
 * `RedisAppRateLimiter` counts all nodes in one key per app, rate and second;
 * {@link LocalAppRateLimiter} counts in this process.
 */
export interface AppRateLimiter {
  /** Spends `count` of the app's budget of `perSecond` for `rate`; false, spending nothing, when it would go over. */
  take(appId: string, rate: AppRate, count: number, perSecond: number): Promise<boolean>;
}

/** Per-app rates of one relay process: one token bucket per app and rate. */
export class LocalAppRateLimiter implements AppRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(appId: string, rate: AppRate, count: number, perSecond: number): Promise<boolean> {
    const key = `${rate}\u0000${appId}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(perSecond, this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(count);
  }
}
