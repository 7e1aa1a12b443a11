import { DeliveryError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface RetryPolicy {
  /** Retries after the first try; 0 disables retrying. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After honoured; a longer one fails the delivery instead of holding it. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  minDelayMs: 100,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
};

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: a random delay up to min(max, min·2^n). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** retry);
  return Math.round(policy.minDelayMs / 2 + random() * (ceiling - policy.minDelayMs / 2));
}

export function isRetryable(error: unknown): boolean {
  return error instanceof DeliveryError && error.retryable;
}

/**
 * Runs `attempt` until it succeeds, retrying network errors, 429 and 5xx (waiting what Retry-After asks
 * when the provider says), never 4xx. The last error is thrown.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
  context: Record<string, unknown> = {},
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || retry >= policy.retries) throw error;
      const retryAfter = (error as DeliveryError).retryAfterMs;
      if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) throw error;
      const delay = retryAfter ?? backoffDelay(policy, retry, hooks.random);
      hooks.logger?.warn(
        { ...context, err: error, retry: retry + 1, of: policy.retries, delayMs: delay },
        'delivery failed, retrying',
      );
      await sleep(delay);
    }
  }
}

/** Reads a Retry-After header: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
