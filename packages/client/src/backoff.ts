export interface BackoffOptions {
  /** Upper bound of the first delay in ms (default 250). */
  initialMs?: number;
  /** Cap of any delay in ms (default 30 000). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  multiplier?: number;
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

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 30_000;
    this.multiplier = options.multiplier ?? 2;
  }

  /** The ceiling of the next delay, before jitter. */
  ceiling(): number {
    return Math.min(this.maxMs, this.initialMs * this.multiplier ** this.attempt);
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
