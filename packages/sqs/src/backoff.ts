/** How long a failed job waits before its next attempt. */
export interface BackoffOptions {
  /** Delay before the 2nd attempt, in ms, before jitter. Default 1,000. */
  baseMs?: number;
  /** The delay never exceeds this, in ms. Default 900,000 (15 min). */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 1_000, maxMs: 900_000, factor: 2 };

/**
 * Exponential backoff with "equal jitter": half of the exponential delay is fixed and half random, so retries of
 * many jobs that failed together spread out, yet none comes back at once.
 */
export function backoffDelayMs(failedAttempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const { baseMs, maxMs, factor } = { ...DEFAULT_BACKOFF, ...options };
  const exponential = Math.min(maxMs, baseMs * factor ** Math.max(0, failedAttempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
