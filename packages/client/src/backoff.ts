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
  private attempt = 0;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
  readonly quickAttempts: number;
  readonly quickMs: number;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 30_000;
    this.multiplier = options.multiplier ?? 2;
    this.quickAttempts = options.quickAttempts ?? 0;
    this.quickMs = options.quickMs ?? this.initialMs;
  }

  /** The ceiling of the next delay, before jitter. */
  ceiling(): number {
    if (this.attempt < this.quickAttempts) {
      return Math.min(this.quickMs, this.maxMs, this.initialMs * this.multiplier ** this.attempt);
    }
    return Math.min(this.maxMs, this.quickMs * this.multiplier ** (this.attempt - this.quickAttempts));
  }

  next(): number {
    const delay = this.random() * this.ceiling();
    this.attempt += 1;
    return Math.floor(delay);
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
