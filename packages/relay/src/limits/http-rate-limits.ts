import type { AppConfig } from '../config-schema.js';
import { HttpApiError, RelayErrorCode } from '../errors.js';
import type { AppRate, AppRateLimiter } from './app-rate-limiter.js';

const RATES: Record<AppRate, { limit: (app: AppConfig) => number; what: string; setting: string }> = {
  'backend-events': {
    limit: (app) => app.limits.maxBackendEventsPerSecond,
    what: 'events (one per channel) per second',
    setting: 'limits.maxBackendEventsPerSecond',
  },
  'api-reads': {
    limit: (app) => app.limits.maxApiReadsPerSecond,
    what: 'HTTP API reads per second',
    setting: 'limits.maxApiReadsPerSecond',
  },
};

/** Spends `count` of the app's `rate`; throws a 429 HttpApiError when the app is over it. */
export async function enforceAppRate(
  limiter: AppRateLimiter,
  app: AppConfig,
  rate: AppRate,
  count: number,
): Promise<void> {
  const { limit, what, setting } = RATES[rate];
  const perSecond = limit(app);
  if (perSecond === 0 || (await limiter.take(app.id, rate, count, perSecond))) return;
  throw new HttpApiError(
    429,
    RelayErrorCode.RateLimited,
    `app ${app.id} is over its limit of ${perSecond} ${what} (${setting}); slow down and retry`,
  );
}
