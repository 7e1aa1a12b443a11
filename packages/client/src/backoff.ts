export interface BackoffOptions {
  /** Upper bound of the first delay in ms (default 250). */
  initialMs?: number;
  /** Cap of any delay in ms (default 30 000). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  multiplier?: number;
  /** The first `quickAttempts` delays stay within `quickMs`; the ceiling then grows from `quickMs` (default 0: no quick phase). */
  quickAttempts?: number;
  quickMs?: number;
}

/**
 * Full-jitter exponential backoff: the n-th delay is uniform in [0, min(max, initial × multiplier^n)].
 * Spreads a crowd of reconnecting clients over the whole window instead of letting them retry in waves.
 */
export class Backoff {
  #attempt = 0;
  readonly #options: BackoffOptions;
  readonly #random: () => number;

  constructor(options: BackoffOptions = {}, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  /** The ceiling of the next delay, before jitter. */
  ceiling(): number {
    const { initialMs = 250, maxMs = 30_000, multiplier = 2, quickAttempts = 0, quickMs = initialMs } = this.#options;
    const quick = this.#attempt < quickAttempts;
    const grown = quick
      ? initialMs * multiplier ** this.#attempt
      : quickMs * multiplier ** (this.#attempt - quickAttempts);
    return Math.min(maxMs, grown, quick ? quickMs : Infinity);
  }

  next(): number {
    const delay = this.#random() * this.ceiling();
    this.#attempt++;
    return Math.floor(delay);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
